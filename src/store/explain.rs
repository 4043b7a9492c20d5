//! SQLite's terse errors, turned into ones that say what to do.

use anyhow::anyhow;

use super::open::{longest_wait, BUSY_TIMEOUT};

/// Turns SQLite's terse errors into ones that say what to do; `journal`
/// names the file ("the journal /path/wins.db").
pub(super) fn explain(err: anyhow::Error, journal: &str) -> anyhow::Error {
    let Some(sqlite) = err.downcast_ref::<rusqlite::Error>() else {
        return err;
    };
    match sqlite.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly) => {
            anyhow!("{journal} is read-only: cannot write (check its permissions and its folder's)")
        }
        Some(rusqlite::ErrorCode::NotADatabase) => anyhow!(
            "{journal} is not a win journal (or is damaged); point --db or WIN_DB at another file"
        ),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            anyhow!("{journal} is damaged (restore it from a backup such as its .bak- copy)")
        }
        Some(rusqlite::ErrorCode::DiskFull) => {
            anyhow!("the disk holding {journal} is full: nothing was written")
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            // Say what really happened: a wait that ran out, or a lock
            // SQLite would not wait for.
            let waited = longest_wait();
            if waited >= BUSY_TIMEOUT {
                anyhow!(
                    "{} stayed locked by another win command for {}s (a long import?); try again when it is done",
                    journal,
                    waited.as_secs()
                )
            } else {
                anyhow!(
                    "{journal} was locked by another win command, which this one could not wait for; try again"
                )
            }
        }
        _ => err,
    }
}
