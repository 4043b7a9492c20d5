//! Frameworks and templates: the built-in ones, listed and shown, and the
//! user's files that override them.

use crate::harness::Journal;
use crate::review::review_journal;

#[test]
fn frameworks_are_listed_and_user_files_override_them() {
    let journal = Journal::new();
    let listing = journal.ok(&["frameworks"]);
    assert!(
        listing.contains("ml-engineer (in use)") && listing.contains("data-scientist"),
        "{listing}"
    );
    assert!(
        listing.contains("model-development") && listing.contains("business-impact"),
        "{listing}"
    );

    let frameworks = journal.config_dir().join("frameworks");
    std::fs::create_dir_all(&frameworks).unwrap();
    std::fs::write(
        frameworks.join("staff.toml"),
        "name = \"staff\"\ntitle = \"Staff\"\n[[competencies]]\nkey = \"craft\"\ntitle = \"Craft\"\naliases = [\"engineering\"]\n",
    )
    .unwrap();
    std::fs::write(
        journal.config_dir().join("config.toml"),
        "framework = \"staff\"\n",
    )
    .unwrap();
    assert!(journal.ok(&["frameworks"]).contains("staff (in use)"));
    let win = journal.json(&["add", "polished the build", "-c", "engineering", "--json"]);
    assert_eq!(win["competencies"], serde_json::json!(["craft"]));
    let win = journal.json(&[
        "--framework",
        "data-scientist",
        "add",
        "x",
        "-c",
        "production",
        "--json",
    ]);
    assert_eq!(win["competencies"], serde_json::json!(["production"]));
    journal.fails(&["--framework", "ml-engineeer", "frameworks"]);
}

#[test]
fn user_templates_override_and_errors_name_the_line() {
    let journal = review_journal();
    let drafts = journal.config_dir().join("templates").join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(
        drafts.join("self-assessment.md"),
        "Mine: {{ counts.wins }} wins\n",
    )
    .unwrap();
    assert_eq!(
        journal.ok(&["review", "draft", "--period", "2026"]),
        "Mine: 5 wins\n"
    );
    let listing = journal.ok(&["templates"]);
    assert!(
        listing.contains("drafts/self-assessment.md")
            && listing.contains(&drafts.display().to_string()),
        "{listing}"
    );

    let broken = journal.path().join("broken.md");
    std::fs::write(
        &broken,
        "line one\nline two\n{{ counts.wins | nosuchfilter }}\n",
    )
    .unwrap();
    let stderr = journal.fails(&["review", "draft", "--template", broken.to_str().unwrap()]);
    assert!(
        stderr.contains("line 3") && stderr.contains("broken.md"),
        "{stderr}"
    );
    assert!(stderr.contains("nosuchfilter"), "{stderr}");

    let endless = journal.path().join("endless.md");
    std::fs::write(&endless, "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}").unwrap();
    let stderr = journal.fails(&["review", "draft", "--template", endless.to_str().unwrap()]);
    assert!(stderr.contains("ran too long"), "{stderr}");

    let snooping = journal.path().join("snoop.md");
    std::fs::write(&snooping, "{% include '/etc/passwd' %}").unwrap();
    let stderr = journal.fails(&["review", "draft", "--template", snooping.to_str().unwrap()]);
    assert!(stderr.contains("template"), "{stderr}");
}

#[test]
fn templates_show_prints_a_copyable_file() {
    let journal = Journal::new();
    let shown = journal.ok(&["templates", "show", "brag-doc"]);
    assert!(shown.contains("# Brag document"), "{shown}");
    let phrases = journal.ok(&["templates", "show", "statements/phrases.toml"]);
    assert!(phrases.contains("[role.led]"), "{phrases}");
    let stderr = journal.fails(&["templates", "show", "nope"]);
    assert!(stderr.contains("self-assessment"), "{stderr}");
    let listed = journal.json(&["templates", "--json"]);
    assert!(listed.as_array().unwrap().len() >= 6);
}
