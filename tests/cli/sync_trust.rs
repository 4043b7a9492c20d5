//! Sync keeps its promises when the repository, a backup or an agent
//! does not play along: every win reaches every device, a remote cannot
//! turn encryption off or bring a deleted win back, and agents propose.

use std::path::PathBuf;

use serde_json::json;

use crate::harness::Journal;
use crate::sync_kit::{
    clone_of, device, export, git, id_of, join_args, push_all, sync, texts, tree, Remote,
};

/// A later clock for one command than the harness's fixed one.
const LATER: &str = "2026-11-22T09:00:00+01:00";

/// A copy of a journal's files, as a backup would take them.
fn back_up(journal: &Journal) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let path = PathBuf::from(format!("{}{suffix}", journal.db().display()));
            let bytes = std::fs::read(&path).ok();
            (path, bytes)
        })
        .collect()
}

fn restore(copy: &[(PathBuf, Option<Vec<u8>>)]) {
    for (path, bytes) in copy {
        match bytes {
            Some(bytes) => std::fs::write(path, bytes).unwrap(),
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

#[test]
fn a_joining_device_receives_wins_edited_after_newer_ones_were_added() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["first win", "-d", "2026-01-05"]);
    a.add(&["second win", "-d", "2026-02-05"]);
    a.add(&["third win", "-d", "2026-03-05"]);
    // The first win now has a later clock than the two newer ones.
    a.test().env("WIN_NOW", LATER).args(["star", "1"]).run();
    a.test()
        .args([
            "sync",
            "init",
            &remote.url(),
            "--device",
            "one",
            "--no-encrypt",
        ])
        .stderr_contains("3 changes sent")
        .run();
    let b = device(&remote, "two", &[]);
    assert_eq!(texts(&b).len(), 3, "{:?}", texts(&b));
    assert_eq!(export(&a), export(&b));
    let c = device(&remote, "three", &[]);
    assert_eq!(export(&a), export(&c));
    sync(&b);
    assert_eq!(export(&a), export(&b));
}

#[test]
fn a_remote_cannot_turn_encryption_off_nor_forge_a_plaintext_delete() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["kept the ranker deal"]);
    sync(&a);
    let uid = export(&a).keys().next().unwrap().clone();
    // Anyone who can push: encryption off, and a plain delete of the win.
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    std::fs::write(
        clone.join("sync.json"),
        "{\"format\":1,\"encrypted\":false}\n",
    )
    .unwrap();
    let month = clone.join("devices/mallory/2026-11");
    std::fs::create_dir_all(&month).unwrap();
    std::fs::write(clone.join("devices/mallory/seq"), "1\n").unwrap();
    let forged = json!({"v": 1, "device": "mallory", "seq": 1, "hlc": "1900000000000.0",
                        "uid": uid, "op": "delete"});
    std::fs::write(month.join("000000000001.jsonl"), format!("{forged}\n")).unwrap();
    push_all(&clone);

    a.add(&["negotiated the zanzibar contract, saving $40K a year"]);
    let head = remote.head();
    let err = a.fails(&["sync"]);
    assert!(err.contains("this journal syncs encrypted"), "{err}");
    assert!(err.contains("Nothing was sent"), "{err}");
    // The way out names the layout the repository has now.
    assert!(
        err.contains("{\"format\": 2, \"encrypted\": true}"),
        "{err}"
    );
    assert_eq!(remote.head(), head, "nothing pushed");
    assert!(
        !remote.all_objects().contains("zanzibar"),
        "plaintext on the remote"
    );
    assert_eq!(texts(&a).len(), 2, "the forged delete deleted nothing");
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("encrypted:   yes"), "{status}");
    // Refused again, even with the manifest changed in the sync folder itself.
    std::fs::write(
        tree(&a).join("sync.json"),
        "{\"format\":1,\"encrypted\":false}\n",
    )
    .unwrap();
    assert!(a.fails(&["sync"]).contains("this journal syncs encrypted"));
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("encrypted:   yes"), "{status}");
    assert!(status.contains("sync.json says not encrypted"), "{status}");
    assert!(!remote.all_objects().contains("zanzibar"));
}

