//! The journal on disk: SQLite, its migrations, and every query. No SQL
//! lives anywhere else.

mod file;
mod rows;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::{
    params, params_from_iter, Connection, OpenFlags, OptionalExtension, TransactionBehavior,
};

use crate::domain::filter::WinFilter;
use crate::domain::win::{format_rfc3339, NewWin, Stage, Update, Win};

pub use file::check_journal_file;

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

/// Numbered, append-only migrations; `PRAGMA user_version` is the count applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_bulk_fts.sql"),
    include_str!("migrations/0003_suspend_triggers.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another one before giving up. Captures from
/// parallel shells queue behind each other instead of failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    read_only: bool,
}

impl Store {
    /// Opens (creating if needed) the journal at `path`, migrating it.
    pub fn open(path: &Path) -> Result<Store> {
        let existed = file::prepare(path)?;
        let (conn, read_only) = open_connection(path)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only,
        };
        store.configure().map_err(|err| store.explain(err))?;
        store.migrate(existed).map_err(|err| store.explain(err))?;
        Ok(store)
    }

    /// A throwaway journal in memory (the demo; tests).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().context("cannot open an in-memory journal")?;
        let mut store = Store {
            conn,
            path: None,
            read_only: false,
        };
        store.configure()?;
        store.migrate(false)?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if !self.read_only && self.path.is_some() {
            // WAL lets readers run beside a writer; FULL sync makes every
            // committed capture survive a power cut, not just a crash.
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            keep_wal_files(&self.conn)?;
        }
        Ok(())
    }

    fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn migrate(&mut self, existed: bool) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            bail!(
                "{} was written by a newer win (schema version {found}; this win reads up to {SCHEMA_VERSION}): upgrade win",
                self.describe()
            );
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        if self.read_only {
            bail!("{} needs an upgrade to schema version {SCHEMA_VERSION} but is read-only (check its permissions)", self.describe());
        }
        if found == 0 && self.has_foreign_tables()? {
            bail!("{} is an SQLite database of another program, not a win journal; point --db or WIN_DB at another file", self.describe());
        }
        if existed && found > 0 {
            self.back_up(found)?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        for (index, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(current).unwrap_or(0))
        {
            tx.execute_batch(sql)
                .with_context(|| format!("migration {} failed", index + 1))?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    fn has_foreign_tables(&self) -> Result<bool> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        Ok(count > 0)
    }

    /// Copies the journal aside before a migration touches it.
    fn back_up(&self, version: i64) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut name = path.as_os_str().to_os_string();
        name.push(format!(".bak-{version}"));
        let backup = PathBuf::from(name);
        if backup.exists() {
            return Ok(());
        }
        let target = backup
            .to_str()
            .ok_or_else(|| anyhow!("backup path {} is not UTF-8", backup.display()))?;
        self.conn
            .execute("VACUUM INTO ?1", [target])
            .with_context(|| {
                format!(
                    "cannot back up the journal to {} before migrating",
                    backup.display()
                )
            })?;
        file::restrict(&backup)?;
        Ok(())
    }

    fn describe(&self) -> String {
        match &self.path {
            Some(path) => format!("the journal {}", path.display()),
            None => "the in-memory journal".to_string(),
        }
    }

    /// Turns SQLite's terse errors into ones that say what to do.
    fn explain(&self, err: anyhow::Error) -> anyhow::Error {
        explain(err, &self.describe())
    }

    /// Runs `work` in one IMMEDIATE transaction: it takes the write lock up
    /// front, so concurrent writers wait their turn instead of deadlocking.
    fn write<T>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        result.map_err(|err| self.explain(err))
    }

    /// Stores a new win and returns it with its id. The stored row is not
    /// read back: it holds exactly what was written.
    pub fn insert(&mut self, win: &NewWin) -> Result<Win> {
        let id = self.write(|tx| {
            rows::insert_win(tx, win, &mut rows::Names::default())?
                .ok_or_else(|| anyhow!("a win with uid {} is already in the journal", win.uid))
        })?;
        Ok(win.clone().into_win(id))
    }

    /// Stores many wins in one transaction (see `Import`); for the demo.
    pub fn insert_many<'a>(
        &mut self,
        wins: impl IntoIterator<Item = &'a NewWin>,
    ) -> Result<(usize, usize)> {
        let mut import = self.import(false)?;
        for win in wins {
            import.add(win)?;
        }
        import.finish(false)
    }

    /// Starts a bulk load: one transaction that ends with all of it stored,
    /// or (on an error, a drop, or a dry run) none of it.
    pub fn import(&mut self, replace_existing: bool) -> Result<Import<'_>> {
        let label = self.describe();
        begin_import(&self.conn, label.clone(), replace_existing)
            .map_err(|err| explain(err, &label))
    }

    pub fn get(&self, id: i64) -> Result<Option<Win>> {
        let sql = format!("{} WHERE w.id = ?1", rows::SELECT_WIN);
        let mut statement = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| self.explain(e.into()))?;
        let mut found = statement.query([id]).map_err(|e| self.explain(e.into()))?;
        match found.next().map_err(|e| self.explain(e.into()))? {
            Some(row) => rows::read_win(row).map(Some),
            None => Ok(None),
        }
    }

    /// Like `get`, but a missing id is an error that says how to find one.
    pub fn require(&self, id: i64) -> Result<Win> {
        self.get(id)?
            .ok_or_else(|| anyhow!("no win #{id} in {} (see: win list)", self.describe()))
    }

    /// Rewrites a win's fields (not its timeline) as given.
    pub fn replace(&mut self, win: &Win) -> Result<Win> {
        let id = win.id;
        let new = win.clone().into_new();
        self.write(|tx| rows::replace_win(tx, id, &new, false, &mut rows::Names::default()))?;
        self.require(id)
    }

    /// Deletes wins; if any id is missing, deletes none.
    pub fn delete(&mut self, ids: &[i64]) -> Result<usize> {
        let path = self.describe();
        self.write(|tx| {
            let mut deleted = 0;
            for id in ids {
                let count = tx.execute("DELETE FROM wins WHERE id = ?1", [id])?;
                if count == 0 {
                    bail!("no win #{id} in {path} (see: win list); nothing was deleted");
                }
                deleted += count;
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
            Ok(tx.execute(
                "UPDATE wins SET starred = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, starred, format_rfc3339(&now)],
            )?)
        })?;
        if changed == 0 {
            self.require(id)?;
        }
        self.require(id)
    }

    /// Appends a dated follow-up and carries its stage, impact and next onto the win.
    pub fn add_update(&mut self, id: i64, update: &Update) -> Result<Win> {
        self.require(id)?;
        self.write(|tx| {
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
            Ok(())
        })?;
        self.require(id)
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
        let (sql, values) = search_sql(rows::win_columns!(), fts, filter);
        let mut hits = Vec::new();
        self.each_query_row(&sql, values, |row| {
            let win = rows::read_win(row)?;
            let snippet: String = row.get(21)?;
            let rank: f64 = row.get(22)?;
            hits.push(SearchHit {
                win,
                snippet,
                score: (-rank * 1000.0).round() / 1000.0,
            });
            Ok(())
        })?;
        Ok(hits)
    }

    /// Shipped (or later) wins with no recorded impact, oldest first.
    pub fn pending(&self, occurred_before: DateTime<FixedOffset>) -> Result<Vec<Win>> {
        let mut wins = Vec::new();
        self.each_win_row(
            "WHERE w.stage IN ('shipped', 'measured', 'adopted') AND coalesce(trim(w.impact), '') = ''
             AND w.occurred_ts <= ?1 ORDER BY w.occurred_ts ASC, w.id ASC",
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

    /// `PRAGMA integrity_check`, for tests and `win doctor`-style checks.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }
}

/// Turns SQLite's terse errors into ones that say what to do; `journal`
/// names the file ("the journal /path/wins.db").
fn explain(err: anyhow::Error, journal: &str) -> anyhow::Error {
    let Some(sqlite) = err.downcast_ref::<rusqlite::Error>() else {
        return err;
    };
    match sqlite.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly) => {
            anyhow!(
                "{} is read-only: cannot write (check its permissions and its folder's)",
                journal
            )
        }
        Some(rusqlite::ErrorCode::NotADatabase) => anyhow!(
            "{} is not a win journal (or is damaged); point --db or WIN_DB at another file",
            journal
        ),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            anyhow!(
                "{} is damaged (restore it from a backup such as its .bak- copy)",
                journal
            )
        }
        Some(rusqlite::ErrorCode::DiskFull) => {
            anyhow!("the disk holding {} is full: nothing was written", journal)
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            anyhow!(
                "{} stayed locked by another win for {}s; try again",
                journal,
                BUSY_TIMEOUT.as_secs()
            )
        }
        _ => err,
    }
}

