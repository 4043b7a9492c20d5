//! The questions `win` asks on a terminal, answered through a pty: every
//! way out leaves the terminal as it was and says what happened.

use crate::harness::Journal;
use crate::pty::{Pty, CTRL_C, CTRL_D, DOWN, ENTER, ESC, HIDE_CURSOR, LEFT, SHOW_CURSOR};

fn on_terminal(journal: &Journal, args: &[&str]) -> Pty {
    let mut command = journal.test().args(args).command();
    command.env_remove("NO_COLOR");
    Pty::spawn(command)
}

/// The cursor is shown again after the last time it was hidden.
fn cursor_shown(screen: &str) -> bool {
    match screen.rfind(HIDE_CURSOR) {
        Some(hidden) => screen[hidden..].contains(SHOW_CURSOR),
        None => true,
    }
}

/// How many wins are stored (none when a cancelled capture created no journal).
fn wins(journal: &Journal) -> usize {
    if !journal.db().exists() {
        return 0;
    }
    journal
        .json(&["list", "--format", "json"])
        .as_array()
        .map_or(0, Vec::len)
}

/// How `win` ended after Ctrl-C at a question: 130, as Ctrl-C elsewhere,
/// saying so, with the cursor shown and the terminal's settings back.
fn interrupted(mut pty: Pty, outcome: &str) {
    // Said once the settings are back.
    pty.expect(&format!("win: interrupted: {outcome}\r\n"));
    assert!(pty.cooked(), "terminal left raw: {:?}", pty.screen());
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(130), "{screen:?}");
    assert!(cursor_shown(&screen), "cursor left hidden: {screen:?}");
}

#[test]
fn ctrl_c_in_the_competency_picker_exits_130_restoring_the_cursor() {
    let journal = Journal::new();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("tuned the ranker");
    pty.expect("What impact did it have?");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect(HIDE_CURSOR);
    pty.expect("Competency");
    pty.key(CTRL_C);
    interrupted(pty, "nothing was recorded");
    assert_eq!(wins(&journal), 0);
}

#[test]
fn ctrl_c_in_a_text_question_and_in_the_rm_question_exits_130() {
    let journal = Journal::new();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("tuned the ranker");
    pty.expect("What impact did it have?");
    pty.key(b"x");
    pty.key(CTRL_C);
    // The line typed so far is finished before the message.
    pty.expect("(enter to skip) › x\x1b[?25h\r\n");
    interrupted(pty, "nothing was recorded");
    assert_eq!(wins(&journal), 0);

    journal.add(&["shipped the ranker"]);
    let before = journal.json(&["show", "1", "--json"]);
    let mut pty = on_terminal(&journal, &["rm", "1"]);
    pty.expect("Delete #1? [y/N]");
    pty.key(CTRL_C);
    interrupted(pty, "nothing was changed");
    assert_eq!(journal.json(&["show", "1", "--json"]), before);
}

/// Ctrl-C that is a signal, not a key (`kill -INT`, or a Ctrl-C typed
/// between two keys), while `win` waits for a key with the terminal raw:
/// the terminal's settings come back with the cursor, and nothing is
/// stored. SIGTERM leaves the same way.
#[test]
fn a_signal_at_a_question_restores_the_terminal_and_exits_130() {
    let journal = Journal::new();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("tuned the ranker");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect("Competency");
    pty.signal(libc::SIGINT);
    interrupted(pty, "nothing was recorded");
    assert_eq!(wins(&journal), 0);

    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.type_text("tuned");
    pty.signal(libc::SIGTERM);
    interrupted(pty, "nothing was recorded");
    assert_eq!(wins(&journal), 0);
}

