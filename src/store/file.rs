//! The journal as a file: created private, and checked before SQLite sees it,
//! so a wrong path is refused without a byte of it being changed.

use std::fs::{self, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What the first page of an existing journal says, read before SQLite
/// opens it (and so before anything can be written to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// `PRAGMA user_version`: the schema version win wrote.
    pub user_version: i64,
    /// Whether the schema table holds anything (tables of some program).
    pub has_schema: bool,
    /// Whether the file is in WAL mode already.
    pub wal: bool,
}

/// Makes sure `path` can hold a journal. An existing file must be a regular
/// file that looks like an SQLite database: its header is returned (`None`
/// for an empty file, which SQLite starts a journal in). A missing one is
/// created, with its folder, private to the owner, when `create`; otherwise
/// it is an error that says there is no journal yet.
pub fn prepare(path: &Path, create: bool) -> Result<Option<Header>> {
    match fs::metadata(path) {
        Ok(metadata) => {
            check_kind(path, &metadata)?;
            make_private(path, &metadata);
            check_journal_file(path)
        }
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            if let Ok(target) = fs::read_link(path) {
                bail!(
                    "{} is a symbolic link to {}, which does not exist: fix the link, or point --db or WIN_DB at the journal",
                    path.display(),
                    target.display()
                );
            }
            if !create {
                bail!(
                    "there is no journal at {} yet: `win add` starts one (or check --db / WIN_DB)",
                    path.display()
                );
            }
            self::create(path)?;
            Ok(None)
        }
        Err(err) => Err(err).with_context(|| format!("cannot read the journal {}", path.display())),
    }
}

/// Only a regular file (or a link to one) can be a journal: a folder, a
/// device, a pipe or a socket is refused before anything opens it (opening
/// a pipe would wait forever).
fn check_kind(path: &Path, metadata: &fs::Metadata) -> Result<()> {
    let kind = metadata.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    bail!(
        "{} is {what}, not a journal file: give a file path to --db or WIN_DB",
        path.display()
    )
}

