//! `win inbox`: the wins agents (and `win mine`) proposed, newest first, with why, and the
//! follow-ups they proposed for wins already in the journal, under their
//! win; accept them, edit a win then accept it, or reject them. On a
//! terminal it walks through them one by one; elsewhere it lists them, and
//! the subcommands act on their numbers (with `--yes`, as nothing can ask).

use std::io::Write;

use anyhow::{bail, Result};

use crate::app::App;
use crate::capture::{editor_buffer, merge_edited, parse_editor_buffer};
use crate::cli::{InboxArgs, InboxCommand, InboxIds, InboxItem, WinFields};
use crate::domain::filter::{StatusFilter, WinFilter};
use crate::domain::win::{Provenance, Status, Win};
use crate::output::{self, paint, DIM};
use crate::prompt;
use crate::store::{ProposedUpdate, Store};

pub fn run(app: &App, args: &InboxArgs) -> Result<()> {
    match &args.command {
        None if args.json => output::print_json(&as_json(&app.open_store()?)?),
        None if app.stdin_is_terminal && app.stdout_is_terminal => walk(app),
        None => list(app),
        Some(InboxCommand::Accept(ids)) => accept(app, ids),
        Some(InboxCommand::Edit { id }) => {
            let mut store = app.open_store()?;
            let win = in_inbox(&store, *id)?;
            edit_then_accept(app, &mut store, win)
        }
        Some(InboxCommand::Reject(ids)) => reject(app, ids),
    }
}

/// The inbox, newest first.
fn proposed(store: &Store) -> Result<Vec<Win>> {
    store.list(&WinFilter {
        status: StatusFilter::Proposed,
        ..WinFilter::default()
    })
}

/// The proposed wins as JSON, then each win with follow-ups proposed for
/// it, carrying them in `proposed_updates` (a proposed win's own are there
/// too).
fn as_json(store: &Store) -> Result<Vec<serde_json::Value>> {
    let mut entries = Vec::new();
    let mut follow_ups = store.proposed_updates()?;
    for win in proposed(store)? {
        entries.push(with_follow_ups(&win, &mut follow_ups)?);
    }
    for win in accepted_with_follow_ups(store, &follow_ups)? {
        entries.push(with_follow_ups(&win, &mut follow_ups)?);
    }
    Ok(entries)
}

fn with_follow_ups(win: &Win, follow_ups: &mut Vec<ProposedUpdate>) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(win)?;
    let (mine, others): (Vec<_>, Vec<_>) = follow_ups
        .drain(..)
        .partition(|proposal| proposal.win_id == win.id);
    *follow_ups = others;
    if let Some(object) = value.as_object_mut() {
        object.insert("proposed_updates".into(), serde_json::to_value(mine)?);
    }
    Ok(value)
}

/// The wins, already in the journal, that follow-ups were proposed for.
fn accepted_with_follow_ups(store: &Store, follow_ups: &[ProposedUpdate]) -> Result<Vec<Win>> {
    let mut ids: Vec<i64> = follow_ups.iter().map(|proposal| proposal.win_id).collect();
    ids.dedup();
    let mut wins = Vec::new();
    for id in ids {
        let win = store.require(id)?;
        if win.status == Status::Accepted {
            wins.push(win);
        }
    }
    Ok(wins)
}

fn list(app: &App) -> Result<()> {
    let store = app.open_store()?;
    let wins = proposed(&store)?;
    let follow_ups = store.proposed_updates()?;
    if wins.is_empty() && follow_ups.is_empty() {
        output::note("the inbox is empty");
        return Ok(());
    }
    let mut out = output::buffered_stdout();
    for win in &wins {
        writeln!(out, "{}", output::win_line(win))?;
        writeln!(out, "\t{}", why(win.provenance.as_ref()))?;
        for proposal in follow_ups.iter().filter(|p| p.win_id == win.id) {
            writeln!(out, "{}", follow_up_lines(proposal))?;
        }
    }
    for win in accepted_with_follow_ups(&store, &follow_ups)? {
        writeln!(out, "{}", output::win_line(&win))?;
        for proposal in follow_ups.iter().filter(|p| p.win_id == win.id) {
            writeln!(out, "{}", follow_up_lines(proposal))?;
        }
    }
    out.flush()?;
    output::note(
        "accept with: win inbox accept ID... --yes (a win's number, or f3 for a follow-up; or edit ID, reject ID... --yes)",
    );
    Ok(())
}

/// A proposed follow-up under its win: what it says, and who proposed it.
fn follow_up_lines(proposal: &ProposedUpdate) -> String {
    format!(
        "\tf{} follow-up: {}\n\t    {}",
        proposal.id,
        follow_up_words(proposal),
        why(Some(&proposal.provenance))
    )
}

