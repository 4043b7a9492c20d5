//! What a newcomer runs first: the README tour, the demo and its drafts,
//! shell completions and the man page.

use crate::harness::Journal;

#[test]
fn the_readme_tour_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let tour = readme
        .split("<!-- tour:start -->")
        .nth(1)
        .unwrap()
        .split("<!-- tour:end -->")
        .next()
        .unwrap();
    let commands: Vec<&str> = tour
        .lines()
        .filter_map(|line| line.strip_prefix("$ "))
        .collect();
    assert!(commands.len() >= 8, "the tour lost its commands");
    let journal = Journal::new();
    for command in commands {
        journal.test().shell(command).run();
    }
}

#[test]
fn demo_lists_the_sample_journal_without_touching_a_journal() {
    let journal = Journal::new();
    let out = journal.ok(&["demo"]);
    assert!(out.lines().count() >= 40, "{out}");
    assert!(!journal.db().exists(), "the demo created a journal");
}

#[test]
fn demo_drafts_match_their_snapshots_and_are_stable() {
    let journal = Journal::new();
    for template in ["self-assessment", "brag-doc", "plain"] {
        let first = journal.ok(&["demo", "--template", template]);
        let second = journal.ok(&["demo", "--template", template]);
        assert_eq!(first, second, "{template} is not deterministic");
        insta::assert_snapshot!(format!("demo-{template}"), first);
    }
}

#[test]
fn completions_and_man_page() {
    let journal = Journal::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = journal.ok(&["completions", shell]);
        assert!(
            script.contains("review") && script.contains("import"),
            "{shell}"
        );
    }
    let man = journal.ok(&["man"]);
    assert!(man.contains(".TH win 1"), "{man}");
    journal.test().args(["completions", "tcsh"]).status(2).run();
}

/// The README's mining workflow, on a scripted repository: each command
/// runs, and the lines shown under one are in what it printed (the folder
/// and commit hashes of the README's machine aside).
#[test]
fn the_readme_mining_workflow_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("<!-- mine:start -->")
        .nth(1)
        .unwrap()
        .split("<!-- mine:end -->")
        .next()
        .unwrap();
    let mut steps: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push((command, Vec::new()));
        } else if let Some((_, shown)) = steps.last_mut() {
            if !line.is_empty() && !line.starts_with("```") {
                shown.push(line);
            }
        }
    }
    assert!(steps.len() >= 6, "the workflow lost its commands");
    let journal = Journal::new();
    let repo = crate::mine::team_repo(&journal);
    for (command, shown) in steps {
        if command.starts_with("cd ") {
            continue;
        }
        let out = journal
            .test()
            .shell(&format!("cd '{}' && {command}", repo.path()))
            .run();
        for line in shown {
            if line.starts_with("\tfrom ") {
                let from = format!("\tfrom {}, commit", repo.path());
                assert!(out.stdout.contains(&from), "{command}: {}", out.stdout);
            } else {
                assert!(
                    out.stdout.lines().any(|printed| printed == line),
                    "{command}: {line:?} is not in:\n{}",
                    out.stdout
                );
            }
        }
    }
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
