//! Capturing a win: `win add`, its input from arguments, pipes and the
//! editor, and the one-line errors bad input gets.

use crate::harness::Journal;

#[test]
fn add_prints_the_id_and_a_summary_line() {
    let journal = Journal::new();
    let stderr = journal
        .test()
        .args([
            "add",
            "cut p99 scoring latency from 240ms to 80ms by batching features",
            "-t",
            "scoring,latency",
        ])
        .stdout("#1\n")
        .run()
        .stderr;
    assert!(stderr.starts_with("recorded #1 on 2026-11-21"), "{stderr}");
    assert!(stderr.contains("mlops (inferred from: "), "{stderr}");
    assert!(stderr.contains("tags: scoring, latency"), "{stderr}");
    assert_eq!(journal.add(&["second win"]), 2);
}

#[test]
fn add_stores_every_field_and_json_has_the_design_shape() {
    let journal = Journal::new();
    let win = journal.json(&[
        "add",
        "Shipped",
        "the",
        "ranker",
        "-i",
        "CTR +3%",
        "-n",
        "try LTR",
        "-c",
        "Model development",
        "-c",
        "mlops",
        "-t",
        "Ranker",
        "-p",
        "search",
        "-d",
        "2026-11-02",
        "--kind",
        "shipped",
        "--role",
        "co-led",
        "--stage",
        "measured",
        "--link",
        "https://example.test/pr/1",
        "--star",
        "--json",
    ]);
    assert_eq!(win["id"], 1);
    assert_eq!(win["text"], "Shipped the ranker");
    assert_eq!(win["impact"], "CTR +3%");
    assert_eq!(win["next"], "try LTR");
    assert_eq!(
        win["competencies"],
        serde_json::json!(["model-development", "mlops"])
    );
    assert_eq!(win["competency_source"], "user");
    assert_eq!(win["tags"], serde_json::json!(["ranker"]));
    assert_eq!(win["project"], "search");
    assert_eq!(win["occurred_at"], "2026-11-02T17:05:00+01:00");
    assert_eq!(win["kind"], "shipped");
    assert_eq!(win["role"], "co-led");
    assert_eq!(win["stage"], "measured");
    assert_eq!(win["starred"], true);
    assert_eq!(
        win["links"],
        serde_json::json!(["https://example.test/pr/1"])
    );
    assert_eq!(win["updates"], serde_json::json!([]));
    let uid = win["uid"].as_str().unwrap();
    assert_eq!(uid.len(), 36);
    assert_eq!(&uid[14..15], "7", "a UUID v7");
    let keys: Vec<&str> = win
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "uid",
            "occurred_at",
            "created_at",
            "updated_at",
            "text",
            "polished",
            "impact",
            "next",
            "kind",
            "role",
            "stage",
            "starred",
            "competencies",
            "competency_source",
            "suggestions",
            "tags",
            "project",
            "links",
            "metrics",
            "updates",
            "status",
            "provenance"
        ]
    );
    // Typed at the command line: in the journal, from no agent.
    assert_eq!(win["status"], "accepted");
    assert_eq!(win["provenance"], serde_json::Value::Null);
    assert_eq!(journal.json(&["show", "1", "--json"]), win);
}

#[test]
fn add_reads_the_text_from_a_pipe() {
    let journal = Journal::new();
    journal
        .test()
        .args(["add", "-t", "release"])
        .stdin("Released v2 of the scorer\n")
        .run();
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "Released v2 of the scorer");
    assert_eq!(win["tags"], serde_json::json!(["release"]));
}

#[test]
fn a_dash_reads_the_text_from_a_pipe_as_import_does() {
    let journal = Journal::new();
    journal
        .test()
        .args(["add", "-"])
        .stdin("mentored two new hires\n")
        .run();
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "mentored two new hires");
}

