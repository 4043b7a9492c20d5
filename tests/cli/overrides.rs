//! The user's copies of `templates/check.toml` and `templates/polish.toml`
//! replace the built-in ones.

use crate::harness::Journal;

fn user_template(journal: &Journal, name: &str, text: &str) {
    let path = journal.config_dir().join("templates").join(name);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("templates folder");
    std::fs::write(path, text).expect("write the user's file");
}

#[test]
fn a_users_check_toml_rewords_the_checker() {
    let journal = Journal::new();
    let builtin = journal.ok(&["templates", "show", "check.toml"]);
    assert!(builtin.contains("no quantified result"), "{builtin}");
    user_template(
        &journal,
        "check.toml",
        &builtin.replace("no quantified result", "where is the number?"),
    );
    journal.add(&["improved the ranking model", "-c", "model-development"]);
    let report = journal.ok(&["review", "check", "--period", "this-year"]);
    assert!(report.contains("where is the number?"), "{report}");
    assert!(!report.contains("no quantified result"), "{report}");
    // One win's statement (and MCP's win_statement) reads the same rules.
    let one = journal.ok(&["review", "statement", "1", "--json"]);
    assert!(one.contains("where is the number?"), "{one}");
}

#[test]
fn a_users_phrase_file_changes_the_shown_sentence_and_the_draft() {
    let journal = Journal::new();
    let builtin = journal.ok(&["templates", "show", "statements/phrases.toml"]);
    assert!(builtin.contains("other = \"delivered\""), "{builtin}");
    user_template(
        &journal,
        "statements/phrases.toml",
        &builtin.replace("other = \"delivered\"", "other = \"brought to production\""),
    );
    let json = journal.json(&["add", "new churn model in prod", "--dry-run", "--json"]);
    let polished = json["polished"].as_str().expect("a polished sentence");
    assert!(polished.contains("brought to production"), "{polished}");
}

#[test]
fn a_broken_user_file_names_itself() {
    let journal = Journal::new();
    user_template(&journal, "check.toml", "rules = 3\n");
    journal.add(&["improved the ranking model", "-c", "model-development"]);
    let err = journal.fails(&["review", "check", "--period", "this-year"]);
    assert!(err.contains("check.toml"), "{err}");
}
