//! `win sync`: what devices hold after replaying each other's changes:
//! derived fields included (metrics, polished text, the search index), the
//! inbox travelling with its provenance, and a replay killed halfway.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::Journal;
use crate::sync_kit::{device, export, id_of, join_args, sync, Remote};

/// The metrics' texts of the one win a journal holds.
fn metric_texts(journal: &Journal) -> Vec<String> {
    let wins = export(journal);
    let win = wins.values().next().expect("one win");
    win["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|metric| metric["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Two devices that hold one win, synced.
fn two_devices(text: &str) -> (Remote, Journal, Journal) {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&[text]);
    sync(&a);
    let b = device(&remote, "b", &[]);
    (remote, a, b)
}

#[test]
fn a_text_edited_on_one_device_and_an_impact_recorded_on_the_other_measure_both() {
    let (_remote, a, b) = two_devices("cut p99 latency from 240ms to 80ms");
    let id_a = id_of(&a, "cut p99 latency from 240ms to 80ms");
    let id_b = id_of(&b, "cut p99 latency from 240ms to 80ms");
    a.ok(&[
        "edit",
        &id_a,
        "--text",
        "cut p99 latency from 240ms to 60ms",
    ]);
    b.ok(&["update", &id_b, "--impact", "support tickets -40%"]);
    sync(&a);
    sync(&b);
    sync(&a);
    let on_a = export(&a);
    assert_eq!(on_a, export(&b), "both devices hold the same journal");
    let win = on_a.values().next().expect("one win");
    assert_eq!(win["text"], "cut p99 latency from 240ms to 60ms");
    assert_eq!(win["impact"], "support tickets -40%");
    // The sentence `win show` prints is derived from the text that won.
    for device in [&a, &b] {
        let shown = device.json(&["show", &id_a, "--json"]);
        assert_eq!(
            shown["polished"], "I cut p99 latency from 240 ms to 60 ms.",
            "the sentence of the text that won"
        );
    }
    // Measured from the merged win: a's text and b's impact, as either
    // device measures a win that holds both.
    assert_eq!(metric_texts(&a), vec!["240ms to 60ms", "-40%"]);

    // What a device that captured the merged win itself would hold.
    let fresh = Journal::new();
    fresh.add(&["cut p99 latency from 240ms to 60ms"]);
    fresh.ok(&["update", "1", "--impact", "support tickets -40%"]);
    let mine = export(&fresh);
    let mine = mine.values().next().expect("one win");
    assert_eq!(win["metrics"], mine["metrics"]);
}

#[test]
fn an_impact_edited_on_one_device_and_a_text_on_the_other_measure_both() {
    let (_remote, a, b) = two_devices("cut p99 latency from 240ms to 80ms");
    let id_a = id_of(&a, "cut p99 latency from 240ms to 80ms");
    let id_b = id_of(&b, "cut p99 latency from 240ms to 80ms");
    a.ok(&[
        "edit",
        &id_a,
        "--text",
        "cut p99 latency from 240ms to 60ms",
    ]);
    // Later than a's edit: b's analysis of the old text must not win.
    b.ok(&["edit", &id_b, "--impact", "support tickets -40%"]);
    sync(&b);
    sync(&a);
    sync(&b);
    let on_a = export(&a);
    assert_eq!(on_a, export(&b));
    assert_eq!(metric_texts(&b), vec!["240ms to 60ms", "-40%"]);
}

#[test]
fn a_merged_win_is_found_by_its_merged_words() {
    let (_remote, a, b) = two_devices("tuned the ranker");
    let id_a = id_of(&a, "tuned the ranker");
    let id_b = id_of(&b, "tuned the ranker");
    a.ok(&["edit", &id_a, "--text", "tuned the zeitgeist ranker"]);
    b.ok(&["update", &id_b, "--impact", "quokka clicks +3%"]);
    sync(&a);
    sync(&b);
    sync(&a);
    for device in [&a, &b] {
        for word in ["zeitgeist", "quokka"] {
            let found = device.ok(&["search", word, "--format", "json"]);
            assert!(
                found.contains("tuned the zeitgeist ranker"),
                "{word}: {found}"
            );
        }
    }
}

#[test]
fn the_inbox_and_where_a_proposal_came_from_travel() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    let proposals = [
        r#"{"text":"drafted the eval plan","status":"proposed","provenance":{"source":"agent","client":"claude-code","why":"said in the session"}}"#,
        r#"{"text":"fixed the flaky test","status":"proposed","provenance":{"source":"agent"}}"#,
    ]
    .join("\n");
    a.test().args(["import", "-"]).stdin(proposals).run();
    sync(&a);
    sync(&b);
    let on_b = export(&b);
    assert_eq!(on_b, export(&a));
    let eval = on_b
        .values()
        .find(|win| win["text"] == "drafted the eval plan")
        .expect("the proposal reached b");
    assert_eq!(eval["status"], "proposed");
    assert_eq!(eval["provenance"]["client"], "claude-code");
    assert_eq!(eval["provenance"]["why"], "said in the session");
    let inbox = b.test().args(["inbox"]).run().stdout;
    assert!(inbox.contains("drafted the eval plan"), "{inbox}");

    // Accepted on b, rejected on a: both, everywhere.
    let wins: Value = b.json(&["inbox", "--json"]);
    let id = |text: &str, wins: &Value| {
        wins.as_array()
            .expect("a list")
            .iter()
            .find(|win| win["text"] == text)
            .map(|win| win["id"].to_string())
            .unwrap_or_else(|| panic!("no proposal {text:?}"))
    };
    b.ok(&[
        "inbox",
        "accept",
        &id("drafted the eval plan", &wins),
        "--yes",
    ]);
    let on_a: Value = a.json(&["inbox", "--json"]);
    a.ok(&[
        "inbox",
        "reject",
        &id("fixed the flaky test", &on_a),
        "--yes",
    ]);
    sync(&b);
    sync(&a);
    sync(&b);
    let (on_a, on_b) = (export(&a), export(&b));
    assert_eq!(on_a, on_b);
    let texts: Vec<(&str, &str)> = on_a
        .values()
        .map(|win| {
            (
                win["text"].as_str().unwrap_or_default(),
                win["status"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(texts, vec![("drafted the eval plan", "accepted")]);
    let listed = a.ok(&["list"]);
    assert!(listed.contains("drafted the eval plan"), "{listed}");
}

/// Kills a join (`win sync init REMOTE`, whose replay is most of its
/// time) after `delay`, then finishes it as a user would: `win sync` if the
/// device was set up before the kill, `win sync init` again if not.
fn join_killed_after(remote: &Remote, name: &str, delay: Duration) -> Journal {
    let journal = Journal::new();
    let mut command = journal.test().args(join_args(remote, name)).command();
    // A group of its own, so that the git it may be running dies with it.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start win sync init");
    std::thread::sleep(delay);
    // SIGKILL: no destructor, no rollback by win itself.
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-9", "--", &group]).status();
    let _ = child.wait();
    let status = journal
        .test()
        .args(["sync", "status"])
        .status_one_of(&[0, 1])
        .run();
    if status.stderr.contains("not set up") || status.stderr.contains("no journal") {
        journal.test().args(join_args(remote, name)).run();
    } else {
        sync(&journal);
    }
    journal
}

#[test]
fn a_replay_killed_anywhere_completes_on_the_next_sync_and_applies_nothing_twice() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let wins: Vec<String> = (0..1500)
        .map(|i| {
            format!(
                r#"{{"text":"win {i}: cut scoring latency by {i}ms","occurred_at":"2026-10-01T10:00:00+02:00","tags":["t{}"]}}"#,
                i % 7
            )
        })
        .collect();
    a.test().args(["import", "-"]).stdin(wins.join("\n")).run();
    let id = id_of(&a, "win 7: cut scoring latency by 7ms");
    a.ok(&["update", &id, "--impact", "p99 -20%"]);
    sync(&a);
    let expected = export(&a);

    // How long an uninterrupted join takes here, to kill others within it.
    let start = Instant::now();
    let whole = device(&remote, "probe", &[]);
    let took = start.elapsed();
    assert_eq!(export(&whole), expected);

    for (n, tenths) in [2_u32, 4, 6, 8].into_iter().enumerate() {
        let journal = join_killed_after(&remote, &format!("b{n}"), took * tenths / 10);
        assert_eq!(export(&journal), expected, "killed at {tenths}/10");
        assert!(
            sync(&journal).contains("0 changes sent, 0 received"),
            "killed at {tenths}/10: nothing left to apply"
        );
        let found = journal.ok(&["search", "scoring", "--format", "json"]);
        assert_eq!(
            found.matches("\"uid\"").count(),
            1500,
            "killed at {tenths}/10: each win indexed once"
        );
    }
}

#[test]
fn a_journal_named_relative_to_the_current_folder_syncs() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["shipped the churn model"]);
    sync(&a);
    // WIN_DB=wins.db: git ran in "" (the parent of "wins.db.sync") and failed.
    let b = Journal::new();
    b.test()
        .args(join_args(&remote, "b"))
        .env("WIN_DB", "wins.db")
        .stderr_contains("1 received")
        .run();
    b.test()
        .args(["sync"])
        .env("WIN_DB", "wins.db")
        .stderr_contains("0 changes sent, 0 received")
        .run();
    assert!(b.path().join("wins.db.sync").join(".git").exists());
}
