//! What of a git history becomes a proposed win (`win mine`): one proposal
//! per piece of work, not per commit.
//!
//! - a merged pull request (a merge commit on the main line, or a
//!   squash-merge whose subject ends in `(#123)`) the author worked on:
//!   one proposal from its title, covering its commits;
//! - a commit of type `feat` or `perf`, or one whose message carries a
//!   measured change (`p99 240ms -> 80ms`), not inside a merged pull request;
//! - a release (a tag on the main line) whose range holds at least two of
//!   the author's commits, none of them proposed otherwise: one summary.
//!
//! Never: housekeeping (`rules`), reverts and what they revert, merges of a
//! main line into a branch, other people's commits. Pure: the commits and
//! the test of a measured change come in as arguments.

mod rules;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};

use crate::domain::gitlog::{
    conventional, is_back_merge, merge_title, merged_pull_request, reverted, squashed_pull_request,
    Commit,
};
pub use rules::Housekeeping;

/// A proposal's longest text: a note is a few sentences.
const MAX_TEXT: usize = 600;
/// Measured lines added to a proposal's title.
const MAX_MEASURED_LINES: usize = 2;
/// Subjects a release summary names.
const RELEASE_SUBJECTS: usize = 3;

/// What a proposal stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// A merged pull request (or branch), with its number when it had one.
    PullRequest { number: Option<u32>, squashed: bool },
    /// One commit.
    Commit,
    /// The author's work in a release range.
    Release { tag: String },
}

/// A piece of work, written like a captured note.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub work: Work,
    pub text: String,
    /// Its last commit's date.
    pub occurred_at: DateTime<FixedOffset>,
    /// The commit that stands for the piece of work whatever part of the
    /// history was read (the merge or squash commit, the commit, the tagged
    /// commit): its uid derives from it.
    pub key: String,
    /// The commits it covers, oldest first (a merge's own commit last).
    pub commits: Vec<String>,
    /// Why it was proposed, in words: "merged pull request #812 (3 commits)".
    pub why: String,
}

/// What a history gave.
#[derive(Debug, Default)]
pub struct Mined {
    /// Oldest first.
    pub proposals: Vec<Proposal>,
    /// The author's commits since the date asked for (housekeeping too).
    pub by_author: usize,
    /// The author's commits in all that was read.
    pub by_author_read: usize,
    /// The newest commit read: where this mine stopped.
    pub newest: Option<DateTime<FixedOffset>>,
}

/// A merged pull request found on the main line.
struct Merged {
    head: usize,
    /// The branch's commits (a squash-merge: the commit itself).
    members: Vec<usize>,
    number: Option<u32>,
    squashed: bool,
}

/// The proposals of `commits` (as `git log` lists them, from `head`) for
/// the `authors` (lowercased addresses), dated `since` or later.
/// `measured` says whether a line states a measured change.
pub fn mine(
    commits: &[Commit],
    head: &str,
    authors: &[String],
    since: DateTime<FixedOffset>,
    measured: &dyn Fn(&str) -> bool,
) -> Mined {
    let history = History::new(commits, head, authors, Housekeeping::builtin());
    let mut proposals = Vec::new();
    let mut proposed = vec![false; commits.len()];
    let merged = history.merged();
    for pull in &merged {
        if let Some(proposal) = history.pull_request(pull, measured) {
            for &member in &pull.members {
                proposed[member] = true;
            }
            proposals.push(proposal);
        }
    }
    let in_pull: HashSet<usize> = merged
        .iter()
        .flat_map(|pull| pull.members.iter().copied().chain([pull.head]))
        .collect();
    for index in (0..commits.len()).rev() {
        if in_pull.contains(&index) || !history.counts(index) {
            continue;
        }
        if let Some(proposal) = history.single(index, measured) {
            proposed[index] = true;
            proposals.push(proposal);
        }
    }
    proposals.extend(history.releases(&merged, &proposed));
    proposals.retain(|proposal| proposal.occurred_at >= since);
    proposals.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then(a.key.cmp(&b.key)));
    Mined {
        proposals,
        by_author: commits
            .iter()
            .filter(|commit| commit.committed_at >= since && commit.is_by(authors))
            .count(),
        by_author_read: commits
            .iter()
            .filter(|commit| commit.is_by(authors))
            .count(),
        newest: commits.iter().map(|commit| commit.committed_at).max(),
    }
}

