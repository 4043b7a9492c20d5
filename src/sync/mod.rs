//! Sync across machines through the user's own git: the transport (`git`),
//! the working tree of change records (`tree`), their encryption
//! (`crypt`), and the steps of a sync. The rules of merging are pure, in
//! `domain::sync`; the journal's side (capture, replay) is in `store`.

pub mod crypt;
pub mod git;
pub mod tree;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset};

use crate::domain::sync::{check_device_id, is_local_remote, Change};
use crate::domain::win::NewWin;
use crate::store::{Peer, Replayed, Store, SyncDevice};
use crypt::{Key, Passphrases};
use git::Git;
use tree::{Position, Tree};

/// How many times a push is retried after another device pushed first.
const PUSH_ATTEMPTS: usize = 5;

/// The ref that remembers the remote commit last merged: a remote whose
/// history no longer contains it was rewritten.
const SYNCED_REF: &str = "refs/win/synced";

/// A mark in the git folder while a sync runs: left behind, it tells the
/// next sync to put the working tree back as committed first.
const UNFINISHED: &str = "win-sync-unfinished";

/// Where sync keeps its files for a journal.
pub struct Paths {
    /// The git working tree of change records, beside the journal.
    pub tree: PathBuf,
    /// The identity file, in the config folder.
    pub key: PathBuf,
}

impl Paths {
    pub fn new(db_path: &Path, config_dir: Option<&Path>) -> Result<Paths> {
        // git runs in the tree's parent folder (a clone) or in the tree:
        // a journal named relative to here (WIN_DB=wins.db) must still
        // name a folder git can run in.
        let db_path = if db_path.is_absolute() {
            db_path.to_path_buf()
        } else {
            std::env::current_dir()
                .context("cannot read the current folder")?
                .join(db_path)
        };
        let mut tree = db_path.into_os_string();
        tree.push(".sync");
        Ok(Paths {
            tree: PathBuf::from(tree),
            key: crypt::key_path(config_dir)?,
        })
    }

    fn lock(&self) -> PathBuf {
        let mut lock = self.tree.as_os_str().to_os_string();
        lock.push(".lock");
        PathBuf::from(lock)
    }
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct Report {
    /// This device's records written to the repository.
    pub published: usize,
    pub replayed: Replayed,
    /// Lines of other devices that could not be read, by name.
    pub damaged: Vec<String>,
    /// Why the remote could not be reached (the records stay committed
    /// locally for the next sync).
    pub unreachable: Option<String>,
    pub has_remote: bool,
    /// When this sync published no record: what this device committed
    /// before and this sync sent ("passphrase set"), by commit subject.
    pub sent_earlier: Vec<String>,
    /// Lock files a killed git had left in the sync folder, removed.
    pub stale_locks: Vec<PathBuf>,
    /// This device's files the remote had cut, changed or removed, whose
    /// records were sent again, and how many records that was.
    pub sent_again: Vec<(String, usize)>,
    /// Other devices whose records the repository lacks, said at every
    /// sync until they send them again.
    pub missing: Vec<Missing>,
    /// The repository's passphrase lockboxes, each with why it cannot be
    /// used, when none can: said at every sync until the key is locked
    /// again.
    pub unusable_lockboxes: Vec<(String, String)>,
}

/// Records of another device that this device cannot get: the device's
/// folder says it wrote up to `written`, and its files hold them only up
/// to `found` (its last batch removed or damaged on the remote); or it
/// lists batch files the repository no longer holds, which this device
/// had not read (`removed`: a batch removed from the middle of its
/// history). That device sends them again at its next sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub device: String,
    pub found: u64,
    pub written: u64,
    /// Its batch files removed from the remote before this device read them.
    pub removed: Vec<String>,
}

impl Missing {
    /// What `peer`'s folder in `tree` says it wrote, against what was
    /// found and read of it: `None` when nothing is missing.
    fn of(tree: &Tree, peer: &Peer) -> Option<Missing> {
        // A sequence file that does not read claims nothing.
        let written = tree.written_seq(&peer.device).unwrap_or(0);
        let found = peer.seen_seq.max(peer.applied_seq);
        // What was read before it was removed is in the journal already.
        let removed: Vec<String> = tree
            .removed_batches(&peer.device)
            .into_iter()
            .filter(|name| !peer.read.contains_key(name))
            .map(|name| format!("devices/{}/{name}", peer.device))
            .collect();
        (found < written || !removed.is_empty()).then(|| Missing {
            device: peer.device.clone(),
            found,
            written,
            removed,
        })
    }
}

/// What `win sync status` shows.
pub struct Status {
    pub device: String,
    pub remote: Option<String>,
    pub encrypted: bool,
    /// Whether the repository's manifest says otherwise (sync refuses it).
    pub manifest_differs: bool,
    /// Whether the repository holds the key locked with a passphrase, in
    /// a lockbox that can be used.
    pub passphrase: bool,
    /// How many passphrase lockboxes the repository holds.
    pub lockboxes: usize,
    /// Its lockboxes that cannot be used, each with why (a new device
    /// cannot join with the passphrase through them).
    pub unusable_lockboxes: Vec<(String, String)>,
    /// Whether this device holds the key (when encrypted).
    pub has_key: bool,
    pub key: PathBuf,
    pub last_sync: Option<String>,
    /// This device's changes the remote does not hold yet: not written to
    /// the sync folder, or committed there and not pushed.
    pub unpublished: usize,
    pub peers: Vec<Peer>,
    /// Other devices whose records the repository lacked at the last sync.
    pub missing: Vec<Missing>,
    pub tree: PathBuf,
}

/// How `win sync init` was asked to set sync up.
pub struct InitOptions {
    pub remote: Option<String>,
    /// `None`: encrypt (for every remote, and with none).
    pub encrypt: Option<bool>,
    pub device: Option<String>,
    /// Lock the key in a new repository with a passphrase.
    pub passphrase: bool,
}

