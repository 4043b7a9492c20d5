//! The rough edges a newcomer meets in the first hour (issue 18): ids,
//! command names, help, prompts, plurals and messages.

use crate::harness::{Journal, Test};

#[test]
fn ids_are_taken_as_win_prints_them() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.add(&["two"]);
    assert!(journal.ok(&["show", "#2"]).contains("two"));
    journal.ok(&["star", "#1"]);
    journal.ok(&["update", "#1", "--stage", "shipped"]);
    journal.ok(&["edit", "#1", "--text", "one, edited"]);
    journal.ok(&["rm", "#1", "#2", "--yes"]);
    journal
        .test()
        .args(["show", "four"])
        .status(2)
        .stderr_contains("such as 4 or #4")
        .run();
}

#[test]
fn the_command_names_people_type_are_aliases() {
    let journal = Journal::new();
    journal.add(&["tuned the ranker"]);
    journal.add(&["wrote the runbook"]);
    assert!(journal.ok(&["ls"]).contains("tuned the ranker"));
    assert!(journal
        .ok(&["find", "runbook"])
        .contains("wrote the runbook"));
    journal.ok(&["delete", "1", "--yes"]);
    assert!(!journal.ok(&["list"]).contains("tuned the ranker"));
    let help = journal.ok(&["--help"]);
    for alias in ["[alias: ls]", "[alias: delete]", "[alias: find]"] {
        assert!(help.contains(alias), "{alias} in {help}");
    }
}

#[test]
fn win_alone_shows_the_first_three_commands() {
    let output = Test::new().stderr("").run();
    let stdout = output.stdout;
    for step in ["win add \"", "win list", "win review draft >", "win --help"] {
        assert!(stdout.contains(step), "{step} in {stdout}");
    }
    assert!(stdout.lines().count() < 12, "short: {stdout}");
    assert!(!stdout.contains("requires a subcommand"), "{stdout}");
}

#[test]
fn a_long_flag_typed_with_one_dash_is_caught() {
    let journal = Journal::new();
    for args in [
        &["add", "tuned the ranker", "-competency", "mlops"][..],
        &["add", "tuned the ranker", "-competency=mlops"],
        &["list", "-since", "90d"],
        &["-db", "other.db", "list"],
    ] {
        let long = args.iter().find(|a| a.starts_with('-')).unwrap();
        let name = long.trim_start_matches('-').split('=').next().unwrap();
        journal
            .test()
            .args(args)
            .status(2)
            .stderr_contains(format!("did you mean '--{name}'?"))
            .run();
    }
    assert!(!journal.db().exists(), "nothing was stored");
    // Short flags with their value attached, and text after `--`, stay as they were.
    journal.add(&["tuned the ranker", "-cmlops", "-tscoring"]);
    journal.add(&["-t", "x", "--", "-competency is a word here"]);
    let wins = journal.json(&["list", "--format", "json"]);
    assert_eq!(wins[1]["competencies"], serde_json::json!(["mlops"]));
    assert_eq!(wins[0]["text"], "-competency is a word here");
}

#[test]
fn win_db_in_the_environment_is_not_shown_as_a_typed_flag() {
    let journal = Journal::new();
    let usage = journal.test().arg("show").status(2).run().stderr;
    assert!(usage.contains("Usage: win show <ID>"), "{usage}");
    assert!(!usage.contains("--db"), "{usage}");
    let help = journal.ok(&["show", "--help"]);
    assert!(help.contains("[env: WIN_DB]"), "{help}");
    assert!(!help.contains(&*journal.db().to_string_lossy()), "{help}");
    // WIN_DB still chooses the journal, --db still wins over it, and empty is an error.
    journal.add(&["in the journal"]);
    assert!(journal.ok(&["list"]).contains("in the journal"));
    journal
        .test()
        .args(["--db", "other.db", "list"])
        .fails()
        .stderr_contains("no journal at other.db")
        .run();
    journal
        .test()
        .env("WIN_DB", "")
        .arg("list")
        .fails()
        .stderr_contains("WIN_DB is empty")
        .run();
}

#[test]
fn global_flags_have_their_own_heading_in_a_command_help() {
    let journal = Journal::new();
    for command in [&["help", "add"][..], &["add", "--help"], &["list", "-h"]] {
        let help = journal.ok(command);
        let (own, global) = help.split_once("Global options:").expect(&help);
        for flag in ["--db", "--color", "--yes", "--framework"] {
            assert!(global.contains(flag), "{flag} under Global options: {help}");
            assert!(
                !own.contains(flag),
                "{flag} among the command's own: {help}"
            );
        }
    }
    let add = journal.ok(&["help", "add"]);
    let (own, _) = add.split_once("Global options:").unwrap();
    assert!(
        own.contains("--competency") && own.contains("--dry-run"),
        "{add}"
    );
}

