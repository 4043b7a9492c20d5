//! Bulk loads: one transaction with the full-text triggers (and, into an
//! empty journal, the indexes) suspended, the new wins indexed in steps
//! as they come and the rest at the end.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};

use super::explain::explain;
use super::{learned, rows, sync, Store};
use crate::domain::sync::{Group, Op};
use crate::domain::win::NewWin;

/// Wins a load adds between two steps of full-text indexing (see
/// `Import::index_added`): the index grows while the workers analyse the
/// next notes, instead of in one long step at the end that nothing else
/// overlaps. FTS5 writes what it holds at each statement: a step of a few
/// thousand wins is a segment about as large as its own buffer would
/// make, so the index costs no more to build than in one statement.
const INDEX_EVERY: usize = 8192;

impl Store {
    /// Stores many wins in one transaction (see `Import`); for the demo.
    pub fn insert_many<'a>(
        &mut self,
        wins: impl IntoIterator<Item = &'a NewWin>,
    ) -> Result<(usize, usize)> {
        let mut import = self.import(false)?;
        for win in wins {
            import.add(win)?;
        }
        import.finish(false, || Ok(()))
    }

    /// Starts a bulk load: one transaction that ends with all of it stored,
    /// or (on an error, a drop, or a dry run) none of it.
    pub fn import(&mut self, replace_existing: bool) -> Result<Import<'_>> {
        let label = self.describe();
        begin_import(&self.conn, label.clone(), replace_existing)
            .map_err(|err| explain(err, &label))
    }

    /// Starts a bulk load of other devices' records (`sync::replay`): like
    /// an import, but nothing it writes is captured, since none of it is
    /// this device's change.
    pub(super) fn replay_load(&mut self) -> Result<Import<'_>> {
        let mut load = self.import(false)?;
        load.capture = None;
        Ok(load)
    }
}

/// A bulk load in progress (see `Store::import`): one IMMEDIATE
/// transaction in WAL, so commands that read go on reading the journal as
/// it was while it runs (and writers wait their turn), run with the
/// schema's triggers (and, into an empty journal, its indexes) suspended
/// and foreign keys off. The rows it writes are whole by construction (a
/// win, then its satellites under the id it was given), and the full-text
/// index the triggers would keep row by row is built in steps of
/// `INDEX_EVERY` wins as they come (`index_added`) and by `finish`.
pub struct Import<'s> {
    conn: &'s Connection,
    label: String,
    names: rows::Names,
    replaced: Vec<i64>,
    /// What the imported labelled wins teach, written by `finish`.
    learning: learned::Tally,
    /// The highest id when the load began.
    indexed_up_to: i64,
    /// Every win up to this id is in the full-text index; this load's
    /// later ones are indexed by `index_added` and `finish`.
    indexed: i64,
    /// Wins added between two steps of indexing (`INDEX_EVERY`).
    index_every: usize,
    /// The schema's text of what `begin_import` dropped, to recreate.
    suspended: Vec<String>,
    replace_existing: bool,
    open: bool,
    /// Set when sync is on: every win added is captured for publishing.
    capture: Option<sync::Capture>,
    pub added: usize,
    pub skipped: usize,
}