#[test]
fn ctrl_c_at_the_passphrase_question_restores_the_terminal() {
    let remote = crate::sync_kit::Remote::new();
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    let before = journal.json(&["list", "--format", "json"]);
    let mut command = journal
        .test()
        .args([
            "sync",
            "init",
            &remote.url(),
            "--device",
            "a",
            "--passphrase",
        ])
        .command();
    command.env_remove("NO_COLOR");
    let mut pty = Pty::spawn(command);
    pty.expect("New passphrase");
    pty.type_text("horse");
    pty.signal(libc::SIGINT);
    interrupted(pty, "nothing was changed");
    assert_eq!(journal.json(&["list", "--format", "json"]), before);
}

/// `win add 2>file` on a terminal: the questions are drawn on stdout (the
/// terminal), where Ctrl-C shows the cursor again; the message goes to
/// the file, as every message does.
#[test]
fn with_stderr_in_a_file_the_questions_are_asked_on_stdout() {
    let journal = Journal::new();
    let log = journal.path().join("stderr.log");
    let mut command = journal.test().args(["add"]).command();
    command.env_remove("NO_COLOR");
    let file = std::fs::File::create(&log).unwrap();
    let mut pty = Pty::spawn_with_stderr(command, Some(file));
    pty.expect("What did you do?");
    pty.line("tuned the ranker");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect(HIDE_CURSOR);
    pty.expect("Competency");
    pty.key(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(130), "{screen:?}");
    assert!(cursor_shown(&screen), "cursor left hidden: {screen:?}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "win: interrupted: nothing was recorded\n"
    );
    assert_eq!(wins(&journal), 0);
}

#[test]
fn esc_in_a_list_or_a_yes_no_question_cancels() {
    let journal = Journal::new();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("tuned the ranker");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect("Competency");
    pty.key(ESC);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(1), "{screen:?}");
    assert!(screen.contains("? Competency › cancelled"), "{screen:?}");
    assert!(screen.contains("win: cancelled"), "{screen:?}");
    assert!(cursor_shown(&screen), "{screen:?}");
    assert_eq!(wins(&journal), 0);

    journal.add(&["shipped the ranker"]);
    let mut pty = on_terminal(&journal, &["rm", "1"]);
    pty.expect("Delete #1? [y/N]");
    pty.key(ESC);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(1), "{screen:?}");
    assert!(screen.contains("Delete #1? [y/N] cancelled"), "{screen:?}");
    assert!(cursor_shown(&screen), "{screen:?}");
    assert_eq!(wins(&journal), 1);
}

/// A text question is dialoguer's line: Ctrl-D is no key there (it used
/// to cancel on an empty line and delete forwards in one); the arrows
/// move, typing inserts, and a required answer waits for a word.
#[test]
fn a_text_question_edits_in_place_and_ignores_ctrl_d() {
    let journal = Journal::new();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    // Ctrl-D, then a key that shows: the first changed nothing.
    pty.key(&[CTRL_D, b"a".as_slice()].concat());
    pty.key(b"b");
    pty.key(LEFT);
    pty.key(&[CTRL_D, b"c".as_slice()].concat());
    pty.key(ENTER);
    pty.expect("What did you do? › acb\r\n");
    pty.expect("What impact");
    pty.key(CTRL_C);
    interrupted(pty, "nothing was recorded");
    assert_eq!(wins(&journal), 0);

    // Spaces are not an answer to the first question.
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("  ");
    pty.expect("a few words, please");
    pty.line("tuned the ranker");
    pty.expect("What impact");
    pty.key(CTRL_C);
    interrupted(pty, "nothing was recorded");
}

#[test]
fn rm_shows_which_win_it_is_about_to_delete() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker", "-d", "2026-11-02"]);
    journal.add(&["wrote the runbook"]);
    let mut pty = on_terminal(&journal, &["rm", "#1"]);
    pty.expect("#1  2026-11-02  shipped the ranker");
    pty.expect("Delete #1? [y/N]");
    pty.key(b"n");
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(1), "{screen:?}");
    assert!(screen.contains("nothing was deleted"), "{screen:?}");
    let mut pty = on_terminal(&journal, &["rm", "1", "2"]);
    pty.expect("#1  2026-11-02  shipped the ranker");
    pty.expect("#2  2026-11-21  wrote the runbook");
    pty.expect("Delete these 2 wins? [y/N]");
    pty.key(b"y");
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert_eq!(wins(&journal), 0);
}

