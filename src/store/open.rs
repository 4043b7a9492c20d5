//! Opening the journal: the connection, its settings, and migrations
//! (with a backup first).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{file, Store};

/// Numbered, append-only migrations; `PRAGMA user_version` is the count applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_bulk_fts.sql"),
    include_str!("migrations/0003_suspend_triggers.sql"),
    include_str!("migrations/0004_fts_rows_view.sql"),
    include_str!("migrations/0005_learned_terms.sql"),
    include_str!("migrations/0006_never_reuse_ids.sql"),
    include_str!("migrations/0007_sync.sql"),
    include_str!("migrations/0008_provenance.sql"),
];

/// The migration that started counting what labelled wins teach: a journal
/// migrated past it has its existing wins counted once.
pub(super) const LEARNED_SINCE: i64 = 5;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another one before giving up. Captures from
/// parallel shells queue behind each other instead of failing.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

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

    pub(super) fn migrate(&mut self, existed: bool) -> Result<()> {
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
        // A migration that rebuilds a table (0006) must not cascade the old
        // table's drop to the rows that point at it: as SQLite's procedure
        // for rebuilding a table says, foreign keys are off while the
        // migrations run (which cannot be switched inside a transaction)
        // and checked before the commit.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = self.run_migrations();
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        migrated
    }

    fn run_migrations(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let dangling = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<i64> {
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
                row.get(0)
            })
        };
        let dangling_before = dangling(&tx)?;
        for (index, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(current).unwrap_or(0))
        {
            tx.execute_batch(sql)
                .with_context(|| format!("migration {} failed", index + 1))?;
        }
        if current > 0 && current < LEARNED_SINCE {
            super::learned::rebuild(&tx).context("cannot count the labelled wins")?;
        }
        if dangling(&tx)? > dangling_before {
            bail!("a migration left rows pointing at missing wins; nothing was changed");
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
                encoded.push_str(&format!("%{byte:02X}"));
            }
            _ => encoded.push(char::from(*byte)),
        }
    }
    encoded
}