#[test]
fn a_journal_set_up_by_an_older_win_learns_it_syncs_encrypted_from_its_folder() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["negotiated the zanzibar contract"]);
    sync(&a);
    // As an older win left it: the journal does not know, and the manifest
    // in the sync folder was changed since.
    let conn = rusqlite::Connection::open(a.db()).unwrap();
    conn.execute("UPDATE sync_device SET encrypted = NULL", [])
        .unwrap();
    drop(conn);
    std::fs::write(
        tree(&a).join("sync.json"),
        "{\"format\":1,\"encrypted\":false}\n",
    )
    .unwrap();
    a.add(&["saved $40K a year"]);
    assert!(a.fails(&["sync"]).contains("this journal syncs encrypted"));
    assert!(!remote.all_objects().contains("$40K a year"));
}

#[test]
fn changes_made_after_restoring_an_older_copy_of_the_journal_are_sent() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    a.add(&["before the backup"]);
    sync(&a);
    let copy = back_up(&a);
    a.add(&["after the backup, synced"]);
    a.ok(&["star", "1"]);
    sync(&a);
    restore(&copy);
    for text in ["one after the restore", "two after it", "three after it"] {
        a.add(&[text]);
    }
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("not yet sent: 3 change(s)"), "{status}");
    let told = sync(&a);
    assert!(told.contains("3 changes sent"), "{told}");
    sync(&b);
    assert_eq!(texts(&b).len(), 5, "{:?}", texts(&b));
    // The restored journal gets back what it had synced after the copy.
    assert_eq!(export(&a), export(&b));
    assert!(a.ok(&["sync", "status"]).contains("not yet sent: 0"));
    a.add(&["and one more"]);
    sync(&a);
    sync(&b);
    assert_eq!(export(&a), export(&b));
    assert_eq!(texts(&b).len(), 6);
}

#[test]
fn a_sequence_number_raised_on_the_remote_does_not_swallow_later_changes() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    a.add(&["first"]);
    sync(&a);
    for huge in ["1000000", "18446744073709551615"] {
        let evil = clone_of(&remote);
        let clone = evil.path().join("evil");
        std::fs::write(clone.join("devices/a/seq"), format!("{huge}\n")).unwrap();
        push_all(&clone);
        sync(&a);
        a.add(&[&format!("after the seq became {huge}")]);
        assert!(a.ok(&["sync", "status"]).contains("not yet sent: 1"));
        assert!(sync(&a).contains("1 change sent"));
        sync(&b);
        assert_eq!(export(&a), export(&b));
    }
    assert_eq!(texts(&b).len(), 3);
}

#[test]
fn a_new_impact_keeps_the_one_it_replaces_in_the_timeline() {
    let journal = Journal::new();
    journal.add(&["cut p99 latency", "-i", "p99 from 240ms to 80ms"]);
    journal.ok(&["update", "1", "--impact", "support tickets -40%"]);
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["impact"], "support tickets -40%");
    let impacts: Vec<&str> = win["updates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|update| update["impact"].as_str())
        .collect();
    assert_eq!(
        impacts,
        vec!["p99 from 240ms to 80ms", "support tickets -40%"],
        "{win}"
    );
    // Once kept, it is not kept twice.
    journal.ok(&["update", "1", "--impact", "tickets -45%"]);
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["updates"].as_array().unwrap().len(), 3, "{win}");
    let export = journal.ok(&["export", "--format", "json"]);
    assert!(export.contains("p99 from 240ms to 80ms"), "{export}");
}

#[test]
fn an_inbox_edit_keeps_what_other_commands_changed_while_the_editor_was_open() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: script(1) is missing, so no terminal can be faked");
        return;
    }
    let journal = Journal::new();
    let proposal = json!({"uid": "01a2135a-0000-7000-8000-000000000001",
                          "text": "drafted the eval plan", "occurred_at": "2026-11-20T10:00:00Z",
                          "status": "proposed", "provenance": {"source": "agent"}});
    let file = journal.path().join("proposal.jsonl");
    std::fs::write(&file, format!("{proposal}\n")).unwrap();
    journal.ok(&["import", file.to_str().unwrap()]);
    let editor = journal.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nwin update 1 --impact 'eval time -30%' >/dev/null 2>&1\n\
         win edit 1 -t evals >/dev/null 2>&1; win star 1 >/dev/null 2>&1\n\
         sed -i '1s/.*/drafted and ran the eval plan/' \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let output = journal
        .test()
        .shell("script -qec 'win inbox edit 1' /dev/null")
        .env("EDITOR", &editor)
        .status_one_of(&[0, 1])
        .run();
    assert_eq!(output.code, Some(0), "{}{}", output.stdout, output.stderr);
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "drafted and ran the eval plan");
    assert_eq!(win["status"], "accepted");
    assert_eq!(win["impact"], "eval time -30%", "{win}");
    assert_eq!(win["tags"], json!(["evals"]), "{win}");
    assert_eq!(win["starred"], true, "{win}");
    assert_eq!(win["updates"].as_array().unwrap().len(), 1, "{win}");
}

