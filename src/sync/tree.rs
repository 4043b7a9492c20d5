//! The sync working tree: a git repository holding each device's change
//! records, never the journal itself.
//!
//! ```text
//! sync.json                          {"format": 1, "encrypted": true}
//! keycheck.age                       (encrypted repositories) proves a device's key
//! devices/<device>/<yyyy-mm>/<seq>.jsonl  one sync's records, one a line (plain)
//! devices/<device>/<yyyy-mm>/<seq>.age    the same encrypted, a batch of records a line
//!                                         (zlib-compressed, then sealed)
//! devices/<device>/seq               the last sequence number written
//! ```
//!
//! A device writes only in its own folder, and never changes a file once
//! written, so merges never conflict and each sync adds only its own bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::crypt::Key;
use crate::domain::limits;
use crate::domain::sync::{batch_file, check_device_id, Change};

/// The repository layout this build writes and reads.
const LAYOUT: u32 = 1;

/// Records a line holds when encrypted: one age file costs an X25519
/// exchange to open, so records travel in batches, bounded so that a
/// damaged line costs little.
const BATCH: usize = 1000;

/// An encrypted batch is compressed before it is sealed: ciphertext does
/// not compress, and records (JSON with the same keys again and again)
/// shrink about 18 times, which is what git stores, sends and hashes.
/// Level 6 is zlib's own default balance.
const COMPRESSION: u8 = 6;

/// The most a batch may inflate to: far more than 1000 records of the
/// largest wins `win` accepts, far less than a decompression bomb needs.
const BATCH_LIMIT: usize = 512 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    format: u32,
    encrypted: bool,
}

/// Where replay stopped reading a device's files: everything before
/// `offset` in `file` (and in files named before it) has been read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Position {
    pub file: String,
    pub offset: u64,
}

/// What reading a device's new lines gave.
#[derive(Default)]
pub struct Read {
    pub changes: Vec<Change>,
    /// Lines that could not be read, by name and why.
    pub damaged: Vec<String>,
    pub position: Position,
}

pub struct Tree {
    root: PathBuf,
    pub encrypted: bool,
}

impl Tree {
    /// The tree at `root`, as its manifest describes it.
    pub fn open(root: &Path) -> Result<Tree> {
        let manifest = read_manifest(root)?.ok_or_else(|| {
            anyhow!(
                "{} is not a win sync repository (no sync.json)",
                root.display()
            )
        })?;
        Ok(Tree {
            root: root.to_path_buf(),
            encrypted: manifest.encrypted,
        })
    }

    /// The tree at `root`, which this journal syncs `encrypted` or not:
    /// the journal's word, not the repository's, since anyone who can push
    /// to the remote can change its manifest.
    pub fn open_as(root: &Path, encrypted: bool) -> Result<Tree> {
        let tree = Tree::open(root)?;
        check_manifest(tree.encrypted, encrypted)?;
        Ok(tree)
    }

