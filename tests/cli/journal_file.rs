//! The journal file: what win refuses to open, what it creates and keeps
//! private, parallel writers, and migrations from older versions.

use std::path::Path;

use serde_json::Value;

use crate::harness::{file_bytes, Journal};

#[test]
fn a_file_that_is_not_a_journal_is_refused_and_left_untouched() {
    let journal = Journal::new();
    let dir = journal.path();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("notes.txt", b"my notes\nnot a database\n".to_vec()),
        (
            "random.bin",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        journal
            .test()
            .args(["list"])
            .env("WIN_DB", &path)
            .fails()
            .stderr_contains("not a win journal")
            .run();
        assert_eq!(file_bytes(&path), bytes, "{name} was changed");
        journal
            .test()
            .args(["add", "x"])
            .env("WIN_DB", &path)
            .fails()
            .run();
        assert_eq!(file_bytes(&path), bytes, "{name} was changed");
    }
}

#[test]
fn a_truncated_journal_is_refused_and_left_untouched() {
    let journal = Journal::new();
    for i in 0..50 {
        journal.add(&[&format!(
            "win number {i} with some text to fill pages {}",
            "x".repeat(200)
        )]);
    }
    let copy = journal.path().join("copy.db");
    // A clean copy, then cut in half.
    journal.ok(&["list"]);
    std::fs::copy(journal.db(), &copy).unwrap();
    let bytes = file_bytes(&copy);
    let truncated = &bytes[..bytes.len() / 2];
    std::fs::write(&copy, truncated).unwrap();
    let stderr = journal
        .test()
        .args(["list"])
        .env("WIN_DB", &copy)
        .fails()
        .run()
        .stderr;
    assert!(
        stderr.contains("truncated") || stderr.contains("damaged"),
        "{stderr}"
    );
    assert_eq!(file_bytes(&copy), truncated);
}

#[test]
fn an_empty_file_starts_a_clean_journal() {
    let journal = Journal::new();
    let path = journal.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    journal
        .test()
        .args(["add", "first"])
        .env("WIN_DB", &path)
        .stdout("#1\n")
        .run();
}

#[test]
fn a_folder_that_cannot_be_created_is_a_clear_error() {
    let journal = Journal::new();
    let blocker = journal.path().join("blocker");
    std::fs::write(&blocker, b"a file where a folder should be").unwrap();
    journal
        .test()
        .args(["add", "x"])
        .env("WIN_DB", blocker.join("sub").join("wins.db"))
        .fails()
        .stderr_contains("cannot create the folder")
        .run();
}

#[test]
fn journal_folder_and_file_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let journal = Journal::new();
    journal.add(&["private"]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(journal.db().parent().unwrap()), 0o700);
    assert_eq!(mode(&journal.db()), 0o600);
    let wal = journal.db().with_extension("db-wal");
    let shm = journal.db().with_extension("db-shm");
    assert_eq!(mode(&wal), 0o600);
    assert_eq!(mode(&shm), 0o600);
}