/// A journal others may read (restored from a backup at 0644, say) is made
/// owner-only again, and so are its -wal and -shm files, which SQLite
/// creates with the journal's own permissions. The owner's bits are kept, so
/// a journal made read-only on purpose stays read-only. Not being allowed to
/// (another user's journal) changes nothing.
fn make_private(path: &Path, metadata: &fs::Metadata) {
    let mode = metadata.permissions().mode();
    if mode & 0o077 == 0 {
        return;
    }
    for file in [
        path.to_path_buf(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
    ] {
        if let Ok(found) = fs::metadata(&file) {
            let private = found.permissions().mode() & 0o7700;
            let _ = fs::set_permissions(&file, fs::Permissions::from_mode(private));
        }
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

/// Refuses anything that is not an SQLite database in one piece, and
/// returns what its first page says (`None` for an empty file, which SQLite
/// starts a fresh journal in).
pub fn check_journal_file(path: &Path) -> Result<Option<Header>> {
    // Another win may be checkpointing this very moment, which writes the
    // header's new page count before the file has grown to it: a short
    // file is only called truncated if it stays short.
    let mut attempts = 0;
    loop {
        match read_header(path)? {
            Reading::Whole(header) => return Ok(header),
            Reading::Short { bytes, expected } if attempts == 5 => bail!(
                "{} is truncated ({bytes} bytes of {expected}): restore it from a backup such as its .bak- copy",
                path.display()
            ),
            Reading::Short { .. } => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(40));
            }
        }
    }
}

enum Reading {
    Whole(Option<Header>),
    Short { bytes: u64, expected: u64 },
}

fn read_header(path: &Path) -> Result<Reading> {
    let metadata = fs::metadata(path)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    check_kind(path, &metadata)?;
    if metadata.len() == 0 {
        return Ok(Reading::Whole(None));
    }
    // The database header (100 bytes), then the header of the schema
    // table's first b-tree page, which shares page 1.
    let mut header = [0u8; 108];
    let mut file = fs::File::open(path)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    let read = read_up_to(&mut file, &mut header)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    if read < header.len() || &header[..16] != HEADER {
        bail!("{} is not a win journal (not an SQLite database); point --db or WIN_DB at another file", path.display());
    }
    let schema_cells = u16::from_be_bytes([header[103], header[104]]);
    let has_schema = match header[100] {
        // A leaf page: the schema is its cells. An interior page: the
        // schema outgrew one page.
        0x0D => schema_cells > 0,
        0x05 => true,
        _ => bail!(
            "{} is not a win journal (or is damaged); point --db or WIN_DB at another file",
            path.display()
        ),
    };
    let found = Header {
        user_version: i64::from(i32::from_be_bytes([
            header[60], header[61], header[62], header[63],
        ])),
        has_schema,
        wal: header[18] == 2 && header[19] == 2,
    };
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
    let in_use = wal_has_frames(path) || sibling(path, "-journal").exists();
    let trustworthy = !in_use && page_count > 0 && header[24..28] == header[92..96];
    let expected = page_size * page_count;
    if trustworthy && metadata.len() < expected {
        return Ok(Reading::Short {
            bytes: metadata.len(),
            expected,
        });
    }
    Ok(Reading::Whole(Some(found)))
}

/// `path` with `suffix` appended to its file name (`wins.db` → `wins.db-wal`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
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
/// finish (an import killed part-way by an older win): SQLite undoes it on
/// the next open that may write, but a read-only open would read the
/// half-written pages.
pub fn has_unfinished_write(path: &Path) -> bool {
    fs::metadata(sibling(path, "-journal")).is_ok_and(|journal| journal.len() > 0)
}

/// Whether the -wal file holds frames: committed changes not yet folded
/// into the journal file (a writer was stopped before it could).
pub fn wal_has_frames(path: &Path) -> bool {
    fs::metadata(sibling(path, "-wal")).is_ok_and(|wal| wal.len() > 0)
}

/// What to do about a read-only journal whose -wal file holds wins that
/// cannot be read (SQLite needs to create the -shm file beside it): its
/// owner can open the folder, or the journal too and fold them in; anyone
/// else can only ask the owner.
pub fn held_wal_advice(path: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // SAFETY: geteuid has no failure and touches no memory of ours.
    let me = unsafe { libc::geteuid() };
    if fs::metadata(path).map(|m| m.uid()).ok() != Some(me) {
        return "run any win command as the journal's owner, then read it again".to_string();
    }
    format!(
        "chmod u+w {} to read it as it is, or also chmod u+w {} and run any win command to fold them into it",
        folder.display(),
        path.display()
    )
}

/// Whether this process may write the file (it is not opened for writing).
pub fn is_writable(path: &Path) -> bool {
    OpenOptions::new().write(true).open(path).is_ok()
}

/// Flushes a file's bytes to the disk.
pub fn sync(path: &Path) -> std::io::Result<()> {
    fs::File::open(path)?.sync_all()
}

/// Flushes a folder's entries (a rename into it) to the disk.
pub fn sync_folder(path: &Path) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::File::open(folder)?.sync_all()
}

/// A path as an SQLite `file:` URI, so that SQLite reads it as the literal
/// path it is (`WIN_DB=file:x?mode=ro` names a file called that), with
/// `query` (such as `immutable=1`) appended.
pub fn uri(path: &Path, query: &str) -> String {
    let mut encoded = String::from(if path.is_absolute() {
        // An empty authority: `file:///abs` (and `file:////x` for `//x`).
        "file://"
    } else {
        "file:"
    });
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'?' | b'#' | b'%' | 0..=0x1f | 0x7f..=0xff => {
                encoded.push_str(&format!("%{byte:02X}"));
            }
            _ => encoded.push(char::from(*byte)),
        }
    }
    if !query.is_empty() {
        encoded.push('?');
        encoded.push_str(query);
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_name_the_literal_path() {
        assert_eq!(uri(Path::new("/a/wins.db"), ""), "file:///a/wins.db");
        assert_eq!(
            uri(Path::new("//a/w"), "immutable=1"),
            "file:////a/w?immutable=1"
        );
        assert_eq!(
            uri(Path::new("file:x?mode=ro#y"), ""),
            "file:file:x%3Fmode=ro%23y"
        );
        assert_eq!(uri(Path::new("a b%.db"), ""), "file:a b%25.db");
    }
}
