//! Reading and changing wins, one query (or one transaction) each.

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::{learned, rows, snippet, sync, Store};
use crate::domain::filter::{StatusFilter, WinFilter};
use crate::domain::sync::{changed_groups, update_groups, Group, Op};
use crate::domain::win::{format_rfc3339, CompetencySource, NewWin, Stage, Status, Update, Win};

/// A search result as a listing shows it.
#[derive(Debug, Clone)]
pub struct BriefHit {
    pub id: i64,
    /// RFC 3339, as stored.
    pub occurred_at: String,
    pub snippet: String,
}

impl BriefHit {
    /// The day it happened, in the offset it was recorded with.
    pub fn day(&self) -> &str {
        self.occurred_at.get(..10).unwrap_or(&self.occurred_at)
    }
}

/// A search result: the win, a snippet around the match, and its relevance
/// (bm25, higher is better).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub win: Win,
    pub snippet: String,
    pub score: f64,
}
impl Store {
    /// Stores a new win and returns it with its id. The stored row is not
    /// read back: it holds exactly what was written.
    pub fn insert(&mut self, win: &NewWin) -> Result<Win> {
        let id = self.write(|tx| {
            if win.competency_source == CompetencySource::User {
                learned::ensure_current(tx)?;
            }
            let id = rows::insert_win(tx, win, &mut rows::Names::default())?
                .ok_or_else(|| anyhow!("a win with uid {} is already in the journal", win.uid))?;
            learned::learn(tx, id, win)?;
            sync::capture(tx, &win.uid, Op::Create, Group::ALL)?;
            Ok(id)
        })?;
        Ok(win.clone().into_win(id))
    }

    pub fn get(&self, id: i64) -> Result<Option<Win>> {
        read_one(&self.conn, id).map_err(|err| self.explain(err))
    }

    /// Like `get`, but a missing id is an error that says how to find one.
    pub fn require(&self, id: i64) -> Result<Win> {
        self.get(id)?
            .ok_or_else(|| anyhow!("no win #{id} in {} (see: win list)", self.describe()))
    }

    /// Rewrites a win's fields (not its timeline) as given.
    pub fn replace(&mut self, win: &Win) -> Result<Win> {
        let new = win.clone().into_new();
        self.edit(win.id, |stored, _| {
            *stored = new;
            Ok(())
        })
    }

    /// Changes a win in one transaction with its read: `change` gets the
    /// win as stored at that moment (and what labelled wins teach, read in
    /// the same transaction) and changes only what it was asked to, so an
    /// update, star or edit made meanwhile by another command is never
    /// undone. The timeline is not rewritten.
    pub fn edit(
        &mut self,
        id: i64,
        change: impl FnOnce(&mut NewWin, &dyn LearnedCounts) -> Result<()>,
    ) -> Result<Win> {
        let journal = self.describe();
        self.write(|tx| {
            let before = rows::win_by_id(tx, id)?
                .ok_or_else(|| anyhow!("no win #{id} in {journal} (see: win list)"))?;
            let mut win = before.clone();
            change(&mut win, &Counts(tx))?;
            learned::forget(tx, id)?;
            rows::replace_win(tx, id, &win, false, &mut rows::Names::default())?;
            learned::learn(tx, id, &win)?;
            let changed = changed_groups(&before, &win);
            if !changed.is_empty() {
                sync::capture(tx, &win.uid, Op::Edit, &changed)?;
            }
            Ok(())
        })?;
        self.require(id)
    }

    /// Deletes wins (an id given twice counts once); if any id is missing,
    /// deletes none.
    pub fn delete(&mut self, ids: &[i64]) -> Result<usize> {
        let path = self.describe();
        self.delete_each(ids, |tx, id| {
            rows::uid_of(tx, id)?.ok_or_else(|| {
                anyhow!("no win #{id} in {path} (see: win list); nothing was deleted")
            })
        })
    }

