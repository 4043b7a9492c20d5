//! The journal as a file: created private, and checked before SQLite sees it,
//! so a wrong path is refused without a byte of it being changed.

use std::fs::{self, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context, Result};

const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Makes sure `path` can hold a journal: an existing file must look like an
/// SQLite database; a missing one is created (and its folder) private to the
/// owner. Returns whether the file existed with content before.
pub fn prepare(path: &Path) -> Result<bool> {
    match fs::metadata(path) {
        Ok(_) => {
            check_journal_file(path)?;
            Ok(fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false))
        }
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            create(path)?;
            Ok(false)
        }
        Err(err) => Err(err).with_context(|| format!("cannot read the journal {}", path.display())),
    }
}

fn create(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)
                .with_context(|| format!("cannot create the folder {} for the journal (check permissions, or set --db / WIN_DB)", parent.display()))?;
        }
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        // Another capture created it a moment ago: that is fine.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err).with_context(|| {
            format!(
                "cannot create the journal {} (check permissions, or set --db / WIN_DB)",
                path.display()
            )
        }),
    }
}

/// Refuses anything that is not an SQLite database in one piece. An empty
/// file is accepted: SQLite starts a fresh journal in it.
pub fn check_journal_file(path: &Path) -> Result<()> {
    // Another win may be checkpointing this very moment, which writes the
    // header's new page count before the file has grown to it: a short
    // file is only called truncated if it stays short.
    let mut attempts = 0;
    loop {
        match read_header(path)? {
            Header::Whole => return Ok(()),
            Header::Short { bytes, expected } if attempts == 5 => bail!(
                "{} is truncated ({bytes} bytes of {expected}): restore it from a backup such as its .bak- copy",
                path.display()
            ),
            Header::Short { .. } => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(40));
            }
        }
    }
}

enum Header {
    Whole,
    Short { bytes: u64, expected: u64 },
}

fn read_header(path: &Path) -> Result<Header> {
    let metadata = fs::metadata(path)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    if metadata.is_dir() {
        bail!(
            "{} is a folder, not a journal file (give a file path to --db or WIN_DB)",
            path.display()
        );
    }
    if metadata.len() == 0 {
        return Ok(Header::Whole);
    }
    let mut header = [0u8; 100];
    let mut file = fs::File::open(path)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    let read = read_up_to(&mut file, &mut header)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    if read < header.len() || &header[..16] != HEADER {
        bail!("{} is not a win journal (not an SQLite database); point --db or WIN_DB at another file", path.display());
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let page_count = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    // The in-header size is trustworthy only when the change counter and
    // the version-valid-for number match; and a journal in use (a -wal file
    // with frames in it beside it) may be being checkpointed by someone else.
    // An empty -wal file is what win leaves when it closes.
    let in_use = fs::metadata(sibling(path, "-wal")).is_ok_and(|wal| wal.len() > 0)
        || sibling(path, "-journal").exists();
    let trustworthy = !in_use && page_count > 0 && header[24..28] == header[92..96];
    let expected = page_size * page_count;
    if trustworthy && metadata.len() < expected {
        return Ok(Header::Short {
            bytes: metadata.len(),
            expected,
        });
    }
    Ok(Header::Whole)
}

fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    std::path::PathBuf::from(name)
}

fn read_up_to(file: &mut fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Whether a rollback journal beside the file holds a write that did not
/// finish (an import killed part-way): SQLite undoes it on the next open
/// that may write, but a read-only open (`immutable`) would read the
/// half-written pages.
pub fn has_unfinished_write(path: &Path) -> bool {
    fs::metadata(sibling(path, "-journal")).is_ok_and(|journal| journal.len() > 0)
}

/// Whether this process may write the file (it is not opened for writing).
pub fn is_writable(path: &Path) -> bool {
    OpenOptions::new().write(true).open(path).is_ok()
}

/// Owner-only permissions, for copies the journal makes of itself.
pub fn restrict(path: &Path) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private", path.display()))
}