/// "stage measured · impact: conversion +1.8pp · the A/B test read out".
fn follow_up_words(proposal: &ProposedUpdate) -> String {
    let update = &proposal.update;
    let mut parts = Vec::new();
    if let Some(stage) = update.stage {
        parts.push(format!("stage {stage}"));
    }
    if let Some(impact) = &update.impact {
        parts.push(format!("impact: {}", output::clean(impact, false)));
    }
    if let Some(next) = &update.next {
        parts.push(format!("next: {}", output::clean(next, false)));
    }
    if let Some(text) = &update.text {
        parts.push(output::clean(text, false));
    }
    parts.join(" · ")
}

/// Why a win (or follow-up) waits in the inbox: "proposed by agent
/// (claude-code): the latency fix in PR 812 landed"; for one `win mine`
/// read from git, a second line says where from: the repository, its
/// remote and the commits.
pub(crate) fn why(provenance: Option<&Provenance>) -> String {
    let Some(provenance) = provenance else {
        return "proposed".to_string();
    };
    let reason = provenance.why.as_deref().map_or_else(
        || "no reason given".to_string(),
        |why| output::clean(why, false),
    );
    let mut said = format!("proposed by {}: {reason}", output::provenance(provenance));
    if let Some(repository) = &provenance.repository {
        said.push_str(&format!("\n\tfrom {}", output::clean(repository, false)));
        if let Some(remote) = &provenance.remote {
            said.push_str(&format!(" ({})", output::clean(remote, false)));
        }
        const SHOWN: usize = 5;
        let commits = &provenance.commits;
        if !commits.is_empty() {
            let shorts: Vec<String> = commits
                .iter()
                .take(SHOWN)
                .map(|hash| output::clean(hash.get(..7).unwrap_or(hash), false))
                .collect();
            said.push_str(&format!(
                ", {} {}",
                output::plural(commits.len(), "commit"),
                shorts.join(" ")
            ));
            if commits.len() > SHOWN {
                said.push_str(&format!(" and {} more", commits.len() - SHOWN));
            }
        }
    }
    said
}

/// On a terminal: each proposed win in turn, and what to do with it.
fn walk(app: &App) -> Result<()> {
    let mut store = app.open_store()?;
    let wins = proposed(&store)?;
    if wins.is_empty() {
        output::note("the inbox is empty");
        return Ok(());
    }
    let answers = ["accept", "edit, then accept", "reject", "skip", "quit"];
    let total = wins.len();
    for (index, win) in wins.into_iter().enumerate() {
        output::note(&format!(
            "\n{} {}\n{}",
            paint(DIM, &format!("{}/{total}", index + 1)),
            output::win_details(&win, app.now),
            paint(DIM, &why(win.provenance.as_ref()))
        ));
        match prompt::pick("What to do with it?", &answers)? {
            0 => {
                store.set_status(&[win.id], Status::Accepted)?;
                output::note(&format!("accepted #{}", win.id));
            }
            1 => edit_then_accept(app, &mut store, win)?,
            2 => {
                store.reject(&[win.id])?;
                output::note(&format!("rejected #{}", win.id));
            }
            3 => {}
            _ => return Ok(()),
        }
    }
    walk_follow_ups(app, &mut store)
}

/// On a terminal, after the wins: each proposed follow-up under its win.
fn walk_follow_ups(app: &App, store: &mut Store) -> Result<()> {
    let follow_ups = store.proposed_updates()?;
    let answers = ["accept", "reject", "skip", "quit"];
    let total = follow_ups.len();
    for (index, proposal) in follow_ups.into_iter().enumerate() {
        let win = store.require(proposal.win_id)?;
        output::note(&format!(
            "\n{} a follow-up for {}\n{}\n{}",
            paint(DIM, &format!("{}/{total}", index + 1)),
            output::win_line(&win),
            follow_up_words(&proposal),
            paint(DIM, &why(Some(&proposal.provenance)))
        ));
        match prompt::pick("What to do with it?", &answers)? {
            0 => {
                accept_follow_up(app, store, proposal.id)?;
                output::note(&format!("accepted f{} onto #{}", proposal.id, win.id));
            }
            1 => {
                store.reject_proposed_updates(&[proposal.id])?;
                output::note(&format!("rejected f{}", proposal.id));
            }
            2 => {}
            _ => break,
        }
    }
    Ok(())
}

fn accept_follow_up(app: &App, store: &mut Store, id: i64) -> Result<Win> {
    let framework = app.framework()?;
    let files = app.analysis_files()?;
    store.accept_proposed_update(id, super::update::analyse(framework, &files))
}

