//! Integration tests: the real `win` binary in a temp dir, with a fixed
//! clock, no colour, and backtraces switched on (so a panic would show).
//!
//! Every test goes through the builder in `harness.rs`, which sets the whole
//! environment once (journal, clock, config folder, a home inside the temp
//! dir, no colour, no editor). Write a test like this:
//!
//! ```ignore
//! #[test]
//! fn show_names_a_missing_win() {
//!     let journal = Journal::new(); // one temp dir for several commands
//!     journal.add(&["shipped the ranker"]); // or .ok(..), .json(..), .fails(..)
//!     journal.test().args(["show", "1"]).stdout_contains("ranker").run();
//!     let output = journal
//!         .test()
//!         .args(["show", "9"])
//!         .fails() // exit 1 and one `win: …` line; .status(2) for usage errors
//!         .stderr_contains("no win #9")
//!         .run(); // checks everything, returns stdout/stderr/code
//!     assert!(output.stdout.is_empty());
//! }
//! ```
//!
//! `Test::new()` runs on a fresh journal of its own; `.stdin(..)`, `.env(..)`,
//! `.stdout(..)`, `.stderr(..)` and `.shell(..)` do what they say, and
//! `.command()` gives the configured `std::process::Command` for a test that
//! must spawn or kill it. Put a feature's tests in their own file here and
//! add one `mod name;` line below.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

mod harness;
mod overrides;
mod reliability;

pub use harness::{Journal, Test, NOW};

impl Journal {
    /// The old harness's command, now built by `Test` (being phased out).
    fn win(&self) -> Command {
        Command::from_std(self.test().command())
    }
}