/// The commits read, indexed, with the main line and what was reverted.
struct History<'a> {
    commits: &'a [Commit],
    authors: &'a [String],
    rules: &'a Housekeeping,
    /// The main line (first parents from HEAD), oldest first.
    main_line: Vec<usize>,
    on_main: Vec<bool>,
    index: HashMap<&'a str, usize>,
    reverted: HashSet<usize>,
}

impl<'a> History<'a> {
    fn new(
        commits: &'a [Commit],
        head: &str,
        authors: &'a [String],
        rules: &'a Housekeeping,
    ) -> Self {
        let index: HashMap<&str, usize> = commits
            .iter()
            .enumerate()
            .map(|(at, commit)| (commit.hash.as_str(), at))
            .collect();
        let mut on_main = vec![false; commits.len()];
        let mut main_line = Vec::new();
        let mut at = index.get(head).copied();
        while let Some(current) = at {
            if on_main[current] {
                break;
            }
            on_main[current] = true;
            main_line.push(current);
            at = commits[current]
                .parents
                .first()
                .and_then(|parent| index.get(parent.as_str()).copied());
        }
        main_line.reverse();
        let mut undone = HashSet::new();
        for commit in commits {
            for hash in reverted(&commit.body) {
                if let Some(&at) = index.get(hash) {
                    undone.insert(at);
                } else if hash.len() < 40 {
                    // An abbreviated hash: rare enough to look for by prefix.
                    undone.extend(
                        commits
                            .iter()
                            .position(|other| other.hash.starts_with(hash)),
                    );
                }
            }
        }
        History {
            commits,
            authors,
            rules,
            main_line,
            on_main,
            index,
            reverted: undone,
        }
    }

    /// Housekeeping, a revert, or reverted.
    fn is_noise(&self, at: usize) -> bool {
        self.reverted.contains(&at) || self.rules.is_housekeeping(&self.commits[at].subject)
    }

    /// One of the author's commits that is work: not a merge, not noise.
    fn counts(&self, at: usize) -> bool {
        let commit = &self.commits[at];
        !commit.is_merge() && commit.is_by(self.authors) && !self.is_noise(at)
    }

    fn parents(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        self.commits[at]
            .parents
            .iter()
            .filter_map(|parent| self.index.get(parent.as_str()).copied())
    }

    /// The pull requests merged into the main line, oldest first, each with
    /// the commits its merge brought in (a commit merged twice belongs to
    /// the first merge).
    fn merged(&self) -> Vec<Merged> {
        let mut taken = vec![false; self.commits.len()];
        let mut merged = Vec::new();
        for &at in &self.main_line {
            let commit = &self.commits[at];
            if commit.is_merge() {
                if is_back_merge(&commit.subject) {
                    continue;
                }
                let mut members = Vec::new();
                let mut stack: Vec<usize> = self.parents(at).skip(1).collect();
                while let Some(next) = stack.pop() {
                    if self.on_main[next] || taken[next] {
                        continue;
                    }
                    taken[next] = true;
                    members.push(next);
                    stack.extend(self.parents(next));
                }
                members.sort_by_key(|&member| std::cmp::Reverse(member));
                merged.push(Merged {
                    head: at,
                    members,
                    number: merged_pull_request(&commit.subject, &commit.body),
                    squashed: false,
                });
            } else if let Some(number) = squashed_pull_request(&commit.subject) {
                merged.push(Merged {
                    head: at,
                    members: vec![at],
                    number: Some(number),
                    squashed: true,
                });
            }
        }
        merged
    }

