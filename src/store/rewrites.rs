//! Statements the user's own model wrote and the fact check accepted
//! (`win review draft --rewrite`), kept per win with the hash of what each
//! was made from, so a draft asks the model only about what changed.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::params;

use super::Store;

/// A kept statement and the hash of what it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRewrite {
    pub made_from: String,
    pub statement: String,
}

impl Store {
    /// Every kept statement, by the uid of its win: one read for a draft.
    pub fn kept_rewrites(&self) -> Result<HashMap<String, KeptRewrite>> {
        let mut statement = self
            .conn
            .prepare("SELECT win_uid, made_from, statement FROM kept_rewrites")
            .map_err(|err| self.explain(err.into()))?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                KeptRewrite {
                    made_from: row.get(1)?,
                    statement: row.get(2)?,
                },
            ))
        })?;
        let mut kept = HashMap::new();
        for row in rows {
            let (uid, rewrite) = row.map_err(|err| self.explain(err.into()))?;
            kept.insert(uid, rewrite);
        }
        Ok(kept)
    }

    /// Keeps the statement the model wrote for the win `uid`, over any
    /// kept before. `at` is an RFC 3339 time.
    pub fn keep_rewrite(&mut self, uid: &str, rewrite: &KeptRewrite, at: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO kept_rewrites (win_uid, made_from, statement, at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![uid, rewrite.made_from, rewrite.statement, at],
            )?;
            Ok(())
        })
    }
}
