//! Files win is pointed at (config, frameworks, templates, imports): only
//! regular files are read, or pipes where a stream is expected, never a
//! device or a folder, and never more than a documented size
//! (`domain::limits`), so `/dev/zero` or a FIFO cannot hang win or exhaust
//! memory.

use std::fs::{self, File, Metadata};
use std::io::{BufRead, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use crate::domain::limits;

/// What a file that is not a regular file is, for an error message.
fn kind(metadata: &Metadata) -> Option<&'static str> {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a folder")
    } else if file_type.is_fifo() {
        Some("a named pipe (FIFO)")
    } else if file_type.is_char_device() {
        Some("a character device")
    } else if file_type.is_block_device() {
        Some("a block device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

fn refuse_unless_regular(what: &str, path: &Path, metadata: &Metadata) -> Result<()> {
    match kind(metadata) {
        None => Ok(()),
        Some(kind) => bail!(
            "{what} {} is {kind}, not a regular file; give a file instead",
            path.display()
        ),
    }
}

/// The one check every path the user gives goes through (config, framework
/// files, templates and their corpus, an import file): what is there, with
/// a link followed. `Ok(None)` when nothing is there at all; a link to
/// nowhere is an error that says so, never taken for a missing file.
fn examine(what: &str, path: &Path) -> Result<Option<Metadata>> {
    match fs::metadata(path) {
        Ok(metadata) => Ok(Some(metadata)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => match fs::read_link(path) {
            Ok(target) => bail!(
                "{what} {} is a symbolic link to {}, which does not exist: fix the link or remove it",
                path.display(),
                target.display()
            ),
            Err(_) => Ok(None),
        },
        Err(err) => Err(err).with_context(|| format!("cannot read {what} {}", path.display())),
    }
}

/// Reads a regular file (a symlink to one is fine) of at most `limit` bytes
/// of UTF-8. `Ok(None)` when there is no file at `path`. Errors name the
/// file but never quote its content.
pub fn read_text(what: &str, path: &Path, limit: u64) -> Result<Option<String>> {
    let Some(metadata) = examine(what, path)? else {
        return Ok(None);
    };
    // Checked before opening: opening a FIFO would wait for a writer.
    refuse_unless_regular(what, path, &metadata)?;
    let file =
        File::open(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
    // And again on what was opened, in case the name was swapped meanwhile.
    let opened = file
        .metadata()
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    refuse_unless_regular(what, path, &opened)?;
    let bytes = read_at_most(file, what, path, limit)?;
    String::from_utf8(bytes).map(Some).map_err(|err| {
        anyhow!(
            "{what} {} is not UTF-8 text (first bad byte at offset {})",
            path.display(),
            err.utf8_error().valid_up_to()
        )
    })
}

/// Reads a file of a tree that others write to (the sync folder, as pulled
/// from a remote): a regular file only, never through a symbolic link (a
/// link to /dev/zero, /dev/stdin or a private file is refused, not
/// followed), and at most `limit` bytes. `Ok(None)` when nothing is there.
pub fn read_pulled(what: &str, path: &Path, limit: u64) -> Result<Option<Vec<u8>>> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read {what} {}", path.display()))
        }
    };
    let refuse = |metadata: &Metadata| -> Result<()> {
        if metadata.file_type().is_symlink() {
            bail!(
                "{what} {} is a symbolic link, not a regular file: it was not read",
                path.display()
            );
        }
        match kind(metadata) {
            None => Ok(()),
            Some(kind) => bail!(
                "{what} {} is {kind}, not a regular file: it was not read",
                path.display()
            ),
        }
    };
    refuse(&metadata)?;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Not through a link swapped in meanwhile, and never waiting on a pipe.
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    let file = options
        .open(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    refuse(
        &file
            .metadata()
            .with_context(|| format!("cannot read {what} {}", path.display()))?,
    )?;
    read_at_most(file, what, path, limit).map(Some)
}

/// [`read_pulled`] of UTF-8 text.
pub fn read_pulled_text(what: &str, path: &Path, limit: u64) -> Result<Option<String>> {
    read_pulled(what, path, limit)?
        .map(|bytes| {
            String::from_utf8(bytes)
                .map_err(|_| anyhow!("{what} {} is not UTF-8 text", path.display()))
        })
        .transpose()
}

/// Reads an opened file whole, refusing it past `limit` bytes without
/// reading further.
fn read_at_most(file: File, what: &str, path: &Path, limit: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!(
            "{what} {} is larger than the limit of {}: it was not read",
            path.display(),
            limits::size(limit)
        );
    }
    Ok(bytes)
}

/// Whether there is anything at `path` (a link to nowhere counts), so that
/// a name given as a file is read as one and refused for what it is.
pub fn something_at(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Opens a file to import: a regular file, or a pipe (`<(jrnl --export
/// json)`), which is read as a stream like stdin. Returns it with its size
/// (0 for a pipe).
pub fn open_import(path: &Path) -> Result<(File, u64)> {
    let name = path.display();
    let metadata = examine("the import file", path)?
        .ok_or_else(|| anyhow!("there is no file {name} to import"))?;
    if let Some(kind) = kind(&metadata).filter(|_| !metadata.file_type().is_fifo()) {
        bail!("{name} is {kind}: import a file, a pipe, or - for stdin");
    }
    let file = File::open(path).with_context(|| format!("cannot read {name}"))?;
    let size = if metadata.is_file() {
        metadata.len()
    } else {
        0
    };
    Ok((file, size))
}

/// Reads one line (with its `\n`) into `line`, refusing one longer than
/// `limit` without reading the rest of it. Returns the bytes read; 0 at the end.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, limit: usize) -> Result<usize> {
    line.clear();
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(line.len());
        }
        let (chunk, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => (&buffer[..=end], true),
            None => (buffer, false),
        };
        if line.len() + chunk.len() > limit {
            bail!(
                "a record is larger than the limit of {} (one line of jsonl is one win, and no win is that large): if the file is not win's jsonl, give its format with --from",
                limits::size(limit as u64)
            );
        }
        line.extend_from_slice(chunk);
        let used = chunk.len();
        reader.consume(used);
        if done {
            return Ok(line.len());
        }
    }
}

