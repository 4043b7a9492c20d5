//! The sync working tree: a git repository holding each device's change
//! records, never the journal itself.
//!
//! ```text
//! sync.json                          {"format": 2, "encrypted": true}
//! keycheck.age                       (encrypted repositories) proves a device's key
//! devices/<device>/<yyyy-mm>/<seq>.jsonl  one sync's records, one a line (plain)
//! devices/<device>/<yyyy-mm>/<seq>.age    the same encrypted, a batch of records a line
//!                                         (a tag, then zlib-compressed, then sealed)
//! devices/<device>/legacy.age        (once) the batches written before tags, vouched for
//! devices/<device>/seq               the last sequence number written
//! devices/<device>/batches           its batch files, one a line (`<yyyy-mm>/<seq>.age`):
//!                                    one listed and not there was removed on the remote
//! ```
//!
//! A device writes only in its own folder, and never changes a file once
//! written, so merges never conflict and each sync adds only its own bytes.
//!
//! Encrypted batches are authenticated: inside the seal, a tag made with
//! the secret key over the batch's records and its device (`Key::tag`).
//! A batch sealed by someone who knows only the public recipient has no
//! valid tag and is refused. Batches written by a win from before tags
//! (layout 1) have none: each is accepted only if a device that holds the
//! key vouched for it, which every device does once, on its first sync
//! with tags, for the lines its sync folder held from before (`vouch`).
//! A line pushed since, in the old format, is refused: that door is shut.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::crypt::{Key, TAG_BYTES};
use crate::domain::limits;
use crate::domain::sync::{batch_file, check_device_id, Change};

/// The newest repository layout this build reads and writes: 2, batches
/// carry a tag. An encrypted repository is moved to it on the first sync
/// with tags, so that an older win (which cannot read tagged batches, and
/// whose old-format batches newer devices refuse) says "upgrade win"
/// instead of skipping them. A readable repository keeps layout 1: its
/// records have no tags (anyone who can push could write them anyway).
const LAYOUT: u32 = 2;

/// The layout of a readable repository, and of an encrypted one before tags.
const UNTAGGED_LAYOUT: u32 = 1;

/// How an authenticated batch starts once opened: then its tag, then the
/// zlib-compressed records. A batch from before tags starts with `{` (the
/// first ones) or a zlib header (0x78), never with this.
const TAGGED: &[u8] = b"win-tagged-1\n";

/// What a tag over a batch is made for, and over a vouch.
const BATCH_PURPOSE: &str = "batch";
const VOUCH_PURPOSE: &str = "vouch";

/// A device's file vouching for the untagged batches it trusted.
const VOUCH_FILE: &str = "legacy.age";

/// A device's list of its batch files, rewritten with every batch it
/// writes and whenever it puts back what the remote lost: a batch removed
/// from the remote (from the middle of its history as well as the last)
/// is one listed and not there, until its device sends its records again.
const BATCH_LIST: &str = "batches";

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
/// A device never writes a batch larger (see `Sizes`).
const BATCH_LIMIT: usize = 512 << 20;

/// The largest batch (its records' lines, before compression) and file a
/// device writes: what every device reads. Records that would make one
/// larger go into the next batch, and the next file; a first sync of a
/// journal of many large wins writes several files.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    batch: usize,
    file: u64,
}

impl Sizes {
    const READ: Sizes = Sizes {
        batch: BATCH_LIMIT,
        file: limits::SYNC_FILE_BYTES,
    };
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    format: u32,
    encrypted: bool,
}

/// What of a device's files has been read: each file, by name under the
/// device's folder, with the SHA-256 of its content when read. A file is
/// read again whenever its content changed. Not a single place in name
/// order: names are whatever the repository holds, and anyone who can
/// push can add a file under any name, or change one.
pub type Position = std::collections::BTreeMap<String, [u8; 32]>;

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
    /// The manifest's layout (1 or 2).
    layout: u32,
}