impl Import<'_> {
    /// Adds one win; one whose uid is already stored is skipped or replaced.
    pub fn add(&mut self, win: &NewWin) -> Result<()> {
        self.add_taught(win, None)
    }

    /// Like `add`, with the terms the win teaches the learned counts when
    /// its analysis already read them (`capture::enrich_teaching`), so they
    /// are not read again here.
    pub fn add_taught(&mut self, win: &NewWin, terms: Option<Vec<String>>) -> Result<()> {
        let result = (|| -> Result<()> {
            // A win a synced device deleted stays deleted (a delete wins),
            // or this journal would differ from the others.
            if self.capture.is_some() && sync::is_deleted(self.conn, &win.uid)? {
                self.skipped += 1;
                return Ok(());
            }
            let added = self.added;
            self.store(win, terms)?;
            if self.added > added {
                if let Some(capture) = &mut self.capture {
                    capture.record(self.conn, &win.uid, Op::Create, Group::ALL)?;
                }
            }
            Ok(())
        })();
        result.map_err(|err| explain(err, &self.label))
    }

    /// Stores one win, or counts it skipped.
    fn store(&mut self, win: &NewWin, terms: Option<Vec<String>>) -> Result<()> {
        if !self.replace_existing {
            // The uid's unique index decides: no separate look-up.
            match rows::insert_win(self.conn, win, &mut self.names)? {
                Some(id) => {
                    self.learning.add(id, win, terms);
                    self.added += 1;
                    if self.added.is_multiple_of(self.index_every) {
                        self.index_added(id)?;
                    }
                }
                None => self.skipped += 1,
            }
            return Ok(());
        }
        let existing: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM wins WHERE uid = ?1")?
            .query_row([&win.uid], |row| row.get(0))
            .optional()?;
        match existing {
            Some(id) => {
                // The win may be one this import added: count what is
                // tallied so far before taking its lesson back.
                rows::flush(self.conn, &mut self.names)?;
                self.learning.write(self.conn)?;
                learned::forget(self.conn, id)?;
                rows::replace_win(self.conn, id, win, true, &mut self.names)?;
                self.learning.add(id, win, terms);
                self.replaced.push(id);
            }
            None => {
                if let Some(id) = rows::insert_win(self.conn, win, &mut self.names)? {
                    self.learning.add(id, win, terms);
                }
            }
        }
        self.added += 1;
        Ok(())
    }

    /// Indexes the wins added since the last step, up to `last` (the win
    /// just added). Only wins that this load will not write again: those
    /// a load without replacing adds.
    fn index_added(&mut self, last: i64) -> Result<()> {
        // The index row reads the win's tags from their table.
        rows::flush(self.conn, &mut self.names)?;
        index_after(self.conn, self.indexed)?;
        self.indexed = last;
        Ok(())
    }

    /// Indexes every `wins` added (tests take small steps).
    #[cfg(test)]
    pub(super) fn index_every(mut self, wins: usize) -> Self {
        self.index_every = wins.max(1);
        self
    }

    /// The connection, inside the load's transaction.
    pub(super) fn conn(&self) -> &Connection {
        self.conn
    }

    /// Whether the journal held any win when the load began.
    pub(super) fn had_wins(&self) -> bool {
        self.indexed_up_to > 0
    }

    /// Stores a replayed win as it is (it was analysed where it was
    /// written); `None` if its uid is already stored.
    pub(super) fn insert_as_is(&mut self, win: &NewWin) -> Result<Option<i64>> {
        let id = rows::insert_win(self.conn, win, &mut self.names)?;
        if let Some(id) = id {
            self.learning.add(id, win, None);
            self.added += 1;
        }
        Ok(id)
    }

    /// Rewrites a stored win that this load has not written (a replay
    /// writes each win once), timeline included: its old lesson is taken
    /// back now, its new one tallied, its index row rebuilt by `finish`.
    pub(super) fn replace_as_is(&mut self, id: i64, win: &NewWin) -> Result<()> {
        learned::forget(self.conn, id)?;
        rows::replace_win(self.conn, id, win, true, &mut self.names)?;
        self.learning.add(id, win, None);
        self.replaced.push(id);
        self.added += 1;
        Ok(())
    }

    /// Deletes a stored win that this load has not written. The triggers
    /// and foreign keys that would clean its index row and satellites are
    /// suspended: they are deleted here.
    pub(super) fn remove(&mut self, id: i64) -> Result<()> {
        learned::forget(self.conn, id)?;
        for sql in [
            "DELETE FROM wins_fts WHERE rowid = ?1",
            "DELETE FROM win_competencies WHERE win_id = ?1",
            "DELETE FROM win_tags WHERE win_id = ?1",
            "DELETE FROM links WHERE win_id = ?1",
            "DELETE FROM updates WHERE win_id = ?1",
            "DELETE FROM wins WHERE id = ?1",
        ] {
            self.conn.prepare_cached(sql)?.execute([id])?;
        }
        Ok(())
    }

    /// Indexes what was added, restores the triggers and commits, or rolls
    /// it all back when `rehearse` (a dry run) or when `last_check`, asked
    /// just before the commit (indexing a big import takes a while), says
    /// to stop. Returns (added or replaced, skipped).
    pub fn finish(
        mut self,
        rehearse: bool,
        last_check: impl FnOnce() -> Result<()>,
    ) -> Result<(usize, usize)> {
        let counts = (self.added, self.skipped);
        if rehearse {
            self.end("ROLLBACK")
                .map_err(|err| explain(err, &self.label))?;
            return Ok(counts);
        }
        let result = (|| -> Result<()> {
            rows::flush(self.conn, &mut self.names)?;
            self.learning.write(self.conn)?;
            if let Some(capture) = &self.capture {
                capture.finish(self.conn)?;
            }
            // A uid the file holds twice was replaced twice: index it once.
            self.replaced.sort_unstable();
            self.replaced.dedup();
            reindex(self.conn, self.indexed, &self.replaced)?;
            for sql in &self.suspended {
                self.conn.execute_batch(sql)?;
            }
            Ok(())
        })();
        result.map_err(|err| explain(err, &self.label))?;
        // An error here drops `self`, which rolls it all back.
        last_check()?;
        self.end("COMMIT")
            .map_err(|err| explain(err, &self.label))?;
        Ok(counts)
    }

    /// Ends the transaction and puts the connection back as `configure`
    /// left it.
    fn end(&mut self, verb: &str) -> Result<()> {
        self.open = false;
        let ended = self.conn.execute_batch(verb);
        let restored = restore_after_import(self.conn);
        ended?;
        restored
    }
}

