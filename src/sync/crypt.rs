//! End-to-end encryption of the sync repository with age: an X25519
//! identity kept in the config folder (0600), the same on every device.
//! Each batch of records is one age file (ChaCha20-Poly1305, so a changed
//! or cut byte fails to decrypt), written as one base64 line.
//!
//! age encrypts to a public recipient and proves nothing about who sealed:
//! anyone who learnt the recipient (`# public key:` in the key file) could
//! seal records too. So every batch also carries a tag (HMAC-SHA256) made
//! with a key derived from the secret identity, which only devices holding
//! the key can make (`tag`, `verifies`).
//!
//! Optionally the repository also holds that identity locked with a
//! passphrase (an age scrypt recipient, about a second of work to open):
//! a new machine then joins with the passphrase alone. Records stay sealed
//! to the X25519 key, so syncing never pays for scrypt, and the tags come
//! from that same key, which the passphrase unlocks.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;

use crate::domain::limits;

/// What the repository's key check holds, encrypted: a device that cannot
/// decrypt it holds the wrong key.
const KEY_CHECK: &[u8] = b"win sync key check 1\n";

/// The identity file's name in the config folder.
const KEY_FILE: &str = "sync-key.txt";

/// The repository's folder of passphrase lockboxes: the key sealed to a
/// passphrase, one file a setting. Each is written once under a new name
/// and only ever deleted, never changed, so two devices changing the
/// passphrase at once merge without a conflict (both passphrases then
/// work until one is set again).
pub const LOCKBOX_FOLDER: &str = "passphrase";

/// The shortest passphrase accepted: whoever hosts the remote can try
/// guesses against the lockbox offline, at scrypt's cost each.
pub const SHORTEST_PASSPHRASE: usize = 12;

pub struct Key {
    identity: age::x25519::Identity,
    /// The key of the tags that authenticate records, derived from the
    /// secret identity: only a holder of the secret can make a tag.
    tag_key: [u8; 32],
}

/// What the tag key is derived for (HKDF's `info`): a key derived for
/// anything else from the same identity is another key.
const TAG_KEY_INFO: &[u8] = b"win sync: record authentication 1";

/// The length of a tag, in bytes.
pub const TAG_BYTES: usize = 32;

type Hmac = hmac::Hmac<sha2::Sha256>;

/// Shows the public key only, so a key in a debug message leaks nothing.
impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.public())
    }
}

impl Key {
    pub fn generate() -> Key {
        Key::from_identity(age::x25519::Identity::generate())
    }

    fn from_identity(identity: age::x25519::Identity) -> Key {
        let secret = identity.to_string();
        let derive =
            hkdf::Hkdf::<sha2::Sha256>::new(Some(b"win sync"), secret.expose_secret().as_bytes());
        let mut tag_key = [0; 32];
        derive
            .expand(TAG_KEY_INFO, &mut tag_key)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        Key { identity, tag_key }
    }

    fn tagger(&self, purpose: &str, device: &str) -> Hmac {
        use hmac::Mac;
        let mut mac =
            <Hmac as Mac>::new_from_slice(&self.tag_key).expect("HMAC takes a key of any length");
        // Purposes and device names hold no NUL: the fields cannot run together.
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(device.as_bytes());
        mac.update(b"\0");
        mac
    }