/// The untagged lines (batches written before tags) that devices holding
/// the key vouched for, by the SHA-256 of the line.
#[derive(Debug, Default)]
pub struct Vouches {
    lines: std::collections::HashSet<[u8; 32]>,
    /// The devices whose vouch was read and verified, sorted.
    pub devices: Vec<String>,
    /// Vouch files that could not be read or did not verify: the device,
    /// and what is wrong, by file name.
    pub damaged: Vec<(String, String)>,
}

impl Vouches {
    /// Every device with a vouch file, verified or not, sorted.
    pub fn seen(&self) -> Vec<String> {
        let mut seen: Vec<String> = self
            .devices
            .iter()
            .chain(self.damaged.iter().map(|(device, _)| device))
            .cloned()
            .collect();
        seen.sort();
        seen.dedup();
        seen
    }
}

/// The records of an opened batch that carries a tag, if the tag is
/// `device`'s, made with `key`. `None`: the batch carries no tag.
fn untag(key: &Key, device: &str, plain: &[u8]) -> Option<Result<Vec<u8>>> {
    let rest = plain.strip_prefix(TAGGED)?;
    let Some((tag, packed)) = rest.split_at_checked(TAG_BYTES) else {
        return Some(Err(anyhow!("cut short")));
    };
    let lines = match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(packed, BATCH_LIMIT) {
        Ok(lines) => lines,
        Err(err) => {
            return Some(Err(anyhow!(
                "cannot decompress the batch ({:?})",
                err.status
            )))
        }
    };
    if !key.verifies(BATCH_PURPOSE, device, &lines, tag) {
        return Some(Err(anyhow!("not made with the sync key (sealed by someone who has only the public key, or damaged): not applied")));
    }
    Some(Ok(lines))
}