    /// A merged pull request, if it is not housekeeping and the author
    /// did some of its work.
    fn pull_request(&self, pull: &Merged, measured: &dyn Fn(&str) -> bool) -> Option<Proposal> {
        let head = &self.commits[pull.head];
        if self.is_noise(pull.head) {
            return None;
        }
        let work: Vec<usize> = pull
            .members
            .iter()
            .copied()
            .filter(|&member| self.counts(member))
            .collect();
        if work.is_empty() {
            return None;
        }
        let (title, body) = if pull.squashed {
            (head.subject.clone(), head.body.as_str())
        } else if let Some((title, body)) = merge_title(&head.body) {
            (title.to_string(), body)
        } else {
            let subjects: Vec<&str> = work
                .iter()
                .map(|&member| self.commits[member].subject.as_str())
                .collect();
            (join_subjects(&subjects, RELEASE_SUBJECTS), "")
        };
        if self.rules.is_housekeeping(&title) {
            return None;
        }
        let mut bodies = vec![body];
        bodies.extend(
            work.iter()
                .map(|&member| self.commits[member].body.as_str()),
        );
        let text = with_measured(&note(&title), &bodies, measured);
        let mut commits: Vec<String> = work
            .iter()
            .map(|&member| self.commits[member].hash.clone())
            .collect();
        if !pull.squashed {
            commits.push(head.hash.clone());
        }
        let what = match (pull.number, pull.squashed) {
            (Some(number), true) => format!("squash-merged pull request #{number}"),
            (Some(number), false) => format!("merged pull request #{number}"),
            (None, _) => format!("merged branch ({})", head.short()),
        };
        let why = if pull.squashed {
            what
        } else {
            format!("{what}, {} of its commits by you", work.len())
        };
        Some(Proposal {
            work: Work::PullRequest {
                number: pull.number,
                squashed: pull.squashed,
            },
            text,
            occurred_at: head.committed_at,
            key: head.hash.clone(),
            commits,
            why,
        })
    }

    /// A commit of the author's outside any merged pull request: a win if
    /// it is a `feat` or `perf`, or says what it measured.
    fn single(&self, at: usize, measured: &dyn Fn(&str) -> bool) -> Option<Proposal> {
        let commit = &self.commits[at];
        let why = if self.rules.is_win_type(&commit.subject) {
            let kind = conventional(&commit.subject)
                .map(|c| c.kind)
                .unwrap_or_default();
            format!("a {kind} commit ({})", commit.short())
        } else if states(&commit.subject, measured)
            || measured_lines(&[&commit.body], measured).next().is_some()
        {
            format!("a commit that measured a change ({})", commit.short())
        } else {
            return None;
        };
        Some(Proposal {
            work: Work::Commit,
            text: with_measured(&note(&commit.subject), &[&commit.body], measured),
            occurred_at: commit.committed_at,
            key: commit.hash.clone(),
            commits: vec![commit.hash.clone()],
            why,
        })
    }