    /// The tag of `payload`, written by `device` for `purpose` ("batch",
    /// "vouch"): moved to another device's folder, or to another use, it
    /// no longer verifies.
    pub fn tag(&self, purpose: &str, device: &str, payload: &[u8]) -> [u8; TAG_BYTES] {
        use hmac::Mac;
        let mut mac = self.tagger(purpose, device);
        mac.update(payload);
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the tag of `payload` (compared in constant time).
    pub fn verifies(&self, purpose: &str, device: &str, payload: &[u8], tag: &[u8]) -> bool {
        use hmac::Mac;
        let mut mac = self.tagger(purpose, device);
        mac.update(payload);
        mac.verify_slice(tag).is_ok()
    }

    /// Reads an identity from text in age's identity-file format: comment
    /// lines and one `AGE-SECRET-KEY-1…` line.
    pub fn parse(text: &str) -> Result<Key> {
        let mut found = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'));
        let line = found
            .next()
            .ok_or_else(|| anyhow!("no key found (expected a line starting AGE-SECRET-KEY-1)"))?;
        if found.next().is_some() {
            bail!("more than one key found: give the file `win sync key show` printed");
        }
        let identity = age::x25519::Identity::from_str(line).map_err(|_| {
            anyhow!("not an age X25519 key (expected a line starting AGE-SECRET-KEY-1, as `win sync key show` prints)")
        })?;
        Ok(Key::from_identity(identity))
    }

    /// The identity file as `win sync key show` prints it.
    pub fn to_file_text(&self) -> String {
        format!(
            "# win sync key: keep it secret; it decrypts every win you sync\n# public key: {}\n{}\n",
            self.identity.to_public(),
            self.identity.to_string().expose_secret()
        )
    }

    pub fn public(&self) -> String {
        self.identity.to_public().to_string()
    }

    /// Encrypts one batch into one line of text.
    pub fn seal(&self, plaintext: &[u8]) -> Result<String> {
        let sealed = age::encrypt(&self.identity.to_public(), plaintext)
            .map_err(|err| anyhow!("cannot encrypt: {err}"))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
    }

    /// Decrypts a line `seal` wrote; a changed, cut or foreign line fails.
    pub fn open(&self, line: &str) -> Result<Vec<u8>> {
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(line.trim())
            .map_err(|_| anyhow!("not an encrypted record (damaged or cut)"))?;
        age::decrypt(&self.identity, &sealed).map_err(|err| {
            anyhow!("cannot decrypt ({err}): damaged, cut, or sealed with another key")
        })
    }

    /// This key, sealed to a passphrase, as one line of text. The scrypt
    /// work factor is age's: about one second on this machine.
    pub fn lock(&self, passphrase: &SecretString) -> Result<String> {
        self.lock_with(age::scrypt::Recipient::new(passphrase.clone()))
    }

    fn lock_with(&self, recipient: age::scrypt::Recipient) -> Result<String> {
        let sealed = age::encrypt(&recipient, self.to_file_text().as_bytes())
            .map_err(|err| anyhow!("cannot lock the key with the passphrase: {err}"))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
    }

    /// The key a lockbox line holds, if `passphrase` opens it; `Ok(None)`
    /// for another passphrase.
    pub fn unlock(line: &str, passphrase: &SecretString) -> Result<Option<Key>> {
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(line.trim())
            .map_err(|_| anyhow!("the passphrase lockbox is damaged"))?;
        let identity = age::scrypt::Identity::new(passphrase.clone());
        match age::decrypt(&identity, &sealed) {
            Ok(plain) => {
                let text = String::from_utf8(plain)
                    .map_err(|_| anyhow!("the passphrase lockbox holds no key"))?;
                Key::parse(&text)
                    .map(Some)
                    .context("the passphrase lockbox holds no key")
            }
            Err(age::DecryptError::ExcessiveWork { required, target }) => bail!(
                "the passphrase lockbox asks for more work than this machine allows (2^{required} against about 2^{target}): import the key instead (win sync key show / import)"
            ),
            Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => {
                Ok(None)
            }
            Err(err) => bail!("the passphrase lockbox is damaged ({err})"),
        }
    }

    /// The repository's key check, made with this key.
    pub fn key_check(&self) -> Result<String> {
        self.seal(KEY_CHECK)
    }

    /// Whether this key made the repository's key check.
    pub fn opens_key_check(&self, check: &str) -> bool {
        self.open(check).is_ok_and(|text| text == KEY_CHECK)
    }
}

/// Where the identity file lives.
pub fn key_path(config_dir: Option<&Path>) -> Result<PathBuf> {
    config_dir
        .map(|dir| dir.join(KEY_FILE))
        .ok_or_else(|| anyhow!("cannot find a config folder for the sync key: set WIN_CONFIG_DIR"))
}

/// Reads the identity file, if there is one.
pub fn load(path: &Path) -> Result<Option<Key>> {
    // A regular file of a few bytes: a link to /dev/zero or a FIFO in its
    // place is refused, not read until memory runs out or forever.
    let Some(text) = crate::input::read_text("the sync key", path, limits::KEY_BYTES)? else {
        return Ok(None);
    };
    let key =
        Key::parse(&text).with_context(|| format!("the sync key {} is damaged", path.display()))?;
    restrict_key_file(path)?;
    Ok(Some(key))
}

/// A key file others can read (copied in with the umask's mode, restored
/// from a backup at 0644) is made owner-only again, as the journal is.
#[cfg(unix)]
fn restrict_key_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).with_context(
            || {
                format!(
                    "cannot restrict the sync key {} to its owner",
                    path.display()
                )
            },
        )?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_key_file(_path: &Path) -> Result<()> {
    Ok(())
}

