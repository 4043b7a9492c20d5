//! The journal's side of sync: every change a command makes is captured in
//! the same transaction (`capture`), published from the outbox by
//! `win sync`, and the other devices' records are replayed in one
//! transaction, idempotently (by device and sequence number).

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{anyhow, Result};
use rusqlite::{params, Connection, OptionalExtension};

use super::{rows, Import, Store};
use crate::domain::sync::{adopt, merge, Change, Clock, Clocks, Group, Hlc, Op, RECORD_FORMAT};
use crate::domain::win::{format_rfc3339, NewWin};

/// This journal's place in sync: set by `win sync init`.
#[derive(Debug, Clone)]
pub struct SyncDevice {
    pub device: String,
    /// The latest clock this device issued or saw.
    pub hlc: Hlc,
    pub last_sync: Option<String>,
    /// Whether this journal syncs encrypted (`None`: set up by an older
    /// win, not known yet).
    pub encrypted: Option<bool>,
    /// The last sequence number this device committed to the sync
    /// repository (`None`: set up by an older win, not known yet).
    pub published: Option<u64>,
    /// Whether this device syncs with tags (`false`: set up by an older
    /// win; it vouches for what it trusted on its next sync).
    pub authenticated: bool,
    /// The devices whose vouch for untagged batches this journal has read.
    pub vouchers: Vec<String>,
}

/// Another device, and how far its records have been replayed here.
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    pub device: String,
    pub applied_seq: u64,
    /// The highest sequence number found in its files, applied or
    /// refused: below the number its folder says it wrote, a batch of its
    /// is missing on the remote.
    pub seen_seq: u64,
    /// Its files read, each with the SHA-256 of its content when read
    /// (see `sync::tree::Position`).
    pub read: BTreeMap<String, [u8; 32]>,
}

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replayed {
    /// Records applied (whether or not they changed a win).
    pub applied: usize,
    /// Records for wins a device deleted, ignored: a delete wins.
    pub ignored_deleted: usize,
}

/// Capture for one transaction: whether sync is on, the device and its
/// clock. Read once per transaction (an import reads it once for all).
pub(super) struct Capture {
    device: String,
    hlc: Hlc,
}

impl Capture {
    /// `None` when sync is not set up: nothing is captured.
    pub(super) fn begin(tx: &Connection) -> Result<Option<Capture>> {
        let found: Option<(String, String)> = tx
            .prepare_cached("SELECT device, hlc FROM sync_device")?
            .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        found
            .map(|(device, hlc)| {
                Ok(Capture {
                    device,
                    hlc: hlc.parse()?,
                })
            })
            .transpose()
    }

    /// Records one change: a new clock, a row in the outbox, and the clocks
    /// of the groups it wrote.
    pub(super) fn record(
        &mut self,
        tx: &Connection,
        uid: &str,
        op: Op,
        groups: &[Group],
    ) -> Result<()> {
        self.hlc = Hlc::tick(self.hlc, wall_clock_millis());
        let clock = Clock {
            hlc: self.hlc,
            device: self.device.clone(),
        };
        let set = if op == Op::Create {
            "*".to_string()
        } else {
            serde_json::to_string(groups)?
        };
        tx.prepare_cached(
            "INSERT INTO sync_outbox (uid, op, hlc, groups) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![uid, op.as_str(), self.hlc.to_string(), set])?;
        match op {
            Op::Delete => {
                tx.prepare_cached("DELETE FROM sync_clocks WHERE uid = ?1")?
                    .execute([uid])?;
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_tombstones (uid, hlc) VALUES (?1, ?2)",
                )?
                .execute(params![uid, self.hlc.to_string()])?;
            }
            Op::Create => save_clocks(tx, uid, &Clocks::uniform(clock))?,
            _ => {
                let mut clocks = load_clocks(tx, uid)?;
                for &group in groups {
                    clocks.set(group, clock.clone());
                }
                save_clocks(tx, uid, &clocks)?;
            }
        }
        Ok(())
    }

    /// Saves the clock, once the transaction's changes are recorded.
    pub(super) fn finish(&self, tx: &Connection) -> Result<()> {
        tx.prepare_cached("UPDATE sync_device SET hlc = ?1")?
            .execute([self.hlc.to_string()])?;
        Ok(())
    }
}