#[test]
fn the_journal_file_alone_holds_every_win_between_commands() {
    let journal = Journal::new();
    journal.add(&["first"]);
    journal.add(&["second"]);
    // The -wal file stays beside the journal (it saves work on every
    // command) but is checkpointed and emptied when win exits.
    let wal = journal.db().with_extension("db-wal");
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    let copy = journal.path().join("copy.db");
    std::fs::copy(journal.db(), &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let texts: Vec<String> = conn
        .prepare("SELECT text FROM wins ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(texts, ["first", "second"]);
}

#[test]
fn two_hundred_parallel_captures_are_all_stored() {
    let journal = Journal::new();
    journal.add(&["create the journal first"]);
    let children: Vec<std::process::Child> = (0..200)
        .map(|i| {
            journal
                .test()
                .args(["add", &format!("parallel win {i}")])
                .command()
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn win")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let wins: Vec<Value> =
        serde_json::from_str(&journal.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(wins.len(), 201);
}

#[test]
fn a_journal_from_a_newer_win_is_refused() {
    let journal = Journal::new();
    journal.add(&["x"]);
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let stderr = journal.fails(&["list"]);
    assert!(
        stderr.contains("schema version 99") && stderr.contains("reads up to"),
        "{stderr}"
    );
}

#[test]
fn a_version_1_journal_is_backed_up_and_migrated() {
    let journal = Journal::new();
    std::fs::create_dir_all(journal.db().parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    conn.execute_batch(include_str!("../../src/store/migrations/0001_init.sql"))
        .unwrap();
    conn.execute_batch(
        "INSERT INTO wins (uid, occurred_at, occurred_ts, created_at, updated_at, text, kind)
         VALUES ('0190a000-0000-7000-8000-000000000001', '2026-03-04T10:00:00+01:00', 1772614800,
                 '2026-03-04T10:00:00+01:00', '2026-03-04T10:00:00+01:00', 'an old win about drift', 'shipped');
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);

    let wins = journal.json(&["list", "--format", "json"]);
    assert_eq!(wins[0]["text"], "an old win about drift");
    let backup = journal.db().with_file_name("wins.db.bak-1");
    assert!(backup.exists(), "the journal is copied before migrating");
    let old = rusqlite::Connection::open(&backup).unwrap();
    let version: i64 = old
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let current = rusqlite::Connection::open(journal.db()).unwrap();
    let version: i64 = current
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert!(version > 1);
    assert_eq!(
        journal.json(&["search", "drift", "--format", "json"])[0]["id"],
        1
    );
    journal.add(&["a new win", "-t", "fresh"]);
    assert_eq!(
        journal.json(&["search", "fresh", "--format", "json"])[0]["id"],
        2
    );
}

/// A journal as schema 4 left it (this change is migration 0006), with a win of
/// every kind of linked row, and a gap where #3 and #4 were deleted.
fn schema_4_journal(journal: &Journal) {
    std::fs::create_dir_all(journal.db().parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    for sql in [
        include_str!("../../src/store/migrations/0001_init.sql"),
        include_str!("../../src/store/migrations/0002_bulk_fts.sql"),
        include_str!("../../src/store/migrations/0003_suspend_triggers.sql"),
        include_str!("../../src/store/migrations/0004_fts_rows_view.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO wins (id, uid, occurred_at, occurred_ts, created_at, updated_at, text, kind, stage, competency_source)
         VALUES (1, '0190a000-0000-7000-8000-000000000001', '2026-03-04T10:00:00+01:00', 1772614800,
                 '2026-03-04T10:00:00+01:00', '2026-03-04T10:00:00+01:00', 'fixed drift in the feature store', 'shipped', 'shipped', 'user'),
                (2, '0190a000-0000-7000-8000-000000000002', '2026-04-04T10:00:00+01:00', 1775293200,
                 '2026-04-04T10:00:00+01:00', '2026-04-04T10:00:00+01:00', 'mentored a new hire', 'leadership', NULL, 'none'),
                (5, '0190a000-0000-7000-8000-000000000005', '2026-05-04T10:00:00+01:00', 1777885200,
                 '2026-05-04T10:00:00+01:00', '2026-05-04T10:00:00+01:00', 'cut scoring latency', 'shipped', 'measured', 'user');
         INSERT INTO competencies (id, key) VALUES (1, 'mlops'), (2, 'data');
         INSERT INTO win_competencies (win_id, competency_id, position) VALUES (1, 2, 0), (5, 1, 0);
         INSERT INTO tags (id, name) VALUES (1, 'scoring'), (2, 'drift');
         INSERT INTO win_tags (win_id, tag_id, position) VALUES (1, 2, 0), (5, 1, 0);
         INSERT INTO links (win_id, position, url) VALUES (5, 0, 'https://example.test/pr/5');
         INSERT INTO updates (win_id, at, at_ts, stage, text, impact)
         VALUES (5, '2026-06-01T10:00:00+01:00', 1780304400, 'measured', 'rolled out everywhere', 'tickets about timeouts -40%');
         PRAGMA user_version = 4;",
    )
    .unwrap();
}

#[test]
fn migrating_keeps_every_id_link_and_search_and_stops_reusing_ids() {
    let journal = Journal::new();
    schema_4_journal(&journal);
    let win = journal.json(&["show", "#5", "--json"]);
    assert_eq!(win["text"], "cut scoring latency");
    assert_eq!(win["competencies"], serde_json::json!(["mlops"]));
    assert_eq!(win["tags"], serde_json::json!(["scoring"]));
    assert_eq!(
        win["links"],
        serde_json::json!(["https://example.test/pr/5"])
    );
    assert_eq!(win["updates"][0]["impact"], "tickets about timeouts -40%");
    assert!(journal.db().with_file_name("wins.db.bak-4").exists());
    // The full-text index still points at the same numbers: text, tags and
    // the timeline of each win.
    let found = |query: &str| -> Vec<i64> {
        let hits = journal.json(&["search", query, "--format", "json"]);
        hits.as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(found("feature store"), [1]);
    assert_eq!(found("drift"), [1]);
    assert_eq!(found("timeouts"), [5]);
    assert_eq!(found("mentored"), [2]);
    // The newest win goes; its number is not given to the next one.
    journal.ok(&["rm", "5", "--yes"]);
    assert_eq!(journal.add(&["shipped the ranker", "-t", "ranking"]), 6);
    assert_eq!(found("ranking"), [6]);
    assert_eq!(found("drift"), [1]);
    journal.ok(&["update", "1", "--impact", "stale features caught daily"]);
    assert_eq!(found("stale"), [1]);
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
    let links: i64 = conn
        .query_row("SELECT count(*) FROM links", [], |row| row.get(0))
        .unwrap();
    assert_eq!(links, 0, "win #5's link went with it");
    let tags: i64 = conn
        .query_row("SELECT count(*) FROM win_tags", [], |row| row.get(0))
        .unwrap();
    assert_eq!(tags, 2, "#1's tag kept, #6's added, #5's gone");
}
