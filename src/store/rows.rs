//! Reading and writing one win's rows: the wins table and its satellites.

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::value::RawValue;

use crate::domain::filter::{StatusFilter, WinFilter};
use crate::domain::win::{
    format_rfc3339, format_rfc3339_precise, CompetencySource, Kind, NewWin, Provenance, Role,
    Stage, Status, Update, Win,
};

/// The columns `read_win` reads: one win per row, with its satellites
/// gathered as JSON arrays in order, so a listing is a single query (and an
/// export a single stream).
macro_rules! win_columns {
    () => {
        "w.id, w.uid, w.occurred_at, w.created_at, w.updated_at, w.text,
    w.polished, w.impact, w.next, w.kind, w.role, w.stage, w.starred, w.project, w.competency_source,
    w.suggestions, w.metrics,
    (SELECT json_group_array(c.key ORDER BY wc.position) FROM win_competencies wc
        JOIN competencies c ON c.id = wc.competency_id WHERE wc.win_id = w.id),
    (SELECT json_group_array(t.name ORDER BY wt.position) FROM win_tags wt
        JOIN tags t ON t.id = wt.tag_id WHERE wt.win_id = w.id),
    (SELECT json_group_array(l.url ORDER BY l.position) FROM links l WHERE l.win_id = w.id),
    (SELECT json_group_array(json_object('at', u.at, 'stage', u.stage, 'text', u.text,
        'impact', u.impact, 'next', u.next) ORDER BY u.at_ts, unixepoch(u.at, 'subsec'), u.at, u.stage, u.text, u.impact, u.next, u.id)
        FROM updates u WHERE u.win_id = w.id),
    w.status,
    CASE WHEN w.origin IS NULL THEN NULL
        ELSE json_object('source', w.origin, 'client', w.origin_client, 'why', w.origin_why,
            'repository', w.origin_repository, 'remote', w.origin_remote,
            'commits', json(coalesce(w.origin_commits, '[]'))) END,
    w.statement, w.competency_unsure"
    };
}

/// How many columns `win_columns!` reads: a query may add its own after them.
pub const WIN_COLUMNS: usize = 25;
pub(crate) use win_columns;

pub const SELECT_WIN: &str = concat!("SELECT ", win_columns!(), " FROM wins w");

/// The stored win with this id.
pub fn win_by_id(tx: &Connection, id: i64) -> Result<Option<NewWin>> {
    let mut statement = tx.prepare_cached(concat!(
        "SELECT ",
        win_columns!(),
        " FROM wins w WHERE w.id = ?1"
    ))?;
    let mut found = statement.query([id])?;
    match found.next()? {
        Some(row) => Ok(Some(read_win(row)?.into_new())),
        None => Ok(None),
    }
}

/// The stored win with this uid, and its id.
pub fn win_by_uid(tx: &Connection, uid: &str) -> Result<Option<(i64, NewWin)>> {
    let mut statement = tx.prepare_cached(concat!(
        "SELECT ",
        win_columns!(),
        " FROM wins w WHERE w.uid = ?1"
    ))?;
    let mut found = statement.query([uid])?;
    match found.next()? {
        Some(row) => {
            let win = read_win(row)?;
            Ok(Some((win.id, win.into_new())))
        }
        None => Ok(None),
    }
}

