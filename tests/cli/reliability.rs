//! A career journal holds years of evidence: concurrent writers, kill -9,
//! hostile files and hostile text must never lose or corrupt a win.

use std::io::Write;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{file_bytes, Journal};

fn count(journal: &Journal) -> i64 {
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    conn.query_row("SELECT count(*) FROM wins", [], |row| row.get(0))
        .unwrap()
}

fn integrity(journal: &Journal) -> String {
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0, "rows whose parent is gone");
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn four_writers_and_two_readers_lose_nothing() {
    let journal = Journal::new();
    journal.add(&["the journal exists"]);
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let journal = &journal;
                scope.spawn(move || {
                    for i in 0..100 {
                        journal
                            .test()
                            .args(["add", &format!("writer {writer} win {i}"), "-t", "load"])
                            .run();
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (journal, done) = (&journal, &done);
                scope.spawn(move || {
                    let mut reads = 0;
                    // Bounded, so a failing writer cannot leave the readers spinning.
                    let deadline = Instant::now() + Duration::from_secs(300);
                    while (!done.load(std::sync::atomic::Ordering::Relaxed) || reads == 0)
                        && Instant::now() < deadline
                    {
                        journal.test().args(["list", "-n", "5"]).run();
                        reads += 1;
                    }
                })
            })
            .collect();
        let results: Vec<_> = writers
            .into_iter()
            .map(std::thread::ScopedJoinHandle::join)
            .collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        for result in results {
            if let Err(panic) = result {
                std::panic::resume_unwind(panic);
            }
        }
        for reader in readers {
            reader.join().unwrap();
        }
    });
    assert_eq!(count(&journal), 401);
    let tagged = journal.json(&["list", "-t", "load", "--format", "json"]);
    assert_eq!(tagged.as_array().unwrap().len(), 400);
    assert_eq!(integrity(&journal), "ok");
}

/// A jsonl file of `n` distinct wins.
fn write_wins(path: &std::path::Path, n: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        writeln!(
            file,
            "{{\"uid\":\"01900000-0000-7000-8000-{i:012x}\",\"occurred_at\":\"2026-01-01T10:00:00+01:00\",\"text\":\"bulk win {i} cut latency\",\"tags\":[\"bulk\"],\"suggestions\":[],\"metrics\":[]}}"
        )
        .unwrap();
    }
}