    /// Whether this tree shows that it was encrypted once, whatever its
    /// manifest says now: a key check, or a sealed batch of `device`'s.
    pub fn shows_encryption(&self, device: &str) -> Result<bool> {
        if self.encrypted || self.root.join("keycheck.age").exists() {
            return Ok(true);
        }
        let folder = self.root.join("devices").join(device);
        let Ok(months) = std::fs::read_dir(&folder) else {
            return Ok(false);
        };
        for month in months.filter_map(Result::ok) {
            let Ok(files) = std::fs::read_dir(month.path()) else {
                continue;
            };
            if files
                .filter_map(Result::ok)
                .any(|file| file.file_name().to_string_lossy().ends_with(".age"))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether the tree already holds a sync repository (a clone of one).
    pub fn exists(root: &Path) -> Result<bool> {
        Ok(read_manifest(root)?.is_some())
    }

    /// Writes the manifest (and key check) of a new repository.
    pub fn create(root: &Path, key: Option<&Key>) -> Result<Tree> {
        let manifest = Manifest {
            format: LAYOUT,
            encrypted: key.is_some(),
        };
        let mut text = serde_json::to_string_pretty(&manifest)?;
        text.push('\n');
        write_file(&root.join("sync.json"), text.as_bytes())?;
        if let Some(key) = key {
            write_file(
                &root.join("keycheck.age"),
                format!("{}\n", key.key_check()?).as_bytes(),
            )?;
        }
        write_file(
            &root.join(".gitattributes"),
            b"# records are data: git must never rewrite their line endings\n* -text\n",
        )?;
        Tree::open(root)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Refuses a key that cannot read this repository, before anything is
    /// written: records sealed with another key would be lost to the others.
    pub fn check_key(&self, key: Option<&Key>) -> Result<()> {
        if !self.encrypted {
            return Ok(());
        }
        let fix = "import the key from a device that syncs (there: win sync key show > key.txt; here: win sync key import key.txt)";
        let Some(key) = key else {
            bail!("the sync repository is encrypted and this device has no sync key: {fix}");
        };
        let check = crate::input::read_pulled_text(
            "the sync repository's key check",
            &self.root.join("keycheck.age"),
            limits::SYNC_SMALL_BYTES,
        )?
        .ok_or_else(|| anyhow!("the sync repository's key check (keycheck.age) is missing"))?;
        if !key.opens_key_check(&check) {
            bail!("this device's sync key cannot read the sync repository (it is another key); nothing was written: {fix}");
        }
        Ok(())
    }

    /// The devices that have written to the repository.
    pub fn devices(&self) -> Result<Vec<String>> {
        let folder = self.root.join("devices");
        let mut devices = Vec::new();
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(devices),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", folder.display()))
            }
        };
        for entry in entries {
            let entry = entry?;
            // A device is a folder of the repository, never a link out of it.
            if !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if check_device_id(&name).is_ok() {
                devices.push(name);
            }
        }
        devices.sort();
        Ok(devices)
    }

    /// The last sequence number `device` committed (0 for none).
    pub fn written_seq(&self, device: &str) -> Result<u64> {
        let path = self.root.join("devices").join(device).join("seq");
        match crate::input::read_pulled_text("the sequence file", &path, limits::SYNC_SMALL_BYTES)?
        {
            Some(text) => text
                .trim()
                .parse()
                .with_context(|| format!("{} is damaged", path.display())),
            None => Ok(0),
        }
    }

    /// Appends this device's records to its file of the month and notes the
    /// last sequence number; both are committed together.
    pub fn append(
        &self,
        device: &str,
        changes: &[Change],
        now: DateTime<FixedOffset>,
        key: Option<&Key>,
    ) -> Result<()> {
        let (Some(first), Some(last)) = (changes.first(), changes.last()) else {
            return Ok(());
        };
        let path = self
            .root
            .join(batch_file(device, now, first.seq, self.encrypted));
        let mut text = String::new();
        for batch in changes.chunks(if self.encrypted { BATCH } else { usize::MAX }) {
            let mut lines = String::new();
            for change in batch {
                lines.push_str(&serde_json::to_string(change)?);
                lines.push('\n');
            }
            match (self.encrypted, key) {
                (true, Some(key)) => {
                    let packed =
                        miniz_oxide::deflate::compress_to_vec_zlib(lines.as_bytes(), COMPRESSION);
                    text.push_str(&key.seal(&packed)?);
                    text.push('\n');
                }
                (true, None) => {
                    bail!("the sync repository is encrypted and this device has no sync key")
                }
                (false, _) => text.push_str(&lines),
            }
        }
        let folder = path
            .parent()
            .ok_or_else(|| anyhow!("{} has no folder", path.display()))?;
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        write_file(&path, text.as_bytes())?;
        let device_folder = self.root.join("devices").join(device);
        write_file(
            &device_folder.join("seq"),
            format!("{}\n", last.seq).as_bytes(),
        )
    }

    /// Reads `device`'s records from `from` on, in the order written.
    /// Damaged lines are named and skipped; the rest still count.
    pub fn read_from(&self, device: &str, from: &Position, key: Option<&Key>) -> Result<Read> {
        let folder = self.root.join("devices").join(device);
        let mut files = Vec::new();
        for month in std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read {}", folder.display()))?
            .filter_map(Result::ok)
            // A folder, not a link to one elsewhere on this machine.
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        {
            let month = month.file_name().to_string_lossy().into_owned();
            for entry in std::fs::read_dir(folder.join(&month))
                .with_context(|| format!("cannot read {}/{month}", folder.display()))?
                .filter_map(Result::ok)
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".jsonl") || name.ends_with(".age") {
                    files.push(format!("{month}/{name}"));
                }
            }
        }
        // Months, then first sequence numbers (zero-padded): written order.
        files.sort();
        let mut read = Read {
            position: from.clone(),
            ..Read::default()
        };
        // A position in a file that is gone or shorter than it was means the
        // history changed under us: read everything again (replay skips
        // what it applied already, by sequence number).
        let start_over = !from.file.is_empty()
            && std::fs::metadata(folder.join(&from.file))
                .map(|meta| meta.len() < from.offset)
                .unwrap_or(true);
        for name in files {
            let mut offset = 0;
            if !start_over && !from.file.is_empty() {
                if name < from.file {
                    continue;
                }
                if name == from.file {
                    offset = from.offset;
                }
            }
            let path = folder.join(&name);
            let label = format!("devices/{device}/{name}");
            // Only a regular file, bounded: a link pushed to the remote
            // (to /dev/zero, /dev/stdin, a private file) is refused by
            // name and skipped like a damaged batch; the others replay.
            let bytes = match crate::input::read_pulled(
                "the record file",
                &path,
                limits::SYNC_FILE_BYTES,
            ) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(err) => {
                    read.damaged.push(format!("{label}: {err:#}"));
                    continue;
                }
            };
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let mut line_number = bytes[..start].iter().filter(|&&b| b == b'\n').count();
            let mut damaged: Vec<String> = Vec::new();
            for line in bytes[start..].split_inclusive(|&b| b == b'\n') {
                line_number += 1;
                let complete = line.ends_with(b"\n");
                let text = String::from_utf8_lossy(line);
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                if !complete {
                    damaged.push(format!("line {line_number}: cut short"));
                    continue;
                }
                if let Err(err) = self.parse_line(text, key, &mut read.changes) {
                    damaged.push(format!("line {line_number}: {err:#}"));
                }
            }
            // One line a damaged file, however many of its lines are.
            match damaged.len() {
                0 => {}
                1 => read.damaged.push(format!("{label} {}", damaged[0])),
                n => read.damaged.push(format!(
                    "{label}: {n} lines could not be read (the first, {})",
                    damaged[0]
                )),
            }
            read.position = Position {
                file: name,
                offset: bytes.len() as u64,
            };
        }
        Ok(read)
    }

    fn parse_line(&self, text: &str, key: Option<&Key>, into: &mut Vec<Change>) -> Result<()> {
        if !self.encrypted {
            into.push(Change::parse(text)?);
            return Ok(());
        }
        let key = key.ok_or_else(|| anyhow!("no sync key"))?;
        let mut plain = key.open(text)?;
        // Batches sealed before compression began hold the lines as they are.
        if !plain.starts_with(b"{") {
            plain = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&plain, BATCH_LIMIT)
                .map_err(|err| anyhow!("cannot decompress the batch ({:?})", err.status))?;
        }
        let plain = String::from_utf8(plain).map_err(|_| anyhow!("not text inside"))?;
        let mut batch = Vec::new();
        for line in plain.lines().filter(|line| !line.trim().is_empty()) {
            batch.push(Change::parse(line)?);
        }
        into.append(&mut batch);
        Ok(())
    }
}