/// The uid of the win with this id.
pub fn uid_of(tx: &Connection, id: i64) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached("SELECT uid FROM wins WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

/// Maps a row of `SELECT_WIN` to a win; a value that makes no sense is an
/// error naming the win.
pub fn read_win(row: &Row<'_>) -> Result<Win> {
    let stored = read_stored(row)?;
    let id = stored.id;
    stored
        .into_win()
        .with_context(|| format!("win #{id} in the journal is damaged"))
}

/// A win in the JSON shape `--json` prints (see `domain::record`), straight from its columns: the
/// JSON arrays SQLite built are passed through, not parsed and rewritten.
/// Field order and values match `Win`'s serialization.
#[derive(serde::Serialize)]
pub struct StoredWin {
    id: i64,
    uid: String,
    occurred_at: String,
    created_at: String,
    updated_at: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    polished: Option<String>,
    impact: Option<String>,
    next: Option<String>,
    kind: String,
    role: Option<String>,
    stage: Option<String>,
    starred: bool,
    competencies: Box<RawValue>,
    competency_source: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    competency_unsure: bool,
    suggestions: Box<RawValue>,
    tags: Box<RawValue>,
    project: Option<String>,
    links: Box<RawValue>,
    metrics: Box<RawValue>,
    updates: Box<RawValue>,
    status: String,
    provenance: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement: Option<String>,
}

pub fn read_stored(row: &Row<'_>) -> Result<StoredWin> {
    let json = |index: usize| -> Result<Box<RawValue>> {
        let text: String = row.get(index)?;
        RawValue::from_string(text).map_err(|err| anyhow!("stored JSON is damaged: {err}"))
    };
    Ok(StoredWin {
        id: row.get(0)?,
        uid: row.get(1)?,
        occurred_at: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        text: row.get(5)?,
        polished: row.get(6)?,
        impact: row.get(7)?,
        next: row.get(8)?,
        kind: row.get(9)?,
        role: row.get(10)?,
        stage: row.get(11)?,
        starred: row.get(12)?,
        project: row.get(13)?,
        competency_source: row.get(14)?,
        suggestions: json(15)?,
        metrics: json(16)?,
        competencies: json(17)?,
        tags: json(18)?,
        links: json(19)?,
        updates: json(20)?,
        status: row.get(21)?,
        provenance: row
            .get::<_, Option<String>>(22)?
            .map(|text| {
                RawValue::from_string(text).map_err(|err| anyhow!("stored JSON is damaged: {err}"))
            })
            .transpose()?,
        statement: row.get(23)?,
        competency_unsure: row.get(24)?,
    })
}

impl StoredWin {
    fn into_win(self) -> Result<Win> {
        let entry = NewWin {
            uid: self.uid,
            occurred_at: parse_time(&self.occurred_at)?,
            created_at: parse_time(&self.created_at)?,
            updated_at: parse_time(&self.updated_at)?,
            text: self.text,
            polished: self.polished,
            statement: self.statement,
            impact: self.impact,
            next: self.next,
            kind: self.kind.parse::<Kind>()?,
            role: self.role.as_deref().map(str::parse::<Role>).transpose()?,
            stage: self.stage.as_deref().map(str::parse::<Stage>).transpose()?,
            starred: self.starred,
            competencies: serde_json::from_str(self.competencies.get())?,
            competency_source: CompetencySource::parse(&self.competency_source),
            competency_unsure: self.competency_unsure,
            suggestions: serde_json::from_str(self.suggestions.get())?,
            tags: serde_json::from_str(self.tags.get())?,
            project: self.project,
            links: serde_json::from_str(self.links.get())?,
            metrics: serde_json::from_str(self.metrics.get())?,
            updates: parse_updates(self.updates.get())?,
            status: self.status.parse::<Status>()?,
            provenance: self
                .provenance
                .map(|json| serde_json::from_str(json.get()))
                .transpose()?,
        };
        Ok(entry.into_win(self.id))
    }
}

fn parse_time(text: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|err| {
            // A year RFC 3339 cannot write ("-3723-04-18T…", "10000-01-01T…"),
            // stored by an older win that took any date: read it anyway, so
            // the win can be listed, re-dated with `win edit` or removed.
            let offset = text.strip_suffix('Z').map(|head| format!("{head}+00:00"));
            DateTime::parse_from_str(offset.as_deref().unwrap_or(text), "%Y-%m-%dT%H:%M:%S%.f%:z")
                .map_err(|_| err)
        })
        .map_err(|err| anyhow!("bad timestamp \"{text}\": {err}"))
}

fn parse_updates(json: &str) -> Result<Vec<Update>> {
    #[derive(serde::Deserialize)]
    struct RawUpdate {
        at: String,
        stage: Option<String>,
        text: Option<String>,
        impact: Option<String>,
        next: Option<String>,
    }
    let raw: Vec<RawUpdate> = serde_json::from_str(json)?;
    raw.into_iter()
        .map(|u| {
            Ok(Update {
                at: parse_time(&u.at)?,
                stage: u.stage.as_deref().map(str::parse::<Stage>).transpose()?,
                text: u.text,
                impact: u.impact,
                next: u.next,
            })
        })
        .collect()
}

/// The WHERE clause and its values for a filter (values are always bound,
/// never spliced into SQL).
pub fn where_clause(filter: &WinFilter) -> (String, Vec<Value>) {
    where_clause_after(filter, Vec::new(), Vec::new())
}