/// Records one change in its own transaction's capture, if sync is on.
/// Proposed wins travel too: the inbox (and where each proposal came
/// from) is the same on every device, and accepting or rejecting one on
/// any device does it everywhere.
pub(super) fn capture(tx: &Connection, uid: &str, op: Op, groups: &[Group]) -> Result<()> {
    // Sync off (the common case): one lookup, nothing else on a write's
    // path but a delete's note. A journal remembers what it deleted before
    // sync was set up, so that `win sync init` sends those deletes too: a
    // copy of the win another journal got by export and import would
    // otherwise come back.
    let Some(mut capture) = Capture::begin(tx)? else {
        if op == Op::Delete {
            let hlc = Hlc::tick(Hlc::ZERO, wall_clock_millis());
            tx.prepare_cached("INSERT OR REPLACE INTO sync_tombstones (uid, hlc) VALUES (?1, ?2)")?
                .execute(params![uid, hlc.to_string()])?;
        }
        return Ok(());
    };
    capture.record(tx, uid, op, groups)?;
    capture.finish(tx)
}

/// Whether a device deleted this uid (a delete wins: it stays deleted).
pub(super) fn is_deleted(tx: &Connection, uid: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM sync_tombstones WHERE uid = ?1")?
        .query_row([uid], |_| Ok(()))
        .optional()?
        .is_some())
}

fn load_clocks(tx: &Connection, uid: &str) -> Result<Clocks> {
    let found: Option<String> = tx
        .prepare_cached("SELECT clocks FROM sync_clocks WHERE uid = ?1")?
        .query_row([uid], |row| row.get(0))
        .optional()?;
    match found {
        Some(json) => Clocks::from_json(&json),
        None => Ok(Clocks::uniform(Clock::zero())),
    }
}

fn save_clocks(tx: &Connection, uid: &str, clocks: &Clocks) -> Result<()> {
    tx.prepare_cached("INSERT OR REPLACE INTO sync_clocks (uid, clocks) VALUES (?1, ?2)")?
        .execute(params![uid, clocks.to_json()])?;
    Ok(())
}