    /// Deletes each win `uid_to_delete` names (an id given twice counts
    /// once), inside one transaction: the first refusal deletes none.
    fn delete_each(
        &mut self,
        ids: &[i64],
        uid_to_delete: impl Fn(&rusqlite::Connection, i64) -> Result<String>,
    ) -> Result<usize> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        self.write(|tx| {
            let mut deleted = 0;
            for &id in &ids {
                let uid = uid_to_delete(tx, id)?;
                learned::forget(tx, id)?;
                deleted += tx.execute("DELETE FROM wins WHERE id = ?1", [id])?;
                // Proposals travel by sync too: the other devices drop them.
                sync::capture(tx, &uid, Op::Delete, &[])?;
            }
            Ok(deleted)
        })
    }

    pub fn set_starred(
        &mut self,
        id: i64,
        starred: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<Win> {
        let changed = self.write(|tx| {
            let changed = tx.execute(
                "UPDATE wins SET starred = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, starred, format_rfc3339(&now)],
            )?;
            if let Some(uid) = rows::uid_of(tx, id)? {
                sync::capture(tx, &uid, Op::Star, &[Group::Starred, Group::Updated])?;
            }
            Ok(changed)
        })?;
        if changed == 0 {
            self.require(id)?;
        }
        self.require(id)
    }

    /// Appends a dated follow-up, carries its stage, impact and next onto the
    /// win, and stores what `analyse` derives from the whole win (its
    /// metrics), in one transaction.
    pub fn add_update(
        &mut self,
        id: i64,
        update: &Update,
        analyse: impl FnOnce(&mut NewWin) -> Result<()>,
    ) -> Result<Win> {
        self.require(id)?;
        self.write(|tx| add_update_in(tx, id, update, analyse))?;
        self.require(id)
    }

    /// Moves wins between the inbox and the journal; if any id is missing,
    /// changes none. Returns how many changed. A win the user accepts with
    /// competencies the user labelled starts teaching inference then. Each
    /// win is read inside the transaction that changes it, so what it
    /// teaches is its words as they are, even if an edit just landed.
    pub fn set_status(&mut self, ids: &[i64], status: Status) -> Result<usize> {
        let path = self.describe();
        self.write(|tx| {
            let mut wins = Vec::with_capacity(ids.len());
            for id in ids {
                wins.push(win_in(tx, *id)?.ok_or_else(|| {
                    anyhow!("no win #{id} in {path} (see: win list); nothing was changed")
                })?);
            }
            let mut changed = 0;
            for win in &wins {
                if win.status == status {
                    continue;
                }
                learned::forget(tx, win.id)?;
                tx.prepare_cached("UPDATE wins SET status = ?2 WHERE id = ?1")?
                    .execute(params![win.id, status.as_str()])?;
                let mut entry = win.entry.clone();
                entry.status = status;
                learned::learn(tx, win.id, &entry)?;
                sync::capture(tx, &win.uid, Op::Edit, &[Group::Status])?;
                changed += 1;
            }
            Ok(changed)
        })
    }

    /// Deletes proposed wins (the inbox's reject): checked to be still in
    /// the inbox inside the transaction that deletes them, so a win another
    /// command has just accepted is never deleted. If any is missing or no
    /// longer proposed, deletes none.
    pub fn reject(&mut self, ids: &[i64]) -> Result<usize> {
        let path = self.describe();
        self.delete_each(ids, |tx, id| {
            let found: Option<(String, String)> = tx
                .query_row("SELECT uid, status FROM wins WHERE id = ?1", [id], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?;
            match found {
                None => bail!("no win #{id} in {path} (see: win list); nothing was rejected"),
                Some((uid, status)) if status == Status::Proposed.as_str() => Ok(uid),
                Some(_) => bail!(
                    "#{id} is not in the inbox: it is already in the journal (see: win show {id}); nothing was rejected"
                ),
            }
        })
    }

    /// How many proposed wins wait in the inbox.
    pub fn count_proposed(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM wins WHERE status = 'proposed'",
            [],
            |row| row.get(0),
        )?)
    }

    /// Wins matching a filter, newest first unless asked otherwise.
    pub fn list(&self, filter: &WinFilter) -> Result<Vec<Win>> {
        let mut wins = Vec::new();
        self.for_each(filter, |win| {
            wins.push(win);
            Ok(())
        })?;
        Ok(wins)
    }

    /// Streams matching wins one at a time, so memory stays flat.
    pub fn for_each(
        &self,
        filter: &WinFilter,
        mut visit: impl FnMut(Win) -> Result<()>,
    ) -> Result<()> {
        self.each_row(filter, |row| visit(rows::read_win(row)?))
    }

    /// Streams matching wins in their JSON shape straight from the stored
    /// columns, without building a `Win` (the export path).
    pub fn for_each_stored(
        &self,
        filter: &WinFilter,
        mut visit: impl FnMut(rows::StoredWin) -> Result<()>,
    ) -> Result<()> {
        self.each_row(filter, |row| visit(rows::read_stored(row)?))
    }

    fn each_row(
        &self,
        filter: &WinFilter,
        visit: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let (clause, values) = rows::where_clause(filter);
        let order = if filter.oldest_first { "ASC" } else { "DESC" };
        let limit = filter
            .limit
            .map(|n| format!(" LIMIT {n}"))
            .unwrap_or_default();
        self.each_win_row(
            &format!("{clause} ORDER BY w.occurred_ts {order}, w.id {order}{limit}"),
            values,
            visit,
        )
    }

    /// Runs `SELECT_WIN` followed by `tail` (WHERE, ORDER BY…) and visits each row.
    fn each_win_row(
        &self,
        tail: &str,
        values: Vec<rusqlite::types::Value>,
        visit: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.each_query_row(&format!("{} {tail}", rows::SELECT_WIN), values, visit)
    }

    /// Prepares `sql`, binds `values` and visits each row; SQLite's errors
    /// come back explained.
    fn each_query_row(
        &self,
        sql: &str,
        values: Vec<rusqlite::types::Value>,
        mut visit: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut statement = self.conn.prepare(sql).map_err(|e| self.explain(e.into()))?;
        let mut found = statement
            .query(params_from_iter(values))
            .map_err(|e| self.explain(e.into()))?;
        while let Some(row) = found.next().map_err(|e| self.explain(e.into()))? {
            visit(row)?;
        }
        Ok(())
    }

    /// Like `search`, but only what a terminal listing shows (id, when,
    /// snippet): no satellites are gathered, so it costs what FTS costs.
    pub fn search_brief(&self, fts: &str, filter: &WinFilter) -> Result<Vec<BriefHit>> {
        snippet::register(&self.conn)?;
        let (sql, values) = search_sql("w.id, w.occurred_at", fts, filter);
        let mut hits = Vec::new();
        self.each_query_row(&sql, values, |row| {
            hits.push(BriefHit {
                id: row.get(0)?,
                occurred_at: row.get(1)?,
                snippet: row.get(2)?,
            });
            Ok(())
        })?;
        Ok(hits)
    }

    /// Wins matching an FTS5 expression (see `domain::search`), best first,
    /// with a snippet whose matches sit between `\u{1}` and `\u{2}`.
    pub fn search(&self, fts: &str, filter: &WinFilter) -> Result<Vec<SearchHit>> {
        snippet::register(&self.conn)?;
        let (sql, values) = search_sql(rows::win_columns!(), fts, filter);
        let mut hits = Vec::new();
        self.each_query_row(&sql, values, |row| {
            let win = rows::read_win(row)?;
            let snippet: String = row.get(rows::WIN_COLUMNS)?;
            let rank: f64 = row.get(rows::WIN_COLUMNS + 1)?;
            hits.push(SearchHit {
                win,
                snippet,
                score: (-rank * 1000.0).round() / 1000.0,
            });
            Ok(())
        })?;
        Ok(hits)
    }

    /// What the user's labelled wins say about some terms (see
    /// `analyze::learning_terms`).
    pub fn learned(&self, terms: &[String]) -> Result<crate::analyze::Learned> {
        learned::lookup(&self.conn, terms).map_err(|err| self.explain(err))
    }

    /// Shipped (or later) wins with no recorded impact, oldest first.
    pub fn pending(&self, occurred_before: DateTime<FixedOffset>) -> Result<Vec<Win>> {
        let mut wins = Vec::new();
        self.each_win_row(
            "WHERE w.stage IN ('shipped', 'measured', 'adopted') AND coalesce(trim(w.impact), '') = ''
             AND w.occurred_ts <= ?1 AND w.status = 'accepted' ORDER BY w.occurred_ts ASC, w.id ASC",
            vec![rusqlite::types::Value::Integer(occurred_before.timestamp())],
            |row| {
                wins.push(rows::read_win(row)?);
                Ok(())
            },
        )?;
        Ok(wins)
    }

    /// How many wins the journal holds.
    pub fn count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM wins", [], |row| row.get(0))?)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    #[cfg(test)]
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }
}

