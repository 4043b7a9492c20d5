//! What a new user tripped on in their first hour (issue 28): installing,
//! back-dated wins, dates, completions, the man page, the checker, ids,
//! the sync remote, and the smaller things.

use crate::harness::{Journal, Test};
use crate::pty::Pty;
use crate::sync_kit::git;

/// Erases the line typed so far (readline's unix-line-discard).
const CTRL_U: &[u8] = b"\x15";

fn readme() -> &'static str {
    include_str!("../../README.md")
}

/// The README's install section, up to the next heading.
fn install_section() -> &'static str {
    let readme = readme();
    let start = readme.find("## Install").expect("an Install section");
    let rest = &readme[start + 3..];
    &readme[start..start + 3 + rest.find("\n## ").unwrap_or(rest.len())]
}

/// Without --locked, `cargo install` resolves the newest dependencies
/// instead of Cargo.lock's: it rebuilt everything (184 s) and installed a
/// binary the tests never ran.
#[test]
fn the_readme_installs_with_the_lock_file() {
    let install = install_section();
    let commands: Vec<&str> = install
        .lines()
        .filter(|line| line.trim_start().starts_with("cargo install"))
        .collect();
    assert!(!commands.is_empty(), "{install}");
    for command in commands {
        assert!(command.contains("--locked"), "{command}");
    }
}

/// Rust's version (the one Cargo.toml and the locked dependencies need), a
/// C compiler for SQLite, and bash-completion for the completions path.
#[test]
fn the_readme_states_the_prerequisites() {
    let manifest = include_str!("../../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = "))
        .expect("Cargo.toml has a rust-version")
        .trim_matches('"');
    let install = install_section();
    assert!(
        install.contains(&format!("Rust {version} or later")),
        "{install}"
    );
    assert!(install.contains("C compiler"), "{install}");
    assert!(install.contains("bash-completion"), "{install}");
}

/// A duplicate skipped on import used up a number: importing the same two
/// wins three times made the next capture #7.
#[test]
fn a_skipped_duplicate_uses_up_no_id() {
    let source = Journal::new();
    source.add(&["shipped the ranker"]);
    source.add(&["cut p99 from 240ms to 80ms"]);
    let file = source.path().join("wins.jsonl");
    std::fs::write(&file, source.ok(&["export", "--format", "jsonl"])).unwrap();
    let path = file.to_str().unwrap();

    let journal = Journal::new();
    for _ in 0..3 {
        journal.ok(&["import", path]);
    }
    assert_eq!(journal.add(&["mentored a new hire"]), 3);
    // A deleted win's number is still never given again.
    journal.ok(&["rm", "3", "--yes"]);
    journal.ok(&["import", path]);
    assert_eq!(journal.add(&["wrote the runbook"]), 4);
}

