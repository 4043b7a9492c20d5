//! Statements from rough notes, and outcomes recorded later counting like
//! the first note (issue 13).

use crate::harness::{Journal, Test};

#[test]
fn a_rough_note_becomes_a_statement_a_reviewer_would_accept() {
    let journal = Journal::new();
    journal.add(&[
        "ranker v4 w/ 2-stage retrieval, recall@50 0.62 -> 0.71",
        "--role",
        "led",
        "--stage",
        "measured",
        "-c",
        "model-development",
        "--impact",
        "search ctr +3.4%, ~$400K/yr per finance",
    ]);
    Test::on(&journal)
        .args(["review", "draft", "--period", "this-year"])
        .stdout_contains(
            "- I led the launch of ranker v4 with 2-stage retrieval, raising recall@50 from 0.62 \
             to 0.71. This raised the search click-through rate by 3.4%, worth about $400K a \
             year per finance.",
        )
        .run();
}

#[test]
fn a_bare_learning_goal_stays_out_of_the_draft() {
    let journal = Journal::new();
    journal.add(&[
        "want to learn causal inference",
        "--kind",
        "learning",
        "-c",
        "leadership",
    ]);
    let draft = journal.ok(&["review", "draft", "--period", "this-year"]);
    assert!(!draft.contains("want to learn"), "{draft}");
    assert!(!draft.contains("\n- \n"), "an empty bullet: {draft}");
}

#[test]
fn an_update_is_analysed_as_soon_as_it_is_recorded() {
    let journal = Journal::new();
    let id = journal
        .add(&[
            "shipped the new eta model to 10% of traffic",
            "-c",
            "model-development",
            "--stage",
            "shipped",
        ])
        .to_string();
    let before = journal.json(&["show", &id, "--json"]);
    assert_eq!(
        before["metrics"].as_array().map(Vec::len),
        Some(1),
        "{before}"
    );
    journal.ok(&[
        "update",
        &id,
        "--stage",
        "measured",
        "--impact",
        "GPU bill down from $30K to $18K a month, p=0.02",
    ]);
    let after = journal.json(&["show", &id, "--json"]);
    let metrics = after["metrics"].as_array().expect("metrics");
    let bill = metrics
        .iter()
        .find(|m| m["before"] == 30000.0)
        .unwrap_or_else(|| panic!("the update's numbers are analysed: {after}"));
    // A cost that fell is better, and money is a business outcome.
    assert_eq!(bill["better"], true, "{bill}");
    assert_eq!(bill["level"], "business", "{bill}");
    // A p-value is a statistic of the test, not a metric of the win.
    assert!(!metrics.iter().any(|m| m["value"] == 0.02), "{after}");

    let check = journal.json(&[
        "review",
        "check",
        "--period",
        "this-year",
        "--format",
        "json",
    ]);
    let rules: Vec<&str> = check["wins"][0]["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        !rules.contains(&"no-number") && !rules.contains(&"no-business-outcome"),
        "{check}"
    );

    // An unrelated edit keeps what the update brought.
    journal.ok(&["edit", &id, "-t", "eta"]);
    let edited = journal.json(&["show", &id, "--json"]);
    assert_eq!(edited["metrics"], after["metrics"], "{edited}");

    let draft = journal.ok(&["review", "draft", "--period", "this-year"]);
    assert!(
        draft.contains("This cut the GPU bill from $30K to $18K a month"),
        "the update joins the statement: {draft}"
    );
}

#[test]
fn a_users_glossary_adds_to_the_built_in_one() {
    let journal = Journal::new();
    let dir = journal.config_dir().join("templates").join("statements");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("glossary.toml"),
        "[shorthand]\n\"xsell\" = \"cross-sell\"\n",
    )
    .unwrap();
    journal.add(&["xsell model w/ new feats", "-c", "model-development"]);
    let draft = journal.ok(&["review", "draft", "--period", "this-year"]);
    assert!(
        draft.contains("cross-sell model with new features"),
        "{draft}"
    );

    std::fs::write(dir.join("glossary.toml"), "[shorthand\n").unwrap();
    Test::on(&journal)
        .args(["review", "draft", "--period", "this-year"])
        .fails()
        .stderr_contains("invalid glossary")
        .run();
}