/// Sets sync up for this journal: joins the repository at `remote` when
/// it holds one, or starts one. Then publishes every win and syncs.
/// Whether any device's records, or the key check, show the tree was encrypted.
fn shows_encryption(tree: &Tree) -> Result<bool> {
    if tree.shows_encryption("")? {
        return Ok(true);
    }
    for device in tree.devices()? {
        if tree.shows_encryption(&device)? {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn init(
    store: &mut Store,
    paths: &Paths,
    options: InitOptions,
    passphrases: &mut dyn Passphrases,
    now: DateTime<FixedOffset>,
    measure: &mut dyn FnMut(&mut NewWin) -> Result<()>,
) -> Result<(String, bool, Report)> {
    // A journal that synced before and whose sync folder was moved aside
    // (the way out of a rewritten remote) starts over: same device name
    // unless told, everything published again, nothing replayed twice.
    let earlier = store.sync_device()?;
    if let Some(state) = &earlier {
        if paths.tree.join(".git").exists() {
            bail!(
                "sync is already set up for this journal (device {}); see: win sync status",
                state.device
            );
        }
    }
    let InitOptions {
        remote,
        encrypt,
        device,
        passphrase,
    } = options;
    let options_encrypt = encrypt;
    let encrypt = if passphrase { Some(true) } else { encrypt };
    // A journal that synced encrypted stays so unless told otherwise here:
    // nothing a repository says turns encryption off for it.
    let was_encrypted = earlier.as_ref().and_then(|state| state.encrypted) == Some(true);
    let encrypt = match encrypt {
        None if was_encrypted => Some(true),
        chosen => chosen,
    };
    let device = device
        .or_else(|| earlier.as_ref().map(|state| state.device.clone()))
        .unwrap_or_else(|| random_device(now));
    check_device_id(&device)?;
    let remote = remote.as_deref().map(absolute_remote).transpose()?;
    let _lock = Lock::take(&paths.lock())?;
    // A tree without sync set up in the journal is what an interrupted
    // `init` left: it holds nothing of this device's yet.
    if paths.tree.exists() {
        std::fs::remove_dir_all(&paths.tree)
            .with_context(|| format!("cannot remove {}", paths.tree.display()))?;
    }
    if let Some(parent) = paths.tree.parent() {
        crypt::create_private_dir(parent)?;
    }
    let git = Git::find(&paths.tree, &device)?;
    match &remote {
        Some(remote) => git.clone_from(remote)?,
        None => git.init()?,
    }
    if remote.is_some() && !Tree::exists(&paths.tree)? {
        // A remote with history but no sync.json is someone else's
        // repository (a mistyped address: dotfiles, a project): the
        // journal is never committed or pushed into it.
        if let Some(files) = git.foreign_history()? {
            let _ = std::fs::remove_dir_all(&paths.tree);
            bail!(
                "{} already holds other files ({files}) and is not a win sync repository: nothing was written; give an empty repository, or one another device set up with win sync init",
                remote.as_deref().unwrap_or("")
            );
        }
    }
    let key = crypt::load(&paths.key)?;
    let tree = if Tree::exists(&paths.tree)? {
        let tree = Tree::open(&paths.tree)?;
        match encrypt {
            Some(true) if !tree.encrypted && was_encrypted && options_encrypt.is_none() => {
                let _ = std::fs::remove_dir_all(&paths.tree);
                bail!(
                    "the sync repository at {} keeps records readable, and this journal synced encrypted: nothing was written. To sync it readable there anyway, add --no-encrypt",
                    remote.as_deref().unwrap_or("")
                )
            }
            Some(true) if !tree.encrypted => {
                let _ = std::fs::remove_dir_all(&paths.tree);
                bail!(
                    "the sync repository at {} keeps records readable; leave out --encrypt and --passphrase to join it",
                    remote.as_deref().unwrap_or("")
                )
            }
            Some(false) if tree.encrypted => bail!(
                "the sync repository at {} is encrypted; leave out --no-encrypt to join it",
                remote.as_deref().unwrap_or("")
            ),
            // A manifest that says "readable" over a repository that shows it
            // was encrypted (a key check, a sealed batch), or joined by a
            // machine that holds a key: someone who can push may have turned
            // encryption off, and joining would send this journal in the clear.
            None if !tree.encrypted && (key.is_some() || shows_encryption(&tree)?) => {
                let _ = std::fs::remove_dir_all(&paths.tree);
                bail!(
                    "the sync repository at {} says its records are readable, but {}: someone with write access may have turned encryption off. Nothing was written; to join it readable anyway, add --no-encrypt",
                    remote.as_deref().unwrap_or(""),
                    if key.is_some() { "this machine holds a sync key" } else { "it holds encrypted records" }
                )
            }
            // Encrypted unless told otherwise: a journal that never synced
            // joins a repository that says its records are readable only when
            // asked, so a pusher who sets one up readable cannot have a new
            // machine send its journal in the clear. (A journal that synced
            // readable before rejoins as it was.)
            None if !tree.encrypted && earlier.is_none() => {
                let _ = std::fs::remove_dir_all(&paths.tree);
                bail!(
                    "the sync repository at {} keeps records readable, and win encrypts unless told otherwise: nothing was written. To join it readable, add --no-encrypt",
                    remote.as_deref().unwrap_or("")
                )
            }
            _ => {}
        }
        let rejoining = earlier.as_ref().is_some_and(|state| state.device == device);
        if tree.devices()?.contains(&device) && !rejoining {
            bail!("a device named {device} already syncs there: choose another with --device NAME");
        }
        // Nothing of a refused join stays behind: not the clone, not a key.
        match join_key(paths, &tree, key, passphrase, passphrases) {
            Ok(Some(unlocked)) => crypt::save(&paths.key, &unlocked)?,
            Ok(None) => {}
            Err(err) => {
                let _ = std::fs::remove_dir_all(&paths.tree);
                return Err(err);
            }
        }
        tree
    } else {
        // Encrypted unless asked otherwise, whatever the remote: a folder on
        // a USB disk or a NAS mount is as easy to copy as a host, and git
        // makes a bare repository readable by everyone on the machine.
        let encrypted = encrypt.unwrap_or(true);
        // Asked before anything is made, so a cancelled question leaves no key.
        let chosen = if passphrase {
            Some(passphrases.new_passphrase()?)
        } else {
            None
        };
        let key = if encrypted {
            Some(match key {
                Some(key) => key,
                None => {
                    let key = Key::generate();
                    crypt::save(&paths.key, &key)?;
                    key
                }
            })
        } else {
            None
        };
        let tree = Tree::create(&paths.tree, key.as_ref())?;
        if let (Some(chosen), Some(key)) = (&chosen, &key) {
            crypt::set_lockbox(&paths.tree, key, Some(chosen), &lockbox_name(&device, now))?;
        }
        git.commit_all("win sync: a new repository")?;
        tree
    };
    if earlier.is_some() {
        store.restart_sync(&device)?;
    } else {
        store.enable_sync(&device)?;
    }
    let encrypted = tree.encrypted;
    store.set_sync_encrypted(encrypted)?;
    // A device that joins or starts over syncs with tags from the start:
    // it trusted nothing untagged before, so it vouches for nothing.
    store.set_sync_authenticated()?;
    let mut tree = tree;
    let report = run_locked(store, paths, &git, &mut tree, &device, now, measure)?;
    Ok((device, encrypted, report))
}

/// The key a joining device syncs with: its own, checked against the
/// repository's key check, or (when it has none) the one the repository
/// holds locked with a passphrase. Returns a key to save.
fn join_key(
    paths: &Paths,
    tree: &Tree,
    key: Option<Key>,
    passphrase: bool,
    passphrases: &mut dyn Passphrases,
) -> Result<Option<Key>> {
    let locked = tree.encrypted && !crypt::lockboxes(tree.root())?.is_empty();
    if passphrase && !locked {
        bail!("the sync repository holds no key locked with a passphrase: join it with the key (there: win sync key show > key.txt; here: win sync key import key.txt, then win sync init without --passphrase), then win sync key passphrase sets one");
    }
    match key {
        None if locked => {
            let unlocked = crypt::unlock(tree.root(), passphrases, |key| {
                tree.check_key(Some(key)).is_ok()
            })?;
            Ok(Some(unlocked))
        }
        Some(key) if locked && tree.check_key(Some(&key)).is_err() => bail!(
            "this device's sync key {} is another key than the repository's; nothing was written: to join with the passphrase, move that file aside first (it may belong to another sync repository), or import the repository's key (win sync key import FILE --yes)",
            paths.key.display()
        ),
        key => {
            tree.check_key(key.as_ref())?;
            Ok(None)
        }
    }
}

/// A device of an encrypted repository that lost its key (a new config
/// folder, say) gets it back from the repository's passphrase lockbox
/// before it syncs. Returns whether a key was unlocked and saved.
pub fn unlock_missing_key(paths: &Paths, passphrases: &mut dyn Passphrases) -> Result<bool> {
    // The key first: a sync folder whose manifest does not read is for
    // `run` to repair, not an error here.
    if crypt::load(&paths.key)?.is_some() || !Tree::exists(&paths.tree)? {
        return Ok(false);
    }
    let tree = Tree::open(&paths.tree)?;
    if !tree.encrypted || crypt::lockboxes(tree.root())?.is_empty() {
        return Ok(false);
    }
    let key = crypt::unlock(tree.root(), passphrases, |key| {
        tree.check_key(Some(key)).is_ok()
    })?;
    crypt::save(&paths.key, &key)?;
    Ok(true)
}

/// Locks the key in the repository with a new passphrase (replacing any
/// other) or, for `remove`, takes every lockbox out; committed for the
/// next sync to send. Returns whether the repository changed.
pub fn set_passphrase(
    store: &Store,
    paths: &Paths,
    remove: bool,
    passphrases: &mut dyn Passphrases,
    now: DateTime<FixedOffset>,
) -> Result<bool> {
    let state = store.sync_device()?.ok_or_else(not_set_up)?;
    let tree = Tree::open(&paths.tree)?;
    if !tree.encrypted {
        bail!("the sync repository keeps records readable (not encrypted): there is no key to lock with a passphrase");
    }
    let key = crypt::load(&paths.key)?.ok_or_else(|| {
        anyhow!(
            "this device has no sync key in {}: import it first (win sync key import FILE)",
            paths.key.display()
        )
    })?;
    tree.check_key(Some(&key))?;
    if remove && crypt::lockboxes(tree.root())?.is_empty() {
        return Ok(false);
    }
    let chosen = if remove {
        None
    } else {
        Some(passphrases.new_passphrase()?)
    };
    let _lock = Lock::take(&paths.lock())?;
    let git = Git::find(&paths.tree, &state.device)?;
    git.clean_up_after_interruption()?;
    git.keep_records_as_written()?;
    crypt::set_lockbox(
        tree.root(),
        &key,
        chosen.as_ref(),
        &lockbox_name(&state.device, now),
    )?;
    let message = if remove {
        "passphrase removed"
    } else {
        "passphrase set"
    };
    git.commit_all(&format!("{}: {message}", state.device))
}

/// A lockbox's file name: new every time, so devices never change the same file.
fn lockbox_name(device: &str, now: DateTime<FixedOffset>) -> String {
    let uid = crate::domain::win::new_uid(now).replace('-', "");
    format!("{device}-{}", &uid[uid.len() - 8..])
}

/// One sync: write this device's changes, commit, fetch and merge, push
/// (again after a merge if another device pushed first), then replay the
/// other devices' new records into the journal in one transaction.
/// `measure` measures a merged win's metrics again (see `Store::replay`).
pub fn run(
    store: &mut Store,
    paths: &Paths,
    now: DateTime<FixedOffset>,
    measure: &mut dyn FnMut(&mut NewWin) -> Result<()>,
) -> Result<Report> {
    let state = store.sync_device()?.ok_or_else(not_set_up)?;
    let _lock = Lock::take(&paths.lock())?;
    check_tree(paths)?;
    let git = Git::find(&paths.tree, &state.device)?;
    let rewritten = if git.keeps_records_as_written() {
        Vec::new()
    } else {
        git.changed_since_committed(&format!("devices/{}/", state.device))?
    };
    git.keep_records_as_written()?;
    take_remote_repair(&git, paths, &state)?;
    let mut tree = open_tree(store, paths, &state)?;
    if !rewritten.is_empty() {
        take_back_own_files(store, paths, &git, &tree, &state.device, &rewritten)?;
    }
    run_locked(store, paths, &git, &mut tree, &state.device, now, measure)
}

/// This device's batch files that git committed other than this device
/// wrote them (under a `.gitattributes` from the remote, before win
/// overruled it; `rewritten`: each with the id of what the work tree held
/// and the id committed). What this device wrote was still in its work
/// tree: where that reads whole and what was committed does not, it is
/// noted as this device's own, so that `send_again` finds the file changed
/// on the remote and sends its records again.
fn take_back_own_files(
    store: &mut Store,
    paths: &Paths,
    git: &Git,
    tree: &Tree,
    device: &str,
    rewritten: &[(String, String, String)],
) -> Result<()> {
    let key = crypt::load(&paths.key)?;
    let vouches = tree.vouches(key.as_ref())?;
    let mut noted = Vec::new();
    for (file, written, committed) in rewritten {
        if !(file.ends_with(".age") || file.ends_with(".jsonl")) {
            continue;
        }
        let (Some(ours), Some(theirs)) = (git.content(written)?, git.content(committed)?) else {
            continue;
        };
        let mut found = Vec::new();
        let whole = tree
            .read_batch(device, &ours, key.as_ref(), &vouches, &mut found)
            .is_none();
        let damaged = tree
            .read_batch(device, &theirs, key.as_ref(), &vouches, &mut Vec::new())
            .is_some();
        if whole && !found.is_empty() && damaged {
            noted.push((file.clone(), written.clone()));
        }
    }
    store.note_own_files(&noted, &[])
}

/// The sync folder's tree, encrypted or not as the journal says. A journal
/// set up by an older win learns it once, from what the folder shows of
/// its past (a key check, sealed batches), not from the manifest alone.
fn open_tree(store: &mut Store, paths: &Paths, state: &SyncDevice) -> Result<Tree> {
    let encrypted = match state.encrypted {
        Some(encrypted) => encrypted,
        None => {
            let tree = Tree::open(&paths.tree)?;
            let encrypted = tree.shows_encryption(&state.device)?;
            store.set_sync_encrypted(encrypted)?;
            encrypted
        }
    };
    Tree::open_as(&paths.tree, encrypted)
}

fn run_locked(
    store: &mut Store,
    paths: &Paths,
    git: &Git,
    tree: &mut Tree,
    device: &str,
    now: DateTime<FixedOffset>,
    measure: &mut dyn FnMut(&mut NewWin) -> Result<()>,
) -> Result<Report> {
    let key = crypt::load(&paths.key)?;
    tree.check_key(key.as_ref())?;
    // A sync that did not finish (killed, or stopped by an error) may have
    // left a half-written record file or a merge in progress: its mark is
    // still there. Only then is the working tree put back as committed.
    // Under win's sync lock no other git of ours runs in the sync folder:
    // a git lock file there was left by a killed sync, and git would refuse
    // every later command until it is gone.
    let stale_locks = git.remove_stale_locks()?;
    let unfinished = paths.tree.join(".git").join(UNFINISHED);
    if unfinished.exists() {
        git.clean_up_after_interruption()?;
    }
    std::fs::write(&unfinished, b"")
        .with_context(|| format!("cannot write {}", unfinished.display()))?;

    // 1–2: this device's changes since the last commit, committed.
    let mut report = Report {
        stale_locks,
        ..Report::default()
    };
    let state = store.sync_device()?.ok_or_else(not_set_up)?;
    // The first sync with tags, of a journal an older win set up: the
    // repository moves to the layout with tags (older wins then say
    // "upgrade win"), and this device vouches for the untagged batches its
    // folder holds from before, which its older win trusted. Both before
    // anything is fetched.
    let mut upgraded = false;
    if let Some(key) = key.as_ref().filter(|_| tree.encrypted) {
        upgraded |= tree.upgrade_layout()?;
        if !state.authenticated {
            upgraded |= tree.vouch(device, key)?;
        }
    }
    let vouches = tree.vouches(key.as_ref())?;
    let (published, own) =
        square_with_repository(store, tree, device, key.as_ref(), &vouches, &mut report)?;
    let changes: Vec<Change> = store.unpublished(device, published)?;
    let mut written = Vec::new();
    if let Some(last) = changes.last() {
        written.extend(tree.append(device, &changes, now, key.as_ref())?);
        git.commit_all(&format!("{device}: {} changes", changes.len()))?;
        store.mark_published(last.seq)?;
    } else {
        if upgraded {
            git.commit_all(&format!("{device}: records authenticated"))?;
        }
        if state.published != Some(published) {
            store.mark_published(published)?;
        }
    }
    if !state.authenticated {
        store.set_sync_authenticated()?;
    }
    report.published = changes.len();
    note_own_files(store, git, device, written)?;
    // What the last merge cut or changed of this device's files.
    Own {
        store: &mut *store,
        git,
        tree,
        device,
        key: key.as_ref(),
        vouches: &vouches,
        now,
    }
    .repair(&mut report)?;

    // 3–4: fetch, merge, push; again while another device pushed first.
    if git.remote_url()?.is_some() {
        report.has_remote = true;
        // A passphrase set since the last sync is a commit of its own: say
        // it was sent, not "0 changes sent".
        let earlier = if changes.is_empty() {
            git.unsent(device)?
        } else {
            Vec::new()
        };
        report.unreachable = match exchange(git, tree, device, key.as_ref(), &mut report.damaged) {
            Ok(unreachable) => unreachable,
            Err(err) => {
                // Nothing merged or pushed: what this sync committed is
                // this device's only in its sync folder. The journal's
                // note of what it published goes back to what the
                // repository held, so that a sync folder set up again
                // (the way out) gives back the records the remote holds
                // under this name past it, as after a restore.
                if let Some(before) = state.published {
                    store.mark_published(before)?;
                }
                return Err(err);
            }
        };
        // What this merge cut or changed of this device's files, sent again
        // at once rather than at the next sync.
        if report.unreachable.is_none() {
            let repaired = Own {
                store: &mut *store,
                git,
                tree,
                device,
                key: key.as_ref(),
                vouches: &vouches,
                now,
            }
            .repair(&mut report)?;
            if repaired {
                report.unreachable =
                    exchange(git, tree, device, key.as_ref(), &mut report.damaged)?;
            }
        }
        if report.unreachable.is_none() {
            report.sent_earlier = earlier;
        }
        if report.unreachable.is_none() {
            // The merge may have brought a key check this key cannot open.
            tree.check_key(key.as_ref())?;
        }
    }
    if tree.encrypted {
        // Said only when none can be used: junk beside a good lockbox does
        // not stop a new device (status names it).
        let (unusable, lockboxes) = crypt::unusable_lockboxes(tree.root())?;
        if unusable.len() == lockboxes {
            report.unusable_lockboxes = unusable;
        }
    }

    // 5: the other devices' new records (and this device's own, when the
    // journal is older than its records in the repository), in clock
    // order, in one transaction.
    let mut peers = store.peers()?;
    // Vouches as merged: a device that vouched since the last sync may
    // vouch for untagged batches refused before, so every device's files
    // are read again, once (what was applied is skipped as ever).
    let vouches = tree.vouches(key.as_ref())?;
    report.damaged.extend(
        vouches
            .damaged
            .iter()
            .filter(|(voucher, _)| !state.vouchers.contains(voucher))
            .map(|(_, damage)| damage.clone()),
    );
    if vouches
        .devices
        .iter()
        .any(|voucher| !state.vouchers.contains(voucher))
    {
        for peer in &mut peers {
            peer.read.clear();
        }
    }
    let mut incoming = Vec::new();
    let limit = clock_limit();
    for change in own {
        match check_record(&change).and_then(|()| check_clock(&change, limit)) {
            Ok(()) => incoming.push(change),
            Err(err) => report.damaged.push(format!(
                "devices/{device} record {} (win {}): {err:#}",
                change.seq, change.uid
            )),
        }
    }
    for other in tree.devices()? {
        if other == device {
            continue;
        }
        let index = match peers.iter().position(|peer| peer.device == other) {
            Some(index) => index,
            None => {
                peers.push(Peer {
                    device: other.clone(),
                    applied_seq: 0,
                    seen_seq: 0,
                    read: Position::new(),
                });
                peers.len() - 1
            }
        };
        let peer = &mut peers[index];
        let read = tree.read_from(&other, &peer.read, key.as_ref(), &vouches)?;
        report.damaged.extend(read.damaged);
        let mut taken = Vec::new();
        // The first record whose clock is too far ahead of this machine's:
        // it, and the device's later records, wait for a later sync (a
        // clock set wrong on either machine is put right, or time catches
        // up), rather than being passed over for good.
        let mut held: Option<u64> = None;
        for change in read.changes {
            if change.device != other {
                continue;
            }
            // Found, whether or not it is applied: what is refused is
            // said by name, what is missing below.
            peer.seen_seq = peer.seen_seq.max(change.seq);
            if change.seq <= peer.applied_seq {
                continue;
            }
            if let Err(err) = check_clock(&change, limit) {
                held = Some(held.map_or(change.seq, |first| first.min(change.seq)));
                report.damaged.push(format!(
                    "devices/{other} record {} (win {}): {err:#}",
                    change.seq, change.uid
                ));
                continue;
            }
            // The checks every other way in has: a record no device could
            // have made is refused by name, on every device alike.
            match check_record(&change) {
                Ok(()) => taken.push(change),
                Err(err) => report.damaged.push(format!(
                    "devices/{other} record {} (win {}): {err:#}",
                    change.seq, change.uid
                )),
            }
        }
        match held {
            // Its files are read again next time, from where they were.
            Some(first) => taken.retain(|change| change.seq < first),
            None => peer.read = read.position,
        }
        incoming.extend(taken);
        report.missing.extend(Missing::of(tree, peer));
    }
    incoming.sort_by(|a, b| (a.hlc, &a.device, a.seq).cmp(&(b.hlc, &b.device, b.seq)));
    report.replayed = store.replay(
        &incoming,
        &peers,
        now,
        report.unreachable.is_none(),
        measure,
    )?;
    let seen = vouches.seen();
    if seen != state.vouchers {
        store.set_sync_vouchers(&seen)?;
    }
    std::fs::remove_file(&unfinished)
        .with_context(|| format!("cannot remove {}", unfinished.display()))?;
    Ok(report)
}

/// This device's side of the repository, as one sync sees it: what
/// `send_again` and `put_back_seq` need to repair what the remote cut,
/// changed or removed of it.
struct Own<'a> {
    store: &'a mut Store,
    git: &'a Git,
    tree: &'a Tree,
    device: &'a str,
    key: Option<&'a Key>,
    vouches: &'a tree::Vouches,
    now: DateTime<FixedOffset>,
}

impl Own<'_> {
    /// Sends again what the remote cut, changed or removed of this
    /// device's files, and puts its sequence file back. Returns whether
    /// anything was committed (and is to be pushed).
    fn repair(&mut self, report: &mut Report) -> Result<bool> {
        let sent = send_again(self, report)?;
        let put_back = put_back_seq(self)?;
        Ok(sent || put_back)
    }
}

/// Notes this device's files, as committed before anything is fetched, as
/// its own, with the id git gave their content: what it wrote (`written`
/// just now), and any other file of its folder the journal has not noted
/// (a journal set up before win kept this list, or restored from a copy
/// older than its last syncs). That is what this device wrote, or what
/// the last merge brought into its folder: taken as it is, it is never
/// sent as this device's unless it verifies (see `send_again`).
fn note_own_files(store: &mut Store, git: &Git, device: &str, written: Vec<String>) -> Result<()> {
    let own = store.own_files()?;
    let there = git.files_under(&format!("devices/{device}/"))?;
    let vouch = Tree::vouch_file(device);
    let mut noted = Vec::new();
    for (file, id) in there {
        let mine = file.ends_with(".age") || file.ends_with(".jsonl") || file == vouch;
        if mine && (written.contains(&file) || !own.contains_key(&file)) {
            noted.push((file, id));
        }
    }
    store.note_own_files(&noted, &[])
}

/// This device's files as it wrote them, against the repository as merged:
/// a file the remote cut, changed or removed (by accident, or by someone
/// who can push) is not intact there, and the other devices skip what they
/// cannot read of it. Its records, as this device wrote them (git keeps
/// them), are published again under new sequence numbers (the others
/// applied the later ones already, and skip a number they have passed),
/// and the damaged file removed; a vouch is put back as it was. Records
/// that do not verify are not sent: whatever this device took for its own
/// before, only what the key made goes out under its name. Returns whether
/// anything was committed.
fn send_again(own_side: &mut Own<'_>, report: &mut Report) -> Result<bool> {
    let Own {
        store,
        git,
        tree,
        device,
        key,
        vouches,
        now,
    } = own_side;
    let (git, tree, device, key, vouches, now) = (*git, *tree, *device, *key, *vouches, *now);
    let own = store.own_files()?;
    let there = git.files_under(&format!("devices/{device}/"))?;
    let vouch = Tree::vouch_file(device);
    let mut records = Vec::new();
    let mut gone = Vec::new();
    let mut put_back = Vec::new();
    for (file, id) in &own {
        if there.get(file) == Some(id) {
            continue;
        }
        let path = tree.root().join(file);
        let Some(bytes) = git.content(id)? else {
            report.damaged.push(format!(
                "{file}: cut or changed on the remote, and git no longer holds what this device wrote there, so it cannot be sent again"
            ));
            gone.push(file.clone());
            continue;
        };
        if *file == vouch {
            tree.put_back(file, &bytes)?;
            put_back.push(file.clone());
            continue;
        }
        let mut found = Vec::new();
        let _ = tree.read_batch(device, &bytes, key, vouches, &mut found);
        found.retain(|change| change.device == device);
        report.sent_again.push((file.clone(), found.len()));
        records.extend(found);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("cannot remove {}", path.display()))
            }
        }
        gone.push(file.clone());
    }
    if gone.is_empty() && put_back.is_empty() {
        return Ok(false);
    }
    records.sort_by_key(|change| change.seq);
    let published = store
        .sync_device()?
        .and_then(|state| state.published)
        .unwrap_or(0);
    for (number, change) in (published + 1..).zip(records.iter_mut()) {
        change.seq = number;
    }
    let mut written: Vec<String> = put_back;
    if let Some(last) = records.last().map(|change| change.seq) {
        written.extend(tree.append(device, &records, now, key)?);
        // Changes captured meanwhile are numbered after these.
        store.renumber_outbox(&[], last)?;
        git.commit_all(&format!(
            "{device}: {} records sent again (the remote lost them)",
            records.len()
        ))?;
        store.mark_published(last)?;
    } else {
        git.commit_all(&format!("{device}: files the remote lost removed"))?;
    }
    store.note_own_files(&[], &gone)?;
    let mut noted = Vec::new();
    for file in written {
        noted.push((file.clone(), git.file_id(&file)?));
    }
    store.note_own_files(&noted, &[])?;
    Ok(true)
}