impl Drop for Import<'_> {
    /// An import dropped unfinished (an error, a panic) stores nothing.
    fn drop(&mut self) {
        if self.open {
            let _ = self.end("ROLLBACK");
        }
    }
}

fn begin_import(conn: &Connection, label: String, replace_existing: bool) -> Result<Import<'_>> {
    // A larger page cache keeps a big import's pages in memory longer
    // (64 MiB at most), and statement journals stay in memory: spilled to
    // a temporary file they cost two system calls per page, per statement.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Only changeable outside a transaction; `end` turns them back on.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
        let _ = restore_after_import(conn);
        return Err(err.into());
    }
    let mut import = Import {
        conn,
        label,
        names: rows::Names::gathering(),
        replaced: Vec::new(),
        learning: learned::Tally::default(),
        indexed_up_to: 0,
        indexed: 0,
        index_every: INDEX_EVERY,
        suspended: Vec::new(),
        replace_existing,
        open: true,
        capture: None,
        added: 0,
        skipped: 0,
    };
    import.capture = sync::Capture::begin(conn)?;
    import.indexed_up_to = conn.query_row("SELECT coalesce(max(id), 0) FROM wins", [], |row| {
        row.get(0)
    })?;
    import.indexed = import.indexed_up_to;
    // The tally is written at the end, over counts made with today's features.
    learned::ensure_current(conn)?;
    // Suspend the triggers (see migration 0003) and, when the journal is
    // empty, the indexes too: building an index once from sorted rows is
    // far cheaper than growing it row by row, but rebuilding a big
    // journal's indexes for a small import is not. `finish` recreates them
    // from the very text the schema held. The uid's unique index stays: it
    // decides what is already stored.
    let kinds = if import.indexed_up_to == 0 {
        "'trigger', 'index'"
    } else {
        "'trigger'"
    };
    let mut statement = conn.prepare(&format!(
        "SELECT type, name, sql FROM sqlite_master
         WHERE type IN ({kinds}) AND sql IS NOT NULL ORDER BY type DESC, name"
    ))?;
    let suspended = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(statement);
    for (kind, name, sql) in suspended {
        conn.execute_batch(&format!("DROP {kind} \"{name}\""))?;
        import.suspended.push(sql);
    }
    Ok(import)
}

/// The connection settings `begin_import` changed, back to everyday ones.
fn restore_after_import(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    conn.pragma_update(None, "cache_size", -2_000)?;
    Ok(())
}

/// The rows the triggers would write to the full-text index: one
/// definition, in migration 0004.
const FTS_ROW: &str = "INSERT INTO wins_fts (rowid, text, impact, next, tags, project, updates)
    SELECT id, text, impact, next, tags, project, updates FROM wins_fts_rows";

/// Indexes, in one statement, every win after `after_id`, while the
/// triggers are suspended (see migration 0003).
fn index_after(tx: &Connection, after_id: i64) -> Result<()> {
    tx.prepare_cached(&format!("{FTS_ROW} WHERE id > ?1"))?
        .execute([after_id])?;
    Ok(())
}

/// Indexes the wins added after `after_id` and those replaced, while the
/// triggers are suspended (see migration 0003).
fn reindex(tx: &Connection, after_id: i64, replaced: &[i64]) -> Result<()> {
    for id in replaced {
        tx.prepare_cached("DELETE FROM wins_fts WHERE rowid = ?1")?
            .execute([id])?;
    }
    index_after(tx, after_id)?;
    let mut one = tx.prepare(&format!("{FTS_ROW} WHERE id = ?1"))?;
    for id in replaced {
        one.execute([id])?;
    }
    Ok(())
}
