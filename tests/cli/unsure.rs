//! A competency inferred while the model was unsure: the capture asks (on a
//! terminal, the two best listed first; otherwise the capture line), the
//! win is marked until the person confirms one, `review check` lists it,
//! and the mark travels through export, import and sync.
//!
//! The journals here use a framework of their own, whose lexicon puts the
//! same words under two competencies: whatever the built-in corpus learns,
//! "kestrel falcon" is a coin toss between `ops` and `model`.

use serde_json::Value;

use crate::harness::Journal;
use crate::pty::{Pty, DOWN, ENTER};
use crate::sync_kit::{device, sync, Remote};

const PAIR: &str = r#"
name = "pair"
title = "Pair"
[[competencies]]
key = "ops"
title = "Operations"
[competencies.lexicon]
strong = ["kestrel", "falcon", "pager"]
[[competencies]]
key = "model"
title = "Modelling"
[competencies.lexicon]
strong = ["kestrel", "falcon", "recall"]
[[competencies]]
key = "people"
title = "People"
[competencies.lexicon]
strong = ["mentored", "hiring"]
"#;

/// A journal whose framework is `PAIR`.
fn journal() -> Journal {
    let journal = Journal::new();
    let config = journal.config_dir();
    std::fs::create_dir_all(config.join("frameworks")).unwrap();
    std::fs::write(config.join("frameworks").join("pair.toml"), PAIR).unwrap();
    std::fs::write(config.join("config.toml"), "framework = \"pair\"\n").unwrap();
    journal
}

fn win(journal: &Journal, id: i64) -> Value {
    journal.json(&["show", &id.to_string(), "--json"])
}

#[test]
fn a_capture_that_is_unsure_says_so_and_is_marked_until_confirmed() {
    let journal = journal();
    // A clear one is told as before, and is not marked.
    journal
        .test()
        .args(["add", "mentored two hires"])
        .stderr_contains("people (inferred from: mentored")
        .run();
    assert!(win(&journal, 1).get("competency_unsure").is_none());

    let output = journal
        .test()
        .args(["add", "kestrel falcon"])
        .stderr_contains("unsure: ")
        .stderr_contains("? (win edit 2 -c NAME)")
        .run();
    assert!(
        output.stderr.contains("ops or model?") || output.stderr.contains("model or ops?"),
        "{}",
        output.stderr
    );
    let unsure = win(&journal, 2);
    assert_eq!(unsure["competency_source"], "inferred");
    assert_eq!(unsure["competency_unsure"], true);
    let listed = journal.json(&["list", "--format", "json"]);
    let listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == 2)
        .unwrap();
    assert_eq!(listed["competency_unsure"], true);
    journal
        .test()
        .args(["show", "2"])
        .stdout_contains("(inferred, unsure: ")
        .stdout_contains("confirm with: win edit 2 -c NAME")
        .run();

    // The draft context marks it too.
    let context = journal.json(&["review", "draft", "--context"]);
    let entries: Vec<&Value> = context["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["wins"].as_array().unwrap())
        .collect();
    let entry = entries.iter().find(|e| e["id"] == 2).unwrap();
    assert_eq!(entry["competency_source"], "inferred");
    assert_eq!(entry["competency_unsure"], true);
    let clear = entries.iter().find(|e| e["id"] == 1).unwrap();
    assert_eq!(clear["competency_unsure"], false);

    // review check lists it, and only it.
    let check = journal.ok(&["review", "check"]);
    assert!(check.contains("(competency-unsure)"), "{check}");
    assert!(check.contains("win edit 2 -c NAME"), "{check}");
    assert_eq!(check.matches("competency-unsure").count(), 1, "{check}");

    // Confirmed by the person: theirs, no longer marked or listed.
    journal.ok(&["edit", "2", "-c", "model"]);
    let confirmed = win(&journal, 2);
    assert_eq!(confirmed["competency_source"], "user");
    assert!(confirmed.get("competency_unsure").is_none(), "{confirmed}");
    assert!(!journal
        .ok(&["review", "check"])
        .contains("competency-unsure"));
}