#[test]
fn a_win_deleted_before_sync_was_set_up_stays_deleted_everywhere() {
    for a_first in [true, false] {
        let remote = Remote::new();
        let a = Journal::new();
        a.add(&["kept on both"]);
        a.add(&["deleted on a"]);
        let file = a.path().join("wins.jsonl");
        std::fs::write(&file, a.ok(&["export", "--format", "jsonl"])).unwrap();
        let b = Journal::new();
        b.ok(&["import", file.to_str().unwrap()]);
        a.ok(&["rm", "2", "--yes"]);
        let (first, second) = if a_first { (&a, &b) } else { (&b, &a) };
        first
            .test()
            .args([
                "sync",
                "init",
                &remote.url(),
                "--device",
                "first",
                "--no-encrypt",
            ])
            .run();
        second.test().args(join_args(&remote, "second")).run();
        sync(first);
        sync(second);
        assert_eq!(texts(&a), vec!["kept on both"], "a first: {a_first}");
        assert_eq!(texts(&b), vec!["kept on both"], "a first: {a_first}");
    }
}

#[test]
fn a_record_whose_clock_is_far_ahead_is_refused_and_the_clock_stays_sane() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let m = device(&remote, "m", &[]);
    m.add(&["from the far future"]);
    sync(&m);
    // Its record, given the largest clock there is, on the remote.
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    let month = std::fs::read_dir(clone.join("devices/m"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.is_dir())
        .unwrap();
    let file = std::fs::read_dir(month)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut record: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    record["hlc"] = "18446744073709551615.4294967295".into();
    std::fs::write(&file, format!("{record}\n")).unwrap();
    push_all(&clone);

    let told = sync(&a);
    assert!(told.contains("more than a day ahead"), "{told}");
    assert!(told.contains("0 received"), "{told}");
    assert!(texts(&a).is_empty());
    let conn = rusqlite::Connection::open(a.db()).unwrap();
    let hlc: String = conn
        .query_row("SELECT hlc FROM sync_device", [], |row| row.get(0))
        .unwrap();
    let millis: u64 = hlc.split('.').next().unwrap().parse().unwrap();
    assert!(
        millis < 10_000_000_000_000,
        "the clock was dragged to {hlc}"
    );
    // a's edits still win over older ones. (m sends its record again, as
    // it wrote it, since the remote changed its file: a gets that win too.)
    a.add(&["mine"]);
    sync(&a);
    sync(&m);
    m.ok(&["edit", &id_of(&m, "mine"), "--impact", "older"]);
    a.ok(&["edit", &id_of(&a, "mine"), "--impact", "newer"]);
    sync(&m);
    sync(&a);
    sync(&m);
    let mine = export(&a)
        .into_values()
        .find(|win| win["text"] == "mine")
        .unwrap();
    assert_eq!(mine["impact"], "newer");
    assert_eq!(texts(&a).len(), 2, "{:?}", texts(&a));
}

#[test]
fn the_same_uid_in_capitals_is_the_same_win() {
    let journal = Journal::new();
    let file = journal.path().join("two.jsonl");
    let lower = json!({"uid": "01a2135a-0000-7000-8000-00000000abcd", "text": "one win",
                       "occurred_at": "2026-11-20T10:00:00Z"});
    let upper = json!({"uid": "01A2135A-0000-7000-8000-00000000ABCD", "text": "one win",
                       "occurred_at": "2026-11-20T10:00:00Z"});
    std::fs::write(&file, format!("{lower}\n{upper}\n")).unwrap();
    journal.ok(&["import", file.to_str().unwrap()]);
    let wins = export(&journal);
    assert_eq!(wins.len(), 1, "{wins:?}");
    assert!(wins.contains_key("01a2135a-0000-7000-8000-00000000abcd"));
}