#[test]
fn the_picker_shows_what_it_would_infer() {
    let journal = Journal::new();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("cut p99 scoring latency from 240ms to 80ms");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect("(infer from the text: mlops — MLOps and production systems, from: ");
    pty.key(ENTER);
    pty.expect("Tags");
    pty.key(ENTER);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    let win = &journal.json(&["list", "--format", "json"])[0];
    assert_eq!(win["competencies"], serde_json::json!(["mlops"]));
    assert_eq!(win["competency_source"], "inferred");

    // Nothing to infer from: the picker says so, and a choice still counts.
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("did a thing");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect("(infer from the text: nothing stands out, so none for now)");
    pty.key(DOWN);
    pty.key(DOWN);
    pty.key(ENTER);
    pty.expect("Tags");
    pty.line("infra");
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    let win = &journal.json(&["list", "--format", "json"])[0];
    assert_eq!(win["text"], "did a thing");
    assert_eq!(win["competencies"], serde_json::json!(["mlops"]));
    assert_eq!(win["competency_source"], "user");
    assert_eq!(win["tags"], serde_json::json!(["infra"]));
}

#[test]
fn an_editor_that_quits_without_saving_or_fails_changes_nothing() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker", "-i", "CTR +3%"]);
    let before = journal.json(&["show", "1", "--json"]);
    // `:q!`: the file comes back as it was given.
    for editor in [
        "true",
        "sh -c 'cat \"$1\" > \"$1.copy\" && mv \"$1.copy\" \"$1\"' sh",
    ] {
        let mut command = journal.test().args(["edit", "1"]).command();
        command.env("EDITOR", editor);
        let (code, screen) = Pty::spawn(command).finish();
        assert_eq!(code, Some(0), "{editor}: {screen:?}");
        assert!(screen.contains("no change to #1"), "{screen:?}");
        assert!(!screen.contains("edited"), "{screen:?}");
    }
    // `:cq`: a non-zero exit aborts, even after writing the file.
    let mut command = journal.test().args(["edit", "1"]).command();
    command.env("EDITOR", "sh -c 'echo rewritten > \"$1\"; exit 1' sh");
    let (code, screen) = Pty::spawn(command).finish();
    assert_eq!(code, Some(1), "{screen:?}");
    assert!(
        screen.contains("exited with status 1: nothing was changed"),
        "{screen:?}"
    );
    assert_eq!(
        journal.json(&["show", "1", "--json"]),
        before,
        "updated_at and text kept"
    );
    // A real change is saved.
    let mut command = journal.test().args(["edit", "1"]).command();
    command.env("EDITOR", "sh -c 'sed -i s/ranker/reranker/ \"$1\"' sh");
    let (code, screen) = Pty::spawn(command).finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(screen.contains("edited #1"), "{screen:?}");
    let after = journal.json(&["show", "1", "--json"]);
    assert_eq!(after["text"], "shipped the reranker");
    assert_eq!(after["impact"], "CTR +3%");
    // `win add -e` left unchanged records nothing (no terminal needed).
    journal
        .test()
        .args(["add", "-e"])
        .env("EDITOR", "true")
        .fails()
        .stderr_contains("the editor closed without a change: nothing was recorded")
        .run();
    journal
        .test()
        .args(["add", "-e"])
        .env("EDITOR", "false")
        .fails()
        .stderr_contains("exited with status 1")
        .run();
    assert_eq!(wins(&journal), 1);
}

#[test]
fn search_with_no_match_on_a_terminal_says_so() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    let (code, screen) = on_terminal(&journal, &["search", "zeitgeist"]).finish();
    assert_eq!(code, Some(1), "{screen:?}");
    assert!(screen.contains("no wins match \"zeitgeist\""), "{screen:?}");
    // In a pipe, as grep: exit 1 and nothing said.
    journal
        .test()
        .args(["search", "zeitgeist"])
        .status(1)
        .stdout("")
        .stderr("")
        .run();
}

