//! Competency inference learns from the wins the user labelled: their
//! words count, inferred wins never do, `-c` always wins, and editing or
//! deleting a win changes what was learned.

use crate::harness::Journal;

/// The top suggestion of a dry run: (key, matched words, like ids).
fn suggestion(journal: &Journal, text: &str) -> (String, Vec<String>, Vec<i64>) {
    let json = journal.json(&["add", text, "--dry-run", "--json"]);
    let top = &json["suggestions"][0];
    let words = top["matched"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let like = top["like"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_i64).collect())
        .unwrap_or_default();
    (top["key"].as_str().unwrap_or("").to_string(), words, like)
}

fn label(journal: &Journal, text: &str, competency: &str) -> i64 {
    journal.add(&[text, "-c", competency])
}

#[test]
fn labelled_wins_teach_their_jargon_and_are_named_as_examples() {
    let journal = Journal::new();
    let first = label(&journal, "guild session for the pod", "leadership");
    let second = label(&journal, "guild talk, 40 people", "leadership");
    label(&journal, "tollgate failover tested", "mlops");
    let (key, words, like) = suggestion(&journal, "guild retro");
    assert_eq!(key, "leadership");
    assert!(words.contains(&"guild".to_string()), "{words:?}");
    assert_eq!(like, vec![second, first]);
    let stderr = journal.test().args(["add", "guild retro"]).run().stderr;
    assert!(
        stderr.contains(&format!("like #{second}, #{first}")),
        "{stderr}"
    );
    // A dry run stores nothing.
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(4)
    );
}

#[test]
fn a_word_the_user_always_files_one_way_outweighs_the_corpus() {
    // The corpus files dashboards under MLOps; this user's three dashboard
    // wins are all business impact, and a fourth follows them.
    let journal = Journal::new();
    let text = "helped CS build health score dashboard";
    assert_eq!(suggestion(&journal, text).0, "mlops");
    let ids: Vec<i64> = [
        "churn dashboard for the renewals team",
        "built the pipeline health dashboard for sales ops",
        "exec revenue dashboard v2 shipped",
    ]
    .iter()
    .map(|note| label(&journal, note, "business-impact"))
    .collect();
    let (key, words, like) = suggestion(&journal, text);
    assert_eq!(key, "business-impact");
    assert!(words.contains(&"dashboard".to_string()), "{words:?}");
    assert!(
        like.iter().all(|id| ids.contains(id)) && !like.is_empty(),
        "{like:?}"
    );
    // A fourth dashboard win filed under MLOps: the word is nobody's, and
    // the corpus keeps it.
    journal.add(&["dashboard for the serving fleet's gpu usage", "-c", "mlops"]);
    assert_eq!(suggestion(&journal, text).0, "mlops");
}

#[test]
fn inferred_wins_never_teach() {
    let journal = Journal::new();
    for _ in 0..5 {
        // Filed by inference, not by the user: no lesson.
        journal.add(&["zorblat rollout, p99 latency 80ms -> 30ms"]);
    }
    let json = journal.json(&["add", "zorblat", "--dry-run", "--json"]);
    assert_eq!(json["suggestions"], serde_json::json!([]), "{json}");
    assert_eq!(json["competency_source"], "none");
}

#[test]
fn an_explicit_competency_always_wins() {
    let journal = Journal::new();
    for _ in 0..4 {
        label(&journal, "kestrel retrained", "model-development");
    }
    let json = journal.json(&["add", "kestrel retrained", "-c", "data", "--json"]);
    assert_eq!(json["competencies"], serde_json::json!(["data"]));
    assert_eq!(json["competency_source"], "user");
}

#[test]
fn deleting_or_correcting_a_win_changes_what_was_learned() {
    let journal = Journal::new();
    let id = label(&journal, "ledgerline", "data");
    let (key, _, like) = suggestion(&journal, "ledgerline");
    assert_eq!((key.as_str(), like), ("data", vec![id]));

    journal.ok(&["edit", &id.to_string(), "-c", "experimentation"]);
    let (key, _, like) = suggestion(&journal, "ledgerline");
    assert_eq!((key.as_str(), like), ("experimentation", vec![id]));

    journal.ok(&["rm", &id.to_string(), "--yes"]);
    let json = journal.json(&["add", "ledgerline", "--dry-run", "--json"]);
    assert_eq!(json["suggestions"], serde_json::json!([]), "{json}");
}

#[test]
fn a_users_corpus_adds_to_the_built_in_one() {
    let journal = Journal::new();
    let dir = journal.config_dir().join("templates").join("inference");
    std::fs::create_dir_all(&dir).expect("inference folder");
    std::fs::write(
        dir.join("ml-engineer.tsv"),
        "# mine\nexperimentation\tbakeoff readout\n",
    )
    .expect("corpus");
    let (key, words, _) = suggestion(&journal, "bakeoff");
    assert_eq!(key, "experimentation");
    assert_eq!(words, vec!["bakeoff"]);

    std::fs::write(dir.join("ml-engineer.tsv"), "not-a-competency\tbakeoff\n").expect("corpus");
    let err = journal.fails(&["add", "bakeoff", "--dry-run"]);
    assert!(
        err.contains("ml-engineer.tsv") && err.contains("line 1"),
        "{err}"
    );
}

#[test]
fn a_dry_run_creates_no_journal() {
    let journal = Journal::new();
    journal.ok(&["add", "mentored two new hires", "--dry-run"]);
    assert!(!journal.db().exists());
}
