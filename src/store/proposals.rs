//! Follow-ups an agent proposed for wins already in the journal: they wait
//! in the inbox until the person accepts them (then they are follow-ups
//! like any other, sent by sync) or rejects them. Nothing else reads them.

use anyhow::{anyhow, Result};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::{queries, Store};
use crate::domain::win::{
    format_rfc3339_precise, parse_rfc3339, NewWin, Provenance, Stage, Update, Win,
};

/// A follow-up waiting in the inbox, for the win `win_id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedUpdate {
    /// Its number in the inbox (`win inbox accept f3`).
    pub id: i64,
    /// The win it is for.
    pub win_id: i64,
    #[serde(flatten)]
    pub update: Update,
    pub provenance: Provenance,
}

const SELECT: &str = "SELECT p.id, w.id, p.at, p.stage, p.text, p.impact, p.next,
        p.origin, p.origin_client, p.origin_why
    FROM proposed_updates p JOIN wins w ON w.uid = p.win_uid";

fn read(row: &Row<'_>) -> Result<ProposedUpdate> {
    let at: String = row.get(2)?;
    let stage: Option<String> = row.get(3)?;
    Ok(ProposedUpdate {
        id: row.get(0)?,
        win_id: row.get(1)?,
        update: Update {
            at: parse_rfc3339(&at)
                .map_err(|err| anyhow!("bad proposed follow-up date {at}: {err}"))?,
            stage: stage.map(|stage| stage.parse()).transpose()?,
            text: row.get(4)?,
            impact: row.get(5)?,
            next: row.get(6)?,
        },
        provenance: Provenance {
            source: row.get(7)?,
            client: row.get(8)?,
            why: row.get(9)?,
            ..Provenance::default()
        },
    })
}

impl Store {
    /// Keeps a follow-up for win `id` in the inbox; the win is unchanged.
    pub fn propose_update(
        &mut self,
        id: i64,
        update: &Update,
        provenance: &Provenance,
    ) -> Result<ProposedUpdate> {
        let win = self.require(id)?;
        let proposal = self.write(|tx| {
            tx.execute(
                "INSERT INTO proposed_updates
                 (win_uid, at, stage, text, impact, next, origin, origin_client, origin_why)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    win.uid,
                    format_rfc3339_precise(&update.at),
                    update.stage.map(Stage::as_str),
                    update.text,
                    update.impact,
                    update.next,
                    provenance.source,
                    provenance.client,
                    provenance.why,
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })?;
        self.proposed_update(proposal)
    }

    /// The follow-ups waiting in the inbox, by win (newest win first), each
    /// win's in the order they were proposed.
    pub fn proposed_updates(&self) -> Result<Vec<ProposedUpdate>> {
        let read_all = || -> Result<Vec<ProposedUpdate>> {
            let mut statement = self.conn.prepare(&format!(
                "{SELECT} ORDER BY w.occurred_ts DESC, w.id DESC, p.id"
            ))?;
            let mut rows = statement.query([])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(read(row)?);
            }
            Ok(found)
        };
        read_all().map_err(|err| self.explain(err))
    }

    /// One proposed follow-up, by its number in the inbox.
    pub fn proposed_update(&self, id: i64) -> Result<ProposedUpdate> {
        let found = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?
            .query([id])?
            .next()?
            .map(read)
            .transpose()?;
        found.ok_or_else(|| anyhow!("no proposed follow-up f{id} in the inbox (see: win inbox)"))
    }

    /// Accepts a proposed follow-up: it joins its win's timeline (as
    /// `win update` would record it, for sync too) and leaves the inbox, in
    /// one transaction. `analyse` measures the win again, as `add_update`.
    pub fn accept_proposed_update(
        &mut self,
        id: i64,
        analyse: impl FnOnce(&mut NewWin) -> Result<()>,
    ) -> Result<Win> {
        let proposal = self.proposed_update(id)?;
        self.write(|tx| {
            let gone = tx.execute("DELETE FROM proposed_updates WHERE id = ?1", [id])?;
            if gone == 0 {
                return Err(anyhow!(
                    "proposed follow-up f{id} was accepted or rejected meanwhile; nothing recorded"
                ));
            }
            queries::add_update_in(tx, proposal.win_id, &proposal.update, analyse)
        })?;
        self.require(proposal.win_id)
    }

    /// Rejects proposed follow-ups (deletes them); if any is missing,
    /// rejects none. Proposals whose win was deleted go too.
    pub fn reject_proposed_updates(&mut self, ids: &[i64]) -> Result<usize> {
        for &id in ids {
            self.proposed_update(id)?;
        }
        self.write(|tx| {
            let mut rejected = 0;
            for &id in ids {
                rejected += tx.execute("DELETE FROM proposed_updates WHERE id = ?1", [id])?;
            }
            tx.execute(
                "DELETE FROM proposed_updates
                 WHERE win_uid NOT IN (SELECT uid FROM wins)",
                [],
            )?;
            Ok(rejected)
        })
    }

    /// How many follow-ups wait in the inbox.
    pub fn count_proposed_updates(&self) -> Result<i64> {
        let count: Option<i64> = self
            .conn
            .query_row(
                "SELECT count(*) FROM proposed_updates p JOIN wins w ON w.uid = p.win_uid",
                [],
                |row| row.get(0),
            )
            .optional()?;
        Ok(count.unwrap_or(0))
    }
}