#[test]
fn review_polish_takes_a_statement_on_one_line_and_ctrl_c_stops_it_keeping_what_was_saved() {
    let journal = Journal::new();
    journal.add(&["5 -> 3", "-c", "mlops"]);
    journal.add(&["9 -> 4", "-c", "mlops"]);
    let mut pty = on_terminal(&journal, &["review", "polish", "--period", "this-year"]);
    pty.expect("2 statements to finish");
    pty.expect("generated:");
    pty.expect("Your statement");
    pty.key(DOWN);
    pty.key(ENTER);
    pty.expect("Statement (enter to keep the generated one)");
    pty.line("I cut the review queue from 5 days to 3.");
    pty.expect("saved #1's statement");
    pty.expect("Your statement");
    pty.key(CTRL_C);
    // Ctrl-C leaves the way every question does; what was saved stays saved.
    interrupted(pty, "nothing more was changed");
    assert_eq!(
        journal.ok(&["review", "statement", "1"]).trim_end(),
        "I cut the review queue from 5 days to 3."
    );
    let second = journal.json(&["show", "2", "--json"]);
    assert!(second.get("statement").is_none(), "{second}");
}

#[test]
fn review_polish_opens_the_editor_on_the_generated_statement() {
    let journal = Journal::new();
    journal.add(&["5 -> 3", "-c", "mlops"]);
    let mut command = journal
        .test()
        .args(["review", "polish", "--period", "this-year"])
        .command();
    command.env_remove("NO_COLOR");
    // The editor keeps the first line and rewrites it; comment lines are ignored.
    command.env(
        "EDITOR",
        "sh -c 'sed -i \"1s/.*/I shortened the queue from 5 days to 3./\" \"$1\"' sh",
    );
    let mut pty = Pty::spawn(command);
    pty.expect("Your statement");
    pty.key(ENTER);
    pty.expect("1 statement saved");
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen}");
    assert_eq!(
        journal.ok(&["review", "statement", "1"]).trim_end(),
        "I shortened the queue from 5 days to 3."
    );
}

/// Ctrl-C while `$EDITOR` is open (here the editor sends SIGINT to win and
/// to itself, as a terminal does) killed win, which left the win's
/// text in /tmp for good, and an editor that ignores Ctrl-C (vim) then
/// saved into nothing. win now waits, says nothing was changed, and the
/// temporary file is gone.
#[test]
fn ctrl_c_while_the_editor_is_open_changes_nothing_and_leaves_no_file() {
    use std::os::unix::fs::PermissionsExt;
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: script(1) is missing, so no terminal can be faked");
        return;
    }
    let journal = Journal::new();
    journal.add(&["secret salary negotiation win"]);
    let editor = journal.path().join("editor.sh");
    // Ctrl-C reaches win and its editor: sent to those two by pid, not to
    // a process group, which could reach other tests; after a moment, as a
    // person would (win starts ignoring it just after starting the editor).
    std::fs::write(
        &editor,
        "#!/bin/sh\nsleep 0.5\nkill -INT $PPID\nkill -INT $$\nsleep 1\nexit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let tmp = journal.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // `exec`: win leads the terminal's session itself, as under a shell's
    // job control, so no shell in between dies of the signal and takes the
    // terminal (and win's message) with it.
    let output = journal
        .test()
        .shell("script -qec 'exec win edit 1' /dev/null")
        .env("EDITOR", &editor)
        .env("TMPDIR", &tmp)
        .status_one_of(&[0, 1, 130])
        .run();
    assert!(
        output
            .stdout
            .contains("was stopped by a signal: nothing was changed"),
        "{}{}",
        output.stdout,
        output.stderr
    );
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "secret salary negotiation win");
}