/// Every table, index and trigger, with its SQL.
fn schema(journal: &Journal) -> Vec<(String, String, Option<String>)> {
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    let mut statement = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn journal_mode(journal: &Journal) -> String {
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    conn.query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn an_import_into_an_empty_journal_puts_its_indexes_and_wal_back() {
    let journal = Journal::new();
    let nothing = journal.path().join("nothing.jsonl");
    std::fs::write(&nothing, "").unwrap();
    journal.ok(&["import", nothing.to_str().unwrap()]);
    let before = schema(&journal);
    assert!(before.iter().any(|(kind, _, _)| kind == "index"));
    let file = journal.path().join("big.jsonl");
    write_wins(&file, 100_000);
    // Killed part-way: the dropped indexes come back with the rollback.
    let mut child: Child = journal
        .test()
        .args(["import", file.to_str().unwrap()])
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    child.wait().unwrap();
    // A list after the kill.
    journal.test().args(["list", "-n", "1"]).run();
    assert!([0, 100_000].contains(&count(&journal)));
    assert_eq!(schema(&journal), before);
    assert_eq!(journal_mode(&journal), "wal");
    assert_eq!(integrity(&journal), "ok");
    // Finished: everything is stored, indexed, and the schema is as it was.
    journal.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(count(&journal), 100_000);
    assert_eq!(schema(&journal), before);
    assert_eq!(journal_mode(&journal), "wal");
    assert_eq!(integrity(&journal), "ok");
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM wins ORDER BY occurred_ts DESC, id DESC LIMIT 1",
            [],
            |row| row.get(3),
        )
        .unwrap();
    assert!(plan.contains("wins_by_time"), "{plan}");
}

#[test]
fn an_import_beside_an_open_reader_still_lands() {
    let journal = Journal::new();
    journal.add(&["the journal exists"]);
    let file = journal.path().join("some.jsonl");
    write_wins(&file, 500);
    // A reader in the middle of a transaction keeps the journal in WAL.
    let reader = rusqlite::Connection::open(journal.db()).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .query_row("SELECT count(*) FROM wins", [], |row| row.get(0))
        .unwrap();
    assert_eq!(seen, 1);
    journal.ok(&["import", file.to_str().unwrap()]);
    // It still sees its snapshot; a new look sees the import.
    let still: i64 = reader
        .query_row("SELECT count(*) FROM wins", [], |row| row.get(0))
        .unwrap();
    assert_eq!(still, 1);
    reader.execute_batch("COMMIT").unwrap();
    assert_eq!(count(&journal), 501);
    assert_eq!(journal_mode(&journal), "wal");
}

#[test]
fn an_import_killed_at_any_point_stores_all_or_nothing() {
    let journal = Journal::new();
    journal.add(&["before the import"]);
    let file = journal.path().join("big.jsonl");
    write_wins(&file, 200_000);
    let started = Instant::now();
    let mut finished = false;
    for delay_ms in [30, 150, 400, 900, 2000] {
        let mut child: Child = journal
            .test()
            .args(["import", file.to_str().unwrap()])
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SIGKILL: no chance to clean up.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let stored = count(&journal);
        if status.success() {
            finished = true;
        }
        assert!(
            stored == 1 || stored == 200_001,
            "after a kill at {delay_ms} ms: {stored} wins"
        );
        assert_eq!(integrity(&journal), "ok");
        // A list after the kill.
        journal.test().args(["list", "-n", "1"]).run();
        if stored == 200_001 {
            finished = true;
            break;
        }
    }
    if !finished {
        // Never reached the end inside the kill windows: finish it now.
        journal.ok(&["import", file.to_str().unwrap()]);
    }
    assert_eq!(count(&journal), 200_001);
    assert_eq!(integrity(&journal), "ok");
    // The import suspended the full-text triggers; a capture after it is
    // indexed again, with its tags.
    journal.add(&["tuned the zeitgeist ranker", "-t", "afterwards"]);
    for word in ["zeitgeist", "afterwards"] {
        let hits = journal.json(&["search", word, "--format", "json"]);
        assert_eq!(hits.as_array().unwrap().len(), 1, "{word}");
    }
    assert_eq!(
        journal
            .json(&["search", "bulk", "-n", "1", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(started.elapsed() < Duration::from_secs(600));
}

#[test]
fn hostile_text_is_stored_and_shown_safely() {
    let journal = Journal::new();
    let megabyte = format!("cut latency {}", "x".repeat(1 << 20));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a megabyte", megabyte.clone().into_bytes()),
        ("NUL bytes", b"before\0after NUL".to_vec()),
        (
            "ANSI and OSC",
            b"red \x1b[31mtext\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b]0;title\x07"
                .to_vec(),
        ),
        (
            "right-to-left and emoji",
            "ميزة جديدة 🚀 עברית ✅ shipped".as_bytes().to_vec(),
        ),
        ("SQL", b"'); DROP TABLE wins; -- \" OR 1=1".to_vec()),
        (
            "template syntax",
            b"{{ 7*7 }} {% for x in range(9) %}{% endfor %} {# c #}".to_vec(),
        ),
    ];
    for (index, (name, bytes)) in cases.iter().enumerate() {
        journal.test().arg("add").stdin(bytes.clone()).run();
        let id = (index + 1).to_string();
        let text = journal.test().args(["show", &id]).run().stdout;
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\0'),
            "{name}: control characters reached the terminal"
        );
        let json = journal.json(&["show", &id, "--json"]);
        let stored = json["text"].as_str().unwrap();
        assert_eq!(
            stored.as_bytes(),
            String::from_utf8_lossy(bytes).trim().as_bytes(),
            "{name} was not stored as typed"
        );
    }
    let listed = journal.ok(&["list"]);
    assert!(!listed.contains('\u{1b}'), "list leaks escapes");
    let draft = journal.ok(&["review", "draft"]);
    assert!(
        draft.contains("{{ 7*7 }}") && !draft.contains('\u{1b}'),
        "drafts print text as data"
    );
    assert!(journal.ok(&["export", "--format", "jsonl"]).lines().count() == 6);
    assert_eq!(integrity(&journal), "ok");
}

#[test]
fn a_read_only_journal_allows_reads_and_refuses_writes() {
    use std::os::unix::fs::PermissionsExt;
    let journal = Journal::new();
    journal.add(&["readable forever"]);
    // Root can write any file, so test as an unprivileged user when we are root.
    let is_root = Process::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if is_root && !setpriv.exists() {
        eprintln!(
            "skipped: running as root and setpriv is missing, so read-only files cannot be tested"
        );
        return;
    }
    let data = journal.db().parent().unwrap().to_path_buf();
    for path in [journal.path(), &data] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(journal.db(), std::fs::Permissions::from_mode(0o444)).unwrap();
    let win = |args: &[&str]| {
        let test = journal.test().args(args);
        if is_root {
            test.wrapper([
                setpriv.as_os_str(),
                "--reuid=65534".as_ref(),
                "--regid=65534".as_ref(),
                "--clear-groups".as_ref(),
            ])
        } else {
            test
        }
    };
    let before = file_bytes(&journal.db());
    win(&["list"]).stdout_contains("readable forever").run();
    win(&["add", "one more"])
        .fails()
        .stderr_contains("read-only")
        .run();
    assert_eq!(file_bytes(&journal.db()), before);
    // A rollback journal with a write in it: half-written pages a reader
    // that cannot undo them must not show.
    let hot = journal.db().with_extension("db-journal");
    std::fs::write(&hot, b"an unfinished import").unwrap();
    win(&["list"])
        .fails()
        .stderr_contains("unfinished write")
        .run();
    std::fs::remove_file(&hot).unwrap();
    assert_eq!(file_bytes(&journal.db()), before);
}

#[test]
fn a_full_disk_fails_the_import_cleanly() {
    let journal = Journal::new();
    let mount = journal.path().join("small");
    std::fs::create_dir_all(&mount).unwrap();
    let mounted = Process::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mount)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root and mount rights); see README, Reliability");
        return;
    }
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Process::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&mount);
    let db = mount.join("wins.db");
    let small = |args: &[&str]| journal.test().args(args).env("WIN_DB", &db);
    small(&["add", "fits easily"]).run();
    let file = journal.path().join("big.jsonl");
    write_wins(&file, 40_000);
    let stderr = small(&["import", file.to_str().unwrap()])
        .fails()
        .run()
        .stderr;
    assert!(
        stderr.contains("full") || stderr.contains("disk"),
        "{stderr}"
    );
    let wins = small(&["list", "--format", "json"]).run().json();
    assert_eq!(
        wins.as_array().unwrap().len(),
        1,
        "nothing of the import is half-written"
    );
}

