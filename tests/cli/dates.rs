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

/// A command on `journal` in Paris: +01:00 in winter (NOW), +02:00 in summer.
pub(crate) fn in_paris(journal: &Journal) -> crate::harness::Test {
    journal.test().env("TZ", "Europe/Paris")
}

fn occurred_at(journal: &Journal, id: &str) -> String {
    journal.json(&["show", id, "--json"])["occurred_at"]
        .as_str()
        .expect("occurred_at")
        .to_string()
}

#[test]
fn dates_without_an_offset_take_the_zones_offset_on_their_own_date() {
    let journal = Journal::new();
    let add = |args: &[&str]| {
        in_paris(&journal)
            .arg("add")
            .args(args)
            .run()
            .stdout
            .trim()
            .to_string()
    };
    // NOW is in November (+01:00); July is summer time.
    let summer = add(&["in july", "-d", "2026-07-01T10:00"]);
    assert_eq!(occurred_at(&journal, &summer), "2026-07-01T10:00:00+02:00");
    let day = add(&["a day in july", "-d", "2026-07-01"]);
    assert_eq!(occurred_at(&journal, &day), "2026-07-01T17:05:00+02:00");
    // 02:30 on the night clocks go back happens twice: the first one.
    let twice = add(&["fall back", "-d", "2026-10-25T02:30"]);
    assert_eq!(occurred_at(&journal, &twice), "2026-10-25T02:30:00+02:00");
    // 02:30 on the night clocks go forward never happens.
    in_paris(&journal)
        .args(["add", "spring forward", "-d", "2026-03-29T02:30"])
        .fails()
        .stderr_contains("does not exist in your time zone")
        .run();
    // A day starts at its own midnight: 00:30 on 1 July is in --since 2026-07-01.
    add(&["just after midnight", "-d", "2026-07-01T00:30"]);
    let since = in_paris(&journal)
        .args(["list", "--since", "2026-07-01", "--until", "2026-07-01"])
        .run()
        .stdout;
    assert!(since.contains("just after midnight"), "{since}");
    // Without TZ the zone is WIN_NOW's offset, as before.
    journal.add(&["fixed zone", "-d", "2026-07-01T10:00"]);
    assert_eq!(occurred_at(&journal, "5"), "2026-07-01T10:00:00+01:00");
}

/// A `TZ` that names no zone used to become the system's zone or UTC in
/// silence, storing every date typed at the wrong offset.
#[test]
fn an_unknown_time_zone_is_an_error_that_says_how_to_fix_it() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    for tz in [
        "Europe/Pariss",
        "Mars/Olympus",
        "CET-1CEST",
        ":CET-1CEST,M3.5.0,M10.5.0/3",
        "/etc/hostname",
    ] {
        journal
            .test()
            .env("TZ", tz)
            .args(["add", "cut p99 latency", "-d", "2026-07-01T10:00"])
            .fails()
            .stderr_contains(format!("TZ=\"{tz}\" is not a time zone"))
            .stderr_contains("set TZ to a zone such as Europe/Paris, or unset it")
            .run();
    }
    for tz in [
        "Europe/Paris",
        ":Europe/Paris",
        "CET-1CEST,M3.5.0,M10.5.0/3",
    ] {
        let win = journal
            .test()
            .env("TZ", tz)
            .args(["add", "cut p99 latency", "-d", "2026-07-01T10:00", "--json"])
            .run()
            .json();
        assert_eq!(win["occurred_at"], "2026-07-01T10:00:00+02:00", "{tz}");
    }
    for tz in ["UTC", "UTC0"] {
        let win = journal
            .test()
            .env("TZ", tz)
            .args(["add", "cut p99 latency", "-d", "2026-07-01T10:00", "--json"])
            .run()
            .json();
        assert_eq!(win["occurred_at"], "2026-07-01T10:00:00Z", "{tz}");
    }
}

/// A period that ends before it starts was accepted in silence (an empty
/// draft headed "2026-01-01 to 2025-01-01").
#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    for args in [
        &[
            "review",
            "draft",
            "--since",
            "2026-01-01",
            "--until",
            "2025-01-01",
        ][..],
        &["list", "--since", "today", "--until", "yesterday"],
    ] {
        journal
            .test()
            .args(args)
            .fails()
            .stderr_contains("after it ends")
            .stderr_contains("swap --since and --until")
            .run();
    }
}

#[test]
fn what_happened_today_is_today_not_today_ago() {
    let journal = Journal::new();
    journal.add(&[
        "deployed the churn model",
        "--stage",
        "shipped",
        "-d",
        "2026-11-01",
    ]);
    journal.ok(&[
        "update",
        "1",
        "-d",
        "3 days ago",
        "--next",
        "retrain monthly",
    ]);
    journal.ok(&[
        "update",
        "1",
        "--stage",
        "measured",
        "--impact",
        "churn -2%",
    ]);
    journal.add(&["shipped the ranker", "--stage", "shipped"]);
    let show = journal.ok(&["show", "1"]);
    assert!(show.contains("2026-11-21 (today) → measured"), "{show}");
    assert!(!show.contains("today ago"), "{show}");
    assert!(
        show.contains("2026-11-18 (3 days ago) retrain monthly"),
        "{show}"
    );
    let pending = journal.ok(&["pending"]);
    assert!(pending.contains("#2\tshipped today\t"), "{pending}");
}

#[test]
fn a_date_in_the_future_is_called_that() {
    let journal = Journal::new();
    for date in ["tomorrow", "next monday", "Tomorrow"] {
        journal
            .test()
            .args(["add", "shipped the ranker", "-d", date])
            .fails()
            .stderr_contains("is in the future")
            .run();
    }
    journal.ok(&["list", "--until", "tomorrow"]);
}

#[test]
fn the_periods_people_type_are_read_and_errors_are_short() {
    // NOW is Saturday 2026-11-21: last week is Monday 9 to Sunday 15.
    let journal = Journal::new();
    journal.add(&["two weeks back", "-d", "2026-11-07"]);
    journal.add(&["last week's win", "-d", "2026-11-12"]);
    journal.add(&["this week's win", "-d", "2026-11-17"]);
    let texts = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list", "--format", "json"];
        full.extend_from_slice(args);
        let wins = journal.json(&full);
        wins.as_array()
            .unwrap()
            .iter()
            .map(|w| w["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(texts(&["--period", "last week"]), ["last week's win"]);
    assert_eq!(texts(&["--period", "this week"]), ["this week's win"]);
    assert_eq!(
        texts(&["--since", "last week"]),
        ["this week's win", "last week's win"]
    );
    assert_eq!(
        texts(&["--since", "past 10 days"]),
        ["this week's win", "last week's win"]
    );
    assert_eq!(texts(&["--since", "since monday"]), ["this week's win"]);
    assert_eq!(texts(&["--since", "last month"]).len(), 3);
    let error = journal.fails(&["list", "--since", "the other day"]);
    assert!(error.len() < 160, "{error}");
    assert!(
        error.contains("try: ") && error.contains("last week"),
        "{error}"
    );
}