/// Puts this device's sequence file back as the journal says it, when the
/// remote changed it (raised, lowered, removed), and its list of batches
/// as its folder holds them: the other devices compare them with the
/// records and files they find, to say when a batch is missing. Returns
/// whether anything was committed.
fn put_back_seq(own: &Own<'_>) -> Result<bool> {
    let Own {
        store,
        git,
        tree,
        device,
        ..
    } = own;
    let published = store
        .sync_device()?
        .and_then(|state| state.published)
        .unwrap_or(0);
    let seq_kept = tree.written_seq(device).ok() == Some(published);
    if !seq_kept {
        tree.write_seq(device, published)?;
    }
    let listed = published > 0 && tree.write_batch_list(device)?;
    if seq_kept && !listed {
        return Ok(false);
    }
    git.commit_all(&format!(
        "{device}: sequence file and list of batches as this device wrote them"
    ))
}

/// How far past this machine's clock a record's clock may be: clocks of
/// devices that sync disagree by seconds, not days. A record from further
/// ahead would drag this device's clock with it (and its own edits would
/// then lose to everything), so it is refused by name.
const CLOCK_AHEAD_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// The latest clock a record may carry, now.
fn clock_limit() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    now.saturating_add(CLOCK_AHEAD_MILLIS)
}

fn check_clock(change: &Change, limit: u64) -> Result<()> {
    if change.hlc.millis > limit {
        bail!(
            "its clock ({}) is more than a day ahead of this machine's: check the clock of device {}, or this one's (it and the device's later records wait for a sync where the clocks agree)",
            change.hlc, change.device
        );
    }
    Ok(())
}

