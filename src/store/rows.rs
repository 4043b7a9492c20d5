//! Reading and writing one win's rows: the wins table and its satellites.

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::types::{ToSql, Value};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
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
        JOIN competencies c ON c.id = wc.competency_id WHERE wc.win_id = w.id) AS competencies,
    (SELECT json_group_array(t.name ORDER BY wt.position) FROM win_tags wt
        JOIN tags t ON t.id = wt.tag_id WHERE wt.win_id = w.id) AS tags,
    (SELECT json_group_array(l.url ORDER BY l.position) FROM links l WHERE l.win_id = w.id) AS links,
    (SELECT json_group_array(json_object('at', u.at, 'stage', u.stage, 'text', u.text,
        'impact', u.impact, 'next', u.next) ORDER BY u.at_ts, unixepoch(u.at, 'subsec'), u.at, u.stage, u.text, u.impact, u.next, u.id)
        FROM updates u WHERE u.win_id = w.id) AS updates,
    w.status,
    CASE WHEN w.origin IS NULL THEN NULL
        ELSE json_object('source', w.origin, 'client', w.origin_client, 'why', w.origin_why,
            'repository', w.origin_repository, 'remote', w.origin_remote,
            'commits', json(coalesce(w.origin_commits, '[]'))) END AS provenance,
    w.statement, w.competency_unsure"
    };
}

/// Declares the columns `win_columns!` reads, by the names the query gives
/// them, in its order: a column is read as `Column::Uid`, never as a bare
/// position (a test holds the names to the query's).
macro_rules! columns {
    ($($variant:ident = $name:literal),+ $(,)?) => {
        #[derive(Debug, Clone, Copy)]
        enum Column { $($variant),+ }

        impl Column {
            const NAMES: &'static [&'static str] = &[$($name),+];

            fn get<T: rusqlite::types::FromSql>(self, row: &Row<'_>) -> rusqlite::Result<T> {
                row.get(self as usize)
            }
        }
    };
}

columns! {
    Id = "id",
    Uid = "uid",
    OccurredAt = "occurred_at",
    CreatedAt = "created_at",
    UpdatedAt = "updated_at",
    Text = "text",
    Polished = "polished",
    Impact = "impact",
    Next = "next",
    Kind = "kind",
    Role = "role",
    Stage = "stage",
    Starred = "starred",
    Project = "project",
    CompetencySource = "competency_source",
    Suggestions = "suggestions",
    Metrics = "metrics",
    Competencies = "competencies",
    Tags = "tags",
    Links = "links",
    Updates = "updates",
    Status = "status",
    Provenance = "provenance",
    Statement = "statement",
    CompetencyUnsure = "competency_unsure",
}

