//! The user's copies of `templates/check.toml` and `templates/polish.toml`
//! replace the built-in ones.

use crate::harness::Journal;

fn user_template(journal: &Journal, name: &str, text: &str) {
    let dir = journal.config_dir().join("templates");
    std::fs::create_dir_all(&dir).expect("templates folder");
    std::fs::write(dir.join(name), text).expect("write the user's file");
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
}

#[test]
fn a_users_polish_toml_changes_the_polished_sentence() {
    let journal = Journal::new();
    let builtin = journal.ok(&["templates", "show", "polish.toml"]);
    user_template(
        &journal,
        "polish.toml",
        &builtin.replace(
            "fallback_opening = \"delivered\"",
            "fallback_opening = \"brought to production\"",
        ),
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