/// Squares the journal with what the sync repository holds of this device,
/// before anything is published. The two agree when all is well: the
/// journal's last published sequence number is the repository's. When the
/// repository says more (the journal was restored from a copy made before
/// a sync, or a sync was stopped between its commit and the journal's
/// note of it, or someone changed the sequence file on the remote), this
/// device's records are read back: those the journal lacks are returned
/// to be replayed into it, and the changes it has not sent are numbered
/// after the last record really there. Returns the sequence number to
/// publish after, and the records to replay.
fn square_with_repository(
    store: &mut Store,
    tree: &Tree,
    device: &str,
    key: Option<&Key>,
    vouches: &tree::Vouches,
    report: &mut Report,
) -> Result<(u64, Vec<Change>)> {
    let written = tree.written_seq(device).unwrap_or(u64::MAX);
    let known = store.sync_device()?.and_then(|state| state.published);
    let published = known.unwrap_or(written);
    if written <= published {
        return Ok((published, Vec::new()));
    }
    let read = tree.read_from(device, &Position::default(), key, vouches)?;
    report.damaged.extend(read.damaged);
    let mine: Vec<Change> = read
        .changes
        .into_iter()
        .filter(|change| change.device == device)
        .collect();
    let last = mine
        .iter()
        .map(|change| change.seq)
        .max()
        .unwrap_or(0)
        .max(published);
    let lacking: Vec<Change> = mine
        .into_iter()
        .filter(|change| change.seq > published)
        .collect();
    store.renumber_outbox(&lacking, last)?;
    Ok((last, lacking))
}

