//! End-to-end encryption of the sync repository with age: an X25519
//! identity kept in the config folder (0600), the same on every device.
//! Each batch of records is one age file (ChaCha20-Poly1305, so a changed
//! or cut byte fails to decrypt), written as one base64 line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;

/// What the repository's key check holds, encrypted: a device that cannot
/// decrypt it holds the wrong key.
const KEY_CHECK: &[u8] = b"win sync key check 1\n";

/// The identity file's name in the config folder.
const KEY_FILE: &str = "sync-key.txt";

pub struct Key {
    identity: age::x25519::Identity,
}

impl Key {
    pub fn generate() -> Key {
        Key {
            identity: age::x25519::Identity::generate(),
        }
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
        Ok(Key { identity })
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
    match std::fs::read_to_string(path) {
        Ok(text) => Key::parse(&text)
            .map(Some)
            .with_context(|| format!("the sync key {} is damaged", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => {
            Err(err).with_context(|| format!("cannot read the sync key {}", path.display()))
        }
    }
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

pub fn create_private_dir(folder: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(folder)
        .with_context(|| format!("cannot create {}", folder.display()))
}

fn private_file(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
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
    }
}
