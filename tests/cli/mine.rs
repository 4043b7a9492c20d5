//! `win mine`: proposals from scripted repositories, built in each test
//! with the user's own git, then the inbox.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::harness::{file_bytes, Journal};

pub const ME: &str = "Me <me@example.com>";
const OTHER: &str = "Ola <ola@example.com>";

/// A git repository in the journal's temp dir, whose commits are dated an
/// hour apart from 2026-10-01 (inside the 90 days a first mine reads).
pub struct Repo {
    pub dir: PathBuf,
    home: PathBuf,
    hour: u32,
}

impl Repo {
    pub fn new(journal: &Journal, name: &str) -> Repo {
        let dir = journal.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let home = journal.home();
        std::fs::create_dir_all(&home).unwrap();
        let mut repo = Repo { dir, home, hour: 0 };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "me@example.com"]);
        repo.git(&["config", "user.name", "Me"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    pub fn path(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    pub fn git(&mut self, args: &[&str]) -> String {
        self.hour += 1;
        let date = format!(
            "2026-10-{:02}T{:02}:00:00+00:00",
            1 + self.hour / 24,
            self.hour % 24
        );
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.dir)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// An empty commit by `author` ("Name <email>"); returns its hash.
    pub fn commit(&mut self, author: &str, message: &str) -> String {
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "--author",
            author,
            "-m",
            message,
        ]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// `git merge --no-ff BRANCH` with a message.
    pub fn merge(&mut self, branch: &str, message: &str) -> String {
        self.git(&["merge", "-q", "--no-ff", branch, "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn checkout(&mut self, args: &[&str]) {
        let mut full = vec!["checkout", "-q"];
        full.extend_from_slice(args);
        self.git(&full);
    }
}

/// The history of a small team: pull requests, squash-merges,
/// conventional and free-form commits, housekeeping, others' work, a
/// revert, a back-merge and a release.
pub fn team_repo(journal: &Journal) -> Repo {
    let mut repo = Repo::new(journal, "ranker");
    repo.commit(OTHER, "Initial commit");
    repo.git(&["tag", "v0.1.0"]);
    // A pull request of mine, with a back-merge of main and a typo fix.
    repo.checkout(&["-b", "batch"]);
    repo.commit(
        ME,
        "batch feature lookups\n\np99 scoring latency 240ms -> 80ms on the load test",
    );
    repo.checkout(&["main"]);
    repo.commit(OTHER, "feat: their exporter");
    repo.checkout(&["batch"]);
    repo.merge("main", "Merge branch 'main' into batch");
    repo.commit(ME, "fix typo in a comment");
    repo.checkout(&["main"]);
    repo.merge(
        "batch",
        "Merge pull request #7 from me/batch\n\nBatch the feature lookups of the scorer",
    );
    // Someone else's pull request.
    repo.checkout(&["-b", "theirs"]);
    repo.commit(OTHER, "feat: their dashboard");
    repo.checkout(&["main"]);
    repo.merge(
        "theirs",
        "Merge pull request #8 from ola/theirs\n\nTheir dashboard",
    );
    // Squash-merges: one of mine by co-authorship, a bump, one of theirs.
    repo.commit(
        OTHER,
        "Add retries to the fetcher (#9)\n\nCo-authored-by: Me <me@example.com>",
    );
    repo.commit(ME, "build(deps): bump serde from 1.0.1 to 1.0.2 (#10)");
    repo.commit(OTHER, "Cache the tokenizer (#11)");
    // Commits on main.
    repo.commit(ME, "feat(api): stream answers to the client");
    repo.commit(ME, "perf: reuse connections");
    let risky = repo.commit(ME, "feat: risky prefetch");
    repo.commit(
        ME,
        &format!("Revert \"feat: risky prefetch\"\n\nThis reverts commit {risky}."),
    );
    repo.commit(ME, "Tune the reranker\n\n- NDCG@10 0.41 -> 0.47 offline");
    repo.commit(ME, "tidy the loader");
    repo.commit(ME, "chore: update the lockfile");
    repo.commit(ME, "docs: usage of the flags");
    repo.commit(ME, "style: rustfmt");
    repo.git(&["tag", "v0.2.0"]);
    // A release of mine with nothing proposed in it.
    repo.commit(ME, "fix: retry timeouts");
    repo.commit(ME, "handle empty batches");
    repo.git(&["tag", "-a", "v0.3.0", "-m", "v0.3.0"]);
    repo
}

fn texts(proposals: &Value) -> Vec<String> {
    proposals
        .as_array()
        .unwrap()
        .iter()
        .map(|win| win["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn each_piece_of_work_is_one_proposal_and_housekeeping_and_others_work_are_not() {
    let journal = Journal::new();
    let repo = team_repo(&journal);
    let proposals = journal.json(&["mine", repo.path(), "--json"]);
    assert_eq!(
        texts(&proposals),
        [
            "batch the feature lookups of the scorer; p99 scoring latency 240ms -> 80ms on the load test",
            "add retries to the fetcher",
            "stream answers to the client",
            "reuse connections",
            "tune the reranker; NDCG@10 0.41 -> 0.47 offline",
            "released v0.3.0: retry timeouts; handle empty batches",
        ]
    );
    let pr = &proposals[0];
    assert_eq!(pr["status"], "proposed");
    assert_eq!(pr["project"], "ranker");
    assert_eq!(pr["kind"], "shipped");
    assert_eq!(pr["metrics"][0]["before"], 240.0, "{pr}");
    assert_eq!(pr["metrics"][0]["after"], 80.0);
    assert!(
        !pr["suggestions"].as_array().unwrap().is_empty(),
        "its competency was inferred: {pr}"
    );
    let provenance = &pr["provenance"];
    assert_eq!(provenance["source"], "git");
    assert_eq!(
        provenance["why"],
        "merged pull request #7, 1 of its commits by you"
    );
    assert_eq!(provenance["repository"], repo.path());
    assert_eq!(
        provenance["commits"].as_array().unwrap().len(),
        2,
        "{provenance}"
    );
    let merge = provenance["commits"][1].as_str().unwrap();
    let mut repo = repo;
    let merged_at = repo.git(&["show", "-s", "--format=%cI", merge]);
    assert_eq!(pr["occurred_at"], merged_at.as_str(), "dated by the merge");
    assert_eq!(
        proposals[1]["provenance"]["why"],
        "squash-merged pull request #9"
    );

    let shown = journal.ok(&["show", &pr["id"].to_string()]);
    assert!(
        shown.contains(&format!("repository: {}", repo.path())),
        "{shown}"
    );
    let first_commit = provenance["commits"][0].as_str().unwrap();
    assert!(
        shown.contains(&format!("commits: {first_commit} ")),
        "{shown}"
    );

    // A backup carries the provenance whole.
    let backup = journal.path().join("backup.json");
    std::fs::write(&backup, journal.ok(&["export", "--format", "json"])).unwrap();
    let restored = Journal::new();
    restored.ok(&["import", backup.to_str().unwrap()]);
    let listed = restored.json(&["list", "--proposed", "--format", "json"]);
    let same = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|win| win["uid"] == pr["uid"])
        .unwrap();
    assert_eq!(same["provenance"], *provenance);

    let inbox = journal.ok(&["inbox"]);
    assert!(
        inbox.contains("proposed by git: merged pull request #7"),
        "{inbox}"
    );
    assert!(
        inbox.contains(&format!("from {}, commits ", repo.path())),
        "{inbox}"
    );
    assert!(
        inbox.contains("proposed by git: release v0.3.0, 2 of its commits by you"),
        "{inbox}"
    );
}

#[test]
fn mining_again_proposes_nothing_twice_and_rejected_stays_rejected() {
    let journal = Journal::new();
    let mut repo = team_repo(&journal);
    let first = journal.json(&["mine", repo.path(), "--json"]);
    let ids: Vec<i64> = first
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    journal.ok(&["inbox", "accept", &ids[0].to_string(), "--yes"]);
    journal.ok(&["inbox", "reject", &ids[1].to_string(), "--yes"]);
    // From the start again, whatever was stored: nothing new.
    journal
        .test()
        .args(["mine", repo.path(), "--since", "2026-09-01"])
        .stdout("")
        .stderr_contains("proposed 0 wins")
        .stderr_contains("(6 found before: in the journal, the inbox, or rejected)")
        .run();
    assert_eq!(
        journal.json(&["inbox", "--json"]).as_array().unwrap().len(),
        4
    );
    // New work after the last mine is proposed; the mine starts where the last stopped.
    repo.commit(ME, "feat: explain the ranking");
    journal
        .test()
        .args(["mine", repo.path()])
        .stdout_contains("explain the ranking")
        .stderr_contains("proposed 1 win from")
        .run();
}

#[test]
fn a_dry_run_stores_nothing_and_the_author_can_be_named() {
    let journal = Journal::new();
    let repo = team_repo(&journal);
    journal
        .test()
        .args(["mine", repo.path(), "--dry-run"])
        .stdout_contains("0\t2026-10-01")
        .stderr_contains("would propose 6 wins")
        .stderr_contains("(dry run: nothing stored)")
        .run();
    assert!(!journal.db().exists(), "a dry run created the journal");
    // Ola's work: her squash-merges and pull request, not mine.
    let hers = journal.json(&[
        "mine",
        repo.path(),
        "--author",
        "OLA@example.com",
        "--dry-run",
        "--json",
    ]);
    let texts = texts(&hers);
    assert!(texts.contains(&"their dashboard".to_string()), "{texts:?}");
    assert!(
        texts.contains(&"cache the tokenizer".to_string()),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("stream answers")),
        "{texts:?}"
    );
}

#[test]
fn the_current_folder_is_the_default_and_a_remote_loses_its_credentials() {
    let journal = Journal::new();
    let mut repo = Repo::new(&journal, "svc");
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://me:ghp_secret@github.com/me/svc.git",
    ]);
    repo.commit(ME, "feat: first endpoint (#3)");
    let out = journal
        .test()
        .shell(&format!("cd {} && win mine --json", repo.path()))
        .run()
        .json();
    let win = &out[0];
    assert_eq!(win["provenance"]["remote"], "https://github.com/me/svc.git");
    assert_eq!(win["links"][0], "https://github.com/me/svc/pull/3");
    assert_eq!(win["project"], "svc");
    assert!(!out.to_string().contains("ghp_secret"));
}

#[test]
fn bad_repositories_are_one_line_each_and_write_nothing() {
    let journal = Journal::new();
    let repo = team_repo(&journal);
    let plain = journal.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let err = journal.fails(&["mine", repo.path(), plain.to_str().unwrap()]);
    assert!(err.contains("plain is not a git repository"), "{err}");
    let err = journal.fails(&["mine", "no-such-folder"]);
    assert!(err.contains("no-such-folder is not a folder"), "{err}");
    let err = journal.fails(&["mine", repo.path(), "--author", "nobody@example.com"]);
    assert!(err.contains("no commits by nobody@example.com in"), "{err}");
    let empty = Repo::new(&journal, "empty");
    let err = journal.fails(&["mine", empty.path()]);
    assert!(err.contains("has no commits yet"), "{err}");
    assert!(!journal.db().exists(), "a failed mine created the journal");

    // With a journal: unchanged by a failure.
    journal.ok(&["add", "shipped the ranker"]);
    let before = file_bytes(&journal.db());
    let shallow = journal.path().join("shallow");
    let url = format!("file://{}", repo.path());
    let cloned = Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ])
        .env("HOME", journal.home())
        .output()
        .unwrap();
    assert!(cloned.status.success());
    let err = journal.fails(&["mine", repo.path(), shallow.to_str().unwrap()]);
    assert!(err.contains("is a shallow clone"), "{err}");
    assert!(err.contains("fetch --unshallow"), "{err}");
    assert_eq!(file_bytes(&journal.db()), before);
}