/// A replayed win within the limits of capture and import, dated after
/// 1970 (its follow-ups too). Not checked against this device's clock or
/// framework, which differ between devices: every device must refuse the
/// same records, or they would not converge. Unknown competency keys are
/// kept, as import keeps them (they come from another framework).
fn check_record(change: &Change) -> Result<()> {
    let Some(win) = &change.win else {
        return Ok(());
    };
    crate::domain::limits::check_win(win)?;
    crate::domain::dates::check_not_too_early(win.occurred_at)?;
    for update in &win.updates {
        crate::domain::limits::check_update(update)?;
        crate::domain::dates::check_not_too_early(update.at)?;
    }
    Ok(())
}

/// Fetches, merges and pushes. Returns why the remote could not be
/// reached, if it could not; a rewritten remote history is an error.
/// Files someone else wrote in this device's folder are named in
/// `damaged` (see `settle_conflicts`).
fn exchange(
    git: &Git,
    tree: &Tree,
    device: &str,
    key: Option<&Key>,
    damaged: &mut Vec<String>,
) -> Result<Option<String>> {
    let encrypted = tree.encrypted;
    let mut locked = None;
    for attempt in 0..PUSH_ATTEMPTS {
        if attempt > 0 && locked.is_some() {
            // Another push holds the remote's branch: give it a moment.
            std::thread::sleep(std::time::Duration::from_millis(100 * attempt as u64));
        }
        if let Err(err) = git.fetch() {
            return Ok(Some(format!("{err:#}")));
        }
        let refs = git.refs(SYNCED_REF)?;
        if let Some(synced) = &refs.synced {
            // Unchanged since the last sync: nothing to check or merge.
            let kept = match &refs.theirs {
                Some(theirs) => theirs == synced || git.is_ancestor(synced, theirs)?,
                None => false,
            };
            if !kept {
                bail!(
                    "the remote's history was rewritten (force-pushed or replaced): it no longer holds the commit this device last synced ({}). Nothing was changed here. If the remote is right, start over on this device: move {} aside and run win sync init REMOTE again (this journal's wins are published again, and nothing is duplicated); if it is wrong, restore it from this device: git -C {} push --force origin HEAD:{}",
                    &synced[..synced.len().min(12)],
                    git.tree().display(),
                    git.tree().display(),
                    git::BRANCH
                );
            }
        }
        let mut head = refs.head.clone();
        if let Some(theirs) = &refs.theirs {
            if refs.synced.as_ref() != Some(theirs) && head.as_ref() != Some(theirs) {
                // What the remote says is checked before it is merged: a
                // manifest that turns encryption off never gets in.
                check_fetched(git, theirs, encrypted, key)?;
                let conflicts = git.merge(theirs, head.is_some())?;
                if !conflicts.is_empty() {
                    settle_conflicts(git, tree, device, key, &conflicts, damaged)?;
                }
                head = git.resolve("HEAD")?;
            }
        }
        let Some(head) = head else {
            return Ok(None);
        };
        // Nothing the remote lacks: no push (the remote holds this commit).
        if refs.theirs.as_ref() == Some(&head) {
            if refs.synced.as_ref() != Some(&head) {
                git.run(&["update-ref", SYNCED_REF, &head])?;
            }
            return Ok(None);
        }
        match git.push() {
            Ok(git::Pushed::Done) => {
                git.run(&["update-ref", SYNCED_REF, &head])?;
                return Ok(None);
            }
            Ok(git::Pushed::Rejected) => locked = None,
            Ok(git::Pushed::Locked(file)) => locked = Some(file),
            Err(err) => return Ok(Some(format!("{err:#}"))),
        }
    }
    Ok(Some(match locked {
        Some(Some(file)) => format!(
            "cannot push to the remote: its branch stayed locked by {file} ({PUSH_ATTEMPTS} attempts); a git push there was killed halfway or is still running: if no win sync or git push to that remote is running, remove that file"
        ),
        Some(None) => format!(
            "cannot push to the remote: its branch stayed locked ({PUSH_ATTEMPTS} attempts); another push there is running, or one was killed and left a .lock file under its refs/ folder to remove"
        ),
        None => format!("other devices kept pushing first ({PUSH_ATTEMPTS} attempts)"),
    }))
}