/// Reads a whole input to be parsed at once, up to `limit` bytes.
pub fn read_whole(reader: &mut impl Read, limit: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        bail!(
            "it is larger than the limit of {} for a file read whole; export it as win's jsonl, which is streamed",
            limits::size(limit)
        );
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_whole_up_to_the_limit() {
        let mut reader = std::io::BufReader::with_capacity(4, &b"abc\ndefgh\nij"[..]);
        let mut line = Vec::new();
        assert_eq!(read_line(&mut reader, &mut line, 8).unwrap(), 4);
        assert_eq!(line, b"abc\n");
        assert_eq!(read_line(&mut reader, &mut line, 8).unwrap(), 6);
        assert_eq!(line, b"defgh\n");
        assert_eq!(read_line(&mut reader, &mut line, 8).unwrap(), 2);
        assert_eq!(read_line(&mut reader, &mut line, 8).unwrap(), 0);
        let mut long = std::io::BufReader::with_capacity(4, &b"0123456789\n"[..]);
        let err = read_line(&mut long, &mut line, 8).unwrap_err().to_string();
        assert!(
            err.contains("limit of 8 bytes") && err.contains("--from"),
            "{err}"
        );
    }

    #[test]
    fn devices_and_pipes_are_refused_and_big_files_too() {
        let err = read_text("the config file", Path::new("/dev/zero"), 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("character device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        fs::write(&big, "x".repeat(11)).unwrap();
        let err = read_text("the config file", &big, 10)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("limit of 10 bytes") && !err.contains("xxx"),
            "{err}"
        );
        assert!(read_text("x", &dir.path().join("none"), 10)
            .unwrap()
            .is_none());
        assert!(open_import(Path::new("/dev/zero")).is_err());
        assert!(open_import(dir.path()).is_err());
    }

    #[test]
    fn a_link_to_nowhere_is_named_not_taken_for_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(dir.path().join("moved.toml"), &link).unwrap();
        for err in [
            read_text("the config file", &link, 10).unwrap_err(),
            open_import(&link).unwrap_err(),
        ] {
            let err = err.to_string();
            assert!(
                err.contains("symbolic link to") && err.contains("moved.toml"),
                "{err}"
            );
        }
        assert!(something_at(&link));
        assert!(!something_at(&dir.path().join("none")));
    }
}
