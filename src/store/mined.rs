//! What `win mine` keeps: its proposals (wins in the inbox, each stored
//! once: a uid already in the journal, or deleted from it, is never
//! proposed again) and where the last mine of each repository stopped.

use std::collections::HashSet;

use anyhow::{anyhow, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::{params, OptionalExtension};

use super::{learned, rows, sync, Store};
use crate::domain::sync::{Group, Op};
use crate::domain::win::{format_rfc3339, parse_rfc3339, NewWin, Win};

impl Store {
    /// Where the last mine of the repository at `path` stopped.
    pub fn mined_until(&self, path: &str) -> Result<Option<DateTime<FixedOffset>>> {
        let stopped: Option<String> = self
            .conn
            .query_row(
                "SELECT stopped_at FROM mined_repositories WHERE path = ?1",
                [path],
                |row| row.get(0),
            )
            .optional()?;
        stopped
            .map(|at| {
                parse_rfc3339(&at).map_err(|err| anyhow!("bad mined date {at} for {path}: {err}"))
            })
            .transpose()
    }

    /// Of these uids, those the journal holds or once deleted (a rejected
    /// proposal, a removed win): mining them again proposes nothing.
    pub fn known_uids(&self, uids: &[String]) -> Result<HashSet<String>> {
        let mut known = HashSet::new();
        let mut in_wins = self
            .conn
            .prepare_cached("SELECT 1 FROM wins WHERE uid = ?1")?;
        for uid in uids {
            if in_wins.exists([uid])? || sync::is_deleted(&self.conn, uid)? {
                known.insert(uid.clone());
            }
        }
        Ok(known)
    }

    /// Stores mined proposals not already known (see `known_uids`, checked
    /// again inside the transaction) and where each repository's mine
    /// stopped, in one transaction: nothing is half-written. Returns the
    /// wins stored.
    pub fn add_mined(
        &mut self,
        wins: &[NewWin],
        stops: &[(String, DateTime<FixedOffset>)],
    ) -> Result<Vec<Win>> {
        self.write(|tx| {
            let mut stored = Vec::new();
            let mut names = rows::Names::default();
            for win in wins {
                if sync::is_deleted(tx, &win.uid)? {
                    continue;
                }
                let Some(id) = rows::insert_win(tx, win, &mut names)? else {
                    continue;
                };
                learned::learn(tx, id, win)?;
                sync::capture(tx, &win.uid, Op::Create, Group::ALL)?;
                stored.push(win.clone().into_win(id));
            }
            rows::flush(tx, &mut names)?;
            for (path, stopped_at) in stops {
                tx.prepare_cached(
                    "INSERT INTO mined_repositories (path, stopped_at) VALUES (?1, ?2)
                     ON CONFLICT (path) DO UPDATE SET stopped_at = max(stopped_at, excluded.stopped_at)",
                )?
                .execute(params![path, format_rfc3339(&stopped_at.to_utc().fixed_offset())])?;
            }
            Ok(stored)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::win::{Provenance, Status};

    fn proposal(uid: &str) -> NewWin {
        let at = parse_rfc3339("2026-06-01T10:00:00+02:00").unwrap();
        let mut win = NewWin::new("batched the lookups".into(), at);
        win.uid = uid.into();
        win.status = Status::Proposed;
        win.provenance = Some(Provenance {
            source: "git".into(),
            why: Some("a feat commit".into()),
            repository: Some("/src/ranker".into()),
            remote: Some("https://git.example/ranker".into()),
            commits: vec!["a".repeat(40)],
            ..Provenance::default()
        });
        win
    }

    #[test]
    fn proposals_are_stored_once_with_their_provenance_and_a_rejected_one_stays_out() {
        let mut store = Store::open_in_memory().unwrap();
        let at = parse_rfc3339("2026-06-02T00:00:00+00:00").unwrap();
        let first = vec![proposal("u1"), proposal("u2")];
        let stored = store
            .add_mined(&first, &[("/src/ranker".into(), at)])
            .unwrap();
        assert_eq!(stored.len(), 2);
        let read = store.require(stored[0].id).unwrap();
        assert_eq!(
            read.provenance, first[0].provenance,
            "provenance read back whole"
        );
        assert_eq!(store.mined_until("/src/ranker").unwrap(), Some(at));
        let later_elsewhere = parse_rfc3339("2026-06-02T01:30:00+02:00").unwrap();
        store
            .add_mined(&[], &[("/src/ranker".into(), later_elsewhere)])
            .unwrap();
        assert_eq!(
            store.mined_until("/src/ranker").unwrap(),
            Some(at),
            "an earlier instant in another offset"
        );
        assert_eq!(store.mined_until("/elsewhere").unwrap(), None);

        store.reject(&[stored[1].id]).unwrap();
        let known = store
            .known_uids(&["u1".into(), "u2".into(), "u3".into()])
            .unwrap();
        assert_eq!(known, HashSet::from(["u1".to_string(), "u2".to_string()]));
        let again = store
            .add_mined(&[proposal("u1"), proposal("u2"), proposal("u3")], &[])
            .unwrap();
        assert_eq!(
            again.iter().map(|w| w.uid.as_str()).collect::<Vec<_>>(),
            ["u3"]
        );

        // An older stop never moves the mark back.
        let earlier = parse_rfc3339("2026-01-01T00:00:00+00:00").unwrap();
        store
            .add_mined(&[], &[("/src/ranker".into(), earlier)])
            .unwrap();
        assert_eq!(store.mined_until("/src/ranker").unwrap(), Some(at));
    }
}