/// A bare repository made with the user's git names its default branch
/// (`master` here) as HEAD, which win never pushes: a `git clone` of the
/// remote said "remote HEAD refers to nonexistent ref" and checked out
/// nothing.
#[test]
fn a_clone_of_the_sync_remote_checks_out_the_branch_win_pushes() {
    let remote_dir = tempfile::tempdir().unwrap();
    git(
        remote_dir.path(),
        &[
            "-c",
            "init.defaultBranch=master",
            "init",
            "--quiet",
            "--bare",
            "wins.git",
        ],
    );
    let remote = remote_dir.path().join("wins.git");
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    journal.ok(&[
        "sync",
        "init",
        remote.to_str().unwrap(),
        "--device",
        "laptop",
    ]);
    journal.ok(&["sync"]);
    assert_eq!(
        git(&remote, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    let clone = remote_dir.path().join("clone");
    let output = std::process::Command::new("git")
        .args(["clone", remote.to_str().unwrap(), clone.to_str().unwrap()])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", remote_dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(!said.contains("nonexistent ref"), "{said}");
    assert!(clone.join("sync.json").is_file(), "{said}");
}

/// A win recorded today as shipped on 2026-04-22 and then marked measured
/// was "shipped today" in `win pending` and "shipped 0 days ago" in the
/// notes, was still waiting at `measured`, and a follow-up with its result
/// ("now used by 9 models") did not count as an outcome.
#[test]
fn back_dated_wins_wait_since_they_shipped_and_measured_ones_do_not() {
    let journal = Journal::new();
    journal.add(&[
        "deployed the churn model",
        "-d",
        "2026-04-22",
        "--stage",
        "shipped",
    ]);
    let pending = journal.ok(&["pending"]);
    assert!(
        pending.starts_with("#1\t7 months waiting\tshipped"),
        "{pending}"
    );
    let notes = journal
        .test()
        .args(["review", "draft", "--notes", "--period", "2026"])
        .run()
        .stderr;
    assert!(notes.contains("shipped 213 days ago"), "{notes}");

    // Measured today: its outcome is known, it waits for nothing.
    journal.ok(&["update", "1", "--stage", "measured"]);
    journal
        .test()
        .arg("pending")
        .stdout("")
        .stderr_contains("nothing is waiting")
        .run();
    let notes = journal
        .test()
        .args(["review", "draft", "--notes", "--period", "2026"])
        .run()
        .stderr;
    assert!(!notes.contains("waiting on impact"), "{notes}");

    // A follow-up that states its result is an outcome.
    journal.add(&[
        "shipped the ranker",
        "-d",
        "2026-09-01",
        "--stage",
        "shipped",
    ]);
    assert!(journal.ok(&["pending"]).starts_with("#2\t"));
    journal.ok(&["update", "2", "now used by 9 models"]);
    journal.test().arg("pending").stdout("").run();
    let check = journal.ok(&["review", "check", "--period", "2026"]);
    assert!(!check.contains("pending-impact"), "{check}");
}

/// `-d "last month"` was refused with suggestions (`last week`, `2026-Q1`)
/// that `-d` refused too.
#[test]
fn every_date_an_error_suggests_works_with_d() {
    let journal = Journal::new();
    journal.add(&["built the ranker", "-d", "2026-01-01"]);
    journal
        .test()
        .args(["add", "tuned the ranker", "-d", "last month"])
        .stderr_contains("recorded #2 on 2026-10-01")
        .run();
    let error = journal.fails(&["add", "tuned it again", "-d", "the other day"]);
    let examples = error
        .split("(try: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no examples in {error}"));
    for example in examples.split(", ") {
        for args in [
            vec!["add", "x", "--dry-run", "-d", example],
            vec!["update", "1", "--stage", "shipped", "-d", example],
            vec!["list", "--since", example],
            vec!["pending", "--older-than", example],
        ] {
            journal.test().args(&args).run();
        }
    }
}

/// An interactive bash on a terminal with win's completions loaded (from
/// `win ARGS completions bash`), as a person has it.
fn bash_with_completions(journal: &Journal, args: &str) -> Pty {
    let command = journal
        .test()
        .shell("exec bash --norc --noprofile -i")
        .env("PS1", "$ ")
        .env("INPUTRC", "/dev/null")
        .command();
    let mut bash = Pty::spawn(command);
    bash.line(&format!("source <(win {args} completions bash)"));
    bash
}

/// `win add -c <Tab>` offered file names: it offers the competencies of
/// the framework in use (read from its data), and --stage, --kind and
/// --role their values.
#[test]
fn completion_offers_competencies_and_values() {
    let journal = Journal::new();
    std::fs::write(journal.path().join("notes.txt"), "a file").unwrap();
    let mut bash = bash_with_completions(&journal, "");
    bash.type_text("win add -c ");
    bash.key(b"\t");
    bash.key(b"\t");
    bash.expect("business-impact");
    let screen = bash.screen();
    assert!(
        screen.contains("model-development") && screen.contains("mlops"),
        "{screen}"
    );
    assert!(!screen.contains("notes.txt"), "{screen}");
    bash.key(CTRL_U); // a new line
    bash.type_text("win list --stage sh");
    bash.key(b"\t");
    bash.expect("shipped");
    bash.key(CTRL_U);
    bash.type_text("win add --role sup");
    bash.key(b"\t");
    bash.expect("supported");
    bash.key(CTRL_U);
    bash.type_text("win add --kind neg");
    bash.key(b"\t");
    bash.expect("negative-result");
    bash.key(CTRL_U);
    bash.line("exit");
    bash.finish();

    // A tag, a date or a text is not a file name (asked of the completion
    // function itself: readline shows nothing for a lone candidate).
    let offered = journal
        .test()
        .shell(
            "bash --norc --noprofile -c 'source <(win completions bash); \
             COMP_WORDS=(win add -t no); COMP_CWORD=3; _win win no -t 2>/dev/null; \
             echo \"[${COMPREPLY[*]}]\"'",
        )
        .run()
        .stdout;
    assert_eq!(offered, "[no]\n");

    // Another framework: its own competencies, from its data file.
    let mut bash = bash_with_completions(&journal, "--framework data-scientist");
    bash.type_text("win add -c stake");
    bash.key(b"\t");
    bash.expect("stakeholder-impact");
    bash.key(CTRL_U);
    bash.line("exit");
    bash.finish();
}

/// The man page had no description and named win-add(1) and others that
/// did not exist (`win man add` was an error).
#[test]
fn the_man_pages_it_names_exist() {
    let journal = Journal::new();
    let page = journal.ok(&["man"]);
    let description = page
        .split(".SH DESCRIPTION\n")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_default();
    assert!(
        description.contains("journal of professional wins"),
        "{page}"
    );
    assert!(journal.ok(&["man", "add"]).contains(".TH win-add 1"));
    assert!(journal
        .ok(&["man", "review", "draft"])
        .contains("win\\-review\\-draft \\- Render a self\\-assessment draft"));
    let error = journal.fails(&["man", "review", "nope"]);
    assert!(error.contains("no command \"win review nope\""), "{error}");

    let dir = journal.path().join("man1");
    journal
        .test()
        .args(["man", "--dir", dir.to_str().unwrap()])
        .stderr_contains("wrote 38 man pages")
        .run();
    let named = pages_named(&page);
    assert!(named.len() > 15, "{named:?}");
    for name in named {
        assert!(
            dir.join(format!("{name}.1")).is_file(),
            "{name}(1) is named but not written"
        );
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for name in pages_named(&text) {
            assert!(
                dir.join(format!("{name}.1")).is_file(),
                "{path:?} names {name}(1)"
            );
        }
    }
}

/// The pages a page names: `win\-add(1)` in roff.
fn pages_named(page: &str) -> Vec<String> {
    page.split("(1)")
        .filter_map(|before| {
            let name = before
                .rsplit(|c: char| c.is_whitespace() || c == ']')
                .next()?;
            name.starts_with("win").then(|| name.replace("\\-", "-"))
        })
        .collect()
}

/// The rules a dry run finds for a note, and its metrics' labels and levels.
fn checked(journal: &Journal, note: &str) -> (Vec<String>, Vec<(String, String)>) {
    let preview = journal.json(&["add", note, "--dry-run", "--json"]);
    // Whether the competency was a guess is another matter (tests/cli/unsure.rs).
    let rules = preview["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap().to_string())
        .filter(|rule| rule != "competency-unsure")
        .collect();
    let metrics = preview["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|metric| {
            (
                metric["label"].as_str().unwrap_or_default().to_string(),
                metric["level"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (rules, metrics)
}

/// 12 of 14 real notes were flagged: every note without --impact got
/// `no-impact` though it stated its result, and "cut gpu bill ~30%" got
/// `no-business-outcome` though a cloud bill is a business cost.
#[test]
fn the_checker_takes_a_bill_as_a_cost_and_a_stated_result_as_impact() {
    let journal = Journal::new();
    let (rules, metrics) = checked(&journal, "cut gpu bill ~30%");
    assert_eq!(metrics, [("gpu bill".to_string(), "business".to_string())]);
    assert!(
        !rules.contains(&"no-business-outcome".to_string()),
        "{rules:?}"
    );
    assert!(!rules.contains(&"no-impact".to_string()), "{rules:?}");
    let (rules, _) = checked(&journal, "cut the cloud bill by 30% with spot instances");
    assert!(rules.is_empty(), "{rules:?}");
    // A result stated in the note is its impact; a bare number is not.
    let (rules, _) = checked(
        &journal,
        "manual review queue -30% after the new triage model",
    );
    assert!(!rules.contains(&"no-impact".to_string()), "{rules:?}");
    let (rules, _) = checked(&journal, "tollgate p99 38ms after conn pool fix");
    assert!(rules.contains(&"no-impact".to_string()), "{rules:?}");
    // A model metric is not an impact yet.
    let (rules, _) = checked(&journal, "raised AUC from 0.81 to 0.88");
    assert!(rules.contains(&"no-impact".to_string()), "{rules:?}");
    let (rules, _) = checked(&journal, "improved the ranking model");
    assert!(rules.contains(&"no-number".to_string()) && rules.contains(&"no-impact".to_string()));
}

/// "support tix on slow pages down ~40%" was stored as `pages −40%`: tix
/// are tickets, and the pages only say which tickets.
#[test]
fn support_tix_on_slow_pages_are_tickets() {
    let journal = Journal::new();
    let (_, metrics) = checked(&journal, "support tix on slow pages down ~40%");
    assert_eq!(
        metrics,
        [("support tix".to_string(), "business".to_string())]
    );
    let (_, metrics) = checked(&journal, "support tickets about slow pages -40%");
    assert_eq!(metrics[0].0, "support tickets");
    let (_, metrics) = checked(&journal, "latency of the ranking pages down 40%");
    assert_eq!(metrics[0].0, "latency");
    journal.add(&["support tix on slow pages down 40%"]);
    let shown = journal.ok(&["show", "1"]);
    assert!(shown.contains("support tix"), "{shown}");
}

/// `win list --color always` was plain lines when piped, while `show` and
/// `stats` coloured; the table had no tag or star column.
#[test]
fn list_shows_tags_and_stars_and_colours_when_asked() {
    let journal = Journal::new();
    journal.add(&["cut p99 from 240ms to 80ms", "-t", "scoring"]);
    journal.add(&["mentored two new hires", "--star"]);

    let mut command = journal.test().args(["list"]).command();
    command.env_remove("NO_COLOR");
    let (code, screen) = Pty::spawn(command).finish();
    assert_eq!(code, Some(0), "{screen}");
    let header = screen.lines().find(|line| line.contains("date")).unwrap();
    for column in ["id", "★", "competencies", "tags", "win"] {
        assert!(header.contains(column), "{header}");
    }
    let starred = screen
        .lines()
        .find(|line| line.contains("mentored"))
        .unwrap();
    assert!(
        starred.contains("\u{1b}[33m#2") && starred.contains('★'),
        "{starred}"
    );
    let tagged = screen
        .lines()
        .find(|line| line.contains("cut p99"))
        .unwrap();
    assert!(
        tagged.contains("scoring") && !tagged.contains('★'),
        "{tagged}"
    );

    let piped = journal.ok(&["list", "--color", "always"]);
    assert!(
        piped.contains("\u{1b}[33m#1") && piped.contains("tags"),
        "{piped}"
    );
    // Unasked, a pipe still gets tab-separated lines.
    assert_eq!(
        journal.ok(&["list"]).lines().next(),
        Some("2\t2026-11-21\tleadership\t\tmentored two new hires")
    );
}

/// A search that matched only a tag showed the tag alone as its snippet,
/// which said nothing of the win.
#[test]
fn a_search_that_matches_a_tag_shows_the_win_too() {
    let journal = Journal::new();
    journal.add(&["cut p99 scoring latency by batching", "-t", "latency-work"]);
    journal.add(&["shipped the ranker", "-p", "hermes"]);
    let mut command = journal.test().args(["search", "latency-work"]).command();
    command.env_remove("NO_COLOR");
    let (code, screen) = Pty::spawn(command).finish();
    assert_eq!(code, Some(0), "{screen}");
    assert!(
        screen.contains(
            "cut p99 scoring latency by batching · tags: \u{1b}[1m\u{1b}[36mlatency-work"
        ),
        "{screen:?}"
    );
    assert_eq!(
        journal.ok(&["search", "hermes"]),
        "2\t2026-11-21\tshipped the ranker · project: hermes\n"
    );
    // A match in the text is shown as before.
    assert_eq!(
        journal.ok(&["search", "ranker"]),
        "2\t2026-11-21\tshipped the ranker\n"
    );
}

/// `win sync` right after setting a passphrase said "0 changes sent",
/// though it sent the passphrase.
#[test]
fn a_sync_after_a_passphrase_says_it_sent_it() {
    let remote = crate::sync_kit::Remote::new();
    let journal = crate::sync_kit::device(&remote, "laptop", &["--encrypt"]);
    let mut command = journal.test().args(["sync", "key", "passphrase"]).command();
    command.env_remove("NO_COLOR");
    let mut pty = Pty::spawn(command);
    let passphrase = "correct horse battery staple";
    pty.expect("New passphrase");
    pty.line(passphrase);
    pty.expect("The same passphrase again");
    pty.line(passphrase);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(screen.contains("passphrase set"), "{screen:?}");
    let said = journal.test().arg("sync").run().stderr;
    assert!(
        said.contains("synced: sent what was committed before (passphrase set), 0 received"),
        "{said}"
    );
    // Nothing new: nothing said to be sent.
    let said = journal.test().arg("sync").run().stderr;
    assert!(
        said.contains("synced: 0 changes sent, 0 received"),
        "{said}"
    );
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
