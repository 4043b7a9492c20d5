//! Export in every format, and import: round trips, atomicity, other tools' files.

use serde_json::Value;

use crate::harness::Journal;
use crate::review::review_journal;

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
        // `polished` is derived when a win is shown (the statement
        // engine's sentence), never exported: the draft derives it again.
        let mut shown = journal.json(&["show", &id, "--json"]);
        assert!(
            shown["polished"]
                .as_str()
                .is_some_and(|p| p.starts_with("I ")),
            "{shown}"
        );
        shown.as_object_mut().unwrap().remove("polished");
        assert_eq!(win, &shown, "win #{id}");
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
    let file = target.path().join("wins.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let path = file.to_str().unwrap();

    target
        .test()
        .args(["import", path])
        .stderr_contains("added 5 wins, skipped 0")
        .run();
    target
        .test()
        .args(["import", path])
        .stderr_contains("added 0 wins, skipped 5")
        .run();

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
    // No win is tagged alpha now.
    target
        .test()
        .args(["search", "alpha"])
        .status(1)
        .stdout("")
        .run();
}

#[test]
fn import_is_atomic_and_names_the_bad_line() {
    let journal = Journal::new();
    let file = journal.path().join("bad.jsonl");
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
        journal.path().join("missing.jsonl").to_str().unwrap(),
    ]);
}

#[test]
fn notes_analysed_ahead_of_the_writes_keep_their_order_and_first_error() {
    // Plain notes are parsed and analysed on a second thread while the
    // first writes: the wins land in the file's order, a list and a stream
    // give the same wins, and the error named is the first in the file.
    let journal = Journal::new();
    let note = |n: usize| {
        format!(
            "{{\"text\": \"cut p99 latency of service {n} from 240ms to 80ms\", \"occurred_at\": \"2026-0{}-1{}T09:00:00+01:00\", \"tags\": [\"t{}\"], \"competencies\": [\"mlops\"]}}",
            1 + n % 9,
            n % 10,
            n % 7
        )
    };
    let notes: Vec<String> = (0..700).map(note).collect();
    let streamed = journal.path().join("notes.jsonl");
    std::fs::write(&streamed, notes.join("\n")).unwrap();
    let listed = journal.path().join("notes.json");
    std::fs::write(&listed, format!("[{}]", notes.join(",\n"))).unwrap();
    journal.ok(&["import", streamed.to_str().unwrap()]);
    let wins = journal.json(&["export", "--format", "json"]);
    let wins = wins.as_array().unwrap();
    assert_eq!(wins.len(), 700);
    let mut ids: Vec<(String, i64)> = wins
        .iter()
        .map(|w| {
            (
                w["text"].as_str().unwrap().to_string(),
                w["id"].as_i64().unwrap(),
            )
        })
        .collect();
    ids.sort_by_key(|(_, id)| *id);
    for (n, (text, _)) in ids.iter().enumerate() {
        assert!(text.contains(&format!("service {n} ")), "{n}: {text}");
    }
    assert!(wins
        .iter()
        .all(|w| !w["metrics"].as_array().unwrap().is_empty()));
    let other = Journal::new();
    other.ok(&["import", listed.to_str().unwrap()]);
    assert_eq!(
        other.ok(&["export", "--format", "jsonl"]),
        journal.ok(&["export", "--format", "jsonl"])
    );

    let mut bad = notes.clone();
    bad[449] = "{\"text\": \"  \"}".to_string();
    bad[499] = "{\"text\": ".to_string();
    let file = journal.path().join("bad.jsonl");
    std::fs::write(&file, bad.join("\n")).unwrap();
    let fresh = Journal::new();
    let stderr = fresh.fails(&["import", file.to_str().unwrap()]);
    assert!(
        stderr.contains("line 450")
            && stderr.contains("empty")
            && stderr.contains("nothing was imported"),
        "{stderr}"
    );
    bad[449] = notes[449].clone();
    std::fs::write(&file, bad.join("\n")).unwrap();
    let stderr = fresh.fails(&["import", file.to_str().unwrap()]);
    assert!(stderr.contains("line 500"), "{stderr}");
    assert_eq!(fresh.ok(&["export"]).trim(), "[]");
}

#[test]
fn import_reads_jrnl_csv_and_stdin_with_dry_run() {
    let journal = Journal::new();
    let jrnl = r#"{"tags": {"@ml": 2}, "entries": [
        {"title": "Cut p99 latency from 240ms to 80ms.", "body": "", "date": "2026-03-04", "time": "09:30", "tags": ["@ml"], "starred": true},
        {"title": "Mentored two interns.", "body": "Both shipped.", "date": "2026-04-01", "time": "18:00", "tags": ["@ml", "@people"], "starred": false}
    ]}"#;
    journal
        .test()
        .args(["import", "-", "--dry-run"])
        .stdin(jrnl)
        .stderr_contains("would add 2 wins")
        .run();
    assert!(!journal.db().exists(), "a dry run creates no journal");
    journal.test().args(["import", "-"]).stdin(jrnl).run();
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

    let csv = journal.path().join("wins.csv");
    std::fs::write(&csv, journal.ok(&["export", "--format", "csv"])).unwrap();
    let fresh = Journal::new();
    fresh.ok(&["import", csv.to_str().unwrap()]);
    let again = fresh.json(&["export"]);
    assert_eq!(again[1]["tags"], serde_json::json!(["ml", "people"]));
    assert_eq!(again[0]["uid"], wins[0]["uid"]);
}