/// Refuses a manifest that says otherwise than the journal about
/// encryption.
fn check_manifest(says_encrypted: bool, encrypted: bool) -> Result<()> {
    match (encrypted, says_encrypted) {
        (true, false) => bail!(
            "the sync repository's sync.json says its records are not encrypted, but this journal syncs encrypted: whoever can push to the remote changed it, or set up another repository at its address. Nothing was sent or received, and nothing will be sent unencrypted: put back {{\"format\": 1, \"encrypted\": true}} as the remote's sync.json, or sync elsewhere (move the sync folder aside and run win sync init REMOTE)"
        ),
        (false, true) => bail!(
            "the sync repository's sync.json says its records are encrypted, but this journal set it up readable: nothing was sent or received. If another device encrypted it on purpose, join it again (move the sync folder aside, import the key, and run win sync init REMOTE)"
        ),
        _ => Ok(()),
    }
}

/// Checks the manifest a fetched commit holds (`text`, or `None` when it
/// has none) against how this journal syncs, before it is merged.
pub fn check_fetched_manifest(text: Option<&str>, encrypted: bool) -> Result<()> {
    let Some(text) = text else {
        bail!("the remote's latest commit holds no sync.json: it is no longer a win sync repository (replaced, or someone removed it). Nothing was sent or received; if the remote is wrong, restore it from this device's sync folder (git push --force)");
    };
    let manifest: Manifest = serde_json::from_str(text)
        .map_err(|_| anyhow!("the remote's sync.json is damaged: nothing was sent or received"))?;
    if manifest.format != LAYOUT {
        bail!(
            "the sync repository has layout {} and this win reads {LAYOUT}: upgrade win",
            manifest.format
        );
    }
    check_manifest(manifest.encrypted, encrypted)
}