#[test]
fn dry_run_stores_nothing() {
    let journal = Journal::new();
    let preview = journal.json(&["add", "--dry-run", "--json", "raised AUC from 0.81 to 0.88"]);
    assert_eq!(preview["metrics"][0]["before"], 0.81);
    assert_eq!(preview["metrics"][0]["after"], 0.88);
    assert!(preview["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "no-impact"));
    let missing = journal.fails(&["list", "--format", "json"]);
    assert!(
        missing.contains("no journal"),
        "a dry run creates nothing: {missing}"
    );
    assert!(!journal.db().parent().unwrap().exists());
}

#[test]
fn bad_input_gets_one_line_errors_and_stores_nothing() {
    let journal = Journal::new();
    journal.add(&["a first win"]);
    let before = journal.ok(&["list", "--format", "jsonl"]);

    let empty = journal.fails(&["add", "   "]);
    assert!(empty.contains("nothing to record"), "{empty}");
    journal
        .test()
        .arg("add")
        .stdin(" \n\t\n")
        .fails()
        .stderr_contains("nothing to record")
        .run();
    journal
        .test()
        .arg("add")
        .stdin(vec![0xff, 0xfe, 0x00, 0x41])
        .fails()
        .stderr_contains("not UTF-8")
        .run();

    let unknown = journal.fails(&["add", "x", "-c", "mlop"]);
    assert!(unknown.contains("unknown competency \"mlop\""), "{unknown}");
    assert!(unknown.contains("did you mean \"mlops\""), "{unknown}");

    let bad_date = journal.fails(&["add", "x", "-d", "the other day"]);
    assert!(
        bad_date.contains("cannot read the date \"the other day\""),
        "{bad_date}"
    );
    assert!(bad_date.contains("last monday"), "{bad_date}");
    let future = journal.fails(&["add", "x", "-d", "2026-12-01"]);
    assert!(future.contains("in the future"), "{future}");

    let missing = journal.fails(&["show", "42"]);
    assert!(missing.contains("no win #42"), "{missing}");
    journal.fails(&["edit", "42", "--impact", "x"]);
    journal.fails(&["update", "42", "--stage", "shipped"]);
    journal.fails(&["star", "42"]);
    journal.fails(&["rm", "1", "42", "--yes"]);

    assert_eq!(
        journal.ok(&["list", "--format", "jsonl"]),
        before,
        "nothing changed"
    );
}

#[test]
fn usage_errors_exit_2() {
    let journal = Journal::new();
    journal
        .test()
        .args(["add", "x", "--stage", "shiped"])
        .status(2)
        .run();
    journal.test().args(["lsit"]).status(2).run();
}

#[test]
fn no_backtrace_even_with_rust_backtrace_set() {
    let journal = Journal::new();
    let stderr = journal.fails(&["add", "x", "-d", "someday"]);
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
}

#[test]
fn add_edit_opens_the_editor_on_a_commented_buffer() {
    let journal = Journal::new();
    let editor = "sh -c 'grep -q \"^# Write what you did\" \"$1\" && printf \"shipped the ranker\\nImpact: CTR +3%%\\nNext: try LTR\\n# a comment\\n\" > \"$1\"' sh";
    let win = journal
        .test()
        .args(["add", "-e", "--json"])
        .env("EDITOR", editor)
        .run()
        .json();
    assert_eq!(win["text"], "shipped the ranker");
    assert_eq!(win["impact"], "CTR +3%");
    assert_eq!(win["next"], "try LTR");
    journal
        .test()
        .args(["add", "-e"])
        .env("EDITOR", "/nonexistent/editor")
        .fails()
        .stderr_contains("cannot run the editor")
        .run();
}

/// Thousands of tags made a capture quadratic (every tag row rewrote the
/// win's full-text row): a win takes at most 100 tags, and 100 links.
#[test]
fn a_win_takes_at_most_a_hundred_tags() {
    let journal = Journal::new();
    let tags = |n: usize| {
        (0..n)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    journal.add(&["cut p99 latency", "-t", &tags(100)]);
    crate::user_files::bounded(&journal)
        .args(["add", "cut p99 latency again", "-t", &tags(5000)])
        .fails()
        .stderr_contains("the win has 5000 tags, over the limit of 100")
        .run();
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A win whose text has a line starting with `#` (a PR number) or
/// `Impact:` could never be edited in `$EDITOR`: the buffer dropped the
/// line, and the edit was taken for a change made by another command.
#[test]
fn a_text_with_comment_like_lines_is_edited_in_the_editor() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: script(1) is missing, so no terminal can be faked");
        return;
    }
    let journal = Journal::new();
    journal.add(&[
        "shipped the ranker\n#412 merged\nImpact: big",
        "-c",
        "mlops",
    ]);
    let output = journal
        .test()
        .shell("script -qec 'win edit 1' /dev/null")
        .env("EDITOR", "sed -i 1s/shipped/launched/")
        .status_one_of(&[0, 1])
        .run();
    assert_eq!(output.code, Some(0), "{}{}", output.stdout, output.stderr);
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "launched the ranker\n#412 merged\nImpact: big");
}

#[test]
fn an_inferred_competency_says_how_to_change_it() {
    let journal = Journal::new();
    journal.add(&["first"]);
    let stderr = journal
        .test()
        .args(["add", "mentored two new hires through their first launch"])
        .stderr_contains("leadership (inferred from: ")
        .stderr_contains("change with: win edit 2 -c NAME)")
        .run()
        .stderr;
    assert!(!stderr.contains("set with -c"), "{stderr}");
}