/// A bulk load in progress (see `Store::import`): one IMMEDIATE
/// transaction, in a rollback journal when it can have one, run with the
/// schema's triggers (and, into an empty journal, its indexes) suspended
/// and foreign keys off. The rows it writes are whole by construction (a
/// win, then its satellites under the id it was given), and the full-text
/// index the triggers would keep row by row is built once by `finish`.
pub struct Import<'s> {
    conn: &'s Connection,
    label: String,
    names: rows::Names,
    replaced: Vec<i64>,
    indexed_up_to: i64,
    /// The schema's text of what `begin_import` dropped, to recreate.
    suspended: Vec<String>,
    rollback_journal: bool,
    replace_existing: bool,
    open: bool,
    pub added: usize,
    pub skipped: usize,
}

impl Import<'_> {
    /// Adds one win; one whose uid is already stored is skipped or replaced.
    pub fn add(&mut self, win: &NewWin) -> Result<()> {
        let result = (|| -> Result<()> {
            if !self.replace_existing {
                // The uid's unique index decides: no separate look-up.
                match rows::insert_win(self.conn, win, &mut self.names)? {
                    Some(_) => self.added += 1,
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
                    rows::replace_win(self.conn, id, win, true, &mut self.names)?;
                    self.replaced.push(id);
                }
                None => {
                    rows::insert_win(self.conn, win, &mut self.names)?;
                }
            }
            self.added += 1;
            Ok(())
        })();
        result.map_err(|err| explain(err, &self.label))
    }

    /// Indexes what was added, restores the triggers and commits, or rolls
    /// it all back when `rehearse` (a dry run). Returns (added or replaced,
    /// skipped).
    pub fn finish(mut self, rehearse: bool) -> Result<(usize, usize)> {
        let counts = (self.added, self.skipped);
        let result = (|| -> Result<()> {
            if rehearse {
                return self.end("ROLLBACK");
            }
            rows::flush(self.conn, &mut self.names)?;
            // A uid the file holds twice was replaced twice: index it once.
            self.replaced.sort_unstable();
            self.replaced.dedup();
            rows::reindex(self.conn, self.indexed_up_to, &self.replaced)?;
            for sql in &self.suspended {
                self.conn.execute_batch(sql)?;
            }
            self.end("COMMIT")
        })();
        result.map_err(|err| explain(err, &self.label))?;
        Ok(counts)
    }

    /// Ends the transaction and puts the connection back as `configure`
    /// left it.
    fn end(&mut self, verb: &str) -> Result<()> {
        self.open = false;
        let ended = self.conn.execute_batch(verb);
        let restored = restore_after_import(self.conn, self.rollback_journal);
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

/// A ranked full-text query: `columns`, then the snippet and the bm25 score.
fn search_sql(
    columns: &str,
    fts: &str,
    filter: &WinFilter,
) -> (String, Vec<rusqlite::types::Value>) {
    let (clause, values) = rows::where_clause_after(
        filter,
        vec!["wins_fts MATCH ?1".to_string()],
        vec![rusqlite::types::Value::Text(fts.to_string())],
    );
    let limit = filter
        .limit
        .map(|n| format!(" LIMIT {n}"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT {columns}, snippet(wins_fts, -1, char(1), char(2), '…', 16), bm25(wins_fts)
         FROM wins_fts JOIN wins w ON w.id = wins_fts.rowid {clause}
         ORDER BY bm25(wins_fts), w.occurred_ts DESC{limit}"
    );
    (sql, values)
}

fn begin_import(conn: &Connection, label: String, replace_existing: bool) -> Result<Import<'_>> {
    // A larger page cache keeps a big import's pages in memory longer
    // (64 MiB at most), and statement journals stay in memory: spilled to
    // a temporary file they cost two system calls per page, per statement.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Only changeable outside a transaction; `end` turns them back on.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let rollback_journal = leave_wal(conn)?;
    if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
        let _ = restore_after_import(conn, rollback_journal);
        return Err(err.into());
    }
    let mut import = Import {
        conn,
        label,
        names: rows::Names::gathering(),
        replaced: Vec::new(),
        indexed_up_to: 0,
        suspended: Vec::new(),
        rollback_journal,
        replace_existing,
        open: true,
        added: 0,
        skipped: 0,
    };
    import.indexed_up_to = conn.query_row("SELECT coalesce(max(id), 0) FROM wins", [], |row| {
        row.get(0)
    })?;
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

/// Switches a WAL journal to a rollback journal for an import, when no
/// other connection has it open (SQLite refuses at once otherwise, and the
/// import runs in WAL). A rollback journal writes each page once, where WAL
/// writes it to the -wal file and then again into the journal: a 1M-win
/// import took a sixth less time. Returns whether it switched.
fn leave_wal(conn: &Connection) -> Result<bool> {
    match conn.query_row("PRAGMA journal_mode = TRUNCATE", [], |row| {
        row.get::<_, String>(0)
    }) {
        Ok(mode) => Ok(mode.eq_ignore_ascii_case("truncate")),
        Err(err) if is_busy(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The connection settings `begin_import` changed, back to everyday ones.
fn restore_after_import(conn: &Connection, rollback_journal: bool) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if rollback_journal {
        // Back to WAL, waiting (the busy timeout) for readers that came in.
        // If they outstay it, the journal is whole in the rollback journal
        // all the same, and the next command that writes switches it back:
        // the import has landed, so this is not an error.
        let _ = conn.pragma_update(None, "journal_mode", "WAL");
    }
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    conn.pragma_update(None, "cache_size", -2_000)?;
    Ok(())
}

fn open_connection(path: &Path) -> Result<(Connection, bool)> {
    let context = || format!("cannot open the journal {}", path.display());
    if file::is_writable(path) {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        return Ok((
            Connection::open_with_flags(path, flags).with_context(context)?,
            false,
        ));
    }
    // A WAL journal we may not write can still be read, as long as SQLite
    // is told not to create its -shm and -wal files (`immutable`); but not
    // while a write is unfinished, which only a writer can undo.
    if file::has_unfinished_write(path) {
        bail!(
            "{} has an unfinished write (an import was stopped part-way, or is running); run any win command as its owner to undo it, then read it again",
            path.display()
        );
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let uri = format!("file:{}?immutable=1", uri_path(path));
    Ok((
        Connection::open_with_flags(uri, flags).with_context(context)?,
        true,
    ))
}

/// Keeps the -wal and -shm files beside the journal when the last
/// connection closes, instead of deleting them and creating them again on
/// the next open: every command saves two file creations, two deletions and
/// the shared-memory set-up. The -wal file is still checkpointed and cut to
/// nothing on close (`journal_size_limit`), so the journal file alone is
/// always complete.
fn keep_wal_files(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_size_limit", 4 << 20)?;
    let mut persist: std::os::raw::c_int = 1;
    // SAFETY: the handle is this open connection's, the file control takes
    // a pointer to an int that lives across the call, and "main" names the
    // journal's database.
    let code = unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&raw mut persist).cast(),
        )
    };
    if code != rusqlite::ffi::SQLITE_OK {
        bail!("cannot keep the journal's -wal file (SQLite error {code})");
    }
    Ok(())
}

/// A path as the path part of an SQLite `file:` URI.
fn uri_path(path: &Path) -> String {
    let mut encoded = String::new();
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'?' | b'#' | b'%' | 0..=0x1f | 0x7f..=0xff => {
                encoded.push_str(&format!("%{byte:02X}"))
            }
            _ => encoded.push(char::from(*byte)),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::win::{Kind, Role, Stage};
    use chrono::Duration;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap()
    }

    fn win(text: &str, days_ago: i64) -> NewWin {
        let mut win = NewWin::new(text.to_string(), now() - Duration::days(days_ago));
        win.competencies = vec!["mlops".into()];
        win.competency_source = crate::domain::win::CompetencySource::User;
        win.tags = vec!["a".into(), "b".into()];
        win
    }

    #[test]
    fn insert_get_replace_delete() {
        let mut store = Store::open_in_memory().unwrap();
        let stored = store.insert(&win("first", 3)).unwrap();
        assert_eq!(stored.id, 1);
        assert_eq!(store.get(1).unwrap().unwrap(), stored);
        let mut changed = stored.clone();
        changed.text = "first, edited".into();
        changed.tags = vec!["c".into()];
        changed.kind = Kind::Shipped;
        changed.role = Some(Role::Led);
        let saved = store.replace(&changed).unwrap();
        assert_eq!(saved.text, "first, edited");
        assert_eq!(saved.tags, vec!["c"]);
        assert!(
            store.delete(&[1, 2]).is_err(),
            "a missing id deletes nothing"
        );
        assert!(store.get(1).unwrap().is_some());
        assert_eq!(store.delete(&[1]).unwrap(), 1);
        assert!(store.get(1).unwrap().is_none());
    }

    #[test]
    fn updates_carry_stage_and_impact_and_pending_follows() {
        let mut store = Store::open_in_memory().unwrap();
        let mut shipped = win("shipped it", 40);
        shipped.stage = Some(Stage::Shipped);
        store.insert(&shipped).unwrap();
        assert_eq!(store.pending(now()).unwrap().len(), 1);
        let update = Update {
            at: now(),
            stage: Some(Stage::Measured),
            text: None,
            impact: Some("-40% tickets".into()),
            next: None,
        };
        let updated = store.add_update(1, &update).unwrap();
        assert_eq!(updated.stage, Some(Stage::Measured));
        assert_eq!(updated.impact.as_deref(), Some("-40% tickets"));
        assert_eq!(updated.updates, vec![update]);
        assert!(store.pending(now()).unwrap().is_empty());
    }

    #[test]
    fn filters_and_search() {
        let mut store = Store::open_in_memory().unwrap();
        store.insert(&win("tuned the ranker", 1)).unwrap();
        let mut other = win("wrote the migration plan", 100);
        other.competencies = vec!["leadership".into()];
        other.tags = vec!["plan".into()];
        store.insert(&other).unwrap();
        let filter = WinFilter {
            since: Some(now() - Duration::days(10)),
            ..WinFilter::default()
        };
        assert_eq!(store.list(&filter).unwrap().len(), 1);
        let filter = WinFilter {
            competencies: vec!["leadership".into()],
            ..WinFilter::default()
        };
        assert_eq!(
            store.list(&filter).unwrap()[0].text,
            "wrote the migration plan"
        );
        let filter = WinFilter {
            tags: vec!["plan".into()],
            ..WinFilter::default()
        };
        assert_eq!(store.list(&filter).unwrap().len(), 1);
        let hits = store.search("\"tuning\"", &WinFilter::default()).unwrap();
        assert_eq!(hits.len(), 1);
        assert!(hits[0].snippet.contains("tuned"));
        let hits = store.search("\"plan\"", &WinFilter::default()).unwrap();
        assert_eq!(hits.len(), 1, "tags are indexed");
    }

    #[test]
    fn imports_are_idempotent_and_indexed_at_the_end() {
        let mut store = Store::open_in_memory().unwrap();
        let wins: Vec<NewWin> = (0..50).map(|i| win(&format!("bulk win {i}"), i)).collect();
        assert_eq!(store.insert_many(&wins).unwrap(), (50, 0));
        assert_eq!(store.insert_many(&wins).unwrap(), (0, 50));
        assert_eq!(store.count().unwrap(), 50);
        assert_eq!(
            store
                .search("\"bulk\"", &WinFilter::default())
                .unwrap()
                .len(),
            50
        );
        let rehearsal = store.import(false).unwrap();
        drop(rehearsal);
        let mut import = store.import(false).unwrap();
        import.add(&win("rehearsed only", 0)).unwrap();
        import.finish(true).unwrap();
        assert_eq!(store.count().unwrap(), 50, "a dry run stores nothing");
        store.insert(&win("after the import", 0)).unwrap();
        assert_eq!(
            store
                .search("\"after\"", &WinFilter::default())
                .unwrap()
                .len(),
            1,
            "triggers are back on"
        );
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_win() -> impl Strategy<Value = NewWin> {
            (
                "\\PC{1,80}",
                proptest::option::of("\\PC{1,40}"),
                proptest::collection::vec("[a-z][a-z0-9-]{0,10}", 0..4),
                any::<bool>(),
                0i64..2000,
                proptest::option::of(prop_oneof![
                    Just(Stage::Idea),
                    Just(Stage::Shipped),
                    Just(Stage::Adopted)
                ]),
            )
                .prop_filter("text must have words", |(text, ..)| !text.trim().is_empty())
                .prop_map(|(text, impact, tags, starred, days, stage)| {
                    let mut win =
                        NewWin::new(text.trim().to_string(), now() - Duration::days(days));
                    win.impact = impact
                        .map(|i| i.trim().to_string())
                        .filter(|i| !i.is_empty());
                    win.tags = crate::domain::win::normalize_tags(&tags);
                    win.starred = starred;
                    win.stage = stage;
                    win
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// export → import into an empty journal → export gives the same records, ids aside.
            #[test]
            fn export_then_import_round_trips(wins in proptest::collection::vec(any_win(), 1..8)) {
                let mut source = Store::open_in_memory().unwrap();
                source.insert_many(&wins).unwrap();
                // Oldest first, as `win export` does, so equal times keep their order.
                let export = |store: &Store| -> Vec<serde_json::Value> {
                    let mut rows = Vec::new();
                    let oldest_first = WinFilter { oldest_first: true, ..WinFilter::default() };
                    store.for_each_stored(&oldest_first, |win| {
                        let mut value = serde_json::to_value(&win)?;
                        value.as_object_mut().unwrap().remove("id");
                        rows.push(value);
                        Ok(())
                    }).unwrap();
                    rows
                };
                let exported = export(&source);
                let mut target = Store::open_in_memory().unwrap();
                let records: Vec<NewWin> = exported
                    .iter()
                    .map(|value| {
                        let record: crate::domain::record::WinRecord = serde_json::from_value(value.clone()).unwrap();
                        record.into_new(now()).unwrap()
                    })
                    .collect();
                target.insert_many(&records).unwrap();
                prop_assert_eq!(export(&target), exported);
            }
        }
    }
}