fn wall_clock_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl Store {
    /// This journal's sync settings, if sync is set up.
    pub fn sync_device(&self) -> Result<Option<SyncDevice>> {
        type Row = (
            String,
            String,
            Option<String>,
            Option<bool>,
            Option<i64>,
            Option<bool>,
            Option<String>,
        );
        let found: Option<Row> = self
            .conn
            .query_row(
                "SELECT device, hlc, last_sync, encrypted, published_seq, authenticated, vouchers
                 FROM sync_device",
                [],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                    ))
                },
            )
            .optional()
            .map_err(|err| self.explain(err.into()))?;
        found
            .map(
                |(device, hlc, last_sync, encrypted, published, authenticated, vouchers)| {
                    Ok(SyncDevice {
                        device,
                        hlc: hlc.parse()?,
                        last_sync,
                        encrypted,
                        published: published.and_then(|seq| u64::try_from(seq).ok()),
                        authenticated: authenticated == Some(true),
                        vouchers: match vouchers {
                            Some(text) => serde_json::from_str(&text)?,
                            None => Vec::new(),
                        },
                    })
                },
            )
            .transpose()
    }

    /// Notes whether this journal syncs encrypted: from then on, a
    /// repository that says otherwise is refused.
    pub fn set_sync_encrypted(&mut self, encrypted: bool) -> Result<()> {
        self.write(|tx| {
            tx.execute("UPDATE sync_device SET encrypted = ?1", [encrypted])?;
            Ok(())
        })
    }

    /// Notes that this device syncs with tags: it has vouched for what its
    /// older win trusted, or never synced without them.
    pub fn set_sync_authenticated(&mut self) -> Result<()> {
        self.write(|tx| {
            tx.execute("UPDATE sync_device SET authenticated = 1", [])?;
            Ok(())
        })
    }

    /// Notes the devices whose vouch this journal has read.
    pub fn set_sync_vouchers(&mut self, devices: &[String]) -> Result<()> {
        let text = serde_json::to_string(devices)?;
        self.write(|tx| {
            tx.execute("UPDATE sync_device SET vouchers = ?1", [text])?;
            Ok(())
        })
    }

    /// The files this device wrote to the sync repository, each with the id
    /// git gave what it wrote.
    pub fn own_files(&self) -> Result<BTreeMap<String, String>> {
        let read = || -> Result<BTreeMap<String, String>> {
            let mut statement = self.conn.prepare("SELECT file, blob FROM sync_batches")?;
            let files = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
            Ok(files)
        };
        read().map_err(|err| self.explain(err))
    }

    /// Notes files this device wrote (path and id), and forgets `gone`.
    pub fn note_own_files(&mut self, written: &[(String, String)], gone: &[String]) -> Result<()> {
        self.write(|tx| {
            for file in gone {
                tx.prepare_cached("DELETE FROM sync_batches WHERE file = ?1")?
                    .execute([file])?;
            }
            for (file, blob) in written {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_batches (file, blob) VALUES (?1, ?2)",
                )?
                .execute([file, blob])?;
            }
            Ok(())
        })
    }

    /// Notes that this device's records up to `seq` are committed to the
    /// sync repository, and drops them from the outbox.
    pub fn mark_published(&mut self, seq: u64) -> Result<()> {
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        self.write(|tx| {
            tx.execute("UPDATE sync_device SET published_seq = ?1", [seq])?;
            tx.execute("DELETE FROM sync_outbox WHERE seq <= ?1", [seq])?;
            Ok(())
        })
    }

    /// Squares the outbox with what the sync repository already holds of
    /// this device (`written`: its records after the sequence number the
    /// journal last knew it published): an outbox row the repository holds
    /// as it is (same sequence number, win, change and clock) is dropped as
    /// sent; every other row, and every change made from now on, is
    /// numbered after `after`, so no record the journal has not sent is
    /// taken for one already there. Returns how many rows were renumbered.
    pub fn renumber_outbox(&mut self, written: &[Change], after: u64) -> Result<usize> {
        let after = i64::try_from(after)
            .map_err(|_| anyhow!("the sync repository numbers this device's records past {after}, more than win counts to"))?;
        self.write(|tx| {
            for change in written {
                let seq = i64::try_from(change.seq).unwrap_or(i64::MAX);
                tx.prepare_cached(
                    "DELETE FROM sync_outbox WHERE seq = ?1 AND uid = ?2 AND op = ?3 AND hlc = ?4",
                )?
                .execute(params![
                    seq,
                    change.uid,
                    change.op.as_str(),
                    change.hlc.to_string()
                ])?;
            }
            let lowest: Option<i64> =
                tx.query_row("SELECT min(seq) FROM sync_outbox", [], |row| row.get(0))?;
            let mut renumbered = 0;
            if let Some(lowest) = lowest.filter(|&lowest| lowest <= after) {
                let shift = after - lowest + 1;
                // Two steps, through negative numbers, so that no row takes
                // a number another row still has.
                tx.execute("UPDATE sync_outbox SET seq = -seq", [])?;
                renumbered = tx.execute("UPDATE sync_outbox SET seq = -seq + ?1", [shift])?;
            }
            // AUTOINCREMENT numbers new rows after the highest it remembers.
            let highest: i64 = tx.query_row(
                "SELECT max(?1, coalesce((SELECT max(seq) FROM sync_outbox), 0))",
                [after],
                |row| row.get(0),
            )?;
            let known = tx.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'sync_outbox'",
                [highest],
            )?;
            if known == 0 {
                tx.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ('sync_outbox', ?1)",
                    [highest],
                )?;
            }
            Ok(renumbered)
        })
    }

    /// Turns capture on for `device` and queues every win already in the
    /// journal to be published once, and every delete it remembers. Each carries the clock of its last
    /// change (`updated_at`), so copies of one win that journals got
    /// earlier by export and import resolve to the latest edit, not
    /// to whichever device set sync up last. Returns how many were queued.
    pub fn enable_sync(&mut self, device: &str) -> Result<usize> {
        let device = device.to_string();
        self.write(|tx| {
            let newest: i64 = tx.query_row(
                "SELECT coalesce(max(unixepoch(updated_at)), 0) * 1000 FROM wins",
                [],
                |row| row.get(0),
            )?;
            let start = Hlc::tick(
                Hlc {
                    millis: u64::try_from(newest).unwrap_or(0),
                    counter: 0,
                },
                wall_clock_millis(),
            );
            tx.execute(
                "INSERT INTO sync_device (id, device, hlc) VALUES (1, ?1, ?2)",
                params![device, start.to_string()],
            )?;
            let queued = tx.execute(
                "INSERT INTO sync_outbox (uid, op, hlc, groups)
                 SELECT uid, 'create', (unixepoch(updated_at) * 1000) || '.0', '*'
                 FROM wins ORDER BY occurred_ts, id",
                [],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO sync_clocks (uid, clocks)
                 SELECT uid, json_object('*', (unixepoch(updated_at) * 1000) || '.0@' || ?1)
                 FROM wins",
                [&device],
            )?;
            // What was deleted before sync was set up, and not imported
            // again since, is deleted on every device.
            tx.execute(
                "DELETE FROM sync_tombstones WHERE uid IN (SELECT uid FROM wins)",
                [],
            )?;
            let deletes = tx.execute(
                "INSERT INTO sync_outbox (uid, op, hlc, groups)
                 SELECT uid, 'delete', hlc, '[]' FROM sync_tombstones ORDER BY hlc",
                [],
            )?;
            Ok(queued + deletes)
        })
    }

    /// Sync set up again on a journal that synced before (its sync folder
    /// moved aside after the remote's history was rewritten): queues every
    /// win, and every delete, to be published once more, under `device`.
    /// The clock, the field clocks, the deletes and how far each other
    /// device was replayed are kept, so nothing goes back in time and no
    /// record is applied twice; copies of a win other devices already hold
    /// are not duplicated (same uid). The files it noted as its own are
    /// forgotten: they are the repository's it left, or, when a copied
    /// journal takes a name of its own, the files of the device it was
    /// copied from, which still syncs and must keep them. Under a new name
    /// nothing is published yet. Returns how many were queued.
    pub fn restart_sync(&mut self, device: &str) -> Result<usize> {
        let device = device.to_string();
        self.write(|tx| {
            tx.execute(
                "UPDATE sync_device SET last_sync = NULL,
                 published_seq = CASE WHEN device = ?1 THEN published_seq ELSE 0 END,
                 device = ?1",
                [&device],
            )?;
            tx.execute("DELETE FROM sync_batches", [])?;
            tx.execute("DELETE FROM sync_outbox", [])?;
            let wins = tx.execute(
                "INSERT INTO sync_outbox (uid, op, hlc, groups)
                 SELECT uid, 'create', (unixepoch(updated_at) * 1000) || '.0', '*'
                 FROM wins ORDER BY occurred_ts, id",
                [],
            )?;
            let deletes = tx.execute(
                "INSERT INTO sync_outbox (uid, op, hlc, groups)
                 SELECT uid, 'delete', hlc, '[]' FROM sync_tombstones ORDER BY hlc",
                [],
            )?;
            Ok(wins + deletes)
        })
    }

    /// The records of this device's changes after sequence `after`, each
    /// with the win as it stands now. A change to a win deleted since is
    /// left out: its delete follows. One query reads them all, each win
    /// with its satellites, in the outbox's order.
    pub fn unpublished(&self, device: &str, after: u64) -> Result<Vec<Change>> {
        let read = || -> Result<Vec<Change>> {
            let mut statement = self.conn.prepare(concat!(
                "SELECT ",
                rows::win_columns!(),
                ", o.seq, o.uid, o.op, o.hlc, o.groups
                 FROM sync_outbox o LEFT JOIN wins w ON w.uid = o.uid
                 WHERE o.seq > ?1 ORDER BY o.seq"
            ))?;
            let mut found = statement.query([i64::try_from(after).unwrap_or(i64::MAX)])?;
            let mut changes = Vec::new();
            let column = rows::WIN_COLUMNS;
            while let Some(row) = found.next()? {
                let seq: i64 = row.get(column)?;
                let uid: String = row.get(column + 1)?;
                let op: Op = row.get::<_, String>(column + 2)?.parse()?;
                let hlc: String = row.get(column + 3)?;
                let groups: String = row.get(column + 4)?;
                let stored = row.get::<_, Option<i64>>(0)?.is_some();
                let win = match (op, stored) {
                    (Op::Delete, _) => None,
                    (_, true) => Some(rows::read_win(row)?.into_new()),
                    (_, false) => continue,
                };
                let set = if groups == "*" {
                    Group::ALL.to_vec()
                } else {
                    serde_json::from_str(&groups)?
                };
                changes.push(Change {
                    v: RECORD_FORMAT,
                    device: device.to_string(),
                    seq: u64::try_from(seq).map_err(|_| anyhow!("bad sequence {seq}"))?,
                    hlc: hlc.parse()?,
                    uid,
                    op,
                    set,
                    win,
                });
            }
            Ok(changes)
        };
        read().map_err(|err| self.explain(err))
    }

    /// How many of this device's changes are not in the sync repository yet.
    pub fn unpublished_count(&self, after: u64) -> Result<usize> {
        let count: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM sync_outbox WHERE seq > ?1",
                [i64::try_from(after).unwrap_or(i64::MAX)],
                |row| row.get(0),
            )
            .map_err(|err| self.explain(err.into()))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// The other devices seen, and how far each has been replayed.
    pub fn peers(&self) -> Result<Vec<Peer>> {
        let read = || -> Result<Vec<Peer>> {
            let mut statement = self
                .conn
                .prepare("SELECT device, applied_seq, seen_seq FROM sync_peers ORDER BY device")?;
            let mut peers = statement
                .query_map([], |row| {
                    Ok(Peer {
                        device: row.get(0)?,
                        applied_seq: row.get::<_, i64>(1)?.try_into().unwrap_or(0),
                        seen_seq: row.get::<_, i64>(2)?.try_into().unwrap_or(0),
                        read: BTreeMap::new(),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut statement = self
                .conn
                .prepare("SELECT device, file, digest FROM sync_read")?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let device: String = row.get(0)?;
                let digest: Vec<u8> = row.get(2)?;
                if let (Some(peer), Ok(digest)) = (
                    peers.iter_mut().find(|peer| peer.device == device),
                    <[u8; 32]>::try_from(digest),
                ) {
                    peer.read.insert(row.get(1)?, digest);
                }
            }
            Ok(peers)
        };
        read().map_err(|err| self.explain(err))
    }

    /// Applies other devices' records, in the order given (by clock), and
    /// notes how far each device has been read, all in one transaction: a
    /// replay interrupted anywhere leaves the journal as it was, and the
    /// next one starts over. Records never change the outbox: they are not
    /// this device's changes.
    ///
    /// A bulk load, like `win import`: the records of each win are merged
    /// in memory and the win written once, with the full-text triggers
    /// suspended and the index rebuilt once for what changed, link rows
    /// gathered, and the learned counts tallied and written once.
    /// `measure` measures a win's metrics again, as capture does, when a
    /// merge changed the words they come from (see `Merged::remeasure`).
    pub fn replay(
        &mut self,
        changes: &[Change],
        peers: &[Peer],
        now: chrono::DateTime<chrono::FixedOffset>,
        reached_remote: bool,
        measure: &mut dyn FnMut(&mut NewWin) -> Result<()>,
    ) -> Result<Replayed> {
        let label = self.describe();
        let mut load = self.replay_load()?;
        let replayed = replay_into(&mut load, changes, peers, now, reached_remote, measure)
            .map_err(|err| super::explain::explain(err, &label))?;
        // Dropped unfinished on an error above: rolled back.
        load.finish(false, || Ok(()))?;
        Ok(replayed)
    }
}

/// What a replay does to one win: the records not applied yet, in clock
/// order, merged into the win as stored (if it is), then written once.
fn replay_into(
    load: &mut Import<'_>,
    changes: &[Change],
    peers: &[Peer],
    now: chrono::DateTime<chrono::FixedOffset>,
    reached_remote: bool,
    measure: &mut dyn FnMut(&mut NewWin) -> Result<()>,
) -> Result<Replayed> {
    let mut seen = Capture::begin(load.conn())?
        .ok_or_else(|| anyhow!("sync is not set up for this journal"))?
        .hlc;
    let mut applied_seq: HashMap<&str, u64> = peers
        .iter()
        .map(|p| (p.device.as_str(), p.applied_seq))
        .collect();
    // Each (device, seq) once; each win's records together, in clock order,
    // the wins in the order of their first record. What was applied before
    // is skipped by each device's high-water mark; within this replay by
    // the pair itself: records come in clock order, and a device's clocks
    // need not follow its sequence (a journal set up to sync publishes its
    // wins in the order they happened, each with the clock of its last
    // edit), so a high-water mark moved record by record would skip every
    // earlier-numbered record with a later clock.
    let floor = applied_seq.clone();
    let mut taken: HashSet<(&str, u64)> = HashSet::new();
    let mut by_uid: HashMap<&str, usize> = HashMap::new();
    let mut wins: Vec<(&str, Vec<&Change>)> = Vec::new();
    for change in changes {
        let below = floor.get(change.device.as_str()).copied().unwrap_or(0);
        if change.seq <= below || !taken.insert((change.device.as_str(), change.seq)) {
            continue;
        }
        let done = applied_seq.entry(change.device.as_str()).or_insert(0);
        *done = (*done).max(change.seq);
        seen = seen.max(change.hlc);
        let index = *by_uid.entry(change.uid.as_str()).or_insert_with(|| {
            wins.push((change.uid.as_str(), Vec::new()));
            wins.len() - 1
        });
        wins[index].1.push(change);
    }
    let mut replayed = Replayed::default();
    for (uid, records) in wins {
        replay_win(load, uid, &records, measure, &mut replayed)?;
    }
    let tx = load.conn();
    for peer in peers {
        let applied = applied_seq
            .get(peer.device.as_str())
            .copied()
            .unwrap_or(peer.applied_seq);
        tx.prepare_cached(
            "INSERT OR REPLACE INTO sync_peers (device, applied_seq, file, offset, seen_seq)
             VALUES (?1, ?2, '', 0, ?3)",
        )?
        .execute(params![
            peer.device,
            i64::try_from(applied).unwrap_or(i64::MAX),
            i64::try_from(peer.seen_seq.max(applied)).unwrap_or(i64::MAX)
        ])?;
        tx.prepare_cached("DELETE FROM sync_read WHERE device = ?1")?
            .execute([&peer.device])?;
        let mut note =
            tx.prepare_cached("INSERT INTO sync_read (device, file, digest) VALUES (?1, ?2, ?3)")?;
        for (file, digest) in &peer.read {
            note.execute(params![peer.device, file, &digest[..]])?;
        }
    }
    tx.prepare_cached("UPDATE sync_device SET hlc = ?1")?
        .execute([seen.to_string()])?;
    if reached_remote {
        tx.prepare_cached("UPDATE sync_device SET last_sync = ?1")?
            .execute([format_rfc3339(&now)])?;
    }
    Ok(replayed)
}

/// Merges one win's new records into it and writes the result once.
fn replay_win(
    load: &mut Import<'_>,
    uid: &str,
    records: &[&Change],
    measure: &mut dyn FnMut(&mut NewWin) -> Result<()>,
    replayed: &mut Replayed,
) -> Result<()> {
    let tx = load.conn();
    if is_deleted(tx, uid)? {
        replayed.ignored_deleted += records.iter().filter(|c| c.op != Op::Delete).count();
        return Ok(());
    }
    // Into a journal that was empty, every win is new: nothing to read.
    let stored = if load.had_wins() {
        rows::win_by_uid(tx, uid)?
    } else {
        None
    };
    let loaded_clocks = match &stored {
        Some(_) => Some(load_clocks(tx, uid)?),
        None => None,
    };
    let mut state: Option<(NewWin, Clocks)> = stored
        .as_ref()
        .zip(loaded_clocks.as_ref())
        .map(|((_, win), clocks)| (win.clone(), clocks.clone()));
    let mut changed = false;
    let mut remeasure = false;
    let mut deleted_at = None;
    for change in records {
        if deleted_at.is_some() {
            if change.op != Op::Delete {
                replayed.ignored_deleted += 1;
            }
            continue;
        }
        replayed.applied += 1;
        if change.op == Op::Delete {
            deleted_at = Some(change.hlc);
            continue;
        }
        match &mut state {
            None => {
                state = adopt(change);
                changed = state.is_some();
            }
            Some((win, clocks)) => {
                let merged = merge(win, clocks, change);
                changed |= merged.changed;
                // A later record whose analysis came with exactly the
                // merged words settles what earlier ones asked.
                remeasure = !merged.exact && (remeasure || merged.remeasure);
            }
        }
    }
    if let Some(hlc) = deleted_at {
        if let Some((id, _)) = stored {
            load.remove(id)?;
        }
        let tx = load.conn();
        tx.prepare_cached("DELETE FROM sync_clocks WHERE uid = ?1")?
            .execute([uid])?;
        tx.prepare_cached("INSERT INTO sync_tombstones (uid, hlc) VALUES (?1, ?2)")?
            .execute(params![uid, hlc.to_string()])?;
        return Ok(());
    }
    let Some((mut win, clocks)) = state else {
        return Ok(());
    };
    if remeasure {
        // Follow-ups merged in arrival order: measured in the journal's.
        rows::timeline_order(&mut win.updates);
        let before = win.metrics.clone();
        measure(&mut win)?;
        // Measured again, the metrics may differ from the stored ones when
        // no field did (a later analysis of other words, with fields this
        // journal had already): written too, as every other device writes
        // what it measured.
        changed |= win.metrics != before;
    }
    match stored {
        None => {
            load.insert_as_is(&win)?;
        }
        Some((id, _)) if changed => load.replace_as_is(id, &win)?,
        Some(_) => {}
    }
    if loaded_clocks.as_ref() != Some(&clocks) {
        save_clocks(load.conn(), uid, &clocks)?;
    }
    Ok(())
}
