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

#[test]
fn the_persons_own_statement_stands_everywhere_and_goes_back_with_an_empty_one() {
    let journal = Journal::new();
    journal.add(&["cut gpu bill 28% w/ int8 quant", "-c", "mlops"]);
    let own = "I cut our GPU bill by 28% by quantizing the ranker to int8.";
    journal.ok(&["edit", "1", "--statement", own]);
    assert_eq!(journal.ok(&["review", "statement", "1"]).trim_end(), own);
    let draft = journal.ok(&["review", "draft", "--period", "this-year"]);
    assert!(draft.contains(&format!("- {own}")), "{draft}");
    let context = journal.json(&["review", "draft", "--period", "this-year", "--context"]);
    assert!(context.to_string().contains(own), "{context}");
    let shown = journal.json(&["show", "1", "--json"]);
    assert_eq!(shown["statement"], own, "{shown}");
    // The generated sentence stays what the engine says of the note.
    assert_eq!(
        shown["polished"],
        "I cut the GPU bill by 28% with int8 quantization."
    );

    // It travels through an export and an import into another journal.
    let exported = journal.ok(&["export", "--format", "jsonl"]);
    let other = Journal::new();
    std::fs::write(other.path().join("w.jsonl"), &exported).unwrap();
    other.ok(&["import", "w.jsonl"]);
    assert_eq!(other.ok(&["review", "statement", "1"]).trim_end(), own);

    // An empty statement goes back to the generated one.
    journal.ok(&["edit", "1", "--statement", ""]);
    assert_eq!(
        journal.ok(&["review", "statement", "1"]).trim_end(),
        "I cut the GPU bill by 28% with int8 quantization."
    );
    assert!(journal
        .json(&["show", "1", "--json"])
        .get("statement")
        .is_none());
}

#[test]
fn a_statement_the_engine_cannot_tell_is_flagged_with_the_way_to_finish_it() {
    let journal = Journal::new();
    journal.add(&["5 -> 3", "-c", "mlops"]);
    journal.add(&["cut gpu bill 28% w/ int8 quant", "-c", "mlops"]);
    let check = journal.json(&[
        "review",
        "check",
        "--period",
        "this-year",
        "--format",
        "json",
    ]);
    let rules_of = |id: i64| -> Vec<String> {
        check["wins"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["id"] == id)
            .flat_map(|w| w["findings"].as_array().unwrap().iter())
            .filter_map(|f| f["rule"].as_str().map(str::to_string))
            .collect()
    };
    assert!(
        rules_of(1).contains(&"statement-unclear".to_string()),
        "{check}"
    );
    assert!(
        !rules_of(2).contains(&"statement-unclear".to_string()),
        "{check}"
    );
    let text = journal
        .test()
        .args(["review", "check", "--period", "this-year"])
        .status_one_of(&[0, 1])
        .run()
        .stdout;
    assert!(text.contains("win edit 1 --statement"), "{text}");
    journal.ok(&["review", "check", "--explain", "statement-unclear"]);
    // Once the person wrote it, it is theirs and clear.
    journal.ok(&[
        "edit",
        "1",
        "--statement",
        "I cut the review queue from 5 days to 3.",
    ]);
    let check = journal.json(&[
        "review",
        "check",
        "--period",
        "this-year",
        "--format",
        "json",
    ]);
    assert!(!check.to_string().contains("statement-unclear"), "{check}");
}

#[test]
fn review_polish_needs_a_terminal_and_says_how_to_do_it_without_one() {
    let journal = Journal::new();
    journal.add(&["5 -> 3", "-c", "mlops"]);
    let err = journal.fails(&["review", "polish"]);
    assert!(err.contains("win edit ID --statement"), "{err}");
}