fn read_manifest(root: &Path) -> Result<Option<Manifest>> {
    let path = root.join("sync.json");
    match crate::input::read_pulled_text(
        "the sync repository's manifest",
        &path,
        limits::SYNC_SMALL_BYTES,
    )? {
        Some(text) => {
            let manifest: Manifest = serde_json::from_str(&text)
                .with_context(|| format!("{} is damaged", path.display()))?;
            if manifest.format != LAYOUT {
                bail!(
                    "the sync repository has layout {} and this win reads {LAYOUT}: upgrade win",
                    manifest.format
                );
            }
            Ok(Some(manifest))
        }
        None => Ok(None),
    }
}

/// Writes a whole file through a temporary one, so it is never half there.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let partial = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sync::{Group, Hlc, Op, RECORD_FORMAT};
    use crate::domain::win::NewWin;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap()
    }

    fn change(seq: u64, text: &str) -> Change {
        let win = NewWin::new(text.into(), now());
        Change {
            v: RECORD_FORMAT,
            device: "laptop".into(),
            seq,
            hlc: Hlc {
                millis: seq,
                counter: 0,
            },
            uid: win.uid.clone(),
            op: Op::Create,
            set: Group::ALL.to_vec(),
            win: Some(win),
        }
    }

    #[test]
    fn records_are_read_back_from_where_replay_stopped() {
        for key in [None, Some(Key::generate())] {
            let dir = tempfile::tempdir().unwrap();
            let tree = Tree::create(dir.path(), key.as_ref()).unwrap();
            tree.check_key(key.as_ref()).unwrap();
            tree.append(
                "laptop",
                &[change(1, "one"), change(2, "two")],
                now(),
                key.as_ref(),
            )
            .unwrap();
            let first = tree
                .read_from("laptop", &Position::default(), key.as_ref())
                .unwrap();
            assert_eq!(first.changes.len(), 2);
            assert!(first.damaged.is_empty());
            tree.append("laptop", &[change(3, "three")], now(), key.as_ref())
                .unwrap();
            let next = tree
                .read_from("laptop", &first.position, key.as_ref())
                .unwrap();
            assert_eq!(next.changes.len(), 1);
            assert_eq!(next.changes[0].seq, 3);
            assert_eq!(tree.written_seq("laptop").unwrap(), 3);
            assert_eq!(tree.devices().unwrap(), vec!["laptop"]);
            let on_disk = std::fs::read_to_string(dir.path().join(batch_file(
                "laptop",
                now(),
                3,
                key.is_some(),
            )))
            .unwrap();
            assert_eq!(
                on_disk.contains("three"),
                key.is_none(),
                "plain only when unencrypted"
            );
        }
    }

    #[test]
    fn a_damaged_line_is_named_and_the_others_still_read() {
        let key = Key::generate();
        let dir = tempfile::tempdir().unwrap();
        let tree = Tree::create(dir.path(), Some(&key)).unwrap();
        tree.append("laptop", &[change(1, "one")], now(), Some(&key))
            .unwrap();
        tree.append("laptop", &[change(2, "two")], now(), Some(&key))
            .unwrap();
        let path = dir.path().join(batch_file("laptop", now(), 1, true));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[0] = lines[0].replacen('A', "B", 1).replacen('Q', "R", 1);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let read = tree
            .read_from("laptop", &Position::default(), Some(&key))
            .unwrap();
        assert_eq!(read.changes.len(), 1);
        assert_eq!(read.damaged.len(), 1);
        assert!(
            read.damaged[0].starts_with("devices/laptop/2026-11/000000000001.age line 1:"),
            "{:?}",
            read.damaged
        );

        let other = Key::generate();
        let err = tree.check_key(Some(&other)).unwrap_err().to_string();
        assert!(err.contains("win sync key import"), "{err}");
        assert!(tree.check_key(None).is_err());
    }
}