    /// One summary per release range (between two tags of the main line)
    /// that holds two or more of the author's commits, none proposed.
    fn releases(&self, merged: &[Merged], proposed: &[bool]) -> Vec<Proposal> {
        let by_head: HashMap<usize, &Merged> =
            merged.iter().map(|pull| (pull.head, pull)).collect();
        let mut found = Vec::new();
        let mut start = 0;
        for (position, &at) in self.main_line.iter().enumerate() {
            let Some(tag) = self.commits[at].tags.first() else {
                continue;
            };
            let mut work = Vec::new();
            for &step in &self.main_line[start..=position] {
                let members = by_head.get(&step).map_or(&[][..], |pull| &pull.members[..]);
                for &member in members.iter().chain(std::iter::once(&step)) {
                    if self.counts(member) && !work.contains(&member) {
                        work.push(member);
                    }
                }
            }
            start = position + 1;
            if work.len() < 2 || work.iter().any(|&member| proposed[member]) {
                continue;
            }
            work.sort_by_key(|&member| std::cmp::Reverse(member));
            let subjects: Vec<&str> = work
                .iter()
                .map(|&member| self.commits[member].subject.as_str())
                .collect();
            let tagged = &self.commits[at];
            found.push(Proposal {
                work: Work::Release { tag: tag.clone() },
                text: clip(format!(
                    "released {tag}: {}",
                    join_subjects(&subjects, RELEASE_SUBJECTS)
                )),
                occurred_at: tagged.committed_at,
                key: tagged.hash.clone(),
                commits: work
                    .iter()
                    .map(|&member| self.commits[member].hash.clone())
                    .collect(),
                why: format!(
                    "release {tag}, {} of its commits by you, none proposed on its own",
                    work.len()
                ),
            });
        }
        found
    }
}

/// A subject as a note says it: no conventional prefix, no `(#123)`, no
/// final full stop, a lowercase first word unless it is a name ("API").
pub fn note(subject: &str) -> String {
    let text = conventional(subject).map_or(subject, |parsed| parsed.description);
    let text = text.trim().trim_end_matches('.');
    let text = match squashed_pull_request(text) {
        Some(_) => text.rsplit_once("(#").map_or(text, |(before, _)| before),
        None => text,
    };
    let text = text.trim().trim_end_matches('.').trim();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

/// "a; b; c and 2 more": the first subjects of a range, as notes.
fn join_subjects(subjects: &[&str], most: usize) -> String {
    let mut text = subjects
        .iter()
        .take(most)
        .map(|subject| note(subject))
        .collect::<Vec<_>>()
        .join("; ");
    if subjects.len() > most {
        text.push_str(&format!(" and {} more", subjects.len() - most));
    }
    text
}

/// The title, then up to two lines of the bodies that state a measured
/// change (`p99 240ms -> 80ms`), unless the title states one itself.
fn with_measured(title: &str, bodies: &[&str], measured: &dyn Fn(&str) -> bool) -> String {
    let mut text = title.to_string();
    if !states(title, measured) {
        for line in measured_lines(bodies, measured).take(MAX_MEASURED_LINES) {
            text.push_str("; ");
            text.push_str(&note(line));
        }
    }
    clip(text)
}

fn states(line: &str, measured: &dyn Fn(&str) -> bool) -> bool {
    has_digit(line) && measured(line)
}

/// The body lines that state a measured change (bullets dropped, trailers
/// skipped), each once.
fn measured_lines<'b>(
    bodies: &'b [&'b str],
    measured: &'b dyn Fn(&str) -> bool,
) -> impl Iterator<Item = &'b str> + 'b {
    let mut seen = HashSet::new();
    bodies
        .iter()
        .flat_map(|body| body.lines())
        .map(|line| line.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(move |line| {
            !line.is_empty()
                && line.len() <= 240
                && !is_trailer(line)
                && !line.starts_with("This reverts commit")
                && seen.insert(*line)
                && states(line, measured)
        })
}

/// Whether a line states a measured change as `analyze::metrics` reads
/// it: a before and an after, or a relative change.
pub fn is_measured_change(analyzer: &super::Analyzer, line: &str) -> bool {
    analyzer.metrics(line, None).iter().any(|metric| {
        metric.change_pct.is_some() || (metric.before.is_some() && metric.after.is_some())
    })
}

fn has_digit(text: &str) -> bool {
    text.bytes().any(|byte| byte.is_ascii_digit())
}

/// `Signed-off-by: …`, `Co-authored-by: …`, `Reviewed-on: …`.
fn is_trailer(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(key, _)| {
        key.contains('-')
            && !key.contains(' ')
            && key.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
    })
}

fn clip(mut text: String) -> String {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}