fn assert_success(output: &Output, args: &[&str]) {
    assert!(
        output.status.success(),
        "win {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn assert_failure(output: &Output, args: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        output.status.code(),
        Some(1),
        "win {args:?}: stderr {stderr}"
    );
    assert!(stderr.starts_with("win: "), "win {args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line expected: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    stderr
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

#[test]
fn add_prints_the_id_and_a_summary_line() {
    let journal = Journal::new();
    let output = journal
        .win()
        .args([
            "add",
            "cut p99 scoring latency from 240ms to 80ms by batching features",
            "-t",
            "scoring,latency",
        ])
        .output()
        .unwrap();
    assert_success(&output, &["add"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "#1\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
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
            "updates"
        ]
    );
    assert_eq!(journal.json(&["show", "1", "--json"]), win);
}

#[test]
fn add_reads_the_text_from_a_pipe() {
    let journal = Journal::new();
    journal
        .win()
        .args(["add", "-t", "release"])
        .write_stdin("Released v2 of the scorer\n")
        .assert()
        .success();
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "Released v2 of the scorer");
    assert_eq!(win["tags"], serde_json::json!(["release"]));
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
    assert_eq!(journal.ok(&["list", "--format", "json"]).trim(), "[]");
}

#[test]
fn bad_input_gets_one_line_errors_and_stores_nothing() {
    let journal = Journal::new();
    journal.add(&["a first win"]);
    let before = journal.ok(&["list", "--format", "jsonl"]);

    let empty = journal.fails(&["add", "   "]);
    assert!(empty.contains("nothing to record"), "{empty}");
    let output = journal
        .win()
        .arg("add")
        .write_stdin(" \n\t\n")
        .output()
        .unwrap();
    assert!(assert_failure(&output, &["add <blank stdin>"]).contains("nothing to record"));
    let output = journal
        .win()
        .arg("add")
        .write_stdin(vec![0xff, 0xfe, 0x00, 0x41])
        .output()
        .unwrap();
    assert!(assert_failure(&output, &["add <binary stdin>"]).contains("not UTF-8"));

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
        .win()
        .args(["add", "x", "--stage", "shiped"])
        .assert()
        .code(2);
    journal.win().args(["lsit"]).assert().code(2);
}

#[test]
fn no_backtrace_even_with_rust_backtrace_set() {
    let journal = Journal::new();
    let stderr = journal.fails(&["add", "x", "-d", "someday"]);
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
}

#[test]
fn a_file_that_is_not_a_journal_is_refused_and_left_untouched() {
    let journal = Journal::new();
    let dir = journal.dir.path();
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
        let output = journal
            .win()
            .args(["list"])
            .env("WIN_DB", &path)
            .output()
            .unwrap();
        let stderr = assert_failure(&output, &["list"]);
        assert!(stderr.contains("not a win journal"), "{stderr}");
        assert_eq!(file_bytes(&path), bytes, "{name} was changed");
        let output = journal
            .win()
            .args(["add", "x"])
            .env("WIN_DB", &path)
            .output()
            .unwrap();
        assert_failure(&output, &["add"]);
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
    let copy = journal.dir.path().join("copy.db");
    // A clean copy, then cut in half.
    journal.ok(&["list"]);
    std::fs::copy(journal.db(), &copy).unwrap();
    let bytes = file_bytes(&copy);
    let truncated = &bytes[..bytes.len() / 2];
    std::fs::write(&copy, truncated).unwrap();
    let output = journal
        .win()
        .args(["list"])
        .env("WIN_DB", &copy)
        .output()
        .unwrap();
    let stderr = assert_failure(&output, &["list"]);
    assert!(
        stderr.contains("truncated") || stderr.contains("damaged"),
        "{stderr}"
    );
    assert_eq!(file_bytes(&copy), truncated);
}

#[test]
fn an_empty_file_starts_a_clean_journal() {
    let journal = Journal::new();
    let path = journal.dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    journal
        .win()
        .args(["add", "first"])
        .env("WIN_DB", &path)
        .assert()
        .success()
        .stdout("#1\n");
}

#[test]
fn a_folder_that_cannot_be_created_is_a_clear_error() {
    let journal = Journal::new();
    let blocker = journal.dir.path().join("blocker");
    std::fs::write(&blocker, b"a file where a folder should be").unwrap();
    let output = journal
        .win()
        .args(["add", "x"])
        .env("WIN_DB", blocker.join("sub").join("wins.db"))
        .output()
        .unwrap();
    let stderr = assert_failure(&output, &["add"]);
    assert!(stderr.contains("cannot create the folder"), "{stderr}");
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
    let copy = journal.dir.path().join("copy.db");
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
    journal.win().args(["rm", "1", "--yes"]).assert().success();
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
fn frameworks_are_listed_and_user_files_override_them() {
    let journal = Journal::new();
    let listing = journal.ok(&["frameworks"]);
    assert!(
        listing.contains("ml-engineer (in use)") && listing.contains("data-scientist"),
        "{listing}"
    );
    assert!(
        listing.contains("model-development") && listing.contains("business-impact"),
        "{listing}"
    );

    let frameworks = journal.config_dir().join("frameworks");
    std::fs::create_dir_all(&frameworks).unwrap();
    std::fs::write(
        frameworks.join("staff.toml"),
        "name = \"staff\"\ntitle = \"Staff\"\n[[competencies]]\nkey = \"craft\"\ntitle = \"Craft\"\naliases = [\"engineering\"]\n",
    )
    .unwrap();
    std::fs::write(
        journal.config_dir().join("config.toml"),
        "framework = \"staff\"\n",
    )
    .unwrap();
    assert!(journal.ok(&["frameworks"]).contains("staff (in use)"));
    let win = journal.json(&["add", "polished the build", "-c", "engineering", "--json"]);
    assert_eq!(win["competencies"], serde_json::json!(["craft"]));
    let win = journal.json(&[
        "--framework",
        "data-scientist",
        "add",
        "x",
        "-c",
        "production",
        "--json",
    ]);
    assert_eq!(win["competencies"], serde_json::json!(["production"]));
    journal.fails(&["--framework", "ml-engineeer", "frameworks"]);
}

#[test]
fn demo_lists_the_sample_journal_without_touching_a_journal() {
    let journal = Journal::new();
    let out = journal.ok(&["demo"]);
    assert!(out.lines().count() >= 40, "{out}");
    assert!(!journal.db().exists(), "the demo created a journal");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let journal = Journal::new();
    for i in 0..300 {
        journal.add(&[&format!("win {i}")]);
    }
    let mut child = journal
        .test()
        .args(["list", "--format", "jsonl"])
        .command()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_full_output_device_is_an_error() {
    let journal = Journal::new();
    journal.add(&["cut latency on the zeitgeist path"]);
    for args in [&["list"][..], &["search", "zeitgeist"], &["export"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        journal
            .test()
            .args(args)
            .stdout_to(full)
            .fails()
            .stderr_contains("No space left")
            .run();
    }
}

#[test]
fn the_readme_tour_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let tour = readme
        .split("<!-- tour:start -->")
        .nth(1)
        .unwrap()
        .split("<!-- tour:end -->")
        .next()
        .unwrap();
    let commands: Vec<&str> = tour
        .lines()
        .filter_map(|line| line.strip_prefix("$ "))
        .collect();
    assert!(commands.len() >= 8, "the tour lost its commands");
    let journal = Journal::new();
    for command in commands {
        journal.test().shell(command).run();
    }
}

#[test]
fn demo_drafts_match_their_snapshots_and_are_stable() {
    let journal = Journal::new();
    for template in ["self-assessment", "brag-doc", "plain"] {
        let first = journal.ok(&["demo", "--template", template]);
        let second = journal.ok(&["demo", "--template", template]);
        assert_eq!(first, second, "{template} is not deterministic");
        insta::assert_snapshot!(format!("demo-{template}"), first);
    }
}

/// A small journal for review tests: mixed competencies, kinds and stages.
fn review_journal() -> Journal {
    let journal = Journal::new();
    journal.add(&[
        "cut p99 scoring latency from 240ms to 80ms by batching",
        "-c",
        "mlops",
        "-i",
        "checkout timeouts down 60%, saving $40K a month",
        "--stage",
        "measured",
        "--star",
        "-d",
        "2026-03-04",
    ]);
    journal.add(&["worked on the dashboards", "-c", "data", "-d", "2026-04-10"]);
    journal.add(&[
        "ran the pricing A/B test",
        "-c",
        "experimentation",
        "-c",
        "business-impact",
        "--kind",
        "experiment",
        "-i",
        "revenue per visitor +2.4%",
        "-d",
        "2026-05-20",
    ]);
    journal.add(&[
        "deployed the churn model",
        "-c",
        "model-development",
        "--stage",
        "shipped",
        "--role",
        "led",
        "-d",
        "2026-06-01",
    ]);
    journal.add(&[
        "Improved conversion by roughly 8-12%",
        "-c",
        "business-impact",
        "-d",
        "2026-06-15",
    ]);
    journal
}

#[test]
fn review_draft_renders_sections_gaps_and_pending() {
    let journal = review_journal();
    let draft = journal.ok(&[
        "review",
        "draft",
        "--period",
        "2026",
        "--name",
        "Ada",
        "--title",
        "Staff MLE",
    ]);
    assert!(draft.starts_with("# Self-assessment: Ada\n"), "{draft}");
    assert!(draft.contains("Staff MLE · 2026 ·"), "{draft}");
    assert!(draft.contains("## MLOps and production systems"), "{draft}");
    assert!(
        draft.contains("I cut p99 scoring latency from 240ms to 80ms (−66.7%) by batching"),
        "{draft}"
    );
    assert!(
        draft.contains("## Leadership and collaboration\n\n_No wins recorded"),
        "{draft}"
    );
    assert!(
        draft.contains("No wins for **Leadership and collaboration**"),
        "{draft}"
    );
    assert!(
        draft.contains("## Still waiting on impact") && draft.contains("(#4, shipped"),
        "{draft}"
    );
    let led = [
        "I led the work that",
        "I led the effort that",
        "I drove the project that",
    ];
    assert!(
        led.iter()
            .any(|lead| draft.contains(&format!("{lead} deployed the churn model"))),
        "honest verbs for the role: {draft}"
    );
    assert!(
        draft.contains("Also relevant here: ran the pricing A/B test (under Experimentation)"),
        "{draft}"
    );

    let empty = journal.ok(&["review", "draft", "--period", "2025"]);
    assert!(empty.contains("I recorded 0 wins"), "{empty}");
}

#[test]
fn review_draft_formats_context_top_and_max_chars() {
    let journal = review_journal();
    let context = journal.json(&["review", "draft", "--period", "2026", "--context"]);
    assert_eq!(context["counts"]["wins"], 5);
    assert_eq!(context["period"]["label"], "2026");
    assert_eq!(context["sections"][0]["key"], "model-development");
    assert!(context["recency"]["last_sixth_share"].is_number());
    assert_eq!(
        journal.json(&["review", "draft", "--period", "2026", "--format", "json"]),
        context
    );

    let plain = journal.ok(&["review", "draft", "--period", "2026", "--format", "text"]);
    assert!(
        plain.starts_with("SELF-ASSESSMENT") && !plain.contains("##"),
        "{plain}"
    );

    let top = journal.json(&[
        "review",
        "draft",
        "--period",
        "2026",
        "--top",
        "1",
        "--context",
        "-c",
        "business-impact",
    ]);
    let section = top["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "business-impact")
        .unwrap();
    assert_eq!(section["wins"].as_array().unwrap().len(), 1);

    let short = journal.json(&[
        "review",
        "draft",
        "--period",
        "2026",
        "--max-chars",
        "60",
        "--context",
    ]);
    for section in short["sections"].as_array().unwrap() {
        for win in section["wins"].as_array().unwrap() {
            let statement = win["statement"].as_str().unwrap();
            assert!(statement.chars().count() <= 60, "{statement}");
        }
    }
    let latency = short["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["wins"].as_array().unwrap())
        .find(|w| w["id"] == 1)
        .unwrap();
    let statement = latency["statement"].as_str().unwrap();
    assert!(
        statement.contains("240ms") && statement.contains("80ms"),
        "numbers kept: {statement}"
    );
}

#[test]
fn user_templates_override_and_errors_name_the_line() {
    let journal = review_journal();
    let drafts = journal.config_dir().join("templates").join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(
        drafts.join("self-assessment.md"),
        "Mine: {{ counts.wins }} wins\n",
    )
    .unwrap();
    assert_eq!(
        journal.ok(&["review", "draft", "--period", "2026"]),
        "Mine: 5 wins\n"
    );
    let listing = journal.ok(&["templates"]);
    assert!(
        listing.contains("drafts/self-assessment.md")
            && listing.contains(&drafts.display().to_string()),
        "{listing}"
    );

    let broken = journal.dir.path().join("broken.md");
    std::fs::write(
        &broken,
        "line one\nline two\n{{ counts.wins | nosuchfilter }}\n",
    )
    .unwrap();
    let stderr = journal.fails(&["review", "draft", "--template", broken.to_str().unwrap()]);
    assert!(
        stderr.contains("line 3") && stderr.contains("broken.md"),
        "{stderr}"
    );
    assert!(stderr.contains("nosuchfilter"), "{stderr}");

    let endless = journal.dir.path().join("endless.md");
    std::fs::write(&endless, "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}").unwrap();
    let stderr = journal.fails(&["review", "draft", "--template", endless.to_str().unwrap()]);
    assert!(stderr.contains("ran too long"), "{stderr}");

    let snooping = journal.dir.path().join("snoop.md");
    std::fs::write(&snooping, "{% include '/etc/passwd' %}").unwrap();
    let stderr = journal.fails(&["review", "draft", "--template", snooping.to_str().unwrap()]);
    assert!(stderr.contains("template"), "{stderr}");
}

#[test]
fn win_text_is_data_never_template_code() {
    let journal = Journal::new();
    journal.add(&[
        "shipped {{ 7*7 }} and {% for x in range(3) %}loop{% endfor %}",
        "-c",
        "mlops",
        "-i",
        "{{ counts }}",
    ]);
    let draft = journal.ok(&["review", "draft"]);
    assert!(
        draft.contains("{{ 7*7 }}") && draft.contains("{% for x in range(3) %}loop{% endfor %}"),
        "{draft}"
    );
    assert!(draft.contains("{{ counts }}"), "{draft}");
    assert!(!draft.contains("49"), "{draft}");
}

#[test]
fn templates_show_prints_a_copyable_file() {
    let journal = Journal::new();
    let shown = journal.ok(&["templates", "show", "brag-doc"]);
    assert!(shown.contains("# Brag document"), "{shown}");
    let bank = journal.ok(&["templates", "show", "phrases/kind/negative-result.toml"]);
    assert!(bank.contains("patterns"), "{bank}");
    let stderr = journal.fails(&["templates", "show", "nope"]);
    assert!(stderr.contains("self-assessment"), "{stderr}");
    let listed = journal.json(&["templates", "--json"]);
    assert!(listed.as_array().unwrap().len() >= 10);
}

#[test]
fn review_check_reports_findings_and_explains_rules() {
    let journal = review_journal();
    let report = journal.json(&["review", "check", "--period", "2026", "--format", "json"]);
    let rules_of = |id: i64| -> Vec<String> {
        report["wins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == id)
            .map_or(Vec::new(), |w| {
                w["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["rule"].as_str().unwrap().to_string())
                    .collect()
            })
    };
    assert!(
        rules_of(2).contains(&"weak-verb".to_string()),
        "{:?}",
        rules_of(2)
    );
    assert!(rules_of(2).contains(&"no-number".to_string()));
    assert!(
        rules_of(5).contains(&"hedged-number".to_string()),
        "{:?}",
        rules_of(5)
    );
    assert!(
        rules_of(4).contains(&"pending-impact".to_string()),
        "{:?}",
        rules_of(4)
    );
    assert!(
        !rules_of(1).contains(&"no-business-outcome".to_string()),
        "{:?}",
        rules_of(1)
    );
    let leadership = report["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "leadership")
        .unwrap();
    assert_eq!(leadership["wins"], 0);

    let text = journal.ok(&["review", "check", "--period", "2026"]);
    assert!(
        text.contains("weak verb (weak-verb)") && text.contains("By competency"),
        "{text}"
    );

    let explained = journal.ok(&["review", "check", "--explain", "hedged-number"]);
    assert!(
        explained.contains("weak:") && explained.contains("strong:"),
        "{explained}"
    );
    let stderr = journal.fails(&["review", "check", "--explain", "hedge"]);
    assert!(stderr.contains("hedged-number"), "{stderr}");
}

#[test]
fn stats_show_coverage_and_recency() {
    let journal = review_journal();
    let stats = journal.json(&["stats", "--period", "2026", "--format", "json"]);
    assert_eq!(stats["wins"], 5);
    assert_eq!(stats["coverage"]["by_month"].as_array().unwrap().len(), 12);
    assert_eq!(stats["coverage"]["by_month"][2]["wins"], 1);
    assert_eq!(stats["recency"]["flagged"], false);
    let table = journal.ok(&["stats", "--period", "2026"]);
    assert!(
        table.contains("mlops") && table.contains("recency:"),
        "{table}"
    );

    let recent = Journal::new();
    for day in ["2026-11-01", "2026-11-05", "2026-11-10", "2026-02-01"] {
        recent.add(&["shipped it", "-d", day]);
    }
    let stats = recent.json(&["stats", "--since", "2026-01-01", "--format", "json"]);
    assert_eq!(stats["recency"]["flagged"], true, "{stats}");
}

#[test]
fn search_stems_ranks_and_takes_punctuation_literally() {
    let journal = Journal::new();
    journal.add(&["tuned the ranker's learning rate", "-t", "ranking"]);
    journal.add(&[
        "fixed training-serving skew in the feature store",
        "-p",
        "fraud",
    ]);
    journal.add(&["wrote about tuning", "-d", "2026-01-05"]);
    journal.ok(&["update", "2", "--impact", "recall recovered"]);

    let ids = |args: &[&str]| -> Vec<i64> {
        let mut full = vec!["search"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--format", "json"]);
        let output = journal.win().args(&full).output().unwrap();
        if output.status.code() == Some(1) && output.stderr.is_empty() {
            return Vec::new();
        }
        assert_success(&output, &full);
        let hits: Value = serde_json::from_slice(&output.stdout).unwrap();
        hits.as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_i64().unwrap())
            .collect()
    };
    let mut tuned = ids(&["tuning"]);
    tuned.sort_unstable();
    assert_eq!(tuned, [1, 3], "porter stemming finds tuned and tuning");
    assert_eq!(ids(&["\"feature store\""]), [2]);
    assert_eq!(ids(&["training-serving"]), [2]);
    assert_eq!(
        ids(&["skew:", "\"unclosed"]).len(),
        0,
        "stray quotes are literal, not errors"
    );
    assert_eq!(ids(&["recovered"]), [2], "updates are searched");
    assert_eq!(ids(&["fraud"]), [2], "the project is searched");
    assert_eq!(ids(&["tuning", "--since", "2026-06-01"]), [1]);
    let hit = journal.json(&["search", "store", "--format", "json"]);
    assert!(
        hit[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("feature store"),
        "{hit}"
    );
    assert!(hit[0]["score"].as_f64().unwrap() > 0.0);

    let output = journal
        .win()
        .args(["search", "nothing-like-this"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    for hostile in [
        "AND",
        "OR NOT",
        "NEAR(a b)",
        "col:umn",
        "*",
        "\"\"",
        "a\"b\"c\"",
    ] {
        let output = journal.win().args(["search", hostile]).output().unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{hostile}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&output.stderr).contains("fts5"),
            "{hostile}"
        );
    }
    let lines = journal.ok(&["search", "ranker"]);
    assert!(lines.starts_with("1\t"), "{lines}");
}

#[test]
fn export_streams_every_format() {
    let journal = review_journal();
    let all = journal.json(&["export"]);
    let wins = all.as_array().unwrap();
    assert_eq!(wins.len(), 5);
    assert_eq!(wins[0]["id"], 1, "oldest first");
    assert!(wins[0]["metrics"][0]["change_pct"].is_number());
    let jsonl = journal.ok(&["export", "--format", "jsonl", "-c", "mlops"]);
    assert_eq!(jsonl.lines().count(), 1);
    // The export streams stored columns; it must say exactly what `win show --json` says.
    journal.ok(&[
        "update",
        "1",
        "--stage",
        "adopted",
        "-i",
        "tickets -40%",
        "-n",
        "next step",
    ]);
    let streamed: Vec<Value> = journal
        .ok(&["export", "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for win in &streamed {
        let id = win["id"].as_i64().unwrap().to_string();
        assert_eq!(win, &journal.json(&["show", &id, "--json"]), "win #{id}");
    }
    let csv = journal.ok(&["export", "--format", "csv"]);
    assert!(
        csv.lines()
            .nth(3)
            .unwrap()
            .contains("experimentation;business-impact"),
        "{csv}"
    );
    let md = journal.ok(&["export", "--format", "md"]);
    assert!(md.starts_with("## March 2026"), "{md}");
    assert_eq!(journal.ok(&["export", "--period", "2020"]).trim(), "[]");
}

#[test]
fn import_round_trips_and_is_idempotent() {
    let source = review_journal();
    source.ok(&[
        "update",
        "4",
        "--stage",
        "measured",
        "-i",
        "churn down 1 point",
    ]);
    let exported = source.ok(&["export", "--format", "jsonl"]);
    let target = Journal::new();
    let file = target.dir.path().join("wins.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let path = file.to_str().unwrap();

    let output = target.win().args(["import", path]).output().unwrap();
    assert_success(&output, &["import"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("added 5 wins, skipped 0"));
    let output = target.win().args(["import", path]).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("added 0 wins, skipped 5"));

    let strip_ids = |text: &str| -> Vec<Value> {
        text.lines()
            .map(|line| {
                let mut win: Value = serde_json::from_str(line).unwrap();
                win.as_object_mut().unwrap().remove("id");
                win
            })
            .collect()
    };
    assert_eq!(
        strip_ids(&target.ok(&["export", "--format", "jsonl"])),
        strip_ids(&exported)
    );

    // --update replaces in place; a JSON array works as well as jsonl.
    let mut wins: Vec<Value> = strip_ids(&exported);
    wins[0]["text"] = Value::from("rewritten elsewhere");
    std::fs::write(&file, serde_json::to_string(&wins).unwrap()).unwrap();
    target.ok(&["import", path, "--update"]);
    assert_eq!(
        target.json(&["show", "1", "--json"])["text"],
        "rewritten elsewhere"
    );
    assert_eq!(target.json(&["export"]).as_array().unwrap().len(), 5);

    // The same uid twice in one --update file: the later record wins,
    // tags and competencies included.
    let uid = wins[1]["uid"].as_str().unwrap().to_string();
    let twice = format!(
        "{{\"uid\":\"{uid}\",\"text\":\"first take\",\"tags\":[\"alpha\",\"beta\"],\"competencies\":[\"data\"]}}\n\
         {{\"uid\":\"{uid}\",\"text\":\"second take\",\"tags\":[\"gamma\"],\"competencies\":[\"mlops\"]}}\n"
    );
    std::fs::write(&file, twice).unwrap();
    target.ok(&["import", path, "--update"]);
    let replaced = target.json(&["search", "take", "--format", "json"]);
    let replaced = replaced.as_array().unwrap();
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_eq!(replaced[0]["text"], "second take");
    assert_eq!(replaced[0]["tags"], serde_json::json!(["gamma"]));
    assert_eq!(replaced[0]["competencies"], serde_json::json!(["mlops"]));
    let stale = target.win().args(["search", "alpha"]).output().unwrap();
    assert_eq!(stale.status.code(), Some(1), "no win is tagged alpha now");
    assert!(stale.stdout.is_empty());
}

#[test]
fn import_is_atomic_and_names_the_bad_line() {
    let journal = Journal::new();
    let file = journal.dir.path().join("bad.jsonl");
    std::fs::write(
        &file,
        "{\"text\": \"one\"}\n{\"text\": \"two\", \"colour\": \"red\"}\n{\"text\": \"three\"}\n",
    )
    .unwrap();
    let stderr = journal.fails(&["import", file.to_str().unwrap()]);
    assert!(
        stderr.contains("line 2")
            && stderr.contains("colour")
            && stderr.contains("nothing was imported"),
        "{stderr}"
    );
    std::fs::write(&file, "{\"text\": \"one\"}\n{\"text\": \"   \"}\n").unwrap();
    let stderr = journal.fails(&["import", file.to_str().unwrap()]);
    assert!(
        stderr.contains("line 2") && stderr.contains("empty"),
        "{stderr}"
    );
    std::fs::write(
        &file,
        "{\"text\": \"one\", \"occurred_at\": \"last tuesday\"}\n",
    )
    .unwrap();
    journal.fails(&["import", file.to_str().unwrap()]);
    std::fs::write(&file, [0xffu8, 0xfe, 0x00]).unwrap();
    let stderr = journal.fails(&["import", file.to_str().unwrap()]);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert_eq!(journal.ok(&["export"]).trim(), "[]");
    // The rolled-back imports left the full-text triggers in place.
    journal.add(&["tuned the ranker", "-t", "relevance"]);
    for word in ["tuned", "relevance"] {
        let hits = journal.json(&["search", word, "--format", "json"]);
        assert_eq!(hits.as_array().unwrap().len(), 1, "{word}");
    }
    journal.fails(&[
        "import",
        journal.dir.path().join("missing.jsonl").to_str().unwrap(),
    ]);
}

#[test]
fn import_reads_jrnl_csv_and_stdin_with_dry_run() {
    let journal = Journal::new();
    let jrnl = r#"{"tags": {"@ml": 2}, "entries": [
        {"title": "Cut p99 latency from 240ms to 80ms.", "body": "", "date": "2026-03-04", "time": "09:30", "tags": ["@ml"], "starred": true},
        {"title": "Mentored two interns.", "body": "Both shipped.", "date": "2026-04-01", "time": "18:00", "tags": ["@ml", "@people"], "starred": false}
    ]}"#;
    let output = journal
        .win()
        .args(["import", "-", "--dry-run"])
        .write_stdin(jrnl)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("would add 2 wins"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(journal.ok(&["export"]).trim(), "[]");
    journal
        .win()
        .args(["import", "-"])
        .write_stdin(jrnl)
        .assert()
        .success();
    let wins = journal.json(&["export"]);
    assert_eq!(wins[0]["text"], "Cut p99 latency from 240ms to 80ms.");
    assert_eq!(wins[0]["starred"], true);
    assert_eq!(wins[0]["tags"], serde_json::json!(["ml"]));
    assert_eq!(
        wins[0]["competencies"],
        serde_json::json!(["mlops"]),
        "analysed on import"
    );
    assert_eq!(wins[1]["text"], "Mentored two interns.\nBoth shipped.");

    let csv = journal.dir.path().join("wins.csv");
    std::fs::write(&csv, journal.ok(&["export", "--format", "csv"])).unwrap();
    let fresh = Journal::new();
    fresh.ok(&["import", csv.to_str().unwrap()]);
    let again = fresh.json(&["export"]);
    assert_eq!(again[1]["tags"], serde_json::json!(["ml", "people"]));
    assert_eq!(again[0]["uid"], wins[0]["uid"]);
}

#[test]
fn completions_and_man_page() {
    let journal = Journal::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = journal.ok(&["completions", shell]);
        assert!(
            script.contains("review") && script.contains("import"),
            "{shell}"
        );
    }
    let man = journal.ok(&["man"]);
    assert!(man.contains(".TH win 1"), "{man}");
    journal.win().args(["completions", "tcsh"]).assert().code(2);
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

#[test]
fn add_edit_opens_the_editor_on_a_commented_buffer() {
    let journal = Journal::new();
    let editor = "sh -c 'grep -q \"^# Write what you did\" \"$1\" && printf \"shipped the ranker\\nImpact: CTR +3%%\\nNext: try LTR\\n# a comment\\n\" > \"$1\"' sh";
    let output = journal
        .win()
        .args(["add", "-e", "--json"])
        .env("EDITOR", editor)
        .output()
        .unwrap();
    assert_success(&output, &["add -e"]);
    let win: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(win["text"], "shipped the ranker");
    assert_eq!(win["impact"], "CTR +3%");
    assert_eq!(win["next"], "try LTR");
    let output = journal
        .win()
        .args(["add", "-e"])
        .env("EDITOR", "/nonexistent/editor")
        .output()
        .unwrap();
    assert!(assert_failure(&output, &["add -e, no editor"]).contains("cannot run the editor"));
}