/// The remote's `sync.json` and key check, as its commit `theirs` holds
/// them, checked before anything of it is merged: a manifest that turns
/// encryption off never gets in, and neither does a file this device
/// would refuse to read once merged (a link, a folder, one too large, a
/// key check its key cannot open), which would stop every later sync,
/// the one that would bring the repair too.
fn check_fetched(git: &Git, theirs: &str, encrypted: bool, key: Option<&Key>) -> Result<()> {
    let small = |name: &str| {
        git.small_file_at(theirs, name, crate::domain::limits::SYNC_SMALL_BYTES)
            .map_err(|err| refused_remote_file(git, name, &format!("{err:#}")))
    };
    let manifest = small("sync.json")?;
    tree::check_fetched_manifest(
        manifest.as_deref().map(String::from_utf8_lossy).as_deref(),
        encrypted,
    )?;
    if encrypted {
        let why = match (small("keycheck.age")?, key) {
            (None, _) => Some("the remote's latest commit has none"),
            (Some(check), Some(key)) if !key.opens_key_check(&String::from_utf8_lossy(&check)) => {
                Some("this device's sync key cannot open it (it was made with another key)")
            }
            _ => None,
        };
        if let Some(why) = why {
            return Err(refused_remote_file(git, "keycheck.age", why));
        }
    }
    Ok(())
}