#[test]
fn without_git_or_an_author_it_says_what_to_do() {
    let journal = Journal::new();
    let repo = team_repo(&journal);
    let empty_path = journal.path().join("bin");
    std::fs::create_dir_all(&empty_path).unwrap();
    journal
        .test()
        .args(["mine", repo.path()])
        .env("PATH", &empty_path)
        .fails()
        .stderr_contains("git is not installed (or not on PATH)")
        .run();
    let mut anonymous = Repo::new(&journal, "anon");
    anonymous.commit(ME, "feat: x");
    anonymous.git(&["config", "--unset", "user.email"]);
    let err = journal.fails(&["mine", anonymous.path()]);
    assert!(err.contains("pass --author EMAIL"), "{err}");
    assert!(!journal.db().exists());
}

#[test]
fn two_repositories_in_one_run_and_a_bad_date() {
    let journal = Journal::new();
    let repo = team_repo(&journal);
    let mut other = Repo::new(&journal, "tools");
    other.commit(ME, "perf: index the cache");
    let out = journal
        .test()
        .args(["mine", repo.path(), other.path()])
        .stderr_contains("ranker: proposed 6 wins")
        .stderr_contains("tools: proposed 1 win")
        .run();
    assert!(out.stdout.contains("index the cache"), "{}", out.stdout);
    let err = journal.fails(&["mine", repo.path(), "--author", " "]);
    assert!(err.contains("--author needs an address"), "{err}");
    let err = journal.fails(&["mine", repo.path(), "--since", "someday"]);
    assert!(err.contains("someday"), "{err}");
}
