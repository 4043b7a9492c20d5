//! `win inbox`: the wins agents proposed, newest first, with why; accept
//! them into the journal, edit then accept, or reject them. On a terminal
//! it walks through them one by one; elsewhere it lists them, and the
//! subcommands act on ids (with `--yes`, as nothing can ask).

use std::io::Write;

use anyhow::{bail, Result};

use crate::app::App;
use crate::capture::{editor_buffer, parse_editor_buffer};
use crate::cli::{InboxArgs, InboxCommand, InboxIds, WinFields};
use crate::domain::filter::{StatusFilter, WinFilter};
use crate::domain::win::{Status, Win};
use crate::output::{self, paint, DIM};
use crate::prompt;
use crate::store::Store;

pub fn run(app: &App, args: &InboxArgs) -> Result<()> {
    match &args.command {
        None if args.json => output::print_json(&proposed(&app.open_store()?)?),
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

fn list(app: &App) -> Result<()> {
    let wins = proposed(&app.open_store()?)?;
    if wins.is_empty() {
        output::note("the inbox is empty");
        return Ok(());
    }
    let mut out = output::buffered_stdout();
    for win in &wins {
        writeln!(out, "{}", output::win_line(win))?;
        writeln!(out, "\t{}", why(win))?;
    }
    out.flush()?;
    output::note("accept with: win inbox accept ID... --yes (or edit ID, reject ID... --yes)");
    Ok(())
}

/// "proposed by agent (claude-code): the latency fix in PR 812 landed".
fn why(win: &Win) -> String {
    let Some(provenance) = &win.provenance else {
        return "proposed".to_string();
    };
    let reason = provenance.why.as_deref().map_or_else(
        || "no reason given".to_string(),
        |why| output::clean(why, false),
    );
    format!("proposed by {}: {reason}", output::provenance(provenance))
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
            paint(DIM, &why(&win))
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
            _ => break,
        }
    }
    Ok(())
}

fn accept(app: &App, ids: &InboxIds) -> Result<()> {
    let mut store = app.open_store()?;
    let ids = chosen(&store, ids)?;
    confirm(app, "Accept", &ids)?;
    let accepted = store.set_status(&ids, Status::Accepted)?;
    output::note(&format!(
        "accepted {accepted} win{} into the journal: {}",
        plural(accepted),
        handles(&ids)
    ));
    Ok(())
}

fn reject(app: &App, ids: &InboxIds) -> Result<()> {
    let mut store = app.open_store()?;
    let ids = chosen(&store, ids)?;
    confirm(app, "Reject (delete)", &ids)?;
    let rejected = store.reject(&ids)?;
    output::note(&format!(
        "rejected {rejected} win{}: {}",
        plural(rejected),
        handles(&ids)
    ));
    Ok(())
}

/// Opens the win in the editor, stores what was saved, and accepts it.
fn edit_then_accept(app: &App, store: &mut Store, win: Win) -> Result<()> {
    if !app.stdin_is_terminal {
        bail!(
            "editing #{} needs a terminal for $EDITOR (or: win edit {} --text \"…\", then win inbox accept {} --yes)",
            win.id, win.id, win.id
        );
    }
    let id = win.id;
    let mut entry = win.into_new();
    let buffer = editor_buffer(&entry.text, entry.impact.as_deref(), entry.next.as_deref());
    let prompt::Edited::Saved(saved) = prompt::edit(&buffer)? else {
        bail!("the editor closed without a change: #{id} stays in the inbox (to take it as it is: win inbox accept {id})");
    };
    let edited = parse_editor_buffer(&saved);
    if edited.text.is_empty() {
        bail!("the win's text is empty; #{id} stays in the inbox");
    }
    entry.text = edited.text;
    entry.impact = edited.impact;
    entry.next = edited.next;
    entry.updated_at = app.now;
    entry.status = Status::Accepted;
    // Re-derives competencies, metrics and the polished sentence from the new words.
    super::apply_fields(app, &mut entry, &WinFields::default(), Some(store))?;
    store.replace(&entry.into_win(id))?;
    output::note(&format!("edited and accepted #{id}"));
    Ok(())
}

/// The ids asked for, each checked to be in the inbox; `--all`: every one.
fn chosen(store: &Store, ids: &InboxIds) -> Result<Vec<i64>> {
    if ids.all {
        let all: Vec<i64> = proposed(store)?.iter().map(|win| win.id).collect();
        if all.is_empty() {
            bail!("the inbox is empty");
        }
        return Ok(all);
    }
    for id in &ids.ids {
        in_inbox(store, *id)?;
    }
    Ok(ids.ids.clone())
}

fn in_inbox(store: &Store, id: i64) -> Result<Win> {
    let win = store.require(id)?;
    if win.status != Status::Proposed {
        bail!("#{id} is not in the inbox: it is already in the journal (see: win show {id})");
    }
    Ok(win)
}

fn confirm(app: &App, verb: &str, ids: &[i64]) -> Result<()> {
    if app.yes {
        return Ok(());
    }
    if !app.stdin_is_terminal {
        bail!(
            "{} {} needs confirmation: add --yes",
            verb.to_lowercase(),
            handles(ids)
        );
    }
    if !prompt::confirm(&format!("{verb} {}?", handles(ids)))? {
        bail!("nothing was changed");
    }
    Ok(())
}

fn handles(ids: &[i64]) -> String {
    ids.iter()
        .map(|id| format!("#{id}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
