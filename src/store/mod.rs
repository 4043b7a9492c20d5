//! The journal on disk: SQLite, its migrations, and every query. No SQL
//! lives anywhere else.
//!
//! - `file`: the journal as a file, checked before SQLite sees it;
//! - `open`: opening, configuring and migrating the connection;
//! - `queries`: reading and changing wins;
//! - `rows`: one win's rows, shared by queries and imports;
//! - `import`: the bulk-load state machine;
//! - `learned`: what the user's labelled wins teach competency inference;
//! - `sync`: capturing changes for sync, and replaying other devices';
//! - `proposals`: follow-ups agents proposed, waiting in the inbox;
//! - `rewrites`: statements the user's own model wrote, kept for the next draft;
//! - `mined`: wins `win mine` proposed, and where each repository's mine stopped;
//! - `explain`: SQLite's errors in words that say what to do.

mod explain;
mod file;
mod import;
mod learned;
mod mined;
mod open;
mod proposals;
mod queries;
mod rewrites;
mod rows;
mod snippet;
mod sync;

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};

pub use file::check_journal_file;
pub use import::Import;
pub use open::{give_up_waiting_when, on_long_wait, SCHEMA_VERSION};
pub use proposals::ProposedUpdate;
pub use queries::{BriefHit, LearnedCounts, SearchHit};
pub use rewrites::KeptRewrite;
pub use sync::{Peer, Replayed, SyncDevice};

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    read_only: bool,
}

impl Store {
    fn describe(&self) -> String {
        open::describe(self.path.as_deref())
    }

    /// Turns SQLite's terse errors into ones that say what to do.
    fn explain(&self, err: anyhow::Error) -> anyhow::Error {
        explain::explain(err, &self.describe())
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
}

/// Whether an error came from SQLite: the journal file's, not the
/// caller's (`win mcp` tells an agent which is which).
pub fn is_journal_error(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.downcast_ref::<rusqlite::Error>().is_some()
}

#[cfg(test)]
mod tests;