#[cfg(unix)]
#[test]
fn a_sync_key_found_readable_by_others_is_made_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    let key = a.config_dir().join("sync-key.txt");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    sync(&a);
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_remote_on_this_machine_is_encrypted_unless_asked_otherwise() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["negotiated the zanzibar contract"]);
    a.test()
        .args(["sync", "init", &remote.url(), "--device", "a"])
        .stderr_contains("encrypted with the key in")
        .run();
    assert!(!remote.all_objects().contains("zanzibar"));
    assert!(a.ok(&["sync", "status"]).contains("encrypted:   yes"));
    let b = Journal::new();
    b.test()
        .args(["sync", "key", "import", "-"])
        .stdin(a.ok(&["sync", "key", "show"]))
        .run();
    b.ok(&["sync", "init", &remote.url(), "--device", "b"]);
    assert_eq!(export(&a), export(&b));
}

/// Found by the adversarial pass: a machine that holds the key joined a
/// repository whose manifest a pusher had turned to "readable", and sent its
/// whole journal in the clear.
#[test]
fn a_new_machine_without_a_key_joins_a_readable_repository_only_when_told() {
    // Someone who can push sets a repository up readable before any device.
    let remote = Remote::new();
    let evil = tempfile::tempdir().unwrap();
    git(evil.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(
        evil.path().join("sync.json"),
        "{\n  \"format\": 2,\n  \"encrypted\": false\n}\n",
    )
    .unwrap();
    git(evil.path(), &["add", "-A"]);
    git(
        evil.path(),
        &[
            "-c",
            "user.name=x",
            "-c",
            "user.email=x@x",
            "commit",
            "-qm",
            "x",
        ],
    );
    git(evil.path(), &["push", "-q", &remote.url(), "main"]);

    let b = Journal::new();
    b.add(&["margay salary talk"]);
    let err = b.fails(&["sync", "init", remote.url().as_str(), "--device", "b"]);
    assert!(
        err.contains("--no-encrypt") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(
        !remote.all_objects().contains("margay"),
        "plaintext on the remote"
    );
    // Asked for, it joins readable.
    b.ok(&[
        "sync",
        "init",
        remote.url().as_str(),
        "--device",
        "b",
        "--no-encrypt",
    ]);
}

#[test]
fn a_new_machine_with_the_key_refuses_a_repository_turned_readable() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["kept the ranker deal"]);
    sync(&a);
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    std::fs::write(
        clone.join("sync.json"),
        "{\"format\":1,\"encrypted\":false}\n",
    )
    .unwrap();
    push_all(&clone);

    let b = Journal::new();
    let key = a.ok(&["sync", "key", "show"]);
    b.test()
        .args(["sync", "key", "import", "-"])
        .stdin(key)
        .run();
    b.add(&["ocelot pricing model shipped"]);
    let err = b.fails(&["sync", "init", remote.url().as_str(), "--device", "b"]);
    assert!(
        err.contains("--no-encrypt") && err.contains("Nothing was written"),
        "{err}"
    );
    assert!(
        !remote.all_objects().contains("ocelot"),
        "plaintext on the remote"
    );

    // Without a key, a repository that shows encrypted records is refused too.
    let c = Journal::new();
    c.add(&["jaguar churn readout"]);
    let err = c.fails(&["sync", "init", remote.url().as_str(), "--device", "c"]);
    assert!(err.contains("encrypted records"), "{err}");
    assert!(
        !remote.all_objects().contains("jaguar"),
        "plaintext on the remote"
    );
}

#[test]
fn records_whose_clock_is_ahead_wait_and_are_applied_once_the_clocks_agree() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let m = device(&remote, "m", &[]);
    m.add(&["from a clock set a day ahead"]);
    m.add(&["written after it"]);
    sync(&m);
    // The first record's clock a day and a few seconds ahead, as a device
    // whose clock was wrong writes it (m does not sync again meanwhile).
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    let month = std::fs::read_dir(clone.join("devices/m"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.is_dir())
        .unwrap();
    let file = std::fs::read_dir(month)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let ahead = crate::sync_authenticity::wall_clock_millis() + 24 * 60 * 60 * 1000 + 4000;
    lines[0]["hlc"] = format!("{ahead}.0").into();
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    std::fs::write(&file, text).unwrap();
    push_all(&clone);

    let told = sync(&a);
    assert!(told.contains("more than a day ahead"), "{told}");
    assert!(told.contains("wait"), "{told}");
    // Once this machine's clock is within a day of it, both arrive.
    std::thread::sleep(std::time::Duration::from_millis(4500));
    let told = sync(&a);
    assert!(!told.contains("ahead"), "{told}");
    assert_eq!(texts(&a).len(), 2, "{:?}", texts(&a));
}