/// Like `where_clause`, after clauses and values the caller already has.
pub fn where_clause_after(
    filter: &WinFilter,
    mut clauses: Vec<String>,
    mut values: Vec<Value>,
) -> (String, Vec<Value>) {
    let mut bind = |value: Value, values: &mut Vec<Value>| {
        values.push(value);
        format!("?{}", values.len())
    };
    if let Some(since) = filter.since {
        clauses.push(format!(
            "w.occurred_ts >= {}",
            bind(Value::Integer(since.timestamp()), &mut values)
        ));
    }
    if let Some(until) = filter.until {
        clauses.push(format!(
            "w.occurred_ts < {}",
            bind(Value::Integer(until.timestamp()), &mut values)
        ));
    }
    if !filter.competencies.is_empty() {
        let list = bind_list(&filter.competencies, &mut values, &mut bind);
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM win_competencies wc JOIN competencies c ON c.id = wc.competency_id
             WHERE wc.win_id = w.id AND c.key IN ({list}))"
        ));
    }
    if !filter.tags.is_empty() {
        let list = bind_list(&filter.tags, &mut values, &mut bind);
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
             WHERE wt.win_id = w.id AND t.name IN ({list}))"
        ));
    }
    if let Some(project) = &filter.project {
        clauses.push(format!(
            "w.project = {} COLLATE NOCASE",
            bind(Value::Text(project.clone()), &mut values)
        ));
    }
    if !filter.stages.is_empty() {
        let stages: Vec<String> = filter
            .stages
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        let list = bind_list(&stages, &mut values, &mut bind);
        clauses.push(format!("w.stage IN ({list})"));
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<String> = filter
            .kinds
            .iter()
            .map(|k| k.as_str().to_string())
            .collect();
        let list = bind_list(&kinds, &mut values, &mut bind);
        clauses.push(format!("w.kind IN ({list})"));
    }
    if filter.starred {
        clauses.push("w.starred = 1".to_string());
    }
    match filter.status {
        StatusFilter::Accepted => clauses.push("w.status = 'accepted'".to_string()),
        StatusFilter::Proposed => clauses.push("w.status = 'proposed'".to_string()),
        StatusFilter::Any => {}
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (clause, values)
}