/// The configured command for `win ARGS` on this journal, to spawn or kill.
fn win_process(journal: &Journal, args: &[&str]) -> Process {
    journal.test().args(args).command()
}

/// Runs two commands at once on one journal and expects both to succeed.
fn run_together(journal: &Journal, first: &[&str], second: &[&str]) {
    let spawn = |args: &[&str]| {
        win_process(journal, args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(first), spawn(second));
    for (child, args) in [(a, first), (b, second)] {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn an_edit_never_undoes_an_update_made_at_the_same_time() {
    let journal = Journal::new();
    journal.add(&["base win"]);
    for round in 0..20 {
        let impact = format!("tickets -{round}%");
        let text = format!("base win, take {round}");
        run_together(
            &journal,
            &["update", "1", "--impact", &impact],
            &["edit", "1", "--text", &text],
        );
        let win = journal.json(&["show", "1", "--json"]);
        assert_eq!(win["text"], text.as_str(), "round {round}");
        assert_eq!(
            win["impact"],
            impact.as_str(),
            "round {round}: the update was undone"
        );
        let updates = win["updates"].as_array().unwrap();
        assert!(updates.iter().any(|u| u["impact"] == impact.as_str()));
    }
    assert_eq!(integrity(&journal), "ok");
}

/// `win edit ID` on a terminal (under script(1)), with an editor that lets
/// other commands change the win while it is open and then saves `sed`.
fn edit_in_editor(journal: &Journal, meanwhile: &str, sed: &str) -> crate::harness::Output {
    let editor = journal.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\n{meanwhile}\nsed -i '{sed}' \"$1\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    journal
        .test()
        .shell("script -qec 'win edit 1' /dev/null")
        .env("EDITOR", &editor)
        .status_one_of(&[0, 1])
        .run()
}

#[test]
fn an_editor_session_merges_changes_made_meanwhile_and_never_overwrites_them() {
    if Process::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: script(1) is missing, so no terminal can be faked");
        return;
    }
    let journal = Journal::new();
    journal.add(&["base win", "-t", "kept"]);
    // The text is rewritten in the editor while an update and a star land.
    let output = edit_in_editor(
        &journal,
        "win update 1 --impact 'tickets -40%' >/dev/null 2>&1; win star 1 >/dev/null 2>&1",
        "1s/.*/base win, rewritten in the editor/",
    );
    assert_eq!(output.code, Some(0), "{}{}", output.stdout, output.stderr);
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "base win, rewritten in the editor");
    assert_eq!(win["impact"], "tickets -40%");
    assert_eq!(win["starred"], true);
    assert_eq!(win["tags"], serde_json::json!(["kept"]));
    // The same field changed in both places: refused, and the other
    // command's value stays.
    let output = edit_in_editor(
        &journal,
        "win update 1 --impact 'tickets -60%' >/dev/null 2>&1",
        "s/^Impact:.*/Impact: CTR +3%/",
    );
    assert_eq!(output.code, Some(1), "{}{}", output.stdout, output.stderr);
    assert!(
        output
            .stdout
            .contains("impact was changed by another command"),
        "{}",
        output.stdout
    );
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["impact"], "tickets -60%");
    assert_eq!(win["text"], "base win, rewritten in the editor");
}

