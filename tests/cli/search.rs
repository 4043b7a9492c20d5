//! Full-text search: stemming, ranking, and hostile queries taken literally.

use crate::harness::Journal;

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
        let output = journal.test().args(&full).status_one_of(&[0, 1]).run();
        if output.code == Some(1) && output.stderr.is_empty() {
            return Vec::new();
        }
        assert_eq!(output.code, Some(0), "win {full:?}: {}", output.stderr);
        output
            .json()
            .as_array()
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

    journal
        .test()
        .args(["search", "nothing-like-this"])
        .status(1)
        .stdout("")
        .stderr("")
        .run();
    for hostile in [
        "AND",
        "OR NOT",
        "NEAR(a b)",
        "col:umn",
        "*",
        "\"\"",
        "a\"b\"c\"",
    ] {
        let output = journal
            .test()
            .args(["search", hostile])
            .status_one_of(&[0, 1])
            .run();
        assert!(!output.stderr.contains("fts5"), "{hostile}");
    }
    let lines = journal.ok(&["search", "ranker"]);
    assert!(lines.starts_with("1\t"), "{lines}");
}

#[test]
fn one_long_win_is_searched_at_once_with_a_snippet_of_one_line() {
    // 10 MB with the word in every sentence (about 250,000 matches): a
    // journal from before the size limits, or a win whose updates add up.
    // FTS5's snippet() scored every match against every other, which ran
    // for minutes; `timeout` ends the command if that comes back.
    let journal = Journal::new();
    journal.add(&["a short win about kubeflow"]);
    let long = journal.add(&["to be replaced"]);
    let text = "ran the nightly retraining on kubeflow. ".repeat(262_144);
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    conn.execute(
        "UPDATE wins SET text = ?1 WHERE id = ?2",
        rusqlite::params![text, long],
    )
    .unwrap();
    drop(conn);
    for format in ["text", "table"] {
        let mut args = vec!["search", "kubeflow", "-n", "5"];
        if format == "table" {
            args.extend(["--format", "table"]);
        }
        let output = journal.test().wrapper(["timeout", "120"]).args(&args).run();
        let lines: Vec<&str> = output.stdout.lines().collect();
        assert_eq!(lines.len(), 2, "{}", output.stdout);
        let start = if format == "table" {
            format!("#{long} ")
        } else {
            format!("{long}\t")
        };
        let line = lines
            .iter()
            .find(|line| line.starts_with(&start))
            .unwrap_or_else(|| panic!("no line for the long win: {lines:?}"));
        assert!(line.chars().count() < 200, "{line}");
        assert!(line.contains("nightly retraining on kubeflow"), "{line}");
    }
    let hits = journal.json(&["search", "kubeflow", "--format", "json"]);
    for hit in hits.as_array().unwrap() {
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(snippet.chars().count() < 200, "{snippet}");
        assert!(snippet.contains("kubeflow"), "{snippet}");
    }
}

#[test]
fn search_has_a_small_query_syntax_that_user_input_cannot_break() {
    let journal = Journal::new();
    journal.add(&["cut p99 scoring latency from 240ms to 80ms"]);
    journal.add(&["mentored two new hires"]);
    journal.add(&["retrained the p99 alerting model"]);
    journal.add(&["fixed drift in the feature store"]);
    let found = |query: &str| -> Vec<i64> {
        let output = journal
            .test()
            .args(["search", query, "--format", "json"])
            .status_one_of(&[0, 1])
            .run();
        if output.code == Some(1) {
            assert!(
                output.stdout.is_empty() && output.stderr.is_empty(),
                "{}",
                output.stderr
            );
            return Vec::new();
        }
        let mut ids: Vec<i64> = output
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(found("latency OR mentored"), [1, 2]);
    assert_eq!(found("p99 -latency"), [3]);
    assert_eq!(found("p99 -\"scoring latency\""), [3]);
    assert_eq!(found("retrain*"), [3]);
    assert_eq!(found("\"feature store\""), [4]);
    assert_eq!(found("\"store feature\""), Vec::<i64>::new());
    assert_eq!(found("p99 latency"), [1]);
    // FTS5's own syntax typed by a person is text, never a syntax error.
    for query in [
        "p99 NOT latency",
        "NEAR(p99 latency)",
        "p99 AND",
        "col:umn",
        "\"unclosed",
        "a\"b\"c",
        "-",
        "--",
        "(",
        ")",
        "*",
        "p99*)",
        "^p99",
        "+",
        "OR OR",
        "{a b}:c",
        "p99 -40%",
        "'",
        "\\",
    ] {
        let output = journal
            .test()
            .args(["search", "--", query])
            .status_one_of(&[0, 1])
            .run();
        assert!(
            !output.stderr.contains("syntax") && !output.stderr.contains("fts5"),
            "{query}: {}",
            output.stderr
        );
    }
    journal
        .test()
        .args(["search", "--", "-latency"])
        .fails()
        .stderr_contains("give a word to find too")
        .run();
    journal
        .test()
        .args(["search", "--help"])
        .stdout_contains("a OR b (either), -word (without")
        .run();
}