#[test]
fn the_shown_sentence_is_the_drafts_for_a_win_with_no_impact_or_next() {
    let journal = Journal::new();
    for note in [
        "dbt feature pipeline - killed redundant joins, went incremental. feat compute 6h→45m",
        "p99 latency 500us -> 2ms after adding tracing",
        "shipped churn model w/ 3 new feats",
    ] {
        let id = journal
            .add(&[note, "-c", "data", "--role", "supported"])
            .to_string();
        let shown = journal.json(&["show", &id, "--json"]);
        let drafted = journal.ok(&["review", "statement", &id]);
        assert_eq!(
            shown["polished"].as_str().unwrap(),
            drafted.trim_end(),
            "{note}"
        );
        assert!(!drafted.starts_with("I delivered"), "{drafted}");
        assert!(
            !drafted.contains(" led "),
            "a supporting role told as leading: {drafted}"
        );
        let preview = journal.json(&[
            "add",
            note,
            "-c",
            "data",
            "--role",
            "supported",
            "--dry-run",
            "--json",
        ]);
        assert_eq!(preview["polished"], shown["polished"], "{note}");
    }
    let told = journal.ok(&["review", "statement", "1"]);
    assert!(told.contains("from 6 hours to 45 minutes"), "{told}");
    let told = journal.ok(&["review", "statement", "2"]);
    assert!(
        told.contains("from 500 µs to 2 ms") && !told.contains("cut"),
        "{told}"
    );
}

#[test]
fn a_length_limit_never_drops_the_impacts_number() {
    let journal = Journal::new();
    journal.add(&[
        "cut p99 scoring latency from 240ms to 80ms by batching features",
        "-c",
        "mlops",
        "--stage",
        "measured",
        "--impact=support tickets about slow pages -40%",
    ]);
    let statement = |limit: Option<&str>| -> String {
        let mut args = vec!["review", "draft", "--context"];
        args.extend(limit.map(|l| ["--max-chars", l]).into_iter().flatten());
        let context = journal.json(&args);
        let sections = context["sections"].as_array().expect("sections");
        sections
            .iter()
            .find_map(|section| section["wins"][0]["statement"].as_str())
            .expect("a statement")
            .to_string()
    };
    // Statements say a fall in words ("cut … by 40%"), keeping the number.
    let full = statement(None);
    assert!(full.contains("40%"), "{full}");
    for limit in ["40", "60", "90"] {
        let short = statement(Some(limit));
        for number in ["240 ms", "80 ms", "40%"] {
            assert!(short.contains(number), "--max-chars {limit}: {short}");
        }
    }
}

/// A bare before → after pair ("5 -> 3") asked the phrases for a way that
/// has none and panicked, breaking every review command for the journal.
#[test]
fn a_bare_change_is_told_as_it_is_not_a_panic() {
    let journal = Journal::new();
    for note in ["5 -> 3", "0.62 -> 0.71", "10% -> 20%", "240ms → 80ms"] {
        journal.add(&[note]);
    }
    journal
        .test()
        .args(["review", "statement", "1"])
        .stdout("It fell from 5 to 3.\n")
        .run();
    journal
        .test()
        .args(["review", "statement", "4"])
        .stdout_contains("80 ms")
        .run();
    journal
        .test()
        .args(["review", "draft"])
        .stdout_contains("from 0.62 to 0.71.")
        .run();
    journal
        .test()
        .args(["review", "check"])
        .status_one_of(&[0, 1])
        .run();
}

/// A statement chained every outcome of a win, comparing each with every
/// other: 20,000 follow-ups took 33 s per review command. It tells the
/// first outcome and the latest ones, at most twelve.
#[test]
fn a_statement_tells_a_few_outcomes_of_a_win_with_thousands() {
    let journal = Journal::new();
    let updates: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            serde_json::json!({
                "at": format!("2025-06-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, i % 60),
                "impact": format!("ctr +{}% on cohort {i}", i % 50),
                "text": format!("follow up {i}"),
            })
        })
        .collect();
    let record = serde_json::json!({
        "text": "base win cut 5ms",
        "occurred_at": "2025-01-01T00:00:00Z",
        "updates": updates,
    });
    std::fs::write(journal.path().join("u.jsonl"), format!("{record}\n")).unwrap();
    journal.ok(&["import", "u.jsonl"]);
    let statement = crate::user_files::bounded(&journal)
        .args(["review", "statement", "1"])
        .run()
        .stdout;
    assert!(statement.len() < 4000, "{} bytes", statement.len());
    assert!(statement.contains("5 ms"), "{statement}");
}

#[test]
fn a_change_alone_is_not_repeated() {
    let journal = Journal::new();
    journal.add(&["lifted conversion +2.3% with the new ranker"]);
    let show = journal.ok(&["show", "1"]);
    assert!(show.contains("conversion +2.3%"), "{show}");
    assert!(!show.contains("(+2.3%)"), "{show}");
}
