//! Reviews: drafts, checks and stats over a small mixed journal.

use crate::harness::Journal;

/// A small journal for review tests: mixed competencies, kinds and stages.
pub fn review_journal() -> Journal {
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
        draft.contains("I cut p99 scoring latency from 240 ms to 80 ms by batching. This cut checkout timeouts by 60% and saved $40K a month."),
        "{draft}"
    );
    // The draft is for the manager: what is missing is in the notes.
    assert!(
        !draft.contains("## Leadership and collaboration"),
        "{draft}"
    );
    assert!(
        !draft.contains("Gaps") && !draft.contains("waiting on impact"),
        "{draft}"
    );
    assert!(!draft.contains("win update"), "{draft}");
    let notes = journal
        .test()
        .args([
            "review",
            "draft",
            "--period",
            "2026",
            "--name",
            "Ada",
            "--title",
            "Staff MLE",
            "--notes",
        ])
        .stdout(draft.clone())
        .run()
        .stderr;
    assert!(
        notes.contains("No wins for Leadership and collaboration"),
        "{notes}"
    );
    assert!(
        notes.contains("#4 is still waiting on impact (Deployed the churn model; shipped"),
        "{notes}"
    );
    assert!(
        draft.contains("I led the effort to deploy the churn model."),
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
        statement.contains("240 ms") && statement.contains("80 ms"),
        "numbers kept: {statement}"
    );
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
fn win_text_is_data_never_template_code() {
    let journal = Journal::new();
    journal.add(&[
        "shipped {{ 7*7 }} and {% for x in range(3) %}loop{% endfor %}",
        "-c",
        "mlops",
        "-i",
        "{{ counts }} fell 40%",
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
fn stats_on_an_empty_journal_say_there_is_nothing_yet() {
    let journal = Journal::new();
    // An empty journal (a missing one is an error that says so).
    journal.test().args(["import", "-"]).stdin("").run();
    let stderr = journal.test().arg("stats").stdout("").run().stderr;
    assert!(
        stderr.starts_with("nothing to count yet: no wins in the last 12 months"),
        "{stderr}"
    );
    assert!(!stderr.contains('%'), "{stderr}");
    assert_eq!(journal.json(&["stats", "--format", "json"])["wins"], 0);
    journal.add(&["shipped the ranker"]);
    assert!(journal.ok(&["stats"]).contains("recency: 100%"));
}

#[test]
fn gaps_never_name_a_month_that_has_not_come() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker", "-c", "mlops"]);
    let check = journal.ok(&["review", "check", "--period", "this-year"]);
    assert!(check.contains("Months with no wins: 2026-01"), "{check}");
    assert!(check.contains("2026-10"), "{check}");
    assert!(!check.contains("2026-12"), "{check}");
    let stats = journal.json(&["stats", "--period", "this-year", "--format", "json"]);
    let months = stats["gaps"]["months"].as_array().unwrap();
    assert_eq!(months.len(), 10, "{months:?}");
    assert!(!months.contains(&serde_json::json!("2026-12")));
    let context = journal.json(&["review", "draft", "--period", "this-year", "--context"]);
    assert!(!context["gaps"]["months"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("2026-12")));
}

#[test]
fn every_bullet_of_a_draft_starts_with_a_capital() {
    let journal = Journal::new();
    journal.add(&[
        "deployed the churn model to the weekly campaign",
        "--stage",
        "shipped",
        "-d",
        "3 weeks ago",
    ]);
    journal.add(&["cut p99 scoring latency from 240ms to 80ms", "-c", "mlops"]);
    journal.add(&[
        "mentored two new hires",
        "--kind",
        "leadership",
        "--role",
        "supported",
    ]);
    journal.add(&["ruled out a bigger embedding", "--kind", "negative-result"]);
    journal.add(&[
        "iOS app ranking shipped",
        "--kind",
        "shipped",
        "--role",
        "contributed",
    ]);
    for template in ["self-assessment", "brag-doc"] {
        let draft = journal.ok(&["review", "draft", "--template", template]);
        for line in draft.lines().filter(|l| l.trim_start().starts_with("- ")) {
            let text = line.trim_start()[2..].trim_start_matches("**");
            let first = text.chars().next().unwrap();
            assert!(
                !first.is_lowercase() || text.starts_with("iOS"),
                "{template}: {line}"
            );
        }
    }
    let context = journal.json(&["review", "draft", "--context"]);
    assert_eq!(
        context["pending"][0]["summary"],
        "Deployed the churn model to the weekly campaign"
    );
}