/// The remote's `name` is refused (`why`): how to put it back.
fn refused_remote_file(git: &Git, name: &str, why: &str) -> anyhow::Error {
    anyhow!(
        "the remote's {name} was not taken in: {why}. Someone who can push changed it; nothing was sent or received. Put it back as this device holds it: in a clone of the remote, copy {} over it, commit and push; the next win sync then takes the repaired file",
        git.tree().join(name).display()
    )
}

/// A sync folder whose `sync.json` or key check does not read (an older
/// win merged one that someone pushed, before it checked them) would
/// refuse every sync, the ones that would bring the remote's repair too:
/// once the remote's files are right again, its commit is merged first.
/// Otherwise the error names the remote's file and how to put it back.
fn take_remote_repair(git: &Git, paths: &Paths, state: &SyncDevice) -> Result<()> {
    let key_check = paths.tree.join("keycheck.age");
    let refused = match Tree::open(&paths.tree) {
        Err(err) => err,
        Ok(tree) if tree.encrypted || state.encrypted == Some(true) => {
            match crate::input::read_pulled(
                "the sync repository's key check",
                &key_check,
                crate::domain::limits::SYNC_SMALL_BYTES,
            ) {
                Err(err) => err,
                Ok(_) => return Ok(()),
            }
        }
        Ok(_) => return Ok(()),
    };
    if git.remote_url()?.is_none() || git.fetch().is_err() {
        return Err(refused);
    }
    let refs = git.refs(SYNCED_REF)?;
    let Some(theirs) = refs.theirs else {
        return Err(refused);
    };
    if let Some(synced) = &refs.synced {
        if *synced != theirs && !git.is_ancestor(synced, &theirs)? {
            return Err(refused);
        }
    }
    let encrypted = state
        .encrypted
        .unwrap_or_else(|| std::fs::symlink_metadata(&key_check).is_ok());
    let key = crypt::load(&paths.key)?;
    check_fetched(git, &theirs, encrypted, key.as_ref())?;
    if paths.tree.join(".git").join(UNFINISHED).exists() {
        git.clean_up_after_interruption()?;
    }
    if !git.merge(&theirs, refs.head.is_some())?.is_empty() {
        let _ = git.abort_merge();
        return Err(refused);
    }
    Ok(())
}

