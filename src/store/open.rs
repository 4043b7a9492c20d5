//! Opening the journal: the connection, its settings, and migrations
//! (with a backup first).

use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::explain::explain;
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
    include_str!("migrations/0009_sync_trust.sql"),
    include_str!("migrations/0010_proposed_follow_ups.sql"),
    include_str!("migrations/0011_own_statement.sql"),
    include_str!("migrations/0012_kept_rewrites.sql"),
    include_str!("migrations/0013_mined.sql"),
    include_str!("migrations/0014_sync_authenticity.sql"),
    include_str!("migrations/0015_competency_unsure.sql"),
    include_str!("migrations/0016_sync_seen.sql"),
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
    /// Opens the journal at `path` for a command that writes: created if
    /// missing, migrated if old.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_at(path, true)
    }

    /// Opens the journal at `path` for a command that only reads: a missing
    /// journal is an error, and nothing (no folder, no file) is created.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Store::open_at(path, false)
    }

    fn open_at(path: &Path, create: bool) -> Result<Store> {
        let label = describe(Some(path));
        // Everything is checked before SQLite may write a byte: a file that
        // is not a journal of this win is refused unchanged.
        let header = file::prepare(path, create)?;
        if let Some(header) = header {
            refuse_foreign(header.user_version, header.has_schema, &label)?;
        }
        let (conn, read_only) = open_connection(path)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only,
        };
        store.conn.busy_handler(Some(wait_for_lock))?;
        // The header may lag behind the -wal file: ask SQLite too, in one
        // read (a consistent snapshot), still before any write.
        let (version, tables) = inspect(&store.conn).map_err(|err| {
            if read_only && file::wal_has_frames(path) {
                anyhow!(
                    "{label} is read-only and its -wal file holds wins not yet folded into it (a win was stopped before it could), which cannot be read without writing: {}",
                    file::held_wal_advice(path)
                )
            } else {
                explain(err.into(), &label)
            }
        })?;
        refuse_foreign(version, tables > 0, &label)?;
        let wal = header.is_some_and(|h| h.wal);
        store.configure(wal).map_err(|err| store.explain(err))?;
        store.migrate(version).map_err(|err| store.explain(err))?;
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
        store.configure(false)?;
        store.migrate(0)?;
        Ok(store)
    }

    /// Per-connection settings; `wal` says the file is in WAL mode already
    /// (then nothing here writes to it).
    fn configure(&self, wal: bool) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if !self.read_only && self.path.is_some() {
            // WAL lets readers run beside a writer; FULL sync makes every
            // committed capture survive a power cut, not just a crash.
            if !wal {
                self.conn.pragma_update(None, "journal_mode", "WAL")?;
            }
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            keep_wal_files(&self.conn)?;
        }
        Ok(())
    }

    /// Brings the schema from `found` to this build's version, after a
    /// verified backup of the journal as it was.
    fn migrate(&mut self, found: i64) -> Result<()> {
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        let label = self.describe();
        if self.read_only {
            bail!("{label} needs an upgrade to schema version {SCHEMA_VERSION} but is read-only (check its permissions)");
        }
        // A migration that rebuilds a table (0006) must not cascade the old
        // table's drop to the rows that point at it: as SQLite's procedure
        // for rebuilding a table says, foreign keys are off while the
        // migrations run (which cannot be switched inside a transaction)
        // and checked before the commit.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = self.run_migrations(&label);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        migrated
    }

    fn run_migrations(&mut self, label: &str) -> Result<()> {
        let path = self.path.clone();
        // The write lock first: of several wins started at once on an old
        // (or new) journal, one migrates and the others find it done.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (current, tables) = inspect(&tx)?;
        refuse_foreign(current, tables > 0, label)?;
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        if let (Some(path), true) = (&path, current > 0) {
            let wins: i64 = tx.query_row("SELECT count(*) FROM wins", [], |row| row.get(0))?;
            back_up(path, current, wins)?;
        }
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
}

/// The schema version and the number of schema entries, in one read.
fn inspect(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Refuses a journal of a newer win, and another program's database.
fn refuse_foreign(version: i64, has_schema: bool, label: &str) -> Result<()> {
    if version > SCHEMA_VERSION {
        bail!("{label} was written by a newer win (schema version {version}; this win reads up to {SCHEMA_VERSION}): upgrade win");
    }
    if version == 0 && has_schema {
        bail!("{label} is an SQLite database of another program, not a win journal; point --db or WIN_DB at another file");
    }
    Ok(())
}

/// Copies the journal (at schema `version`, holding `wins` wins) to
/// `wins.db.bak-<version>` before a migration touches it. The copy is
/// written under a temporary name, private, flushed to disk, and checked
/// (whole, the right version, every win) before it is renamed into place:
/// a backup that exists is always a complete one, and an older file of that
/// name, whole or not, is replaced. Called under the journal's write lock,
/// so no other win writes the journal or the copy meanwhile.
fn back_up(path: &Path, version: i64, wins: i64) -> Result<()> {
    let backup = file::sibling(path, &format!(".bak-{version}"));
    let partial = file::sibling(path, &format!(".bak-{version}.partial"));
    let failed = |what: &str| {
        format!(
            "cannot back up the journal to {} before migrating ({what}); nothing was migrated",
            backup.display()
        )
    };
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let leftover = file::sibling(&partial, suffix);
        match std::fs::remove_file(&leftover) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(err).with_context(|| {
                    failed("a copy left by an interrupted backup cannot be removed")
                });
            }
            _ => {}
        }
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .with_context(|| failed("cannot create the copy"))?;
    let copied = (|| -> Result<()> {
        // A second, read-only connection: the first holds the write lock
        // in a transaction, where VACUUM cannot run.
        let source = Connection::open_with_flags(
            file::uri(path, ""),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        source.execute("VACUUM INTO ?1", [file::uri(&partial, "")])?;
        drop(source);
        file::sync(&partial)?;
        verify_backup(&partial, version, wins)
    })();
    if let Err(err) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(err).with_context(|| failed("the copy failed"));
    }
    std::fs::rename(&partial, &backup).with_context(|| failed("cannot rename the copy"))?;
    file::sync_folder(&backup).with_context(|| failed("cannot flush its folder"))?;
    Ok(())
}