fn accept(app: &App, ids: &InboxIds) -> Result<()> {
    let mut store = app.open_store()?;
    let (wins, follow_ups) = chosen(&store, ids)?;
    confirm(app, "Accept", &wins, &follow_ups)?;
    if !wins.is_empty() {
        let accepted = store.set_status(&wins, Status::Accepted)?;
        output::note(&format!(
            "accepted {} into the journal: {}",
            output::count(accepted, "win"),
            handles(&wins, &[])
        ));
    }
    for id in follow_ups {
        let win = accept_follow_up(app, &mut store, id)?;
        output::note(&format!(
            "accepted f{id} onto #{}'s timeline ({})",
            win.id,
            output::count(win.updates.len(), "update")
        ));
    }
    Ok(())
}

fn reject(app: &App, ids: &InboxIds) -> Result<()> {
    let mut store = app.open_store()?;
    let (wins, follow_ups) = chosen(&store, ids)?;
    confirm(app, "Reject (delete)", &wins, &follow_ups)?;
    let mut rejected = 0;
    if !wins.is_empty() {
        rejected += store.reject(&wins)?;
    }
    if !follow_ups.is_empty() {
        rejected += store.reject_proposed_updates(&follow_ups)?;
    }
    let what = match (wins.is_empty(), follow_ups.is_empty()) {
        (_, true) => "win",
        (true, false) => "follow-up",
        (false, false) => "item",
    };
    output::note(&format!(
        "rejected {}: {}",
        output::count(rejected, what),
        handles(&wins, &follow_ups)
    ));
    Ok(())
}

/// Opens the win in the editor, stores what was saved, and accepts it.
/// What was saved is merged with the win as stored when it is written, as
/// `win edit` does: a change another command made while the editor was
/// open (a follow-up, a tag, a star) is kept.
fn edit_then_accept(app: &App, store: &mut Store, win: Win) -> Result<()> {
    if !app.stdin_is_terminal {
        bail!(
            "editing #{} needs a terminal for $EDITOR (or: win edit {} --text \"…\", then win inbox accept {} --yes)",
            win.id, win.id, win.id
        );
    }
    let id = win.id;
    let buffer = editor_buffer(&win.text, win.impact.as_deref(), win.next.as_deref());
    let prompt::Edited::Saved(saved) = prompt::edit(&buffer)? else {
        bail!("the editor closed without a change: #{id} stays in the inbox (to take it as it is: win inbox accept {id})");
    };
    let saved = parse_editor_buffer(&saved);
    if saved.text.is_empty() {
        bail!("the win's text is empty; #{id} stays in the inbox");
    }
    let opened = parse_editor_buffer(&buffer);
    store.edit(id, |entry, learned| {
        merge_edited(id, &opened, saved, entry)?;
        entry.updated_at = app.now;
        entry.status = Status::Accepted;
        // Re-derives competencies and metrics from the new words.
        super::apply_fields(app, entry, &WinFields::default(), Some(learned))?;
        Ok(())
    })?;
    output::note(&format!("edited and accepted #{id}"));
    Ok(())
}

/// The items asked for, each checked to be in the inbox: the proposed
/// wins, and the proposed follow-ups; `--all`: every one.
fn chosen(store: &Store, ids: &InboxIds) -> Result<(Vec<i64>, Vec<i64>)> {
    if ids.all {
        let wins: Vec<i64> = proposed(store)?.iter().map(|win| win.id).collect();
        let follow_ups: Vec<i64> = store
            .proposed_updates()?
            .iter()
            .map(|proposal| proposal.id)
            .collect();
        if wins.is_empty() && follow_ups.is_empty() {
            bail!("the inbox is empty");
        }
        return Ok((wins, follow_ups));
    }
    let (mut wins, mut follow_ups) = (Vec::new(), Vec::new());
    for item in &ids.ids {
        match *item {
            InboxItem::Win(id) => {
                in_inbox(store, id)?;
                wins.push(id);
            }
            InboxItem::FollowUp(id) => {
                store.proposed_update(id)?;
                if !follow_ups.contains(&id) {
                    follow_ups.push(id);
                }
            }
        }
    }
    Ok((wins, follow_ups))
}

fn in_inbox(store: &Store, id: i64) -> Result<Win> {
    let win = store.require(id)?;
    if win.status != Status::Proposed {
        bail!("#{id} is not in the inbox: it is already in the journal (see: win show {id})");
    }
    Ok(win)
}

fn confirm(app: &App, verb: &str, wins: &[i64], follow_ups: &[i64]) -> Result<()> {
    if app.yes {
        return Ok(());
    }
    let named = handles(wins, follow_ups);
    if !app.stdin_is_terminal {
        bail!(
            "{} {named} needs confirmation: add --yes",
            verb.to_lowercase()
        );
    }
    if !prompt::confirm(&format!("{verb} {named}?"))? {
        bail!("nothing was changed");
    }
    Ok(())
}

fn handles(wins: &[i64], follow_ups: &[i64]) -> String {
    wins.iter()
        .map(|id| format!("#{id}"))
        .chain(follow_ups.iter().map(|id| format!("f{id}")))
        .collect::<Vec<_>>()
        .join(", ")
}