/// What the user's labelled wins say about some terms (see
/// `analyze::learning_terms`): from the store, or from inside a
/// transaction (`Store::edit`).
pub trait LearnedCounts {
    fn learned(&self, terms: &[String]) -> Result<crate::analyze::Learned>;
}

impl LearnedCounts for Store {
    fn learned(&self, terms: &[String]) -> Result<crate::analyze::Learned> {
        Store::learned(self, terms)
    }
}

/// The counts as a transaction sees them.
struct Counts<'a>(&'a rusqlite::Connection);

impl LearnedCounts for Counts<'_> {
    fn learned(&self, terms: &[String]) -> Result<crate::analyze::Learned> {
        learned::lookup(self.0, terms)
    }
}

/// One win by id, read on `conn` (the store's connection, or a transaction).
fn read_one(conn: &rusqlite::Connection, id: i64) -> Result<Option<Win>> {
    let sql = format!("{} WHERE w.id = ?1", rows::SELECT_WIN);
    let mut statement = conn.prepare_cached(&sql)?;
    let mut found = statement.query([id])?;
    match found.next()? {
        Some(row) => rows::read_win(row).map(Some),
        None => Ok(None),
    }
}

/// A ranked full-text query: `columns` (of `wins w`), then the snippet and
/// the bm25 score, best first and, among equal scores, the first added
/// (lowest id) first, so the order never depends on the plan.
///
/// The ranking and the cut run on `wins_fts` alone: with `wins` in the
/// ranking query, SQLite read the row of every match (thousands of pages
/// for a common word) before it could sort them. Only the rows that made
/// the cut are then joined with `wins`. The status filter reads the small
/// index of the inbox's wins, not `wins`; the other filters need the win's
/// row, and join it in the ranking query.
fn search_sql(
    columns: &str,
    fts: &str,
    filter: &WinFilter,
) -> (String, Vec<rusqlite::types::Value>) {
    let mut clauses = vec!["wins_fts MATCH ?1".to_string()];
    let row_filter = WinFilter {
        status: StatusFilter::Any,
        ..filter.clone()
    };
    let needs_row = !rows::where_clause_after(&row_filter, Vec::new(), Vec::new())
        .0
        .is_empty();
    let (from, clause, values) = if needs_row {
        let (clause, values) = rows::where_clause_after(
            filter,
            clauses,
            vec![rusqlite::types::Value::Text(fts.to_string())],
        );
        (
            "wins_fts JOIN wins w ON w.id = wins_fts.rowid",
            clause,
            values,
        )
    } else {
        match filter.status {
            StatusFilter::Accepted => clauses.push(format!("wins_fts.rowid NOT IN ({PROPOSED})")),
            StatusFilter::Proposed => clauses.push(format!("wins_fts.rowid IN ({PROPOSED})")),
            StatusFilter::Any => {}
        }
        (
            "wins_fts",
            format!("WHERE {}", clauses.join(" AND ")),
            vec![rusqlite::types::Value::Text(fts.to_string())],
        )
    };
    let limit = filter
        .limit
        .map(|n| format!(" LIMIT {n}"))
        .unwrap_or_default();
    // The snippet is made in the ranking query, where SQLite works it out
    // only for a row that ranks among the best so far (a lookup of each
    // shown row in `wins_fts` afterwards walked the word's whole list of
    // matches every time). FTS5 hands the matches out by ascending id, so
    // with the lowest id first among equal scores a later equal match never
    // enters the best so far and costs no snippet. CROSS JOIN keeps the
    // ranked rows the outer loop.
    let sql = format!(
        "SELECT {columns}, best.snippet, best.score
         FROM (SELECT wins_fts.rowid AS id, bm25(wins_fts) AS score,
                      win_snippet(wins_fts) AS snippet
               FROM {from} {clause} ORDER BY score, id{limit}) best
         CROSS JOIN wins w ON w.id = best.id
         ORDER BY best.score, best.id"
    );
    (sql, values)
}

