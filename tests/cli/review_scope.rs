//! Review and stats count each win once, over the whole period.

use crate::harness::Journal;

/// A win under three ml-engineer competencies, two of which
/// (business-impact and leadership) map to one data-scientist competency.
fn journal_with_a_win_in(competencies: [&str; 3]) -> Journal {
    let journal = Journal::new();
    let mut args = vec!["presented the churn readout to the VP, saving $40K a quarter"];
    for competency in &competencies {
        args.extend(["-c", competency]);
    }
    journal.add(&args);
    journal
}

#[test]
fn coverage_counts_a_win_once_per_competency() {
    let journal = journal_with_a_win_in(["business-impact", "data", "leadership"]);
    let stats = journal.json(&[
        "stats",
        "--framework",
        "data-scientist",
        "--format",
        "json",
        "--period",
        "this-year",
    ]);
    let rows = stats["coverage"]["by_competency"]
        .as_array()
        .expect("coverage rows");
    let stakeholder = rows
        .iter()
        .find(|row| row["key"] == "stakeholder-impact")
        .expect("a stakeholder-impact row");
    assert_eq!(stakeholder["wins"], 1, "{stakeholder}");
}

#[test]
fn a_section_names_a_cross_referenced_win_once() {
    let journal = journal_with_a_win_in(["data", "business-impact", "leadership"]);
    let context = journal.json(&[
        "review",
        "draft",
        "--framework",
        "data-scientist",
        "--context",
        "--period",
        "this-year",
    ]);
    let sections = context["sections"].as_array().expect("sections");
    let stakeholder = sections
        .iter()
        .find(|s| s["key"] == "stakeholder-impact")
        .expect("a stakeholder-impact section");
    assert_eq!(
        stakeholder["also"].as_array().map(Vec::len),
        Some(1),
        "{stakeholder}"
    );
    for section in sections {
        let also = section["also"].as_array().expect("cross-references");
        let mut ids: Vec<i64> = also.iter().map(|a| a["id"].as_i64().unwrap()).collect();
        let count = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), count, "{section}");
    }
}

#[test]
fn review_and_stats_refuse_a_limit() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    for args in [
        &["review", "draft", "-n", "2"][..],
        &["review", "check", "--limit", "2"],
        &["stats", "-n", "1"],
    ] {
        journal
            .test()
            .args(args)
            .status(2)
            .stderr_contains("unexpected argument")
            .run();
    }
}

#[test]
fn contradictory_draft_outputs_are_refused_before_any_work() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    for args in [
        &["review", "draft", "--context", "--template", "brag-doc"][..],
        &["review", "draft", "--format", "json", "--template", "plain"],
        &["review", "draft", "--context", "--format", "md"],
        &[
            "review",
            "draft",
            "--format",
            "text",
            "--template",
            "brag-doc",
        ],
    ] {
        journal
            .test()
            .args(args)
            .status(2)
            .stderr_contains("cannot be used with")
            .run();
    }
    // A missing template is found before the journal is read.
    journal
        .test()
        .args(["review", "draft", "--template", "no-such-draft"])
        .fails()
        .stderr_contains("no draft template")
        .run();
}
