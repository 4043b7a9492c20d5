//! `--rewrite`: statements rewritten by the user's own model, here small
//! scripts that answer well, invent a number, drop a headline number,
//! invent a product, hang, fail, or write garbage. Each script counts its
//! calls, so the tests see when a kept answer is used instead.

use std::time::{Duration, Instant};

use crate::harness::{file_bytes, Journal};

const WIN: &str = "cut p99 scoring latency from 240ms to 80ms by batching features";
const IMPACT: &str = "support tickets -35%";
const GOOD: &str = "I batched scoring features, cutting p99 latency from 240ms to 80ms and support tickets by 35%.";

/// A journal with one win and a model that runs `body` (after counting
/// the call and saving the prompt it was given).
fn journal_with_model(body: &str, timeout: &str) -> Journal {
    let journal = Journal::new();
    journal.add(&[WIN, "-i", IMPACT, "-c", "mlops"]);
    set_model(&journal, body, timeout);
    journal
}

fn set_model(journal: &Journal, body: &str, timeout: &str) {
    let dir = journal.path();
    let script = dir.join("model.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho call >> '{calls}'\ncat > '{prompt}'\n{body}\n",
            calls = dir.join("calls").display(),
            prompt = dir.join("prompt.txt").display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(journal.config_dir()).unwrap();
    std::fs::write(
        journal.config_dir().join("config.toml"),
        format!(
            "[rewrite]\ncommand = \"sh '{}'\"\ntimeout = \"{timeout}\"\n",
            script.display()
        ),
    )
    .unwrap();
}

/// A model that answers `answer`.
fn answering(answer: &str) -> String {
    format!("cat <<'ANSWER'\n{answer}\nANSWER")
}

fn calls(journal: &Journal) -> usize {
    std::fs::read_to_string(journal.path().join("calls"))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

fn prompt(journal: &Journal) -> String {
    std::fs::read_to_string(journal.path().join("prompt.txt")).unwrap()
}

fn draft(journal: &Journal) -> crate::harness::Output {
    journal
        .test()
        .args(["review", "draft", "--since", "1y", "--rewrite"])
        .run()
}

#[test]
fn a_faithful_answer_is_the_draft_s_statement_and_is_kept() {
    let journal = journal_with_model(&answering(GOOD), "10s");
    let first = draft(&journal);
    assert!(first.stdout.contains(GOOD), "{}", first.stdout);
    assert!(
        first.stderr.contains("rewrite: 1 rewritten by your model"),
        "{}",
        first.stderr
    );
    assert_eq!(calls(&journal), 1);
    // The model got the house rules, the win's facts and the generated statement.
    let asked = prompt(&journal);
    for part in [
        "First person",
        WIN,
        "Impact: support tickets -35%",
        "Metric: latency 240ms → 80ms (−66.7%)",
        "Statement to rewrite:\nI cut p99 scoring latency",
        "at most 600 characters",
    ] {
        assert!(asked.contains(part), "the prompt lacks {part:?}:\n{asked}");
    }

    // The next draft uses the kept answer without running the model.
    let second = draft(&journal);
    assert!(second.stdout.contains(GOOD), "{}", second.stdout);
    assert!(
        second.stderr.contains("rewrite: 1 kept from before"),
        "{}",
        second.stderr
    );
    assert_eq!(calls(&journal), 1);
    // `review statement --rewrite` uses it too.
    journal
        .test()
        .args(["review", "statement", "1", "--rewrite"])
        .stdout(format!("{GOOD}\n"))
        .run();
    assert_eq!(calls(&journal), 1);
    // Without --rewrite, the generated statement.
    let plain = journal.ok(&["review", "draft", "--since", "1y"]);
    assert!(!plain.contains(GOOD), "{plain}");

    // =fresh asks again.
    journal
        .test()
        .args(["review", "draft", "--since", "1y", "--rewrite=fresh"])
        .stdout_contains(GOOD)
        .run();
    assert_eq!(calls(&journal), 2);
}

#[test]
fn an_edit_of_the_win_makes_its_kept_answer_stale() {
    let journal = journal_with_model(&answering(GOOD), "10s");
    draft(&journal);
    assert_eq!(calls(&journal), 1);
    journal.ok(&["edit", "1", "--next", "roll it out to search"]);
    let after = draft(&journal);
    assert_eq!(calls(&journal), 2, "{}", after.stderr);
    assert!(prompt(&journal).contains("Next: roll it out to search"));
    // Another limit is another question too.
    journal
        .test()
        .args([
            "review",
            "draft",
            "--since",
            "1y",
            "--rewrite",
            "--max-chars",
            "300",
        ])
        .run();
    assert_eq!(calls(&journal), 3);
    assert!(prompt(&journal).contains("at most 300 characters"));
    // So is a prompt template of the user's, which the model then gets.
    let templates = journal.config_dir().join("templates").join("rewrite");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("prompt.txt"),
        "Polish this, keeping its numbers: {{ statement }}\n",
    )
    .unwrap();
    draft(&journal);
    assert_eq!(calls(&journal), 4);
    assert!(prompt(&journal).starts_with("Polish this, keeping its numbers: I cut"));
    draft(&journal);
    assert_eq!(calls(&journal), 4);
}

#[test]
fn the_person_s_own_statement_stands_over_the_model() {
    let journal = journal_with_model(&answering(GOOD), "10s");
    draft(&journal);
    journal.ok(&[
        "edit",
        "1",
        "--statement",
        "I made scoring three times faster (240ms to 80ms).",
    ]);
    let output = draft(&journal);
    assert!(
        output.stdout.contains("I made scoring three times faster"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains(GOOD), "{}", output.stdout);
    assert_eq!(calls(&journal), 1);
}

#[test]
fn an_answer_that_invents_a_number_is_refused_and_not_kept() {
    let journal = journal_with_model(
        &answering("I batched scoring features, cutting p99 latency from 240ms to 80ms and support tickets by 40%."),
        "10s",
    );
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the answer says 40%, which the win does not"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("1 refused by the fact check (their generated statements stand)"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stdout
            .contains("I cut p99 scoring latency from 240 ms to 80 ms"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("40%"), "{}", output.stdout);
    // Nothing was kept: the next draft asks again.
    draft(&journal);
    assert_eq!(calls(&journal), 2);
}

#[test]
fn an_answer_that_drops_a_headline_number_is_refused() {
    let journal = journal_with_model(
        &answering("I batched scoring features, which made p99 latency much lower and cut support tickets by 35%."),
        "10s",
    );
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the answer leaves out latency 240ms → 80ms (−66.7%)"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_answer_that_invents_a_product_is_refused() {
    let journal = journal_with_model(
        &answering("I batched scoring features on Snowflake, cutting p99 latency from 240ms to 80ms and support tickets by 35%."),
        "10s",
    );
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the answer names Snowflake, which the win does not"),
        "{}",
        output.stderr
    );
    assert!(!output.stdout.contains("Snowflake"), "{}", output.stdout);
}

#[test]
fn a_model_that_hangs_is_stopped_and_the_draft_still_comes() {
    let journal = journal_with_model("sleep 30", "1s");
    let started = Instant::now();
    let output = draft(&journal);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        output
            .stderr
            .contains("#1: the model gave no answer within 1s and was stopped"),
        "{}",
        output.stderr
    );
    assert!(
        output.stdout.contains("I cut p99 scoring latency"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_model_that_fails_is_told_and_the_draft_still_comes() {
    let journal = journal_with_model(
        "echo 'Error: model \"llama9\" not found' >&2; exit 1",
        "10s",
    );
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the model failed (exit status 1): Error: model \"llama9\" not found"),
        "{}",
        output.stderr
    );
    assert!(
        output.stdout.contains("I cut p99 scoring latency"),
        "{}",
        output.stdout
    );
}

#[test]
fn binary_garbage_and_a_flood_are_refused() {
    let journal = journal_with_model("printf '\\377\\376\\000\\033[2J'", "10s");
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the model's answer is not UTF-8 text"),
        "{}",
        output.stderr
    );
    assert!(output.stdout.contains("I cut p99 scoring latency"));

    set_model(
        &journal,
        "yes 'I cut latency by 35%.' | head -c 10485760",
        "20s",
    );
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the model wrote more than 64 KiB and was stopped"),
        "{}",
        output.stderr
    );
    assert!(output.stdout.contains("I cut p99 scoring latency"));
    // Escape sequences are refused, never printed.
    set_model(
        &journal,
        &answering("I cut p99 latency from 240ms to 80ms and support tickets by 35%.\u{1b}[2J"),
        "10s",
    );
    let output = draft(&journal);
    assert!(
        output
            .stderr
            .contains("#1: the answer has a control character"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_model_that_keeps_failing_is_not_asked_about_every_win() {
    let journal = journal_with_model("exit 1", "10s");
    for n in 0..4 {
        journal.add(&[
            &format!("shipped feature store audit number {n}"),
            "-c",
            "mlops",
        ]);
    }
    let output = draft(&journal);
    assert_eq!(calls(&journal), 3, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("the model is not asked about the other wins (it failed 3 times in a row)"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("5 without an answer"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_missing_program_is_named_once() {
    let journal = Journal::new();
    journal.add(&[WIN]);
    journal.add(&["shipped the ranker"]);
    std::fs::create_dir_all(journal.config_dir()).unwrap();
    std::fs::write(
        journal.config_dir().join("config.toml"),
        "[rewrite]\ncommand = \"no-such-model run llama3.2\"\n",
    )
    .unwrap();
    let output = draft(&journal);
    assert!(
        output.stderr.contains("no program \"no-such-model\""),
        "{}",
        output.stderr
    );
    assert_eq!(
        output.stderr.matches("no program").count(),
        1,
        "{}",
        output.stderr
    );
}

#[test]
fn with_notes_the_refusals_are_among_the_notes() {
    let journal = journal_with_model(
        &answering("We cut latency from 240ms to 80ms and tickets by 35%."),
        "10s",
    );
    let output = journal
        .test()
        .args(["review", "draft", "--since", "1y", "--rewrite", "--notes"])
        .run();
    let notes = output
        .stderr
        .split("Notes for you")
        .nth(1)
        .unwrap_or_default();
    assert!(
        notes.contains("- #1: the answer is not in the first person"),
        "{}",
        output.stderr
    );
    assert!(
        notes.contains("- rewrite: 1 refused by the fact check"),
        "{}",
        output.stderr
    );
}

#[test]
fn without_a_command_rewrite_is_a_usage_error_and_writes_nothing() {
    let journal = Journal::new();
    journal.add(&[WIN]);
    let before = file_bytes(&journal.db());
    for args in [
        vec!["review", "draft", "--rewrite"],
        vec!["review", "statement", "1", "--rewrite=fresh"],
    ] {
        let output = journal.test().args(&args).status(2).run();
        assert!(output.stdout.is_empty(), "{}", output.stdout);
        assert_eq!(output.stderr.lines().count(), 1, "{}", output.stderr);
        assert!(
            output.stderr.starts_with("win: --rewrite needs"),
            "{}",
            output.stderr
        );
        assert!(
            output.stderr.contains("[rewrite] command"),
            "{}",
            output.stderr
        );
    }
    assert_eq!(file_bytes(&journal.db()), before);
}

#[test]
fn a_bad_rewrite_section_is_a_clear_error() {
    let journal = Journal::new();
    journal.add(&[WIN]);
    std::fs::create_dir_all(journal.config_dir()).unwrap();
    let config = journal.config_dir().join("config.toml");
    std::fs::write(
        &config,
        "[rewrite]\ncommand = \"ollama run llama3.2\"\ntimeout = \"soon\"\n",
    )
    .unwrap();
    let error = journal.fails(&["review", "draft", "--rewrite"]);
    assert!(
        error.contains("invalid [rewrite] timeout \"soon\""),
        "{error}"
    );
    std::fs::write(&config, "[rewrite]\ncommand = \"ollama run 'llama\"\n").unwrap();
    let error = journal.fails(&["review", "draft", "--rewrite"]);
    assert!(error.contains("cannot read [rewrite] command"), "{error}");
    std::fs::write(&config, "[rewrite]\nprogram = \"ollama\"\n").unwrap();
    let error = journal.fails(&["review", "draft"]);
    assert!(error.contains("[rewrite] command"), "{error}");
}

#[test]
fn the_model_runs_without_a_shell_in_a_clean_environment() {
    let journal = journal_with_model("", "10s");
    let env_file = journal.path().join("env.txt");
    set_model(
        &journal,
        &format!("env > '{}'\n{}", env_file.display(), answering(GOOD)),
        "10s",
    );
    journal
        .test()
        .args(["review", "draft", "--since", "1y", "--rewrite"])
        .env("WIN_TEST_SECRET_TOKEN", "s3cret")
        .env("OLLAMA_HOST", "127.0.0.1:11434")
        .run();
    let env = std::fs::read_to_string(&env_file).unwrap();
    assert!(!env.contains("s3cret"), "{env}");
    assert!(!env.contains("WIN_DB"), "{env}");
    assert!(!env.contains("OLLAMA_HOST"), "{env}");
    assert!(env.contains("PATH="), "{env}");
    // A variable the config names is passed on.
    let config = journal.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}env = [\"OLLAMA_HOST\"]\n")).unwrap();
    journal
        .test()
        .args(["review", "draft", "--since", "1y", "--rewrite=fresh"])
        .env("OLLAMA_HOST", "127.0.0.1:11434")
        .run();
    let env = std::fs::read_to_string(&env_file).unwrap();
    assert!(env.contains("OLLAMA_HOST=127.0.0.1:11434"), "{env}");
}

#[test]
fn the_llm_brief_is_one_prompt_with_the_period_s_facts() {
    let journal = Journal::new();
    journal.add(&[WIN, "-i", IMPACT, "-c", "mlops", "--role", "led"]);
    journal.add(&[
        "ruled out a GNN reranker after 3 weeks",
        "--kind",
        "negative-result",
        "-c",
        "experimentation",
    ]);
    let brief = journal.ok(&[
        "review",
        "draft",
        "--since",
        "1y",
        "--template",
        "llm-brief",
    ]);
    for part in [
        "Write my self-assessment",
        "Add no number, name, product",
        "Win #1",
        "my part: led",
        "- Statement: I led",
        "- Metric: latency 240ms → 80ms (−66.7%)",
        "- Impact: support tickets -35%",
        "Win #2",
        "negative-result",
    ] {
        assert!(brief.contains(part), "the brief lacks {part:?}:\n{brief}");
    }
    assert!(!brief.contains("**"), "{brief}");
}

#[test]
fn a_removed_win_takes_its_kept_answer_with_it() {
    let journal = journal_with_model(&answering(GOOD), "10s");
    draft(&journal);
    let kept = |journal: &Journal| -> i64 {
        let conn = rusqlite::Connection::open(journal.db()).unwrap();
        conn.query_row("SELECT count(*) FROM kept_rewrites", [], |row| row.get(0))
            .unwrap()
    };
    assert_eq!(kept(&journal), 1);
    journal.ok(&["rm", "1", "--yes"]);
    assert_eq!(kept(&journal), 0);
}

#[test]
fn the_readme_s_rewrite_config_is_read_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("<!-- rewrite-config:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- rewrite-config:end -->").next())
        .expect("the README's [rewrite] example");
    let toml = block
        .trim()
        .trim_start_matches("```toml")
        .trim_end_matches("```");
    assert!(toml.contains("command = \"ollama run llama3.2\""), "{toml}");
    // The same settings, with a scripted model in ollama's place.
    let journal = journal_with_model(&answering(GOOD), "10s");
    let script = journal.path().join("model.sh");
    let config = toml.replace(
        "\"ollama run llama3.2\"",
        &format!("\"sh '{}'\"", script.display()),
    );
    std::fs::write(journal.config_dir().join("config.toml"), config).unwrap();
    let output = draft(&journal);
    assert!(output.stdout.contains(GOOD), "{}", output.stdout);
}
