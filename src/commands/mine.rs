//! `win mine [REPO]...`: proposes wins from the user's own git history
//! into the inbox. Every repository is read and every proposal made before
//! anything is written, so a bad repository leaves the journal untouched.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, FixedOffset};

use crate::analyze::mine::{is_measured_change, mine};
use crate::analyze::{learning_terms, Analyzer};
use crate::app::App;
use crate::capture::{self, MinedFrom};
use crate::cli::MineArgs;
use crate::domain::dates;
use crate::domain::win::{NewWin, Win};
use crate::history::Repository;
use crate::output;
use crate::store::Store;

/// Where a first mine of a repository starts.
const FIRST_MINE_DAYS: i64 = 90;

/// How much history before `--since` is read too: the commits of a pull
/// request merged after it may be older.
const LOOK_BEHIND_DAYS: i64 = 180;

/// One repository, read.
struct Read {
    repository: Repository,
    since: DateTime<FixedOffset>,
    authors: Vec<String>,
    by_author: usize,
    wins: Vec<NewWin>,
    stopped_at: Option<DateTime<FixedOffset>>,
}

pub fn run(app: &App, args: &MineArgs) -> Result<()> {
    let paths = if args.repos.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.repos.clone()
    };
    let repositories = paths
        .iter()
        .map(|path| Repository::open(path))
        .collect::<Result<Vec<_>>>()?;
    let asked_since = args
        .since
        .as_deref()
        .map(|since| dates::parse_since(since, app.clock()))
        .transpose()?;
    let existing = if app.db_path.exists() {
        Some(app.open_store()?)
    } else {
        None
    };
    let analyzer = Analyzer::new(app.framework()?, &app.analysis_files()?)?;
    let mut read = Vec::new();
    for repository in repositories {
        read.push(read_one(
            app,
            args,
            repository,
            asked_since,
            existing.as_ref(),
            &analyzer,
        )?);
    }
    let uids: Vec<String> = read
        .iter()
        .flat_map(|r| r.wins.iter().map(|w| w.uid.clone()))
        .collect();
    let known = match &existing {
        Some(store) => store.known_uids(&uids)?,
        None => Default::default(),
    };
    let fresh: Vec<NewWin> = read
        .iter()
        .flat_map(|r| r.wins.iter())
        .filter(|win| !known.contains(&win.uid))
        .cloned()
        .collect();
    drop(existing);
    let shown: Vec<Win> = if args.dry_run {
        fresh.iter().map(NewWin::preview).collect()
    } else {
        let stops: Vec<(String, DateTime<FixedOffset>)> = read
            .iter()
            .filter_map(|r| Some((root(&r.repository), r.stopped_at?)))
            .collect();
        app.create_store()?.add_mined(&fresh, &stops)?
    };
    for r in &read {
        output::note(&summary(r, &known, args.dry_run));
    }
    if args.json {
        return output::print_json(&shown);
    }
    let mut out = output::buffered_stdout();
    for win in &shown {
        writeln!(out, "{}", output::win_line(win))?;
        writeln!(out, "\t{}", super::inbox::why(win.provenance.as_ref()))?;
    }
    out.flush()?;
    if !args.dry_run && !shown.is_empty() {
        output::note(
            "review them with: win inbox (accept ID... --yes, edit ID, reject ID... --yes)",
        );
    }
    Ok(())
}

fn read_one(
    app: &App,
    args: &MineArgs,
    repository: Repository,
    asked_since: Option<DateTime<FixedOffset>>,
    store: Option<&Store>,
    analyzer: &Analyzer,
) -> Result<Read> {
    let root = root(&repository);
    let authors: Vec<String> = if args.authors.is_empty() {
        let Some(email) = repository.user_email.clone() else {
            bail!("whose work to mine in {root}? git has no user.email there: pass --author EMAIL (or set: git -C {root} config user.email EMAIL)");
        };
        vec![email]
    } else {
        args.authors
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect()
    };
    if authors.iter().any(String::is_empty) {
        bail!("--author needs an address, such as --author ana@example.com");
    }
    let stopped = match store {
        Some(store) => store.mined_until(&root)?,
        None => None,
    };
    let since = asked_since
        .or(stopped)
        .unwrap_or(app.now - Duration::days(FIRST_MINE_DAYS));
    let commits = repository.log(since - Duration::days(LOOK_BEHIND_DAYS))?;
    let mined = mine(&commits, &repository.head, &authors, since, &|line| {
        is_measured_change(analyzer, line)
    });
    // None in all that was read (some months before `since` too): the
    // wrong address, most likely. None since the last mine is only quiet.
    if mined.by_author_read == 0 {
        bail!(
            "no commits by {} in {root} since {}: nothing to mine (another address? --author EMAIL; earlier work? --since DATE)",
            authors.join(" or "),
            dates::day(&(since - Duration::days(LOOK_BEHIND_DAYS)))
        );
    }
    let name = repository.name();
    let from = MinedFrom {
        root: &root,
        remote: repository.remote.as_deref(),
        name: &name,
        first_commit: &repository.first_commit,
    };
    let mut wins = Vec::with_capacity(mined.proposals.len());
    for proposal in &mined.proposals {
        let learned = match store {
            Some(store) => store.learned(&learning_terms(&proposal.text, None, None))?,
            None => Default::default(),
        };
        wins.push(capture::mined(proposal, &from, app.now, analyzer, &learned));
    }
    Ok(Read {
        since,
        authors,
        by_author: mined.by_author,
        wins,
        stopped_at: mined.newest,
        repository,
    })
}

fn root(repository: &Repository) -> String {
    repository.root.display().to_string()
}

/// "ranker: 4 proposals from 23 commits by ana@x.org since 2026-08-23 (1
/// already in the journal or rejected)".
fn summary(read: &Read, known: &std::collections::HashSet<String>, dry_run: bool) -> String {
    let old = read
        .wins
        .iter()
        .filter(|win| known.contains(&win.uid))
        .count();
    let new = read.wins.len() - old;
    let verb = if dry_run { "would propose" } else { "proposed" };
    let mut said = format!(
        "{}: {verb} {} from {} by {} since {}",
        read.repository.name(),
        output::count(new, "win"),
        output::count(read.by_author, "commit"),
        read.authors.join(" or "),
        dates::day(&read.since)
    );
    if old > 0 {
        said.push_str(&format!(
            " ({old} found before: in the journal, the inbox, or rejected)"
        ));
    }
    if dry_run {
        said.push_str(" (dry run: nothing stored)");
    }
    said
}
