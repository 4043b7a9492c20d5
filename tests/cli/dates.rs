//! Dates at the edges: slips that land thousands of years away are refused
//! at every door, and a win an older version stored that way stays usable.

use crate::harness::Journal;

#[test]
fn dates_before_1970_are_refused_by_add_edit_update_and_import() {
    let journal = Journal::new();
    let id = journal.add(&["deployed the ranker"]).to_string();
    for args in [
        vec!["add", "far past", "-d", "300000 weeks ago"],
        vec!["add", "far past", "-d", "10000y"],
        vec!["edit", &id, "-d", "1969-12-31"],
        vec!["update", &id, "measured it", "-d", "9999999 days ago"],
    ] {
        let error = journal.fails(&args);
        assert!(error.contains("before 1970"), "{args:?}: {error}");
    }
    let import = journal
        .test()
        .args(["import", "--from", "win", "-"])
        .stdin(r#"{"occurred_at": "0001-01-01T00:00:00Z", "text": "from year one"}"#)
        .fails()
        .run()
        .stderr;
    assert!(import.contains("before 1970"), "{import}");
    let listed = journal.ok(&["list"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[test]
fn a_win_stored_with_a_year_rfc3339_cannot_write_can_be_listed_redated_and_removed() {
    let journal = Journal::new();
    journal.add(&["kept win"]);
    let far = journal.add(&["slipped win"]).to_string();
    let conn = rusqlite::Connection::open(journal.db()).expect("open the journal");
    conn.execute(
        "UPDATE wins SET occurred_at = '-3723-04-18T15:58:33Z' WHERE id = ?1",
        [&far],
    )
    .expect("store a date an older win accepted");
    drop(conn);
    assert!(journal.ok(&["list"]).contains("-3723-04-18"));
    journal.ok(&["export", "--format", "csv"]);
    journal.ok(&["edit", &far, "-d", "2020-01-01"]);
    assert!(journal.ok(&["show", &far]).contains("2020-01-01"));
    journal.ok(&["rm", "-y", &far]);
    assert_eq!(journal.ok(&["list"]).lines().count(), 1);
}

#[test]
fn follow_ups_within_one_second_keep_the_order_they_were_recorded_in() {
    let journal = Journal::new();
    let id = journal.add(&["deployed ranker v4"]).to_string();
    for (at, stage, text) in [
        (
            "2026-11-21T17:05:00.100+01:00",
            "shipped",
            "rolled out to 100%",
        ),
        ("2026-11-21T17:05:00.200+01:00", "measured", "ctr +3%"),
        (
            "2026-11-21T17:05:00.300+01:00",
            "adopted",
            "adopted by search",
        ),
    ] {
        journal
            .test()
            .env("WIN_NOW", at)
            .args(["update", &id, "--stage", stage, text])
            .run();
    }
    let exported = journal.json(&["export", "--format", "json"]);
    let stages: Vec<&str> = exported[0]["updates"]
        .as_array()
        .expect("a timeline")
        .iter()
        .map(|update| update["stage"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(stages, ["shipped", "measured", "adopted"]);
    assert_eq!(
        exported[0]["updates"][0]["at"],
        "2026-11-21T17:05:00.100+01:00"
    );
    // The milliseconds travel: imported elsewhere, the timeline reads the same.
    let other = Journal::new();
    other
        .test()
        .args(["import", "--from", "win", "-"])
        .stdin(exported.to_string())
        .run();
    assert_eq!(
        other.json(&["export", "--format", "json"])[0]["updates"],
        exported[0]["updates"]
    );
}

#[test]
fn a_period_over_ten_years_keeps_its_newest_months_and_says_so() {
    let journal = Journal::new();
    journal.add(&["win in 2014", "-c", "mlops", "-d", "2014-06-15"]);
    journal.add(&["win in 2026", "-c", "mlops", "-d", "2026-06-15"]);
    let stats = journal.json(&["stats", "--since", "2014-01-01", "--format", "json"]);
    let months = stats["coverage"]["by_month"].as_array().expect("months");
    assert_eq!(months.len(), 120);
    let last = months.last().expect("a month")["month"]
        .as_str()
        .unwrap_or_default();
    assert!(
        last.starts_with("2026-"),
        "the newest month is kept: {last}"
    );
    let june = months
        .iter()
        .find(|m| m["month"] == "2026-06")
        .expect("June 2026 is in the grid");
    assert_eq!(june["wins"], 1);
    let text = journal.ok(&["stats", "--since", "2014-01-01"]);
    assert!(text.contains("the last 120 months"), "{text}");
}