#[test]
fn the_unsure_mark_survives_export_and_import() {
    let journal = journal();
    journal.add(&["kestrel falcon"]);
    journal.add(&["kestrel falcon pager", "-c", "ops"]);
    let exported = journal.ok(&["export", "--format", "jsonl"]);
    assert!(
        exported.contains("\"competency_unsure\":true"),
        "{exported}"
    );

    let other = journal_with(&exported);
    let wins = other.json(&["list", "--format", "json"]);
    let by_text = |text: &str| {
        wins.as_array()
            .unwrap()
            .iter()
            .find(|w| w["text"] == text)
            .unwrap()
            .clone()
    };
    assert_eq!(by_text("kestrel falcon")["competency_unsure"], true);
    assert!(by_text("kestrel falcon pager")
        .get("competency_unsure")
        .is_none());
    // A record that says unsure but whose competency the person chose is not.
    let chosen = journal_with(
        r#"{"text": "kestrel falcon", "competencies": ["ops"], "competency_source": "user", "competency_unsure": true}"#,
    );
    assert!(win(&chosen, 1).get("competency_unsure").is_none());
}

/// A fresh journal (same framework) with this JSONL imported.
fn journal_with(jsonl: &str) -> Journal {
    let journal = journal();
    let file = journal.path().join("in.jsonl");
    std::fs::write(&file, jsonl).unwrap();
    journal.ok(&["import", file.to_str().unwrap()]);
    journal
}

#[test]
fn the_unsure_mark_and_its_confirmation_sync() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    for device in [&a, &b] {
        let config = device.config_dir();
        std::fs::create_dir_all(config.join("frameworks")).unwrap();
        std::fs::write(config.join("frameworks").join("pair.toml"), PAIR).unwrap();
        std::fs::write(config.join("config.toml"), "framework = \"pair\"\n").unwrap();
    }
    a.add(&["kestrel falcon"]);
    sync(&a);
    sync(&b);
    assert_eq!(win(&b, 1)["competency_unsure"], true);
    b.ok(&["edit", "1", "-c", "ops"]);
    sync(&b);
    sync(&a);
    let confirmed = win(&a, 1);
    assert_eq!(confirmed["competency_source"], "user");
    assert!(confirmed.get("competency_unsure").is_none(), "{confirmed}");
}

fn on_terminal(journal: &Journal, args: &[&str]) -> Pty {
    let mut command = journal.test().args(args).command();
    command.env_remove("NO_COLOR");
    Pty::spawn(command)
}

#[test]
fn the_picker_lists_the_two_best_first_when_unsure() {
    let journal = journal();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("kestrel falcon");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect("Competency (unsure: which is it?)");
    pty.expect("Operations (");
    pty.expect("Modelling (");
    pty.expect("People");
    pty.expect("(leave it unsure as ");
    // The second of the two best.
    pty.key(DOWN);
    pty.key(ENTER);
    pty.expect("Tags");
    pty.key(ENTER);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    let chosen = win(&journal, 1);
    assert_eq!(chosen["competency_source"], "user");
    assert!(chosen.get("competency_unsure").is_none(), "{chosen}");
    let second = chosen["competencies"][0].as_str().unwrap().to_string();
    let first = chosen["suggestions"][0]["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(second, first, "the second listed was chosen");
    assert!(["ops", "model"].contains(&second.as_str()), "{second}");

    // Leaving it unsure keeps the best guess, marked. (A journal of its
    // own: the win just labelled taught this one's words.)
    let journal = self::journal();
    let mut pty = on_terminal(&journal, &["add"]);
    pty.expect("What did you do?");
    pty.line("kestrel falcon");
    pty.expect("What impact");
    pty.key(ENTER);
    pty.expect("what's next?");
    pty.key(ENTER);
    pty.expect("(leave it unsure as ");
    for _ in 0..3 {
        pty.key(DOWN);
    }
    pty.key(ENTER);
    pty.expect("Tags");
    pty.key(ENTER);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    let left = win(&journal, 1);
    assert_eq!(left["competency_source"], "inferred");
    assert_eq!(left["competency_unsure"], true);
}
