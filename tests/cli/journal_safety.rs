//! Opening the journal safely: what win refuses (and leaves untouched),
//! what read commands never create, and how it reads one it may not write.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::harness::{Journal, Test};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// The file's bytes and which of its -wal, -shm and -journal files exist.
fn state(path: &Path) -> (Vec<u8>, Vec<bool>) {
    let siblings = ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| sibling(path, suffix).exists())
        .collect();
    (std::fs::read(path).unwrap(), siblings)
}

#[test]
fn a_refused_file_is_not_changed_at_all() {
    let journal = Journal::new();
    let dir = journal.path().to_path_buf();
    // Another program's database, in its own (rollback) journal mode.
    let foreign = dir.join("other.sqlite");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    // A journal of a newer win.
    let newer = journal.db();
    journal.add(&["from the future"]);
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    // A damaged file: an SQLite header, then noise.
    let damaged = dir.join("damaged.db");
    let mut bytes = std::fs::read(&foreign).unwrap();
    for (i, byte) in bytes.iter_mut().enumerate().skip(100) {
        *byte = (i * 7 % 251) as u8;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    for (path, expected) in [
        (&foreign, "another program"),
        (&newer, "newer win"),
        (&damaged, "damaged"),
    ] {
        let before = state(path);
        for args in [&["list"][..], &["add", "a win"], &["import", "-"]] {
            journal
                .test()
                .env("WIN_DB", path)
                .args(args)
                .stdin("{\"text\": \"imported\"}\n")
                .fails()
                .stderr_contains(expected)
                .run();
            assert!(state(path) == before, "{args:?} changed {}", path.display());
        }
    }
}

#[test]
fn only_a_regular_file_can_be_a_journal() {
    let journal = Journal::new();
    // /dev is shared: an older win may have left these; this run must not
    // create or touch them.
    let touched = |path: &str| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let before = (touched("/dev/null-journal"), touched("/dev/null-wal"));
    journal
        .test()
        .env("WIN_DB", "/dev/null")
        .args(["add", "into the void"])
        .fails()
        .stderr_contains("is a device, not a journal file")
        .run();
    assert_eq!(
        (touched("/dev/null-journal"), touched("/dev/null-wal")),
        before
    );
    // A named pipe would make any open wait forever.
    let fifo = journal.path().join("pipe.db");
    let made = Process::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    journal
        .test()
        .env("WIN_DB", &fifo)
        .args(["list"])
        .fails()
        .stderr_contains("is a named pipe")
        .run();
    // A link to nowhere is named as such, in plain words.
    let link = journal.path().join("link.db");
    std::os::unix::fs::symlink(journal.path().join("gone/wins.db"), &link).unwrap();
    for args in [&["list"][..], &["add", "x"]] {
        let output = journal
            .test()
            .env("WIN_DB", &link)
            .args(args)
            .fails()
            .stderr_contains("is a symbolic link to")
            .stderr_contains("which does not exist")
            .run();
        assert!(!output.stderr.contains("file:") && !output.stderr.contains("immutable"));
    }
    assert!(!journal.path().join("gone").exists());
}

#[test]
fn an_empty_or_uri_looking_path_is_taken_literally() {
    let journal = Journal::new();
    journal
        .test()
        .env("WIN_DB", "")
        .args(["list"])
        .fails()
        .stderr_contains("WIN_DB is empty")
        .run();
    // Not an SQLite URI: a file of that very name in the working folder.
    let name = "file:wins.db?mode=ro&cache=shared";
    journal
        .test()
        .env("WIN_DB", name)
        .args(["add", "stored under a strange name"])
        .run();
    assert!(journal.path().join(name).is_file());
    journal
        .test()
        .env("WIN_DB", name)
        .args(["list"])
        .stdout_contains("strange name")
        .run();
    assert!(!journal.path().join("wins.db").exists());
}

#[test]
fn read_commands_create_no_journal_and_say_there_is_none() {
    let journal = Journal::new();
    let typo = journal.path().join("tpyo/wins.db");
    let jsonl = journal.path().join("some.jsonl");
    std::fs::write(&jsonl, "{\"text\": \"cut p99\"}\n").unwrap();
    for args in [
        &["list"][..],
        &["search", "p99"],
        &["show", "1"],
        &["review", "draft"],
        &["review", "check"],
        &["stats"],
        &["export"],
        &["pending"],
        &["edit", "1", "--text", "x"],
        &["star", "1"],
        &["update", "1", "--impact", "x"],
        &["rm", "-y", "1"],
    ] {
        journal
            .test()
            .env("WIN_DB", &typo)
            .args(args)
            .fails()
            .stderr_contains("there is no journal at")
            .run();
    }
    journal
        .test()
        .env("WIN_DB", &typo)
        .args(["import", "--dry-run", jsonl.to_str().unwrap()])
        .stderr_contains("there is no journal at")
        .stderr_contains("would add 1 win")
        .run();
    assert!(
        !journal.path().join("tpyo").exists(),
        "a folder was created"
    );
    journal
        .test()
        .env("WIN_DB", &typo)
        .args(["add", "the first"])
        .run();
    assert_eq!(mode(&typo), 0o600);
    assert_eq!(mode(typo.parent().unwrap()), 0o700);
}

#[test]
fn a_journal_restored_readable_by_others_is_made_private_again() {
    let journal = Journal::new();
    journal.add(&["private"]);
    for suffix in ["", "-wal", "-shm"] {
        let file = sibling(&journal.db(), suffix);
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    std::fs::remove_file(sibling(&journal.db(), "-shm")).unwrap();
    journal.ok(&["list"]);
    for suffix in ["", "-wal", "-shm"] {
        let file = sibling(&journal.db(), suffix);
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_win_given_twice_to_rm_is_deleted_once() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.add(&["two"]);
    journal
        .test()
        .args(["rm", "-y", "1", "1"])
        .stderr("deleted 1 win: #1\n")
        .run();
    let left = journal.json(&["list", "--format", "json"]);
    assert_eq!(left.as_array().unwrap().len(), 1);
}

#[test]
fn importing_the_same_jrnl_or_csv_twice_adds_nothing_the_second_time() {
    let journal = Journal::new();
    let jrnl = r#"{"tags": {}, "entries": [
        {"title": "Cut p99 latency from 240ms to 80ms.", "body": "", "date": "2026-03-04", "time": "09:30", "tags": [], "starred": false},
        {"title": "Mentored two interns.", "body": "Both shipped.", "date": "2026-04-01", "time": "18:00", "tags": [], "starred": false}
    ]}"#;
    let csv = "occurred_at,text,impact\n2026-05-01T10:00:00+02:00,shipped the ranker,CTR +3%\n,a win with no date,\n";
    for (name, input, from) in [("jrnl", jrnl, "jrnl"), ("csv", csv, "csv")] {
        for round in 0..2 {
            let output = journal
                .test()
                .args(["import", "-", "--from", from])
                .stdin(input)
                .run();
            let expected = if round == 0 {
                "added 2 wins, skipped 0"
            } else {
                "added 0 wins, skipped 2"
            };
            assert!(
                output.stderr.contains(expected),
                "{name} round {round}: {}",
                output.stderr
            );
        }
    }
    let wins = journal.json(&["export"]);
    assert_eq!(wins.as_array().unwrap().len(), 4);
}

/// A journal that `nobody` may read but not write, with wins still in its
/// -wal file (a writer was killed before folding them in).
#[test]
fn a_read_only_journal_never_hides_wins_still_in_its_wal() {
    let is_root = Process::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let setpriv = Path::new("/usr/bin/setpriv");
    if !is_root || !setpriv.exists() {
        eprintln!("skipped: needs root and setpriv to read a journal as another user");
        return;
    }
    let journal = Journal::new();
    journal.add(&["folded into the journal"]);
    // A writer that stops with a win in the -wal file only.
    let writer = rusqlite::Connection::open(journal.db()).unwrap();
    writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    writer
        .execute(
            "INSERT INTO wins (uid, occurred_at, occurred_ts, created_at, updated_at, text)
             VALUES ('0190a000-0000-7000-8000-0000000000aa', '2026-11-21T10:00:00+01:00',
                     1795251600, '2026-11-21T10:00:00+01:00', '2026-11-21T10:00:00+01:00',
                     'only in the wal')",
            [],
        )
        .unwrap();
    let copy = journal.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for suffix in ["", "-wal"] {
        std::fs::copy(
            sibling(&journal.db(), suffix),
            sibling(&copy.join("wins.db"), suffix),
        )
        .unwrap();
        std::fs::set_permissions(
            sibling(&copy.join("wins.db"), suffix),
            std::fs::Permissions::from_mode(0o444),
        )
        .unwrap();
    }
    drop(writer);
    std::fs::set_permissions(journal.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let as_nobody = |folder_mode: u32| {
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(folder_mode)).unwrap();
        Test::on(&journal)
            .wrapper([
                setpriv.as_os_str(),
                "--reuid=65534".as_ref(),
                "--regid=65534".as_ref(),
                "--clear-groups".as_ref(),
            ])
            .env("WIN_DB", copy.join("wins.db"))
            .args(["list", "--format", "json"])
    };
    // Its folder is read-only too: the -wal cannot be read, so win says so,
    // and, to someone else than the owner, to ask the owner.
    as_nobody(0o555)
        .fails()
        .stderr_contains("-wal file holds wins not yet folded into it")
        .stderr_contains("as the journal's owner")
        .run();
    // Its folder is open: the -wal is read, and every win is shown.
    let shown = as_nobody(0o777).run().json();
    assert_eq!(shown.as_array().unwrap().len(), 2, "{shown}");
    // The owner is told what the owner can do (running a win command as
    // the owner, the advice given to others, changed nothing), and it works.
    let _ = std::fs::remove_file(sibling(&copy.join("wins.db"), "-shm"));
    for file in [
        copy.clone(),
        copy.join("wins.db"),
        sibling(&copy.join("wins.db"), "-wal"),
    ] {
        std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    }
    let advice = format!("chmod u+w {} to read it as it is", copy.display());
    as_nobody(0o555)
        .fails()
        .stderr_contains(advice)
        .stderr_contains("or also chmod u+w")
        .run();
    let shown = as_nobody(0o755).run().json();
    assert_eq!(shown.as_array().unwrap().len(), 2, "{shown}");
}
