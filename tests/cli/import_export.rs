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

#[test]
fn imports_refuse_dates_in_the_future_beyond_a_days_skew() {
    let journal = Journal::new();
    let import = |name: &str, occurred_at: &str| {
        let record = serde_json::json!({"text": format!("win {name}"), "occurred_at": occurred_at});
        std::fs::write(journal.path().join(name), format!("{record}\n")).unwrap();
        journal.test().args(["import", name])
    };
    import("far.jsonl", "9999-12-31T00:00:00Z")
        .fails()
        .stderr_contains("is in the future")
        .run();
    import("days.jsonl", "2026-11-24T17:05:00+01:00")
        .fails()
        .stderr_contains("is in the future")
        .run();
    // Another machine's clock a few hours ahead: accepted.
    import("hours.jsonl", "2026-11-21T21:05:00+01:00")
        .stderr_contains("added 1 win")
        .run();
    // jrnl's naive dates take the zone's offset on their own date.
    let jrnl = r#"{"tags": {}, "entries": [{"date": "2026-07-01", "time": "10:00", "title": "shipped it", "body": "", "tags": [], "starred": false}]}"#;
    std::fs::write(journal.path().join("jrnl.json"), jrnl).unwrap();
    crate::dates::in_paris(&journal)
        .args(["import", "jrnl.json"])
        .stderr_contains("added 1 win")
        .run();
    let wins = journal.json(&["list", "--format", "json"]);
    let dates: Vec<&str> = wins
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["occurred_at"].as_str())
        .collect();
    assert!(dates.contains(&"2026-07-01T10:00:00+02:00"), "{dates:?}");
}

/// Ctrl-C during an import: nothing stored, exit 130, and it says so. Also
/// when win starts with SIGINT ignored (a script's `win import … &`), where
/// it used to run on and commit everything it had read.
#[test]
fn an_interrupted_import_stores_nothing_and_says_so() {
    use std::io::Write as _;
    use std::os::unix::process::CommandExt as _;
    use std::process::Stdio;
    let lines = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| {
                format!(
                    "{{\"uid\":\"01900000-0000-7000-8000-{i:012x}\",\"occurred_at\":\"2026-01-01T10:00:00+01:00\",\"text\":\"interrupted win {i} cut latency by a third\"}}\n"
                )
            })
            .collect()
    };
    for started_ignoring_sigint in [false, true] {
        let journal = Journal::new();
        journal.add(&["before the import"]);
        let mut command = journal.test().args(["import", "-"]).command();
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if started_ignoring_sigint {
            // SAFETY: only signal(2) between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    libc::signal(libc::SIGINT, libc::SIG_IGN);
                    Ok(())
                });
            }
        }
        let mut child = command.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Far more than a pipe holds: once written, win is reading records.
        stdin.write_all(lines(0, 3000).as_bytes()).unwrap();
        // SAFETY: a signal to the child we spawned.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        // The input goes on and ends, as a producer's would (win may have
        // gone already: a write error is fine).
        let _ = stdin.write_all(lines(3000, 3500).as_bytes());
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(130),
            "ignoring SIGINT at start: {started_ignoring_sigint}; {stderr}"
        );
        assert_eq!(stderr, "win: interrupted: nothing was imported\n");
        let listed = journal.json(&["list", "--format", "json"]);
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    }
}