/// The ids of the inbox's wins, read from their partial index.
const PROPOSED: &str = "SELECT id FROM wins WHERE status = 'proposed'";

/// A win as stored, read inside a transaction.
/// `Store::add_update` inside a transaction (accepting a proposed
/// follow-up shares it). A new impact that replaces another keeps the one
/// it replaces in the timeline, dated when it was last written, so what a
/// win was first said to achieve is never lost (a follow-up that carried
/// it already keeps it).
pub(super) fn add_update_in(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    update: &Update,
    analyse: impl FnOnce(&mut NewWin) -> Result<()>,
) -> Result<()> {
    // Checked again with the write lock held: a `win rm` may have
    // deleted the win since it was read, and the follow-up would
    // otherwise fail on its foreign key in SQLite's words.
    let before = rows::win_by_id(tx, id)?
        .ok_or_else(|| anyhow!("win #{id} was deleted meanwhile; nothing recorded"))?;
    // A new impact or next changes the words the win teaches.
    learned::forget(tx, id)?;
    if let (Some(previous), Some(new)) = (&before.impact, &update.impact) {
        let kept = before
            .updates
            .iter()
            .any(|earlier| earlier.impact.as_ref() == Some(previous));
        if previous != new && !kept {
            let at = before.updated_at.min(update.at).max(before.occurred_at);
            rows::insert_update(
                tx,
                id,
                &Update {
                    at,
                    stage: None,
                    text: None,
                    impact: Some(previous.clone()),
                    next: None,
                },
            )?;
        }
    }
    rows::insert_update(tx, id, update)?;
    tx.execute(
        "UPDATE wins SET stage = coalesce(?2, stage), impact = coalesce(?3, impact),
         next = coalesce(?4, next), updated_at = ?5 WHERE id = ?1",
        params![
            id,
            update.stage.map(Stage::as_str),
            update.impact,
            update.next,
            format_rfc3339(&update.at)
        ],
    )?;
    sync::capture(tx, &before.uid, Op::Update, &update_groups(update))?;
    // Read back inside the transaction, so a concurrent edit is not undone.
    let sql = format!("{} WHERE w.id = ?1", rows::SELECT_WIN);
    let mut statement = tx.prepare_cached(&sql)?;
    let mut found = statement.query([id])?;
    let row = found
        .next()?
        .ok_or_else(|| anyhow!("win #{id} vanished during the update"))?;
    let mut win = rows::read_win(row)?.into_new();
    drop(found);
    analyse(&mut win)?;
    rows::replace_win(tx, id, &win, false, &mut rows::Names::default())?;
    learned::learn_stored(tx, id)
}

fn win_in(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<Option<Win>> {
    let sql = format!("{} WHERE w.id = ?1", rows::SELECT_WIN);
    let mut statement = tx.prepare_cached(&sql)?;
    let mut found = statement.query([id])?;
    found.next()?.map(rows::read_win).transpose()
}