fn line_digest(line: &str) -> [u8; 32] {
    sha2::Sha256::digest(line.trim().as_bytes()).into()
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
            layout: manifest.format,
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
        write_manifest(root, key.is_some())?;
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

    /// Moves an encrypted repository to the layout with tags (see
    /// `LAYOUT`). Returns whether sync.json changed.
    pub fn upgrade_layout(&mut self) -> Result<bool> {
        if !self.encrypted || self.layout >= LAYOUT {
            return Ok(false);
        }
        write_manifest(&self.root, true)?;
        self.layout = LAYOUT;
        Ok(true)
    }

    /// Vouches, once, for every batch line the sync folder holds now: the
    /// records this device's older win already trusted (wrote, or read
    /// and replayed). Called on the first sync with tags, before anything
    /// is fetched, so a line pushed since is never vouched for. Returns
    /// whether a vouch was written.
    pub fn vouch(&self, device: &str, key: &Key) -> Result<bool> {
        let path = self.root.join("devices").join(device).join(VOUCH_FILE);
        if !self.encrypted || path.exists() {
            return Ok(false);
        }
        let mut digests: Vec<[u8; 32]> = Vec::new();
        for other in self.devices()? {
            for name in self.batch_files(&other)? {
                let file = self.root.join("devices").join(&other).join(&name);
                let Ok(Some(bytes)) =
                    crate::input::read_pulled("the record file", &file, limits::SYNC_FILE_BYTES)
                else {
                    continue;
                };
                for line in bytes.split_inclusive(|&b| b == b'\n') {
                    let text = String::from_utf8_lossy(line);
                    if line.ends_with(b"\n") && !text.trim().is_empty() {
                        digests.push(line_digest(&text));
                    }
                }
            }
        }
        if digests.is_empty() {
            return Ok(false);
        }
        digests.sort_unstable();
        digests.dedup();
        let body = digests.concat();
        let mut plain = TAGGED.to_vec();
        plain.extend_from_slice(&key.tag(VOUCH_PURPOSE, device, &body));
        plain.extend_from_slice(&body);
        real_folder(&self.root, &Path::new("devices").join(device))?;
        write_file(&path, format!("{}\n", key.seal(&plain)?).as_bytes())?;
        Ok(true)
    }

    /// Every device's vouch, verified with `key`.
    pub fn vouches(&self, key: Option<&Key>) -> Result<Vouches> {
        let mut vouches = Vouches::default();
        let Some(key) = key.filter(|_| self.encrypted) else {
            return Ok(vouches);
        };
        for device in self.devices()? {
            let path = self.root.join("devices").join(&device).join(VOUCH_FILE);
            let label = format!("devices/{device}/{VOUCH_FILE}");
            let text = match crate::input::read_pulled_text(
                "the vouch file",
                &path,
                limits::SYNC_FILE_BYTES,
            ) {
                Ok(Some(text)) => text,
                Ok(None) => continue,
                Err(err) => {
                    vouches.damaged.push((device, format!("{label}: {err:#}")));
                    continue;
                }
            };
            let body = key.open(&text).and_then(|plain| {
                let (tag, body) = plain
                    .strip_prefix(TAGGED)
                    .filter(|rest| rest.len() >= TAG_BYTES)
                    .map(|rest| rest.split_at(TAG_BYTES))
                    .ok_or_else(|| anyhow!("not a vouch"))?;
                if body.len() % 32 != 0 || !key.verifies(VOUCH_PURPOSE, &device, body, tag) {
                    bail!("not made with the sync key (forged, or damaged): ignored");
                }
                Ok(body.to_vec())
            });
            match body {
                Ok(body) => {
                    vouches.lines.extend(
                        body.chunks_exact(32)
                            .filter_map(|digest| <[u8; 32]>::try_from(digest).ok()),
                    );
                    vouches.devices.push(device);
                }
                Err(err) => vouches.damaged.push((device, format!("{label}: {err:#}"))),
            }
        }
        Ok(vouches)
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

    /// Writes this device's records to new files of the month and notes
    /// the last sequence number; all are committed together. Returns the
    /// files' paths in the repository. One file, unless the records would
    /// make a file or a batch larger than every device reads (see `Sizes`).
    pub fn append(
        &self,
        device: &str,
        changes: &[Change],
        now: DateTime<FixedOffset>,
        key: Option<&Key>,
    ) -> Result<Vec<String>> {
        self.append_within(device, changes, now, key, Sizes::READ)
    }

    fn append_within(
        &self,
        device: &str,
        changes: &[Change],
        now: DateTime<FixedOffset>,
        key: Option<&Key>,
        sizes: Sizes,
    ) -> Result<Vec<String>> {
        let Some(last) = changes.last() else {
            return Ok(Vec::new());
        };
        if self.encrypted && key.is_none() {
            bail!("the sync repository is encrypted and this device has no sync key");
        }
        // Each record a line; lines in batches (encrypted: each sealed on
        // its own line), batches in files.
        let mut files: Vec<(u64, String)> = Vec::new();
        let mut batch = String::new();
        let mut batch_first = 0;
        let mut batch_count = 0;
        for change in changes {
            let mut line = serde_json::to_string(change)?;
            line.push('\n');
            if line.len() > sizes.batch {
                bail!(
                    "win {} is {} as a sync record, over the limit of {} that other devices read: shorten its text or follow-ups (win edit), then sync again",
                    change.uid,
                    limits::size(line.len() as u64),
                    limits::size(sizes.batch as u64)
                );
            }
            let full = batch_count == if self.encrypted { BATCH } else { usize::MAX }
                || batch.len() + line.len() > sizes.batch;
            if batch_count > 0 && full {
                self.add_batch(device, &mut files, batch_first, &batch, key, sizes)?;
                batch.clear();
                batch_count = 0;
            }
            if batch_count == 0 {
                batch_first = change.seq;
            }
            batch.push_str(&line);
            batch_count += 1;
        }
        self.add_batch(device, &mut files, batch_first, &batch, key, sizes)?;
        let mut written = Vec::new();
        for (first_seq, text) in files {
            written.push(self.write_batch_file(device, now, first_seq, &text)?);
        }
        self.write_seq(device, last.seq)?;
        self.write_batch_list(device)?;
        Ok(written)
    }

    /// Adds one batch of record lines (the first numbered `first_seq`) to
    /// the last file, or to a new one when it would grow past the limit.
    fn add_batch(
        &self,
        device: &str,
        files: &mut Vec<(u64, String)>,
        first_seq: u64,
        lines: &str,
        key: Option<&Key>,
        sizes: Sizes,
    ) -> Result<()> {
        let text = match (self.encrypted, key) {
            (true, Some(key)) => {
                let mut plain = TAGGED.to_vec();
                plain.extend_from_slice(&key.tag(BATCH_PURPOSE, device, lines.as_bytes()));
                plain.extend_from_slice(&miniz_oxide::deflate::compress_to_vec_zlib(
                    lines.as_bytes(),
                    COMPRESSION,
                ));
                let mut sealed = key.seal(&plain)?;
                sealed.push('\n');
                sealed
            }
            (true, None) => {
                bail!("the sync repository is encrypted and this device has no sync key")
            }
            (false, _) => lines.to_string(),
        };
        if text.len() as u64 > sizes.file {
            bail!(
                "a batch of {} records is {} in the sync folder, over the limit of {} that other devices read",
                lines.lines().count(),
                limits::size(text.len() as u64),
                limits::size(sizes.file)
            );
        }
        match files.last_mut() {
            Some((_, file)) if (file.len() + text.len()) as u64 <= sizes.file => {
                file.push_str(&text);
            }
            _ => files.push((first_seq, text)),
        }
        Ok(())
    }

    /// Writes one batch file of the month, under a name of its own.
    fn write_batch_file(
        &self,
        device: &str,
        now: DateTime<FixedOffset>,
        first_seq: u64,
        text: &str,
    ) -> Result<String> {
        let mut path = self
            .root
            .join(batch_file(device, now, first_seq, self.encrypted));
        // A file is never written over: one already under this name was put
        // there by someone else (who can push), and other devices may have
        // read it already; this batch takes a name of its own.
        let extension = if self.encrypted { "age" } else { "jsonl" };
        let mut again = 1;
        while std::fs::symlink_metadata(&path).is_ok() {
            path.set_file_name(format!("{first_seq:012}-{again}.{extension}"));
            again += 1;
        }
        let folder = path
            .parent()
            .and_then(|folder| folder.strip_prefix(&self.root).ok())
            .ok_or_else(|| anyhow!("{} has no folder", path.display()))?;
        real_folder(&self.root, folder)?;
        write_file(&path, text.as_bytes())?;
        let written = path
            .strip_prefix(&self.root)
            .map_err(|_| anyhow!("{} is outside the sync folder", path.display()))?;
        Ok(written.to_string_lossy().into_owned())
    }

    /// Notes `seq` as the last sequence number `device` wrote.
    pub fn write_seq(&self, device: &str, seq: u64) -> Result<()> {
        let folder = real_folder(&self.root, &Path::new("devices").join(device))?;
        write_file(&folder.join("seq"), format!("{seq}\n").as_bytes())
    }

    /// The batch files `device` lists as its own (`None`: it keeps no
    /// list, as an older win did not).
    pub fn listed_batches(&self, device: &str) -> Result<Option<Vec<String>>> {
        let path = self.root.join("devices").join(device).join(BATCH_LIST);
        let text =
            crate::input::read_pulled_text("the list of batches", &path, limits::SYNC_LIST_BYTES)?;
        Ok(text.map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(String::from)
                .collect()
        }))
    }

    /// The batch files `device` lists that the repository does not hold:
    /// removed on the remote. A list that cannot be read lists nothing
    /// (its device writes it again at its next sync).
    pub fn removed_batches(&self, device: &str) -> Vec<String> {
        let (Ok(Some(listed)), Ok(present)) =
            (self.listed_batches(device), self.batch_files(device))
        else {
            return Vec::new();
        };
        listed
            .into_iter()
            .filter(|name| !present.contains(name))
            .collect()
    }

    /// Writes this device's list of its batch files, as its folder holds
    /// them. Returns whether it changed.
    pub fn write_batch_list(&self, device: &str) -> Result<bool> {
        let files = self.batch_files(device)?;
        if self.listed_batches(device).ok().flatten().as_ref() == Some(&files) {
            return Ok(false);
        }
        let text: String = files.iter().map(|name| format!("{name}\n")).collect();
        let folder = real_folder(&self.root, &Path::new("devices").join(device))?;
        write_file(&folder.join(BATCH_LIST), text.as_bytes())?;
        Ok(true)
    }

    /// Writes one of this device's files (`file`, in the repository) back
    /// as it was written.
    pub fn put_back(&self, file: &str, bytes: &[u8]) -> Result<()> {
        let relative = Path::new(file);
        if let Some(folder) = relative.parent() {
            real_folder(&self.root, folder)?;
        }
        write_file(&self.root.join(relative), bytes)
    }

    /// This device's vouch file, in the repository.
    pub fn vouch_file(device: &str) -> String {
        format!("devices/{device}/{VOUCH_FILE}")
    }

    /// Reads `device`'s records from `from` on, in the order written.
    /// Damaged lines are named and skipped; the rest still count.
    pub fn read_from(
        &self,
        device: &str,
        from: &Position,
        key: Option<&Key>,
        vouches: &Vouches,
    ) -> Result<Read> {
        let folder = self.root.join("devices").join(device);
        let files = self.batch_files(device)?;
        let mut read = Read::default();
        for name in files {
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
                    // Named once: noted as read, as it is.
                    let digest = sha2::Sha256::digest(format!("{err:#}").as_bytes()).into();
                    if from.get(&name) != Some(&digest) {
                        read.damaged.push(format!("{label}: {err:#}"));
                    }
                    read.position.insert(name, digest);
                    continue;
                }
            };
            // Read before as it is now: done. Changed since (cut, replaced,
            // grown): read again from its start; replay skips what it
            // applied already, by sequence number.
            let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
            if from.get(&name) == Some(&digest) {
                read.position.insert(name, digest);
                continue;
            }
            if let Some(damage) = self.read_batch(device, &bytes, key, vouches, &mut read.changes) {
                read.damaged.push(format!("{label}{damage}"));
            }
            read.position.insert(name, digest);
        }
        // A file read before and removed since, while its device still
        // lists it, stays noted as read: its records are in the journal,
        // and nothing of it is missing here.
        if let Ok(Some(listed)) = self.listed_batches(device) {
            for name in listed {
                if let Some(digest) = from.get(&name) {
                    read.position.entry(name).or_insert(*digest);
                }
            }
        }
        Ok(read)
    }

    /// Whether `bytes` (a batch file) holds a batch `device` made with the
    /// key: a tagged batch that verifies.
    pub fn holds_records_of(&self, device: &str, bytes: &[u8], key: Option<&Key>) -> bool {
        let Some(key) = key.filter(|_| self.encrypted) else {
            return false;
        };
        String::from_utf8_lossy(bytes).lines().any(|line| {
            key.open(line)
                .is_ok_and(|plain| matches!(untag(key, device, &plain), Some(Ok(_))))
        })
    }

    /// A device's batch files, by name under its folder, in written order.
    fn batch_files(&self, device: &str) -> Result<Vec<String>> {
        let folder = self.root.join("devices").join(device);
        let mut files = Vec::new();
        // A device that has written nothing yet has no folder.
        if !folder.exists() {
            return Ok(files);
        }
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
        Ok(files)
    }

    /// The records of one batch file (`bytes`) of `device`'s, appended to
    /// `into`. Returns what could not be read (one line for the file,
    /// however many of its lines are damaged), to follow the file's name.
    pub fn read_batch(
        &self,
        device: &str,
        bytes: &[u8],
        key: Option<&Key>,
        vouches: &Vouches,
        into: &mut Vec<Change>,
    ) -> Option<String> {
        let mut line_number = 0;
        let mut damaged: Vec<String> = Vec::new();
        for line in bytes.split_inclusive(|&b| b == b'\n') {
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
            if let Err(err) = self.parse_line(device, text, key, vouches, into) {
                damaged.push(format!("line {line_number}: {err:#}"));
            }
        }
        match damaged.len() {
            0 => None,
            1 => Some(format!(" {}", damaged[0])),
            n => Some(format!(
                ": {n} lines could not be read (the first, {})",
                damaged[0]
            )),
        }
    }

    fn parse_line(
        &self,
        device: &str,
        text: &str,
        key: Option<&Key>,
        vouches: &Vouches,
        into: &mut Vec<Change>,
    ) -> Result<()> {
        if !self.encrypted {
            into.push(Change::parse(text)?);
            return Ok(());
        }
        let key = key.ok_or_else(|| anyhow!("no sync key"))?;
        let mut plain = key.open(text)?;
        if let Some(lines) = untag(key, device, &plain) {
            plain = lines?;
        } else if !vouches.lines.contains(&line_digest(text)) {
            bail!("written without a tag, by a win from before tags or by someone who has only the public key, and no device vouched for it: not applied. If device {device} still runs an older win, upgrade win there and sync");
        } else if !plain.starts_with(b"{") {
            // Batches sealed before compression began hold the lines as they are.
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
            "the sync repository's sync.json says its records are not encrypted, but this journal syncs encrypted: whoever can push to the remote changed it, or set up another repository at its address. Nothing was sent or received, and nothing will be sent unencrypted: put back {{\"format\": {LAYOUT}, \"encrypted\": true}} as the remote's sync.json, or sync elsewhere (move the sync folder aside and run win sync init REMOTE)"
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
    if !(UNTAGGED_LAYOUT..=LAYOUT).contains(&manifest.format) {
        bail!(
            "the sync repository has layout {} and this win reads layouts up to {LAYOUT}: upgrade win",
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
            if !(UNTAGGED_LAYOUT..=LAYOUT).contains(&manifest.format) {
                bail!(
                    "the sync repository has layout {} and this win reads layouts up to {LAYOUT}: upgrade win",
                    manifest.format
                );
            }
            Ok(Some(manifest))
        }
        None => Ok(None),
    }
}

/// Writes the manifest: an encrypted repository at the layout with tags,
/// a readable one at the layout every win reads.
fn write_manifest(root: &Path, encrypted: bool) -> Result<()> {
    let manifest = Manifest {
        format: if encrypted { LAYOUT } else { UNTAGGED_LAYOUT },
        encrypted,
    };
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    write_file(&root.join("sync.json"), text.as_bytes())
}

/// Writes a whole file through a temporary one, so it is never half there.
/// Neither is followed if it is a link: the file itself is replaced.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let partial = path.with_extension("partial");
    let mut file = super::crypt::private_file(&partial)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", partial.display()))?;
    // A folder pushed under the file's name would stop the rename.
    if std::fs::symlink_metadata(path).is_ok_and(|found| found.is_dir()) {
        clear_the_way(path)?;
    }
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Removes whatever is at `path` (a file, a link, a folder), not following
/// a link: what the sync folder holds there came from the repository.
pub fn clear_the_way(path: &Path) -> Result<()> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(found) if found.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    };
    removed.with_context(|| format!("cannot remove {}", path.display()))
}

