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