/// A merge conflicts only where someone else wrote in this device's
/// folder. When what they wrote is this device's own kind of record (made
/// with the key, under this device's name), another machine syncs as this
/// device: a copy of this journal, or of its home folder. Merging would
/// mix two journals' records under one name, so nothing is merged, and
/// this machine is told to take a name of its own. Anything else there
/// (a file not made with the key, a changed sequence file) was put there
/// by someone who can push, and this device's own files are kept.
fn settle_conflicts(
    git: &Git,
    tree: &Tree,
    device: &str,
    key: Option<&Key>,
    conflicts: &[String],
    damaged: &mut Vec<String>,
) -> Result<()> {
    let own = format!("devices/{device}/");
    let another_machine = || {
        anyhow!(
            "the remote holds records of device {device} that this journal never wrote: both wrote to {own}, and nothing was merged here. If this data folder was restored from a backup, move the sync folder {} aside and run win sync init REMOTE (it keeps its name, and what it sent since the backup comes back); if another machine syncs as device {device} (a copy of this journal, or of its home folder), move it aside on this one and run win sync init REMOTE --device NAME (its wins are published again under NAME, without duplicates)",
            git.tree().display()
        )
    };
    // This device's folder itself, replaced on the remote by a link or a
    // file (git names that side `devices/<device>~<commit>`): someone who
    // can push did it, and this device's own folder is kept.
    let folder = format!("devices/{device}");
    let in_own_folder = |path: &String| {
        path.starts_with(&own) || *path == folder || path.starts_with(&format!("{folder}~"))
    };
    if let Some(elsewhere) = conflicts.iter().find(|path| !in_own_folder(path)) {
        let _ = git.abort_merge();
        bail!(
            "the remote holds records this device cannot merge ({elsewhere} in conflict); nothing was merged here. Move the sync folder {} aside and run win sync init REMOTE again to join what the remote holds",
            git.tree().display()
        );
    }
    for path in conflicts {
        let is_batch = path.ends_with(".age") || path.ends_with(".jsonl");
        if !is_batch {
            continue;
        }
        let Some(theirs) = git.theirs_in_conflict(path)? else {
            continue;
        };
        // A readable repository has no tags: anyone who can push writes
        // records as good as a device's, so a clone cannot be told apart.
        if !tree.encrypted || tree.holds_records_of(device, &theirs, key) {
            let _ = git.abort_merge();
            return Err(another_machine());
        }
    }
    git.settle_ours(conflicts)?;
    for path in conflicts {
        if path.starts_with(&own) {
            damaged.push(format!(
                "{path}: someone who can push changed this device's file on the remote (not with the sync key); this device's own was kept"
            ));
        } else {
            damaged.push(format!(
                "{folder}: someone who can push put a link or a file in place of this device's folder on the remote; this device's own was kept"
            ));
        }
    }
    Ok(())
}

pub fn status(store: &Store, paths: &Paths) -> Result<Status> {
    let state = store.sync_device()?.ok_or_else(not_set_up)?;
    check_tree(paths)?;
    let git = Git::find(&paths.tree, &state.device)?;
    let tree = Tree::open(&paths.tree)?;
    // The journal's own word on encryption and on what it sent; the
    // repository's files are what anyone who can push may have changed.
    let encrypted = state.encrypted.unwrap_or(tree.encrypted);
    let written = state
        .published
        .unwrap_or_else(|| tree.written_seq(&state.device).unwrap_or(0));
    let remote = git.remote_url()?;
    // What the remote holds of this device, as of the last fetch or push.
    let pushed = if remote.is_some() {
        git.file_at(
            &format!("refs/remotes/origin/{}", git::BRANCH),
            &format!("devices/{}/seq", state.device),
        )?
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or(0)
    } else {
        written
    };
    let unpushed = usize::try_from(written.saturating_sub(pushed)).unwrap_or(usize::MAX);
    let peers = store.peers()?;
    let missing = peers
        .iter()
        .filter_map(|peer| Missing::of(&tree, peer))
        .collect();
    let (unusable_lockboxes, lockboxes) = if encrypted {
        crypt::unusable_lockboxes(tree.root())?
    } else {
        (Vec::new(), 0)
    };
    Ok(Status {
        remote,
        encrypted,
        manifest_differs: encrypted != tree.encrypted,
        passphrase: lockboxes > unusable_lockboxes.len(),
        lockboxes,
        unusable_lockboxes,
        has_key: crypt::load(&paths.key)?.is_some(),
        key: paths.key.clone(),
        last_sync: state.last_sync,
        unpublished: store.unpublished_count(written)? + unpushed,
        peers,
        missing,
        tree: paths.tree.clone(),
        device: state.device,
    })
}

/// A journal set up to sync whose sync folder is gone (moved aside, say)
/// is told how to set it up again.
fn check_tree(paths: &Paths) -> Result<()> {
    if !paths.tree.join(".git").exists() {
        bail!(
            "the sync folder {} is missing: set sync up again with win sync init [REMOTE] (this device keeps its name and publishes every win again, without duplicates)",
            paths.tree.display()
        );
    }
    Ok(())
}

fn not_set_up() -> anyhow::Error {
    anyhow!(
        "sync is not set up for this journal: run win sync init [REMOTE] (see: win sync --help)"
    )
}

/// A device name nobody chose: 8 random hex digits, so the remote learns
/// nothing from it.
fn random_device(now: DateTime<FixedOffset>) -> String {
    // A v7 uid's tail is random; its head is the time.
    let uid = crate::domain::win::new_uid(now).replace('-', "");
    format!("d{}", &uid[uid.len() - 8..])
}

/// A remote on this machine, as an absolute path: git runs in the data
/// folder, not where the user typed the command.
fn absolute_remote(remote: &str) -> Result<String> {
    let remote = remote.trim();
    if remote.is_empty() {
        bail!("the remote is empty: give a path or a git remote such as git@host:wins.git");
    }
    if !is_local_remote(remote) || remote.starts_with("file://") || remote.starts_with('~') {
        return Ok(remote.to_string());
    }
    let path = Path::new(remote);
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("cannot read the current folder")?
            .join(path)
    };
    Ok(absolute.to_string_lossy().into_owned())
}

/// Only one sync at a time per journal: an advisory lock (`flock`) on a
/// file beside the sync folder, which the system releases when its holder
/// exits, killed or not, so there is nothing stale to take over. A second
/// sync waits for the first, up to `LOCK_WAIT`. The file stays (removing it
/// would let a third sync lock a new file while the second holds the old);
/// it holds the pid of the last sync, for the message, and is 0600.
struct Lock {
    _file: std::fs::File,
}

/// How long a sync waits for another one on the same journal.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

impl Lock {
    fn take(path: &Path) -> Result<Lock> {
        use std::io::{Read, Seek, Write};
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // A link in its place (to a file of the user's) is not followed.
        #[cfg(unix)]
        {
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
        }
        let mut file = options
            .open(path)
            .with_context(|| format!("cannot create the sync lock {}", path.display()))?;
        #[cfg(unix)]
        {
            // A lock file made by an older win may be 0644 or 0666.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot restrict {} to its owner", path.display()))?;
        }
        let started = std::time::Instant::now();
        loop {
            if try_lock(&file)
                .with_context(|| format!("cannot take the sync lock {}", path.display()))?
            {
                break;
            }
            if started.elapsed() >= LOCK_WAIT {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let _ = file.rewind();
                bail!(
                    "another win sync (process {}) has been running for {} seconds: wait for it to finish, or stop it",
                    holder.trim(),
                    LOCK_WAIT.as_secs()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(Lock { _file: file })
    }
}

/// Takes an exclusive advisory lock on `file` without waiting: `false`
/// when another process holds it.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor `file` owns and keeps open; no memory
    // is passed.
    let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if result == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    if err.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(err)
    }
}
