//! How large things may be. Each limit is far above real use and far below
//! what would exhaust memory or stall a command; the README lists them.

use anyhow::{bail, Result};

use super::win::{NewWin, Update};

/// A win's text, impact or next step, an update's text, a project name, and
/// its tags or links taken together (bytes of UTF-8).
pub const TEXT_BYTES: usize = 2 << 20;
/// One record of a streamed import: a line of win's jsonl. As large as an
/// import read whole: a win with long notes, quoted or spread over many
/// lines, exports a line many times its 2 MiB fields (8 MiB was not
/// enough for what `win export` writes), and no win comes near this.
pub const RECORD_BYTES: usize = 256 << 20;
/// An import that is read whole to be parsed (a JSON array, jrnl's export,
/// CSV). jsonl is streamed and has no limit as a whole.
pub const WHOLE_IMPORT_BYTES: u64 = 256 << 20;
/// A draft template or phrase bank of the user's.
pub const TEMPLATE_BYTES: u64 = 1 << 20;
/// A competency framework file of the user's.
pub const FRAMEWORK_BYTES: u64 = 4 << 20;
/// One file of sync records (one sync of one device) pulled from a remote;
/// a first sync of a large journal is one file.
pub const SYNC_FILE_BYTES: u64 = 1 << 30;
/// A device's list of its batch files in the sync repository (one short
/// line a sync: half a million syncs).
pub const SYNC_LIST_BYTES: u64 = 16 << 20;
/// A small file of the sync repository (`sync.json`, `keycheck.age`, a
/// device's `seq`, a passphrase lockbox).
pub const SYNC_SMALL_BYTES: u64 = 64 << 10;
/// `config.toml`.
pub const CONFIG_BYTES: u64 = 64 << 10;
/// A sync key or a passphrase file: one short line each.
pub const KEY_BYTES: u64 = 64 << 10;
/// Tags on one win, and links: every tag is a row the full-text index
/// rewrites the win for, so thousands made a capture take minutes.
pub const TAGS_PER_WIN: usize = 100;
pub const LINKS_PER_WIN: usize = 100;

/// "2 MiB", "64 KiB": a limit as people read it.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Refuses a field over [`TEXT_BYTES`].
fn check_field(field: &str, text: Option<&str>) -> Result<()> {
    let length = text.map_or(0, str::len);
    if length > TEXT_BYTES {
        bail!(
            "the win's {field} is {} bytes, over the limit of {}; shorten it, or keep the long part in a file and give it with --link",
            length,
            size(TEXT_BYTES as u64)
        );
    }
    Ok(())
}

/// A win within the limits, checked before any analysis of its words.
pub fn check_win(win: &NewWin) -> Result<()> {
    check_field("text", Some(&win.text))?;
    check_field("impact", win.impact.as_deref())?;
    check_field("next step", win.next.as_deref())?;
    check_field("statement", win.statement.as_deref())?;
    check_field("project", win.project.as_deref())?;
    check_field("tags", Some(&win.tags.concat()))?;
    check_field("links", Some(&win.links.concat()))?;
    for (what, count, limit) in [
        ("tags", win.tags.len(), TAGS_PER_WIN),
        ("links", win.links.len(), LINKS_PER_WIN),
    ] {
        if count > limit {
            bail!("the win has {count} {what}, over the limit of {limit}; keep the ones you will look for it by");
        }
    }
    Ok(())
}

/// An update within the limits.
pub fn check_update(update: &Update) -> Result<()> {
    check_field("update text", update.text.as_deref())?;
    check_field("impact", update.impact.as_deref())?;
    check_field("next step", update.next.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(TEXT_BYTES as u64), "2 MiB");
        assert_eq!(size(CONFIG_BYTES), "64 KiB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[test]
    fn a_field_over_the_limit_is_refused_and_one_at_it_is_not() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap();
        let mut win = NewWin::new("x".repeat(TEXT_BYTES), now);
        check_win(&win).unwrap();
        win.impact = Some("y".repeat(TEXT_BYTES + 1));
        let err = check_win(&win).unwrap_err().to_string();
        assert!(err.contains("impact") && err.contains("2 MiB"), "{err}");
    }
}