#[test]
fn a_limit_of_zero_is_refused_rather_than_reported_as_no_match() {
    let journal = Journal::new();
    journal.add(&["one"]);
    for command in ["list", "export", "search"] {
        let mut args = vec![command, "-n", "0"];
        if command == "search" {
            args.push("one");
        }
        let output = journal
            .test()
            .args(&args)
            .status(2)
            .stderr_contains("give 1 or more")
            .run();
        assert!(
            !output.stderr.contains("no wins match"),
            "{}",
            output.stderr
        );
    }
    assert!(journal.ok(&["list", "-n", "1"]).contains("one"));
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

#[test]
fn an_inferred_competency_says_how_to_change_it() {
    let journal = Journal::new();
    journal.add(&["first"]);
    let stderr = journal
        .test()
        .args(["add", "mentored two new hires through their first launch"])
        .stderr_contains("leadership (inferred from: ")
        .stderr_contains("change with: win edit 2 -c NAME)")
        .run()
        .stderr;
    assert!(!stderr.contains("set with -c"), "{stderr}");
}

#[test]
fn counts_of_one_are_singular() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker", "-c", "mlops"]);
    let check = journal.ok(&["review", "check"]);
    assert!(check.contains("1 win checked"), "{check}");
    assert!(!check.contains("1 wins"), "{check}");
    assert!(check.contains("  1 win,"), "{check}");
    let stats = journal.ok(&["stats"]);
    assert!(stats.contains("— 1 win\n"), "{stats}");
    journal.add(&["tuned the ranker", "-c", "mlops"]);
    assert!(journal.ok(&["stats"]).contains("— 2 wins\n"));
    assert!(journal.ok(&["review", "check"]).contains("2 wins checked"));
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
fn a_deleted_win_number_is_never_given_again() {
    let journal = Journal::new();
    journal.add(&["one"]);
    journal.add(&["two"]);
    journal.ok(&["rm", "2", "--yes"]);
    assert_eq!(journal.add(&["three"]), 3, "#2 was deleted, not free");
    journal.ok(&["rm", "1", "3", "--yes"]);
    assert_eq!(journal.add(&["four"]), 4, "an emptied journal counts on");
}

/// A journal as schema 4 left it (this change is migration 0006), with a win of
/// every kind of linked row, and a gap where #3 and #4 were deleted.
fn schema_4_journal(journal: &Journal) {
    std::fs::create_dir_all(journal.db().parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    for sql in [
        include_str!("../../src/store/migrations/0001_init.sql"),
        include_str!("../../src/store/migrations/0002_bulk_fts.sql"),
        include_str!("../../src/store/migrations/0003_suspend_triggers.sql"),
        include_str!("../../src/store/migrations/0004_fts_rows_view.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO wins (id, uid, occurred_at, occurred_ts, created_at, updated_at, text, kind, stage, competency_source)
         VALUES (1, '0190a000-0000-7000-8000-000000000001', '2026-03-04T10:00:00+01:00', 1772614800,
                 '2026-03-04T10:00:00+01:00', '2026-03-04T10:00:00+01:00', 'fixed drift in the feature store', 'shipped', 'shipped', 'user'),
                (2, '0190a000-0000-7000-8000-000000000002', '2026-04-04T10:00:00+01:00', 1775293200,
                 '2026-04-04T10:00:00+01:00', '2026-04-04T10:00:00+01:00', 'mentored a new hire', 'leadership', NULL, 'none'),
                (5, '0190a000-0000-7000-8000-000000000005', '2026-05-04T10:00:00+01:00', 1777885200,
                 '2026-05-04T10:00:00+01:00', '2026-05-04T10:00:00+01:00', 'cut scoring latency', 'shipped', 'measured', 'user');
         INSERT INTO competencies (id, key) VALUES (1, 'mlops'), (2, 'data');
         INSERT INTO win_competencies (win_id, competency_id, position) VALUES (1, 2, 0), (5, 1, 0);
         INSERT INTO tags (id, name) VALUES (1, 'scoring'), (2, 'drift');
         INSERT INTO win_tags (win_id, tag_id, position) VALUES (1, 2, 0), (5, 1, 0);
         INSERT INTO links (win_id, position, url) VALUES (5, 0, 'https://example.test/pr/5');
         INSERT INTO updates (win_id, at, at_ts, stage, text, impact)
         VALUES (5, '2026-06-01T10:00:00+01:00', 1780304400, 'measured', 'rolled out everywhere', 'tickets about timeouts -40%');
         PRAGMA user_version = 4;",
    )
    .unwrap();
}

#[test]
fn migrating_keeps_every_id_link_and_search_and_stops_reusing_ids() {
    let journal = Journal::new();
    schema_4_journal(&journal);
    let win = journal.json(&["show", "#5", "--json"]);
    assert_eq!(win["text"], "cut scoring latency");
    assert_eq!(win["competencies"], serde_json::json!(["mlops"]));
    assert_eq!(win["tags"], serde_json::json!(["scoring"]));
    assert_eq!(
        win["links"],
        serde_json::json!(["https://example.test/pr/5"])
    );
    assert_eq!(win["updates"][0]["impact"], "tickets about timeouts -40%");
    assert!(journal.db().with_file_name("wins.db.bak-4").exists());
    // The full-text index still points at the same numbers: text, tags and
    // the timeline of each win.
    let found = |query: &str| -> Vec<i64> {
        let hits = journal.json(&["search", query, "--format", "json"]);
        hits.as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(found("feature store"), [1]);
    assert_eq!(found("drift"), [1]);
    assert_eq!(found("timeouts"), [5]);
    assert_eq!(found("mentored"), [2]);
    // The newest win goes; its number is not given to the next one.
    journal.ok(&["rm", "5", "--yes"]);
    assert_eq!(journal.add(&["shipped the ranker", "-t", "ranking"]), 6);
    assert_eq!(found("ranking"), [6]);
    assert_eq!(found("drift"), [1]);
    journal.ok(&["update", "1", "--impact", "stale features caught daily"]);
    assert_eq!(found("stale"), [1]);
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
    let links: i64 = conn
        .query_row("SELECT count(*) FROM links", [], |row| row.get(0))
        .unwrap();
    assert_eq!(links, 0, "win #5's link went with it");
    let tags: i64 = conn
        .query_row("SELECT count(*) FROM win_tags", [], |row| row.get(0))
        .unwrap();
    assert_eq!(tags, 2, "#1's tag kept, #6's added, #5's gone");
}

#[test]
fn search_has_a_small_query_syntax_that_user_input_cannot_break() {
    let journal = Journal::new();
    journal.add(&["cut p99 scoring latency from 240ms to 80ms"]);
    journal.add(&["mentored two new hires"]);
    journal.add(&["retrained the p99 alerting model"]);
    journal.add(&["fixed drift in the feature store"]);
    let found = |query: &str| -> Vec<i64> {
        let output = journal
            .test()
            .args(["search", query, "--format", "json"])
            .status_one_of(&[0, 1])
            .run();
        if output.code == Some(1) {
            assert!(
                output.stdout.is_empty() && output.stderr.is_empty(),
                "{}",
                output.stderr
            );
            return Vec::new();
        }
        let mut ids: Vec<i64> = output
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(found("latency OR mentored"), [1, 2]);
    assert_eq!(found("p99 -latency"), [3]);
    assert_eq!(found("p99 -\"scoring latency\""), [3]);
    assert_eq!(found("retrain*"), [3]);
    assert_eq!(found("\"feature store\""), [4]);
    assert_eq!(found("\"store feature\""), Vec::<i64>::new());
    assert_eq!(found("p99 latency"), [1]);
    // FTS5's own syntax typed by a person is text, never a syntax error.
    for query in [
        "p99 NOT latency",
        "NEAR(p99 latency)",
        "p99 AND",
        "col:umn",
        "\"unclosed",
        "a\"b\"c",
        "-",
        "--",
        "(",
        ")",
        "*",
        "p99*)",
        "^p99",
        "+",
        "OR OR",
        "{a b}:c",
        "p99 -40%",
        "'",
        "\\",
    ] {
        let output = journal
            .test()
            .args(["search", "--", query])
            .status_one_of(&[0, 1])
            .run();
        assert!(
            !output.stderr.contains("syntax") && !output.stderr.contains("fts5"),
            "{query}: {}",
            output.stderr
        );
    }
    journal
        .test()
        .args(["search", "--", "-latency"])
        .fails()
        .stderr_contains("give a word to find too")
        .run();
    journal
        .test()
        .args(["search", "--help"])
        .stdout_contains("a OR b (either), -word (without")
        .run();
}

#[test]
fn a_change_alone_is_not_repeated() {
    let journal = Journal::new();
    journal.add(&["lifted conversion +2.3% with the new ranker"]);
    let show = journal.ok(&["show", "1"]);
    assert!(show.contains("conversion +2.3%"), "{show}");
    assert!(!show.contains("(+2.3%)"), "{show}");
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

#[test]
fn the_readme_starts_with_the_two_set_up_commands() {
    let readme = include_str!("../../README.md");
    let first_block = readme.find("```").expect("a code block");
    let try_it = readme.find("## Try it").expect("a Try it section");
    let install = readme.find("## Install").expect("an Install section");
    assert!(
        try_it < install && try_it < first_block,
        "Try it comes first"
    );
    let commands = &readme[first_block..];
    assert!(
        commands.starts_with("```sh\ncargo run --release -- demo"),
        "{commands:.80}"
    );
    assert!(readme[install..].contains("cargo install --locked --path . --target-dir target"));
}