fn bind_list(
    items: &[String],
    values: &mut Vec<Value>,
    bind: &mut impl FnMut(Value, &mut Vec<Value>) -> String,
) -> String {
    items
        .iter()
        .map(|item| bind(Value::Text(item.clone()), values))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of names a win links to: the table of the names, and the table
/// of `(win_id, name id, position)` rows that link wins to them.
struct Link {
    names: &'static str,
    name_column: &'static str,
    links: &'static str,
    id_column: &'static str,
}

/// Competencies, then tags: the order of `Names`' arrays.
const LINKS: [Link; 2] = [
    Link {
        names: "competencies",
        name_column: "key",
        links: "win_competencies",
        id_column: "competency_id",
    },
    Link {
        names: "tags",
        name_column: "name",
        links: "win_tags",
        id_column: "tag_id",
    },
];

/// Ids of competency keys and tag names already looked up in this
/// transaction, so a bulk import asks SQLite once per name; and, for an
/// import, the rows that link wins to them, gathered to be written many to
/// a statement (`flush`). Both are indexed like `LINKS`.
#[derive(Default)]
pub struct Names {
    ids: [std::collections::HashMap<String, i64>; 2],
    /// `(win_id, name id, position)` triples, flattened.
    gathered: Option<[Vec<i64>; 2]>,
}

/// Rows in one gathered INSERT; rows gathered before a flush.
const ROWS_PER_STATEMENT: usize = 128;
const ROWS_PER_FLUSH: usize = 1024;

impl Names {
    /// Names that gather link rows until `flush` (bulk imports).
    pub fn gathering() -> Names {
        Names {
            gathered: Some(Default::default()),
            ..Names::default()
        }
    }
}

/// Writes the link rows `names` has gathered, if any.
pub fn flush(tx: &Connection, names: &mut Names) -> Result<()> {
    let Some(gathered) = &mut names.gathered else {
        return Ok(());
    };
    for (link, rows) in LINKS.iter().zip(gathered) {
        for chunk in rows.chunks(3 * ROWS_PER_STATEMENT) {
            let values = vec!["(?, ?, ?)"; chunk.len() / 3].join(", ");
            tx.prepare_cached(&format!(
                "INSERT OR IGNORE INTO {} (win_id, {}, position) VALUES {values}",
                link.links, link.id_column
            ))?
            .execute(rusqlite::params_from_iter(chunk.iter()))?;
        }
        rows.clear();
    }
    Ok(())
}

/// Inserts a win with its satellites; `None` when its uid is already stored.
pub fn insert_win(tx: &Connection, win: &NewWin, names: &mut Names) -> Result<Option<i64>> {
    let origin: Option<&Provenance> = win.provenance.as_ref();
    let inserted = tx
        .prepare_cached(
            "INSERT INTO wins (uid, occurred_at, occurred_ts, created_at, updated_at, text, polished, impact,
             next, kind, role, stage, starred, project, competency_source, suggestions, metrics,
             status, origin, origin_client, origin_why, statement, origin_repository, origin_remote,
             origin_commits, competency_unsure)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)
             ON CONFLICT (uid) DO NOTHING",
        )?
        .execute(params![
        win.uid,
        format_rfc3339(&win.occurred_at),
        win.occurred_at.timestamp(),
        format_rfc3339(&win.created_at),
        format_rfc3339(&win.updated_at),
        win.text,
        win.polished,
        win.impact,
        win.next,
        win.kind.as_str(),
        win.role.map(Role::as_str),
        win.stage.map(Stage::as_str),
        win.starred,
        win.project,
        win.competency_source.as_str(),
        serde_json::to_string(&win.suggestions)?,
            serde_json::to_string(&win.metrics)?,
            win.status.as_str(),
            origin.map(|p| &p.source),
            origin.and_then(|p| p.client.as_ref()),
            origin.and_then(|p| p.why.as_ref()),
            win.statement,
            origin.and_then(|p| p.repository.as_ref()),
            origin.and_then(|p| p.remote.as_ref()),
            origin_commits(origin)?,
            win.competency_unsure,
        ])?;
    if inserted == 0 {
        // AUTOINCREMENT counts the number the skipped row would have had
        // (SQLite raises sqlite_sequence even when DO NOTHING drops the
        // row): importing the same file three times made the next capture
        // #7 instead of #3. Give the number back; never below the highest
        // id in the table, so a deleted win's number stays unused.
        tx.prepare_cached(
            "UPDATE sqlite_sequence SET seq = max(seq - 1, (SELECT coalesce(max(id), 0) FROM wins))
             WHERE name = 'wins'",
        )?
        .execute([])?;
        return Ok(None);
    }
    let id = tx.last_insert_rowid();
    insert_satellites(tx, id, win, names)?;
    for update in &win.updates {
        insert_update(tx, id, update)?;
    }
    Ok(Some(id))
}

/// Rewrites a stored win's fields and lists; its timeline is rewritten only
/// when `with_updates` (an import replacing a win wholesale).
pub fn replace_win(
    tx: &Connection,
    id: i64,
    win: &NewWin,
    with_updates: bool,
    names: &mut Names,
) -> Result<()> {
    // Gathered rows may belong to this win: write them before its
    // satellites are cleared.
    flush(tx, names)?;
    let origin: Option<&Provenance> = win.provenance.as_ref();
    tx.prepare_cached(
        "UPDATE wins SET occurred_at = ?2, occurred_ts = ?3, updated_at = ?4, text = ?5, polished = ?6,
         impact = ?7, next = ?8, kind = ?9, role = ?10, stage = ?11, starred = ?12, project = ?13,
         competency_source = ?14, suggestions = ?15, metrics = ?16, created_at = ?17, status = ?18,
         origin = ?19, origin_client = ?20, origin_why = ?21, statement = ?22,
         origin_repository = ?23, origin_remote = ?24, origin_commits = ?25, competency_unsure = ?26
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        format_rfc3339(&win.occurred_at),
        win.occurred_at.timestamp(),
        format_rfc3339(&win.updated_at),
        win.text,
        win.polished,
        win.impact,
        win.next,
        win.kind.as_str(),
        win.role.map(Role::as_str),
        win.stage.map(Stage::as_str),
        win.starred,
        win.project,
        win.competency_source.as_str(),
        serde_json::to_string(&win.suggestions)?,
        serde_json::to_string(&win.metrics)?,
        format_rfc3339(&win.created_at),
        win.status.as_str(),
        origin.map(|p| &p.source),
        origin.and_then(|p| p.client.as_ref()),
        origin.and_then(|p| p.why.as_ref()),
        win.statement,
        origin.and_then(|p| p.repository.as_ref()),
        origin.and_then(|p| p.remote.as_ref()),
        origin_commits(origin)?,
        win.competency_unsure,
    ])?;
    for sql in [
        "DELETE FROM win_competencies WHERE win_id = ?1",
        "DELETE FROM win_tags WHERE win_id = ?1",
        "DELETE FROM links WHERE win_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([id])?;
    }
    insert_satellites(tx, id, win, names)?;
    if with_updates {
        tx.prepare_cached("DELETE FROM updates WHERE win_id = ?1")?
            .execute([id])?;
        for update in &win.updates {
            insert_update(tx, id, update)?;
        }
    }
    Ok(())
}