#[test]
fn captures_and_reads_during_an_import_wait_or_succeed() {
    let journal = Journal::new();
    journal.add(&["before the import"]);
    let file = journal.dir.path().join("big.jsonl");
    write_wins(&file, 20_000);
    let mut import: Child = win_process(&journal, &["import", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let (mut added, mut listed, mut while_importing) = (0, 0, 0);
    for round in 0..6 {
        if import.try_wait().unwrap().is_none() {
            while_importing += 1;
        }
        let args: &[&str] = if round % 2 == 0 {
            &["add", "captured during the import"]
        } else {
            &["list", "-n", "1"]
        };
        let output = win_process(&journal, args).output().unwrap();
        assert!(
            output.status.success(),
            "{args:?} during an import: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if round % 2 == 0 {
            added += 1;
        } else {
            listed += 1;
        }
    }
    let output = import.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        while_importing > 0,
        "the import ended before any command ran beside it"
    );
    assert_eq!(listed, 3);
    assert_eq!(count(&journal), 1 + 20_000 + added);
    assert_eq!(integrity(&journal), "ok");
}

#[test]
fn many_first_captures_at_once_all_land() {
    for round in 0..4 {
        let journal = Journal::new();
        let children: Vec<Child> = (0..16)
            .map(|i| {
                win_process(&journal, &["add", &format!("first capture {i}")])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert_eq!(count(&journal), 16, "round {round}");
        assert_eq!(integrity(&journal), "ok");
    }
}

/// A version-1 journal of `n` wins, as the first win wrote it.
fn version_1_journal(path: &std::path::Path, n: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute_batch(include_str!("../../src/store/migrations/0001_init.sql"))
        .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO wins (uid, occurred_at, occurred_ts, created_at, updated_at, text, kind)
                 VALUES (?1, '2026-03-04T10:00:00+01:00', 1772614800, '2026-03-04T10:00:00+01:00',
                         '2026-03-04T10:00:00+01:00', ?2, 'shipped')",
            )
            .unwrap();
        for i in 0..n {
            insert
                .execute(rusqlite::params![
                    format!("0190a000-0000-7000-8000-{i:012x}"),
                    format!("old win {i} about drift in the ranker")
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
}

/// The schema version, wins and integrity of a journal file, read as is.
fn inspect_file(path: &std::path::Path) -> (i64, i64, String) {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let version = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    let wins = conn
        .query_row("SELECT count(*) FROM wins", [], |row| row.get(0))
        .unwrap();
    let check = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    (version, wins, check)
}

#[test]
fn an_interrupted_migration_leaves_a_whole_backup_or_none() {
    use std::os::unix::fs::PermissionsExt;
    const WINS: i64 = 30_000;
    let journal = Journal::new();
    let template = journal.dir.path().join("v1.db");
    version_1_journal(&template, WINS as usize);
    let backup = journal.db().with_file_name("wins.db.bak-1");
    let mut interrupted = 0;
    for (round, delay_ms) in [2, 5, 10, 20, 35, 50, 80, 120, 200, 400]
        .into_iter()
        .enumerate()
    {
        for suffix in ["", "-wal", "-shm", ".bak-1", ".bak-1.partial"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", journal.db().display()));
        }
        std::fs::create_dir_all(journal.db().parent().unwrap()).unwrap();
        std::fs::copy(&template, journal.db()).unwrap();
        // On a second round, an old half-written backup is waiting: it must
        // not be trusted.
        if round % 2 == 1 {
            std::fs::write(&backup, b"SQLite format 3\0 and then nothing").unwrap();
        }
        let child = win_process(&journal, &["list", "-n", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let signal = if round % 3 == 0 { "-INT" } else { "-KILL" };
        let _ = Process::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let mut child = child;
        if !child.wait().unwrap().success() {
            interrupted += 1;
        }
        // Whatever the moment, the journal holds every win, at version 1 or
        // migrated, and a backup that exists is a whole, private copy.
        let (version, wins, check) = inspect_file(&journal.db());
        assert_eq!(
            (wins, check.as_str()),
            (WINS, "ok"),
            "journal after a kill at {delay_ms} ms"
        );
        assert!(version >= 1);
        let garbage = round % 2 == 1
            && std::fs::read(&backup).is_ok_and(|b| b.starts_with(b"SQLite format 3\0 and"));
        if backup.exists() && !garbage {
            let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "backup mode after a kill at {delay_ms} ms"
            );
            assert_eq!(
                inspect_file(&backup),
                (1, WINS, "ok".to_string()),
                "backup after a kill at {delay_ms} ms"
            );
        } else {
            assert!(
                version == 1,
                "migrated without a backup (kill at {delay_ms} ms)"
            );
        }
        // The next command finishes the job, from a whole backup.
        journal.ok(&["list", "-n", "1"]);
        let (version, wins, _) = inspect_file(&journal.db());
        assert!(version > 1);
        assert_eq!(wins, WINS);
        assert_eq!(
            inspect_file(&backup),
            (1, WINS, "ok".to_string()),
            "round {round}"
        );
        assert_eq!(
            std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(!journal
            .db()
            .with_file_name("wins.db.bak-1.partial")
            .exists());
    }
    assert!(interrupted > 0, "no command was interrupted");
    assert_eq!(
        journal
            .json(&["search", "drift", "-n", "1", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