/// Makes `relative` (under `root`) a folder of the sync folder, each step a
/// real folder: a link someone pushed in its place (to a folder elsewhere
/// on this machine) or a file of that name is removed first, so nothing is
/// written outside the sync folder and a file does not stop the write.
pub fn real_folder(root: &Path, relative: &Path) -> Result<PathBuf> {
    let mut folder = root.to_path_buf();
    for part in relative.components() {
        folder.push(part);
        match std::fs::symlink_metadata(&folder) {
            Ok(found) if found.is_dir() => continue,
            Ok(_) => clear_the_way(&folder)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", folder.display()))
            }
        }
        super::crypt::create_private_dir(&folder)?;
    }
    Ok(folder)
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
                .read_from(
                    "laptop",
                    &Position::default(),
                    key.as_ref(),
                    &Vouches::default(),
                )
                .unwrap();
            assert_eq!(first.changes.len(), 2);
            assert!(first.damaged.is_empty());
            tree.append("laptop", &[change(3, "three")], now(), key.as_ref())
                .unwrap();
            let next = tree
                .read_from("laptop", &first.position, key.as_ref(), &Vouches::default())
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

    /// What a batch line holds once opened, untagged and inflated.
    fn batch_lines(key: &Key, line: &str) -> String {
        let plain = key.open(line).unwrap();
        String::from_utf8(untag(key, "laptop", &plain).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn records_past_what_devices_read_go_into_more_batches_and_files() {
        // The limits, small: a record's line is about 1 KiB here.
        let line = serde_json::to_string(&change(1, "one")).unwrap().len() + 1;
        for key in [None, Some(Key::generate())] {
            let dir = tempfile::tempdir().unwrap();
            let tree = Tree::create(dir.path(), key.as_ref()).unwrap();
            let sizes = Sizes {
                batch: line * 3 + 10,
                file: if key.is_some() { 3000 } else { line as u64 * 5 },
            };
            let changes: Vec<Change> = (1..=20).map(|seq| change(seq, "one")).collect();
            let written = tree
                .append_within("laptop", &changes, now(), key.as_ref(), sizes)
                .unwrap();
            assert!(written.len() > 2, "{written:?}");
            for file in &written {
                let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
                assert!(text.len() as u64 <= sizes.file, "{file}: {}", text.len());
                if let Some(key) = &key {
                    for sealed in text.lines() {
                        assert!(batch_lines(key, sealed).len() <= sizes.batch);
                    }
                }
            }
            // Each file is named after its first record, and every record
            // reads back, once, in order.
            let read = tree
                .read_from(
                    "laptop",
                    &Position::default(),
                    key.as_ref(),
                    &Vouches::default(),
                )
                .unwrap();
            assert!(read.damaged.is_empty(), "{:?}", read.damaged);
            let seqs: Vec<u64> = read.changes.iter().map(|change| change.seq).collect();
            assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
            assert_eq!(tree.written_seq("laptop").unwrap(), 20);
            assert_eq!(
                tree.listed_batches("laptop").unwrap().unwrap().len(),
                written.len()
            );

            // A record that no batch could hold is refused by name, with
            // the limit and the way out, and nothing is written.
            let big = change(21, &"x".repeat(sizes.batch));
            let err = tree
                .append_within(
                    "laptop",
                    std::slice::from_ref(&big),
                    now(),
                    key.as_ref(),
                    sizes,
                )
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&big.uid)
                    && err.contains("over the limit of")
                    && err.contains("win edit"),
                "{err}"
            );
            assert_eq!(tree.written_seq("laptop").unwrap(), 20);
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
            .read_from(
                "laptop",
                &Position::default(),
                Some(&key),
                &Vouches::default(),
            )
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

    /// A batch as someone who knows only the public recipient seals it:
    /// with `tag` (anything: they cannot make the real one), or in the
    /// format from before tags.
    fn forged_line(key: &Key, records: &[Change], tag: Option<[u8; TAG_BYTES]>) -> String {
        use base64::Engine;
        use std::str::FromStr;
        let mut lines = String::new();
        for record in records {
            lines.push_str(&serde_json::to_string(record).unwrap());
            lines.push('\n');
        }
        let mut plain = Vec::new();
        if let Some(tag) = tag {
            plain.extend_from_slice(TAGGED);
            plain.extend_from_slice(&tag);
        }
        plain.extend(miniz_oxide::deflate::compress_to_vec_zlib(
            lines.as_bytes(),
            6,
        ));
        let recipient = age::x25519::Recipient::from_str(&key.public()).unwrap();
        let sealed = age::encrypt(&recipient, &plain).unwrap();
        base64::engine::general_purpose::STANDARD.encode(sealed)
    }

    fn read_all(tree: &Tree, key: &Key) -> Read {
        let vouches = tree.vouches(Some(key)).unwrap();
        tree.read_from("laptop", &Position::default(), Some(key), &vouches)
            .unwrap()
    }

    #[test]
    fn a_batch_sealed_with_only_the_public_key_is_refused() {
        let key = Key::generate();
        let dir = tempfile::tempdir().unwrap();
        let tree = Tree::create(dir.path(), Some(&key)).unwrap();
        tree.append("laptop", &[change(1, "one")], now(), Some(&key))
            .unwrap();
        assert_eq!(read_all(&tree, &key).changes.len(), 1);
        let forged_tag = Key::generate().tag(BATCH_PURPOSE, "laptop", b"anything");
        let path = dir.path().join(batch_file("laptop", now(), 2, true));
        let lines = [
            forged_line(&key, &[change(2, "forged, tagged")], Some(forged_tag)),
            forged_line(&key, &[change(3, "forged, old format")], None),
        ];
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let read = read_all(&tree, &key);
        assert_eq!(read.changes.len(), 1, "only the real record");
        assert!(
            read.damaged[0].contains("2 lines could not be read"),
            "{:?}",
            read.damaged
        );
        assert!(
            read.damaged[0].contains("not made with the sync key"),
            "{:?}",
            read.damaged
        );
        // A real batch moved to another device's folder does not verify there.
        let real =
            std::fs::read_to_string(dir.path().join(batch_file("laptop", now(), 1, true))).unwrap();
        let mut moved = change(1, "one");
        moved.device = "desk".into();
        let folder = dir.path().join("devices/desk/2026-11");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("000000000001.age"), &real).unwrap();
        let vouches = tree.vouches(Some(&key)).unwrap();
        let desk = tree
            .read_from("desk", &Position::default(), Some(&key), &vouches)
            .unwrap();
        assert!(desk.changes.is_empty());
        assert_eq!(desk.damaged.len(), 1, "{:?}", desk.damaged);
    }

    #[test]
    fn untagged_batches_count_only_when_a_device_holding_the_key_vouched_for_them() {
        let key = Key::generate();
        let dir = tempfile::tempdir().unwrap();
        let tree = Tree::create(dir.path(), Some(&key)).unwrap();
        // As an older win wrote it: no tag.
        let month = dir.path().join("devices/laptop/2026-11");
        std::fs::create_dir_all(&month).unwrap();
        let old = forged_line(&key, &[change(1, "written by an older win")], None);
        std::fs::write(month.join("000000000001.age"), format!("{old}\n")).unwrap();
        assert!(
            read_all(&tree, &key).changes.is_empty(),
            "nobody vouched yet"
        );
        // The device that trusted it vouches once; a second call writes nothing.
        assert!(tree.vouch("desk", &key).unwrap());
        assert!(!tree.vouch("desk", &key).unwrap());
        assert_eq!(tree.vouches(Some(&key)).unwrap().devices, vec!["desk"]);
        let read = read_all(&tree, &key);
        assert_eq!(read.changes.len(), 1, "{:?}", read.damaged);
        // An untagged line pushed after the vouch is not vouched for.
        let late = forged_line(&key, &[change(2, "pushed since")], None);
        std::fs::write(month.join("000000000002.age"), format!("{late}\n")).unwrap();
        let read = read_all(&tree, &key);
        assert_eq!(read.changes.len(), 1);
        assert!(
            read.damaged[0].contains("no device vouched for it"),
            "{:?}",
            read.damaged
        );
        // A vouch sealed with only the public key does not count.
        let folder = dir.path().join("devices/mallory");
        std::fs::create_dir_all(&folder).unwrap();
        let mut plain = TAGGED.to_vec();
        plain.extend_from_slice(&[0; TAG_BYTES]);
        plain.extend_from_slice(&line_digest(&late));
        std::fs::write(
            folder.join(VOUCH_FILE),
            format!("{}\n", key.seal(&plain).unwrap()),
        )
        .unwrap();
        let vouches = tree.vouches(Some(&key)).unwrap();
        assert_eq!(vouches.devices, vec!["desk"]);
        assert_eq!(vouches.seen(), vec!["desk", "mallory"]);
        assert_eq!(read_all(&tree, &key).changes.len(), 1);
    }
}