/// Writes the identity file, readable by its owner only, replacing any
/// other in one step (a crash leaves the old key or the new, never half).
pub fn save(path: &Path, key: &Key) -> Result<()> {
    let folder = path
        .parent()
        .ok_or_else(|| anyhow!("{} has no folder", path.display()))?;
    create_private_dir(folder)?;
    let partial = path.with_extension("txt.partial");
    let mut file = private_file(&partial)?;
    file.write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the sync key {}", partial.display()))?;
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot write the sync key {}", path.display()))?;
    Ok(())
}

/// Where passphrases come from (a terminal, a file, the environment): the
/// command decides, sync only asks.
pub trait Passphrases {
    /// A passphrase to set (typed twice on a terminal).
    fn new_passphrase(&mut self) -> Result<SecretString>;
    /// One to unlock the key with; `again` after a wrong one. `None`: no
    /// more tries.
    fn existing(&mut self, again: bool) -> Result<Option<SecretString>>;
    /// A lockbox that cannot be used (damaged, or junk someone pushed),
    /// named once; the others are still tried.
    fn skipped(&mut self, lockbox: &str, why: &str);
}

/// Where a sync repository keeps its passphrase lockboxes, in written order.
pub fn lockboxes(root: &Path) -> Result<Vec<PathBuf>> {
    let folder = root.join(LOCKBOX_FOLDER);
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", folder.display())),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", folder.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "age") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Whether a lockbox file is one, without its passphrase: a line of
/// base64 holding an age file sealed to a passphrase. Cheap (no scrypt,
/// no decryption), for `win sync status`; the error says what is wrong.
pub fn check_lockbox(path: &Path) -> Result<()> {
    let line = crate::input::read_pulled_text(
        "the passphrase lockbox",
        path,
        crate::domain::limits::SYNC_SMALL_BYTES,
    )?
    .ok_or_else(|| anyhow!("it is gone"))?;
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(line.trim())
        .map_err(|_| {
            anyhow!("it is not a lockbox (damaged, or replaced by someone who can push)")
        })?;
    let decryptor = age::Decryptor::new(&sealed[..]).map_err(|_| {
        anyhow!("it is not a lockbox (damaged, or replaced by someone who can push)")
    })?;
    if !decryptor.is_scrypt() {
        bail!("it is not locked with a passphrase (replaced by someone who can push)");
    }
    Ok(())
}

/// The repository's lockboxes that cannot be used (see `check_lockbox`),
/// by name in the repository, each with why; and how many it holds.
pub fn unusable_lockboxes(root: &Path) -> Result<(Vec<(String, String)>, usize)> {
    let lockboxes = lockboxes(root)?;
    let unusable = lockboxes
        .iter()
        .filter_map(|path| {
            let name = path.strip_prefix(root).unwrap_or(path);
            check_lockbox(path)
                .err()
                .map(|err| (name.display().to_string(), format!("{err:#}")))
        })
        .collect();
    Ok((unusable, lockboxes.len()))
}

