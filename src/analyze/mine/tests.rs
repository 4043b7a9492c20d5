use chrono::{DateTime, Duration, FixedOffset};

use super::*;

const ME: &str = "me@example.com";
const OTHER: &str = "other@example.com";

/// A history written oldest first, as a test reads it; `mine` gets it
/// newest first, as git lists it.
struct Builder {
    commits: Vec<Commit>,
    start: DateTime<FixedOffset>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            commits: Vec::new(),
            start: DateTime::parse_from_rfc3339("2026-06-01T09:00:00+00:00").unwrap(),
        }
    }

    /// A commit on top of `parents` (hashes); returns its hash.
    fn commit(&mut self, author: &str, message: &str, parents: &[&str]) -> String {
        let hash = format!("{:040x}", self.commits.len() + 1);
        let (subject, body) = message.split_once("\n\n").unwrap_or((message, ""));
        self.commits.push(Commit {
            hash: hash.clone(),
            parents: parents.iter().map(|p| (*p).to_string()).collect(),
            author: author.to_string(),
            committed_at: self.start + Duration::hours(self.commits.len() as i64),
            tags: Vec::new(),
            subject: subject.to_string(),
            body: body.to_string(),
        });
        hash
    }

    fn tag(&mut self, hash: &str, tag: &str) {
        let commit = self.commits.iter_mut().find(|c| c.hash == hash).unwrap();
        commit.tags.push(tag.to_string());
    }

    fn mine(&self, head: &str) -> Mined {
        let newest_first: Vec<Commit> = self.commits.iter().rev().cloned().collect();
        super::mine(
            &newest_first,
            head,
            &[ME.to_string()],
            self.start,
            &measured,
        )
    }
}

/// A stand-in for the metric reader: "->" or "%" with a digit.
fn measured(line: &str) -> bool {
    line.contains("->") || line.contains('%')
}

fn texts(mined: &Mined) -> Vec<&str> {
    mined.proposals.iter().map(|p| p.text.as_str()).collect()
}

#[test]
fn a_merged_pull_request_is_one_proposal_covering_its_commits() {
    let mut h = Builder::new();
    let root = h.commit(OTHER, "init the repo", &[]);
    let a = h.commit(ME, "wip batching", &[&root]);
    let b = h.commit(
        ME,
        "batch the feature lookups\n\np99 240ms -> 80ms on the load test",
        &[&a],
    );
    let c = h.commit(OTHER, "review fixes", &[&b]);
    let merge = h.commit(
        OTHER,
        "Merge pull request #812 from me/batch\n\nBatch feature lookups in the scorer",
        &[&root, &c],
    );
    let mined = h.mine(&merge);
    assert_eq!(
        texts(&mined),
        ["batch feature lookups in the scorer; p99 240ms -> 80ms on the load test"]
    );
    let pr = &mined.proposals[0];
    assert_eq!(pr.key, merge);
    assert_eq!(
        pr.commits,
        [b.clone(), merge.clone()],
        "wip is housekeeping, review fixes are not mine"
    );
    assert_eq!(pr.why, "merged pull request #812, 1 of its commits by you");
    assert_eq!(
        pr.occurred_at, h.commits[4].committed_at,
        "dated by its last commit"
    );
    assert_eq!(
        pr.work,
        Work::PullRequest {
            number: Some(812),
            squashed: false
        }
    );
    assert_eq!(mined.by_author, 2);
}

#[test]
fn a_pull_request_of_someone_else_or_of_housekeeping_is_not_proposed() {
    let mut h = Builder::new();
    let root = h.commit(ME, "feat: first", &[]);
    let theirs = h.commit(OTHER, "feat: their feature", &[&root]);
    let m1 = h.commit(
        ME,
        "Merge pull request #2 from o/x\n\nTheir feature",
        &[&root, &theirs],
    );
    let docs = h.commit(ME, "feat: document the flags", &[&m1]);
    let m2 = h.commit(
        ME,
        "Merge pull request #3 from me/docs\n\ndocs: the flags",
        &[&m1, &docs],
    );
    let mined = h.mine(&m2);
    assert_eq!(texts(&mined), ["first"], "{mined:?}");
}

#[test]
fn a_squash_merge_is_a_pull_request_and_its_co_author_counts() {
    let mut h = Builder::new();
    let root = h.commit(OTHER, "init", &[]);
    let squash = h.commit(
        OTHER,
        "Add retries to the fetcher (#41)\n\n* add retries\n* error rate 2% -> 0.1%\n\nCo-authored-by: Me <Me@Example.com>",
        &[&root],
    );
    let solo = h.commit(OTHER, "Speed up parsing (#42)", &[&squash]);
    let mined = h.mine(&solo);
    assert_eq!(
        texts(&mined),
        ["add retries to the fetcher; error rate 2% -> 0.1%"]
    );
    assert_eq!(mined.proposals[0].why, "squash-merged pull request #41");
    assert_eq!(mined.proposals[0].commits, [squash]);
}