/// Checks that a backup is a whole journal at `version` with `wins` wins.
fn verify_backup(copy: &Path, version: i64, wins: i64) -> Result<()> {
    let conn = Connection::open_with_flags(
        file::uri(copy, "immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    let (found, _) = inspect(&conn)?;
    let copied: i64 = conn.query_row("SELECT count(*) FROM wins", [], |row| row.get(0))?;
    if check != "ok" || found != version || copied != wins {
        bail!("the copy does not verify: integrity {check}, schema version {found} of {version}, {copied} wins of {wins}");
    }
    Ok(())
}

/// How a journal is named in messages.
pub(super) fn describe(path: Option<&Path>) -> String {
    match path {
        Some(path) => format!("the journal {}", path.display()),
        None => "the in-memory journal".to_string(),
    }
}

/// SQLite calls this while another connection holds a lock it needs: wait,
/// up to `BUSY_TIMEOUT`, saying so once on a terminal if it takes a while
/// (an import of a large file can hold the write lock for many seconds).
fn wait_for_lock(attempt: i32) -> bool {
    static WAITING_SINCE: Mutex<Option<Instant>> = Mutex::new(None);
    static TOLD: AtomicBool = AtomicBool::new(false);
    let now = Instant::now();
    let since = {
        let Ok(mut since) = WAITING_SINCE.lock() else {
            return false;
        };
        if attempt == 0 || since.is_none() {
            *since = Some(now);
        }
        since.unwrap_or(now)
    };
    let waited = now.duration_since(since);
    record_wait(waited);
    if waited >= BUSY_TIMEOUT || GIVE_UP.get().is_some_and(|give_up| give_up()) {
        return false;
    }
    if waited >= Duration::from_secs(1) && !TOLD.swap(true, Ordering::Relaxed) {
        if let Some(notice) = LONG_WAIT.get() {
            notice();
        }
    }
    // SQLite's own schedule: quick retries first, then every 50 ms.
    let pause = match attempt {
        0..=2 => 2,
        3..=5 => 10,
        6..=9 => 25,
        _ => 50,
    };
    std::thread::sleep(Duration::from_millis(pause));
    true
}

/// What to do once a command has waited a second for the lock (the app
/// tells a person at a terminal; store itself prints nothing).
static LONG_WAIT: OnceLock<fn()> = OnceLock::new();

/// Sets what happens when a command has waited a second for the journal.
pub fn on_long_wait(notice: fn()) {
    let _ = LONG_WAIT.set(notice);
}

/// Asked at every retry: `true` stops the wait at once (Ctrl-C during an
/// import queued behind another one must not wait out the timeout).
static GIVE_UP: OnceLock<fn() -> bool> = OnceLock::new();

/// Sets what stops a wait for the journal early.
pub fn give_up_waiting_when(give_up: fn() -> bool) {
    let _ = GIVE_UP.set(give_up);
}

/// The longest this process waited for a lock, for a truthful error.
static LONGEST_WAIT_MS: AtomicU64 = AtomicU64::new(0);

fn record_wait(waited: Duration) {
    let ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
    LONGEST_WAIT_MS.fetch_max(ms, Ordering::Relaxed);
}

/// How long this process has waited for a lock at most.
pub(super) fn longest_wait() -> Duration {
    Duration::from_millis(LONGEST_WAIT_MS.load(Ordering::Relaxed))
}

fn open_connection(path: &Path) -> Result<(Connection, bool)> {
    let context = || format!("cannot open the journal {}", path.display());
    if file::is_writable(path) {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        return Ok((
            Connection::open_with_flags(file::uri(path, ""), flags).with_context(context)?,
            false,
        ));
    }
    // A journal we may not write can still be read, but not while a write
    // is unfinished, which only a writer can undo.
    if file::has_unfinished_write(path) {
        bail!(
            "{} has an unfinished write (an import was stopped part-way, or is running); run any win command as its owner to undo it, then read it again",
            path.display()
        );
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // Wins still in the -wal file are read from it (SQLite needs its -shm
    // file for that); with none there, `immutable` reads the file alone
    // and creates nothing beside it.
    let query = if file::wal_has_frames(path) {
        ""
    } else {
        "immutable=1"
    };
    Ok((
        Connection::open_with_flags(file::uri(path, query), flags).with_context(context)?,
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