/// Replaces the repository's lockboxes with one for `passphrase` (or
/// removes them all for `None`). Returns how many were removed.
pub fn set_lockbox(
    root: &Path,
    key: &Key,
    passphrase: Option<&SecretString>,
    name: &str,
) -> Result<usize> {
    let old = lockboxes(root)?;
    if let Some(passphrase) = passphrase {
        let folder = root.join(LOCKBOX_FOLDER);
        super::tree::real_folder(root, Path::new(LOCKBOX_FOLDER))?;
        let line = key.lock(passphrase)?;
        let path = folder.join(format!("{name}.age"));
        let partial = path.with_extension("age.partial");
        let mut file = private_file(&partial)?;
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    for path in &old {
        std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(old.len())
}

/// The key locked in the repository, opened with a passphrase from `ask`
/// (called again, with `true`, after a wrong one, until it gives `None`).
/// A wrong passphrase writes nothing.
pub fn unlock(
    root: &Path,
    passphrases: &mut dyn Passphrases,
    opens: impl Fn(&Key) -> bool,
) -> Result<Key> {
    let mut boxes = lockboxes(root)?;
    if boxes.is_empty() {
        bail!("the sync repository holds no key locked with a passphrase: import the key instead (there: win sync key show > key.txt; here: win sync key import key.txt)");
    }
    // Anyone who can push can put a file in the lockbox folder: one that
    // does not read, does not open, or holds a key that cannot read the
    // repository is named once and left out; the others are still tried.
    let skip =
        |passphrases: &mut dyn Passphrases, boxes: &mut Vec<PathBuf>, index: usize, why: &str| {
            let path = boxes.remove(index);
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            passphrases.skipped(&name, why);
        };
    let mut again = false;
    loop {
        let Some(passphrase) = ({ passphrases.existing(again)? }) else {
            break;
        };
        let mut index = 0;
        while index < boxes.len() {
            let line = match crate::input::read_pulled_text(
                "the passphrase lockbox",
                &boxes[index],
                crate::domain::limits::SYNC_SMALL_BYTES,
            ) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    boxes.remove(index);
                    continue;
                }
                Err(err) => {
                    skip(passphrases, &mut boxes, index, &format!("{err:#}"));
                    continue;
                }
            };
            match Key::unlock(&line, &passphrase) {
                Ok(Some(key)) if opens(&key) => return Ok(key),
                Ok(Some(_)) => skip(
                    passphrases,
                    &mut boxes,
                    index,
                    "it holds another key than the repository's",
                ),
                Ok(None) => index += 1,
                Err(err) => skip(passphrases, &mut boxes, index, &format!("{err:#}")),
            }
        }
        if boxes.is_empty() {
            bail!("none of the sync repository's passphrase lockboxes can be used; nothing was written: import the key from a device that syncs (there: win sync key show > key.txt; here: win sync key import key.txt)");
        }
        again = true;
    }
    bail!("wrong passphrase for the sync key; nothing was written: try again, or import the key from a device that syncs (there: win sync key show > key.txt; here: win sync key import key.txt)")
}

/// Refuses a passphrase too short to set.
pub fn check_new_passphrase(passphrase: &SecretString) -> Result<()> {
    let length = passphrase.expose_secret().chars().count();
    if passphrase.expose_secret().trim().is_empty() {
        bail!("the passphrase is empty: choose one of at least {SHORTEST_PASSPHRASE} characters (four random words make a good one)");
    }
    if length < SHORTEST_PASSPHRASE {
        bail!("the passphrase is too short ({length} characters): whoever hosts the remote can try guesses offline, so use at least {SHORTEST_PASSPHRASE} (four random words make a good one)");
    }
    Ok(())
}

pub fn create_private_dir(folder: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(folder)
        .with_context(|| format!("cannot create {}", folder.display()))
}

