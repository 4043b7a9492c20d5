//! What a new user tripped on in their first hour (issue 28): installing,
//! back-dated wins, dates, completions, the man page, the checker, ids,
//! the sync remote, and the smaller things.

use crate::harness::Journal;

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