/// Tags holding `;` (the CSV list separator) or `\` come back from a CSV
/// round trip as they were: "a;b" used to come back as the tags a and b.
#[test]
fn csv_round_trip_keeps_tags_with_separators() {
    let journal = Journal::new();
    journal.add(&[
        "cut p99 latency",
        "-t",
        "a;b",
        "-t",
        r"win\;x",
        "-t",
        "plain",
    ]);
    journal.add(&["shipped the ranker", "-t", r"ends\", "-t", ";"]);
    let csv = journal.ok(&["export", "--format", "csv"]);
    let copy = Journal::new();
    std::fs::write(copy.path().join("wins.csv"), &csv).expect("write the export");
    copy.ok(&["import", "wins.csv"]);
    let tags = |journal: &Journal| -> Vec<serde_json::Value> {
        let all = journal.json(&["export", "--format", "json"]);
        all.as_array()
            .expect("an array")
            .iter()
            .map(|win| win["tags"].clone())
            .collect()
    };
    assert_eq!(
        tags(&journal),
        [
            serde_json::json!(["a;b", r"win\;x", "plain"]),
            serde_json::json!([r"ends\", ";"])
        ]
    );
    assert_eq!(tags(&copy), tags(&journal));
}

/// Ctrl-C on an import queued behind another command's write stops it
/// then, not after the 30 s it would wait for the journal.
#[test]
fn an_import_waiting_for_the_journal_stops_at_ctrl_c() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let journal = Journal::new();
    journal.add(&["before the import"]);
    let file = journal.path().join("one.jsonl");
    std::fs::write(
        &file,
        "{\"text\":\"queued behind a writer\",\"occurred_at\":\"2026-01-01T10:00:00Z\"}\n",
    )
    .unwrap();
    // Another writer holds the journal.
    let holder = rusqlite::Connection::open(journal.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = journal
        .test()
        .args(["import", file.to_str().unwrap()])
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once it has the journal open, it is past setting up its handler.
    let fds = format!("/proc/{}/fd", child.id());
    let opened = Instant::now();
    while !std::fs::read_dir(&fds).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == journal.db()))
    }) {
        assert!(
            opened.elapsed() < Duration::from_secs(20),
            "never opened the journal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: a signal to the child we spawned.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    // It must end while the other writer still holds the journal.
    let deadline = Instant::now() + Duration::from_secs(25);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still waiting for the journal after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    holder.execute_batch("ROLLBACK").unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert_eq!(stderr, "win: interrupted: nothing was imported\n");
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A jrnl entry's identity is the time as written and its text, not the
/// moment it means in the reader's zone: importing the same export again
/// in another time zone added every entry again.
#[test]
fn a_jrnl_export_imported_again_in_another_zone_adds_nothing() {
    let journal = Journal::new();
    std::fs::write(
        journal.path().join("j.json"),
        r#"{"tags":{},"entries":[{"title":"Shipped ranker","body":"ndcg +3%","date":"2026-03-01","time":"09:30","tags":[],"starred":false}]}"#,
    )
    .unwrap();
    let import = |tz: &str| {
        journal
            .test()
            .env("TZ", tz)
            .args(["import", "j.json"])
            .run()
            .stderr
    };
    assert!(import("Europe/Paris").contains("added 1 win"));
    for tz in ["Asia/Tokyo", "America/New_York", "UTC0"] {
        let said = import(tz);
        assert!(said.contains("added 0 wins, skipped 1"), "TZ={tz}: {said}");
    }
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A bad time in an import says what is wrong with it and how to write it
/// (it said "premature end of input" or "input is out of range"), and an
/// unprintable value is shown escaped rather than as "".
#[test]
fn import_errors_about_times_say_what_is_wrong() {
    let journal = Journal::new();
    let cases = [
        (
            "c.csv",
            "text,occurred_at\nhello,2026-01-01\n",
            "c.csv, line 2: occurred_at: time \"2026-01-01\" is a date without a time and offset: write it as in 2026-01-01T00:00:00+01:00, or in UTC as 2026-01-01T00:00:00Z",
        ),
        (
            "n.jsonl",
            "{\"text\":\"x\",\"occurred_at\":\"2026-03-29T02:30:00\"}\n",
            "n.jsonl, line 1: time \"2026-03-29T02:30:00\" has no UTC offset: add one, as in 2026-03-29T02:30:00+01:00, or write it in UTC as 2026-03-29T02:30:00Z",
        ),
        (
            "b.jsonl",
            "{\"text\":\"x\",\"occurred_at\":\"2026-02-30T00:00:00Z\"}\n",
            "b.jsonl, line 1: time \"2026-02-30T00:00:00Z\" is not a real date and time",
        ),
        (
            "u.jsonl",
            "{\"text\":\"x\",\"uid\":\"\\u001b]0;x\\u0007\"}\n",
            "u.jsonl, line 1: uid \"\\u{1b}]0;x\\u{7}\" is not a UUID",
        ),
    ];
    for (name, content, said) in cases {
        std::fs::write(journal.path().join(name), content).unwrap();
        journal
            .test()
            .args(["import", name])
            .fails()
            .stderr(format!("win: {said}; nothing was imported\n"))
            .run();
    }
}

#[test]
fn list_and_export_say_which_order_their_markdown_is_in() {
    let journal = Journal::new();
    journal.add(&["older win", "-d", "2026-09-01"]);
    journal.add(&["newer win", "-d", "2026-11-01"]);
    let list = journal.ok(&["list", "--format", "md"]);
    let export = journal.ok(&["export", "--format", "md"]);
    assert!(list.find("newer win") < list.find("older win"), "{list}");
    assert!(
        export.find("older win") < export.find("newer win"),
        "{export}"
    );
    let list_help = journal.ok(&["list", "--help"]);
    assert!(list_help.contains("newest first, md too"), "{list_help}");
    assert!(list_help.contains("win export --format md"), "{list_help}");
    let export_help = journal.ok(&["export", "--help"]);
    assert!(export_help.contains("Oldest first"), "{export_help}");
}