/// Creates `path` afresh, owner-only: a temporary file, written whole and
/// then renamed into place. Whatever was there is removed first and never
/// followed: in the sync folder anyone who can push can put a symbolic
/// link where a temporary file goes (to the journal, to a file in the
/// home folder), and writing through it would overwrite that file.
pub fn private_file(path: &Path) -> Result<std::fs::File> {
    super::tree::clear_the_way(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    }
    let file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_lines_open_with_their_key_only() {
        let key = Key::generate();
        let line = key.seal(b"{\"uid\":\"x\"}\n").unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(key.open(&line).unwrap(), b"{\"uid\":\"x\"}\n");
        assert!(Key::generate().open(&line).is_err(), "another key");
        assert!(key.open(&line[..line.len() - 8]).is_err(), "cut");
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(&line)
            .unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 1;
        let tampered = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(key.open(&tampered).is_err(), "tampered");
        let check = key.key_check().unwrap();
        assert!(key.opens_key_check(&check));
        assert!(!Key::generate().opens_key_check(&check));
    }

    fn quick_lock(key: &Key, passphrase: &str) -> String {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase));
        // A small work factor: the unit test checks the format, not scrypt.
        recipient.set_work_factor(4);
        key.lock_with(recipient).unwrap()
    }

    #[test]
    fn a_lockbox_opens_with_its_passphrase_only() {
        let key = Key::generate();
        let line = quick_lock(&key, "correct horse battery staple");
        assert!(!line.contains('\n'));
        assert!(!line.contains("AGE-SECRET-KEY"));
        let right = SecretString::from("correct horse battery staple");
        let opened = Key::unlock(&line, &right)
            .unwrap()
            .expect("the passphrase opens it");
        assert_eq!(opened.public(), key.public());
        let wrong = SecretString::from("correct horse battery stapler");
        assert!(Key::unlock(&line, &wrong).unwrap().is_none());
        assert!(Key::unlock("not base64 !", &right).is_err());
        // A line sealed to a key, not a passphrase, is not a lockbox for it.
        assert!(Key::unlock(&key.seal(b"x").unwrap(), &right)
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_lockbox_is_told_from_what_is_not_one_without_its_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::generate();
        let file = dir.path().join("box.age");
        std::fs::write(
            &file,
            quick_lock(&key, "correct horse battery staple") + "\n",
        )
        .unwrap();
        assert!(check_lockbox(&file).is_ok());
        // Sealed to a key, not a passphrase; not an age file; not base64.
        for (text, why) in [
            (key.seal(b"x").unwrap(), "not locked with a passphrase"),
            ("Z2FyYmFnZQ==".to_string(), "not a lockbox"),
            ("garbage !".to_string(), "not a lockbox"),
        ] {
            std::fs::write(&file, text + "\n").unwrap();
            let err = format!("{:#}", check_lockbox(&file).unwrap_err());
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn unlocking_asks_again_until_told_to_stop_and_then_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::generate();
        let folder = dir.path().join(LOCKBOX_FOLDER);
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(
            folder.join("a.age"),
            quick_lock(&key, "first passphrase here"),
        )
        .unwrap();
        std::fs::write(
            folder.join("b.age"),
            quick_lock(&key, "second passphrase here"),
        )
        .unwrap();
        // Either lockbox opens (two devices set a passphrase at once).
        let mut answers = Answers::new(&["wrong one entirely", "second passphrase here"]);
        let found = unlock(dir.path(), &mut answers, |_| true).unwrap();
        assert_eq!(found.public(), key.public());
        assert_eq!(answers.asked, vec![false, true]);
        let err = unlock(
            dir.path(),
            &mut Answers::new(&["wrong one entirely"]),
            |_| true,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("wrong passphrase"), "{err}");
        let none = tempfile::tempdir().unwrap();
        assert!(unlock(none.path(), &mut Answers::new(&[]), |_| true).is_err());
        // A lockbox that does not read, or holds a key the repository
        // does not take, is named once and the others are tried.
        std::fs::write(folder.join("0.age"), "not a lockbox\n").unwrap();
        let mut answers = Answers::new(&["wrong one entirely", "first passphrase here"]);
        let found = unlock(dir.path(), &mut answers, |found| {
            found.public() == key.public()
        })
        .unwrap();
        assert_eq!(found.public(), key.public());
        assert_eq!(answers.skipped, vec!["passphrase/0.age"]);
        let mut answers = Answers::new(&["first passphrase here"]);
        let err = unlock(dir.path(), &mut answers, |_| false).unwrap_err();
        assert!(err.to_string().starts_with("wrong passphrase"), "{err}");
        assert_eq!(
            answers.skipped,
            vec!["passphrase/0.age", "passphrase/a.age"]
        );
    }

    /// Passphrases given in turn, as a person would type them.
    struct Answers {
        given: Vec<&'static str>,
        asked: Vec<bool>,
        skipped: Vec<String>,
    }

    impl Answers {
        fn new(given: &[&'static str]) -> Answers {
            Answers {
                given: given.to_vec(),
                asked: Vec::new(),
                skipped: Vec::new(),
            }
        }
    }

    impl Passphrases for Answers {
        fn new_passphrase(&mut self) -> Result<SecretString> {
            bail!("not asked here")
        }

        fn existing(&mut self, again: bool) -> Result<Option<SecretString>> {
            self.asked.push(again);
            Ok(self
                .given
                .get(self.asked.len() - 1)
                .map(|given| SecretString::from(*given)))
        }

        fn skipped(&mut self, lockbox: &str, _why: &str) {
            self.skipped.push(lockbox.to_string());
        }
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(check_new_passphrase(&SecretString::from("   ")).is_err());
        assert!(check_new_passphrase(&SecretString::from("hunter2")).is_err());
        assert!(check_new_passphrase(&SecretString::from("four random words ok")).is_ok());
    }

    #[test]
    fn keys_round_trip_through_their_file() {
        let key = Key::generate();
        let again = Key::parse(&key.to_file_text()).unwrap();
        assert_eq!(again.public(), key.public());
        assert!(Key::parse("# nothing here\n").is_err());
        assert!(Key::parse("AGE-SECRET-KEY-1NOTAKEY").is_err());
        let two = format!("{}{}", key.to_file_text(), Key::generate().to_file_text());
        assert!(Key::parse(&two).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config").join(KEY_FILE);
        save(&path, &Key::generate()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(load(&path).unwrap().is_some());
        assert!(load(&dir.path().join("none")).unwrap().is_none());
        // Found readable by others: made owner-only again when read.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).unwrap().is_some());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