fn insert_satellites(tx: &Connection, id: i64, win: &NewWin, names: &mut Names) -> Result<()> {
    for (kind, (link, list)) in LINKS.iter().zip([&win.competencies, &win.tags]).enumerate() {
        for (position, name) in (0_i64..).zip(list) {
            let name_id = match names.ids[kind].get(name) {
                Some(id) => *id,
                None => {
                    let id = intern(tx, link.names, link.name_column, name)?;
                    names.ids[kind].insert(name.clone(), id);
                    id
                }
            };
            match &mut names.gathered {
                Some(gathered) => gathered[kind].extend([id, name_id, position]),
                None => {
                    tx.prepare_cached(&format!(
                        "INSERT OR IGNORE INTO {} (win_id, {}, position) VALUES (?1, ?2, ?3)",
                        link.links, link.id_column
                    ))?
                    .execute(params![id, name_id, position])?;
                }
            }
        }
    }
    let full = |rows: &Vec<i64>| rows.len() >= 3 * ROWS_PER_FLUSH;
    if names.gathered.as_ref().is_some_and(|g| g.iter().any(full)) {
        flush(tx, names)?;
    }
    for (position, url) in (0_i64..).zip(&win.links) {
        tx.prepare_cached("INSERT INTO links (win_id, position, url) VALUES (?1, ?2, ?3)")?
            .execute(params![id, position, url])?;
    }
    Ok(())
}

/// The id of a name in a lookup table, adding it on first use.
fn intern(tx: &Connection, table: &str, column: &str, name: &str) -> Result<i64> {
    let select = format!("SELECT id FROM {table} WHERE {column} = ?1");
    if let Some(id) = tx
        .prepare_cached(&select)?
        .query_row([name], |row| row.get(0))
        .optional()?
    {
        return Ok(id);
    }
    tx.prepare_cached(&format!("INSERT INTO {table} ({column}) VALUES (?1)"))?
        .execute([name])?;
    Ok(tx.last_insert_rowid())
}

/// Puts a timeline in the order `win_columns!` reads one back (at_ts, the
/// instant to the millisecond, the stored text, then the fields; SQLite's
/// NULL first and bytewise text compare like Rust's `None` first and
/// `str` order), so what is derived from a timeline held in memory (a
/// merged win's metrics) is derived in the order every device reads it.
pub fn timeline_order(updates: &mut [Update]) {
    updates.sort_by_cached_key(|u| {
        (
            u.at.timestamp(),
            u.at.timestamp_subsec_millis(),
            format_rfc3339_precise(&u.at),
            u.stage.map(Stage::as_str),
            u.text.clone(),
            u.impact.clone(),
            u.next.clone(),
        )
    });
}

pub fn insert_update(tx: &Connection, id: i64, update: &Update) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO updates (win_id, at, at_ts, stage, text, impact, next) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        format_rfc3339_precise(&update.at),
        update.at.timestamp(),
        update.stage.map(Stage::as_str),
        update.text,
        update.impact,
        update.next,
    ])?;
    Ok(())
}

/// A provenance's commits as stored: a JSON array, or NULL when it names none.
fn origin_commits(origin: Option<&Provenance>) -> Result<Option<String>> {
    match origin {
        Some(provenance) if !provenance.commits.is_empty() => {
            Ok(Some(serde_json::to_string(&provenance.commits)?))
        }
        _ => Ok(None),
    }
}