#[test]
fn feat_perf_and_measured_commits_outside_pull_requests() {
    let mut h = Builder::new();
    let root = h.commit(ME, "start", &[]);
    let feat = h.commit(ME, "feat(api): stream answers", &[&root]);
    let fix = h.commit(ME, "fix: a crash on empty input", &[&feat]);
    let perf = h.commit(ME, "perf: cache tokenizers", &[&fix]);
    let free = h.commit(ME, "Tune the ranker\n\nNDCG 0.41 -> 0.47 offline", &[&perf]);
    let chore = h.commit(ME, "chore: cut memory 2GB -> 1GB in CI", &[&free]);
    let bump = h.commit(ME, "Bump serde from 1.0.1 -> 1.0.2", &[&chore]);
    let theirs = h.commit(OTHER, "feat: their thing", &[&bump]);
    let mined = h.mine(&theirs);
    assert_eq!(
        texts(&mined),
        [
            "stream answers",
            "cache tokenizers",
            "tune the ranker; NDCG 0.41 -> 0.47 offline"
        ]
    );
    assert_eq!(mined.proposals[0].why, "a feat commit (0000000)");
    assert!(mined.proposals[2]
        .why
        .starts_with("a commit that measured a change"));
}

#[test]
fn reverts_and_what_they_revert_are_not_wins() {
    let mut h = Builder::new();
    let root = h.commit(ME, "start", &[]);
    let feat = h.commit(ME, "feat: risky cache", &[&root]);
    let revert = h.commit(
        ME,
        &format!("Revert \"feat: risky cache\"\n\nThis reverts commit {feat}."),
        &[&feat],
    );
    let kept = h.commit(ME, "feat: safe cache", &[&revert]);
    assert_eq!(texts(&h.mine(&kept)), ["safe cache"]);
}

#[test]
fn back_merges_are_not_pull_requests_and_a_branch_merge_uses_its_subjects() {
    let mut h = Builder::new();
    let root = h.commit(ME, "start", &[]);
    let other_main = h.commit(OTHER, "their main work", &[&root]);
    let mine1 = h.commit(ME, "rewrite the loader", &[&root]);
    let back = h.commit(
        ME,
        "Merge branch 'main' into loader",
        &[&mine1, &other_main],
    );
    let mine2 = h.commit(ME, "add loader metrics", &[&back]);
    let merge = h.commit(ME, "Merge branch 'loader'", &[&other_main, &mine2]);
    let mined = h.mine(&merge);
    assert_eq!(
        texts(&mined),
        ["rewrite the loader; add loader metrics"],
        "{mined:?}"
    );
    assert!(mined.proposals[0].why.starts_with("merged branch ("));
    assert_eq!(
        mined.proposals[0].commits.len(),
        3,
        "two commits and the merge"
    );
}

#[test]
fn a_release_summarises_the_otherwise_unproposed_work_of_its_range() {
    let mut h = Builder::new();
    let root = h.commit(ME, "start", &[]);
    h.tag(&root, "v0.1.0");
    let a = h.commit(ME, "fix: retry timeouts", &[&root]);
    let b = h.commit(ME, "Handle empty batches", &[&a]);
    let c = h.commit(ME, "docs: usage", &[&b]);
    h.tag(&c, "v0.2.0");
    let d = h.commit(ME, "fix: one more", &[&c]);
    let e = h.commit(ME, "feat: streaming", &[&d]);
    h.tag(&e, "v0.3.0");
    let mined = h.mine(&e);
    assert_eq!(
        texts(&mined),
        [
            "released v0.2.0: retry timeouts; handle empty batches",
            "streaming"
        ],
        "v0.1.0 has one commit; v0.3.0's work is proposed already"
    );
    let release = &mined.proposals[0];
    assert_eq!(release.key, c, "the tagged commit");
    assert_eq!(release.commits, [a, b]);
    assert_eq!(
        release.work,
        Work::Release {
            tag: "v0.2.0".into()
        }
    );
}

#[test]
fn only_work_since_the_date_is_proposed_and_the_stop_is_the_newest_commit() {
    let mut h = Builder::new();
    let old = h.commit(ME, "feat: old", &[]);
    let new = h.commit(ME, "feat: new", &[&old]);
    let newest_first: Vec<Commit> = h.commits.iter().rev().cloned().collect();
    let since = h.commits[1].committed_at;
    let mined = super::mine(&newest_first, &new, &[ME.to_string()], since, &measured);
    assert_eq!(texts(&mined), ["new"]);
    assert_eq!((mined.by_author, mined.by_author_read), (1, 2));
    assert_eq!(mined.newest, Some(since));
    let none = super::mine(
        &newest_first,
        &new,
        &["x@y.z".to_string()],
        h.start,
        &measured,
    );
    assert_eq!((none.proposals.len(), none.by_author), (0, 0));
}

#[test]
fn notes_read_like_notes() {
    assert_eq!(note("feat(api): Stream answers (#12)."), "stream answers");
    assert_eq!(note("API v2 for scoring"), "API v2 for scoring");
    assert_eq!(note("Ship it"), "ship it");
    let long = format!("feat: {}", "word ".repeat(300));
    let mut h = Builder::new();
    let only = h.commit(ME, &long, &[]);
    let text = &h.mine(&only).proposals[0].text;
    assert!(text.len() <= MAX_TEXT + '…'.len_utf8() && text.ends_with('…'));
}
