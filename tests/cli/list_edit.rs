//! Browsing and changing wins: list, show, edit, rm, star, update, pending.

use serde_json::Value;

use crate::harness::{Journal, NOW};

#[test]
fn list_filters_and_formats() {
    let journal = Journal::new();
    journal.add(&[
        "ran the pricing A/B test",
        "-c",
        "experimentation",
        "-t",
        "pricing",
        "-d",
        "2026-02-10",
    ]);
    journal.add(&[
        "deployed the ranker",
        "-c",
        "mlops",
        "-p",
        "search",
        "--stage",
        "shipped",
        "-d",
        "2026-07-01",
    ]);
    journal.add(&[
        "mentored an intern",
        "-c",
        "leadership",
        "--star",
        "-d",
        "2026-11-20",
    ]);

    let lines = journal.ok(&["list"]);
    let ids: Vec<&str> = lines
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["3", "2", "1"],
        "newest first, tab-separated when piped"
    );

    let ids = |args: &[&str]| -> Vec<i64> {
        let mut full = vec!["list", "--format", "json"];
        full.extend_from_slice(args);
        journal
            .json(&full)
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["--period", "2026-H1"]), [1]);
    assert_eq!(ids(&["--since", "2026-06-01"]), [3, 2]);
    assert_eq!(ids(&["--until", "2026-07-01"]), [2, 1]);
    assert_eq!(ids(&["-c", "ops"]), [2]);
    assert_eq!(ids(&["-t", "pricing"]), [1]);
    assert_eq!(ids(&["-p", "Search"]), [2]);
    assert_eq!(ids(&["--stage", "shipped"]), [2]);
    assert_eq!(ids(&["--starred"]), [3]);
    assert_eq!(ids(&["-n", "2"]), [3, 2]);
    assert_eq!(ids(&["--period", "2025"]), Vec::<i64>::new());
    journal.fails(&["list", "--period", "2026-Q5"]);
    journal.fails(&["list", "-c", "cooking"]);

    let jsonl = journal.ok(&["list", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 3);
    for line in jsonl.lines() {
        serde_json::from_str::<Value>(line).expect("each line is JSON");
    }
    let csv = journal.ok(&["list", "--format", "csv"]);
    assert!(csv.starts_with("id,uid,occurred_at,"), "{csv}");
    assert_eq!(csv.lines().count(), 4);
    let md = journal.ok(&["list", "--format", "md"]);
    assert!(
        md.contains("## November 2026") && md.contains("## February 2026"),
        "{md}"
    );
    assert!(md.contains("★ **2026-11-20** — mentored an intern"), "{md}");
}

#[test]
fn edit_changes_fields_and_reanalyses() {
    let journal = Journal::new();
    journal.add(&["shipped the model", "-c", "mlops"]);
    let win = journal.json(&[
        "edit",
        "1",
        "--text",
        "raised recall from 0.70 to 0.80",
        "-i",
        "fraud losses -10%",
        "-t",
        "fraud",
        "--json",
    ]);
    assert_eq!(win["text"], "raised recall from 0.70 to 0.80");
    assert_eq!(win["impact"], "fraud losses -10%");
    assert_eq!(win["tags"], serde_json::json!(["fraud"]));
    assert_eq!(
        win["competencies"],
        serde_json::json!(["mlops"]),
        "user competencies survive edits"
    );
    assert_eq!(win["metrics"][0]["after"], 0.8);
    let stderr = journal.fails(&["edit", "1"]);
    assert!(stderr.contains("nothing to change"), "{stderr}");
    journal.fails(&["edit", "1", "--text", "  "]);
}

#[test]
fn rm_needs_confirmation_when_not_on_a_terminal() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.add(&["two"]);
    let stderr = journal.fails(&["rm", "1"]);
    assert!(stderr.contains("--yes"), "{stderr}");
    journal.test().args(["rm", "1", "--yes"]).run();
    let wins = journal.json(&["list", "--format", "json"]);
    assert_eq!(wins.as_array().unwrap().len(), 1);
    assert_eq!(wins[0]["text"], "two");
}