/// How many columns `win_columns!` reads: a query may add its own after them.
pub const WIN_COLUMNS: usize = Column::NAMES.len();
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
    use Column as C;
    let raw = |text: String| {
        RawValue::from_string(text).map_err(|err| anyhow!("stored JSON is damaged: {err}"))
    };
    let json = |column: Column| -> Result<Box<RawValue>> { raw(column.get(row)?) };
    Ok(StoredWin {
        id: C::Id.get(row)?,
        uid: C::Uid.get(row)?,
        occurred_at: C::OccurredAt.get(row)?,
        created_at: C::CreatedAt.get(row)?,
        updated_at: C::UpdatedAt.get(row)?,
        text: C::Text.get(row)?,
        polished: C::Polished.get(row)?,
        impact: C::Impact.get(row)?,
        next: C::Next.get(row)?,
        kind: C::Kind.get(row)?,
        role: C::Role.get(row)?,
        stage: C::Stage.get(row)?,
        starred: C::Starred.get(row)?,
        project: C::Project.get(row)?,
        competency_source: C::CompetencySource.get(row)?,
        suggestions: json(C::Suggestions)?,
        metrics: json(C::Metrics)?,
        competencies: json(C::Competencies)?,
        tags: json(C::Tags)?,
        links: json(C::Links)?,
        updates: json(C::Updates)?,
        status: C::Status.get(row)?,
        provenance: C::Provenance
            .get::<Option<String>>(row)?
            .map(raw)
            .transpose()?,
        statement: C::Statement.get(row)?,
        competency_unsure: C::CompetencyUnsure.get(row)?,
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

/// A win's own row of the wins table, its values bound once for an insert
/// and a replace alike: `COLUMNS[i]` takes `values()[i]`.
struct WinRow<'a> {
    win: &'a NewWin,
    occurred_at: String,
    occurred_ts: i64,
    created_at: String,
    updated_at: String,
    kind: &'static str,
    role: Option<&'static str>,
    stage: Option<&'static str>,
    competency_source: &'static str,
    status: &'static str,
    suggestions: String,
    metrics: String,
    origin: Option<&'a str>,
    origin_client: Option<&'a str>,
    origin_why: Option<&'a str>,
    origin_repository: Option<&'a str>,
    origin_remote: Option<&'a str>,
    origin_commits: Option<String>,
}

impl<'a> WinRow<'a> {
    /// The columns, `uid` first (a replace keeps the stored one).
    const COLUMNS: [&'static str; 26] = [
        "uid",
        "occurred_at",
        "occurred_ts",
        "created_at",
        "updated_at",
        "text",
        "polished",
        "impact",
        "next",
        "kind",
        "role",
        "stage",
        "starred",
        "project",
        "competency_source",
        "suggestions",
        "metrics",
        "status",
        "origin",
        "origin_client",
        "origin_why",
        "statement",
        "origin_repository",
        "origin_remote",
        "origin_commits",
        "competency_unsure",
    ];

    fn new(win: &'a NewWin) -> Result<WinRow<'a>> {
        let origin: Option<&Provenance> = win.provenance.as_ref();
        Ok(WinRow {
            win,
            occurred_at: format_rfc3339(&win.occurred_at),
            occurred_ts: win.occurred_at.timestamp(),
            created_at: format_rfc3339(&win.created_at),
            updated_at: format_rfc3339(&win.updated_at),
            kind: win.kind.as_str(),
            role: win.role.map(Role::as_str),
            stage: win.stage.map(Stage::as_str),
            competency_source: win.competency_source.as_str(),
            status: win.status.as_str(),
            suggestions: serde_json::to_string(&win.suggestions)?,
            metrics: serde_json::to_string(&win.metrics)?,
            origin: origin.map(|p| p.source.as_str()),
            origin_client: origin.and_then(|p| p.client.as_deref()),
            origin_why: origin.and_then(|p| p.why.as_deref()),
            origin_repository: origin.and_then(|p| p.repository.as_deref()),
            origin_remote: origin.and_then(|p| p.remote.as_deref()),
            origin_commits: origin_commits(origin)?,
        })
    }

    /// The values, in `COLUMNS`' order.
    fn values(&self) -> [&dyn ToSql; 26] {
        let win = self.win;
        [
            &win.uid,
            &self.occurred_at,
            &self.occurred_ts,
            &self.created_at,
            &self.updated_at,
            &win.text,
            &win.polished,
            &win.impact,
            &win.next,
            &self.kind,
            &self.role,
            &self.stage,
            &win.starred,
            &win.project,
            &self.competency_source,
            &self.suggestions,
            &self.metrics,
            &self.status,
            &self.origin,
            &self.origin_client,
            &self.origin_why,
            &win.statement,
            &self.origin_repository,
            &self.origin_remote,
            &self.origin_commits,
            &win.competency_unsure,
        ]
    }

    /// `INSERT` of every column, `?1` for `COLUMNS[0]` and so on; a win
    /// whose uid is stored already is skipped.
    fn insert_sql() -> &'static str {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let places: Vec<String> = (1..=WinRow::COLUMNS.len())
                .map(|n| format!("?{n}"))
                .collect();
            format!(
                "INSERT INTO wins ({}) VALUES ({}) ON CONFLICT (uid) DO NOTHING",
                WinRow::COLUMNS.join(", "),
                places.join(", ")
            )
        });
        &SQL
    }

    /// `UPDATE` of every column but the uid (`?1`, bound and unused), for
    /// the win whose id follows the values.
    fn update_sql() -> &'static str {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let sets: Vec<String> = (1..WinRow::COLUMNS.len())
                .map(|i| format!("{} = ?{}", WinRow::COLUMNS[i], i + 1))
                .collect();
            format!(
                "UPDATE wins SET {} WHERE id = ?{}",
                sets.join(", "),
                WinRow::COLUMNS.len() + 1
            )
        });
        &SQL
    }
}

/// Inserts a win with its satellites; `None` when its uid is already stored.
pub fn insert_win(tx: &Connection, win: &NewWin, names: &mut Names) -> Result<Option<i64>> {
    let row = WinRow::new(win)?;
    let inserted = tx
        .prepare_cached(WinRow::insert_sql())?
        .execute(params_from_iter(row.values()))?;
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
    let row = WinRow::new(win)?;
    let id_value: &dyn ToSql = &id;
    tx.prepare_cached(WinRow::update_sql())?
        .execute(params_from_iter(row.values().into_iter().chain([id_value])))?;
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

#[cfg(test)]
mod tests {
    use super::{Column, WinRow, SELECT_WIN, WIN_COLUMNS};
    use crate::store::Store;

    #[test]
    fn columns_are_read_by_the_names_the_query_gives_them() {
        let store = Store::open_in_memory().unwrap();
        let statement = store.conn.prepare(SELECT_WIN).unwrap();
        let names: Vec<&str> = statement.column_names().collect();
        assert_eq!(names, Column::NAMES);
        assert_eq!(WIN_COLUMNS, statement.column_count());
        let last = Column::CompetencyUnsure as usize;
        assert_eq!(Column::NAMES[last], "competency_unsure");
    }

    #[test]
    fn insert_and_replace_write_the_same_columns() {
        let store = Store::open_in_memory().unwrap();
        let insert = store.conn.prepare(WinRow::insert_sql()).unwrap();
        let update = store.conn.prepare(WinRow::update_sql()).unwrap();
        assert_eq!(insert.parameter_count(), WinRow::COLUMNS.len());
        // The values, then the id.
        assert_eq!(update.parameter_count(), WinRow::COLUMNS.len() + 1);
        for column in &WinRow::COLUMNS[1..] {
            assert!(
                WinRow::update_sql().contains(&format!(" {column} = ?")),
                "{column}"
            );
        }
        assert!(!WinRow::update_sql().contains(" uid = "));
    }
}