#[test]
fn star_and_unstar() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.ok(&["star", "1"]);
    assert_eq!(journal.json(&["show", "1", "--json"])["starred"], true);
    journal.ok(&["star", "1", "--unstar"]);
    assert_eq!(journal.json(&["show", "1", "--json"])["starred"], false);
}

#[test]
fn update_appends_to_the_timeline_and_pending_follows_it() {
    let journal = Journal::new();
    journal.add(&[
        "deployed the churn model",
        "--stage",
        "shipped",
        "-d",
        "2026-09-01",
    ]);
    journal.add(&[
        "deployed the ranker",
        "--stage",
        "shipped",
        "-d",
        "2026-11-18",
    ]);
    journal.add(&["tried an idea", "--stage", "idea", "-d", "2026-08-01"]);

    let pending = journal.json(&["pending", "--json"]);
    let ids: Vec<i64> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2], "oldest first, only shipped");
    assert_eq!(pending[0]["waiting_days"], 81);
    let older: Vec<Value> =
        serde_json::from_str(&journal.ok(&["pending", "--older-than", "14d", "--json"])).unwrap();
    assert_eq!(older.len(), 1);

    let win = journal.json(&[
        "update",
        "1",
        "retention team uses it weekly",
        "--stage",
        "measured",
        "-i",
        "churn down from 6.2% to 5.1%",
        "--json",
    ]);
    assert_eq!(win["stage"], "measured");
    assert_eq!(win["impact"], "churn down from 6.2% to 5.1%");
    assert_eq!(win["updates"][0]["text"], "retention team uses it weekly");
    assert_eq!(win["updates"][0]["at"], NOW);
    // The count is in the right number, not "1 update(s)".
    journal
        .test()
        .args(["update", "2", "the ranking team adopted it"])
        .stderr_contains("· 1 update on its timeline")
        .run();
    let pending = journal.json(&["pending", "--json"]);
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let shown = journal.ok(&["show", "1"]);
    assert!(
        shown.contains("timeline:") && shown.contains("→ measured"),
        "{shown}"
    );
    let stderr = journal.fails(&["update", "1"]);
    assert!(stderr.contains("nothing to record"), "{stderr}");
    journal.fails(&["update", "1", "x", "-d", "2026-08-01"]);
}

#[test]
fn ids_are_taken_as_win_prints_them() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.add(&["two"]);
    assert!(journal.ok(&["show", "#2"]).contains("two"));
    journal.ok(&["star", "#1"]);
    journal.ok(&["update", "#1", "--stage", "shipped"]);
    journal.ok(&["edit", "#1", "--text", "one, edited"]);
    journal.ok(&["rm", "#1", "#2", "--yes"]);
    journal
        .test()
        .args(["show", "four"])
        .status(2)
        .stderr_contains("such as 4 or #4")
        .run();
}

#[test]
fn a_limit_of_zero_is_refused_rather_than_reported_as_no_match() {
    let journal = Journal::new();
    journal.add(&["one"]);
    for command in ["list", "export", "search"] {
        let mut args = vec![command, "-n", "0"];
        if command == "search" {
            args.push("one");
        }
        let output = journal
            .test()
            .args(&args)
            .status(2)
            .stderr_contains("give 1 or more")
            .run();
        assert!(
            !output.stderr.contains("no wins match"),
            "{}",
            output.stderr
        );
    }
    assert!(journal.ok(&["list", "-n", "1"]).contains("one"));
}

#[test]
fn a_deleted_win_number_is_never_given_again() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.add(&["two"]);
    journal.ok(&["rm", "2", "--yes"]);
    assert_eq!(journal.add(&["three"]), 3, "#2 was deleted, not free");
    journal.ok(&["rm", "1", "3", "--yes"]);
    assert_eq!(journal.add(&["four"]), 4, "an emptied journal counts on");
}
