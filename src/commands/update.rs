//! `win update ID`: a dated follow-up, carrying the outcome onto the win.

use anyhow::{bail, Result};
use serde::Serialize;

use crate::analyze::{Analyzer, UserFiles};
use crate::app::App;
use crate::capture;
use crate::cli::UpdateArgs;
use crate::domain::dates;
use crate::domain::framework::Framework;
use crate::domain::limits;
use crate::domain::win::{non_empty, NewWin, Provenance, Status, Update, Win};
use crate::output;
use crate::store::{ProposedUpdate, Store};

pub fn run(app: &App, args: &UpdateArgs) -> Result<()> {
    let mut win = record(app, args)?;
    if args.json {
        super::with_sentence(app, &mut win)?;
    }
    output::print_saved(&win, args.json);
    if args.json {
        return Ok(());
    }
    let stage = win
        .stage
        .map(|s| format!(" · stage {s}"))
        .unwrap_or_default();
    output::note(&format!(
        "updated #{}{stage} · {} on its timeline",
        win.id,
        output::count(win.updates.len(), "update")
    ));
    Ok(())
}

/// Adds the follow-up to the win's timeline; returns the win as `--json`
/// prints it (and `win mcp` returns it).
pub fn record(app: &App, args: &UpdateArgs) -> Result<Win> {
    let update = follow_up(app, args)?;
    let mut store = app.open_store()?;
    checked_against(&store, args.id, &update)?;
    let framework = app.framework()?;
    let files = app.analysis_files()?;
    store.add_update(args.id, &update, analyse(framework, &files))
}

/// What an agent's `record_outcome` did: a win still in the inbox takes
/// the follow-up at once; for an accepted win it waits in the inbox.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Outcome {
    Recorded(Box<Win>),
    Proposed {
        status: Status,
        proposed_follow_up: Box<ProposedUpdate>,
        note: &'static str,
    },
}

/// `record_outcome` over `win mcp`: an agent never changes an accepted
/// win, so its follow-up for one waits in the inbox (`win inbox`) until
/// the person accepts it (unless `[agents] auto_accept` is set).
pub fn propose(app: &App, args: &UpdateArgs, provenance: &Provenance) -> Result<Outcome> {
    let update = follow_up(app, args)?;
    let mut store = app.open_store()?;
    let win = checked_against(&store, args.id, &update)?;
    if win.status == Status::Proposed || app.config.agents.auto_accept {
        drop(store);
        return record(app, args).map(|win| Outcome::Recorded(Box::new(win)));
    }
    Ok(Outcome::Proposed {
        status: Status::Proposed,
        proposed_follow_up: Box::new(store.propose_update(args.id, &update, provenance)?),
        note: "the win is in the person's journal: this follow-up waits in their inbox (win inbox) until they accept it",
    })
}

/// The follow-up the arguments describe, checked.
fn follow_up(app: &App, args: &UpdateArgs) -> Result<Update> {
    let text = non_empty(Some(args.text.join(" ")));
    let update = Update {
        at: match &args.date {
            Some(date) => dates::parse_occurred(date, app.clock())?,
            None => app.now,
        },
        stage: args.stage,
        text,
        impact: non_empty(args.impact.clone()),
        next: non_empty(args.next.clone()),
    };
    if update.stage.is_none()
        && update.text.is_none()
        && update.impact.is_none()
        && update.next.is_none()
    {
        bail!("nothing to record: give a text, --stage, --impact or --next (e.g. win update {} --stage measured --impact \"…\")", args.id);
    }
    limits::check_update(&update)?;
    Ok(update)
}

/// The win the follow-up is for, which it must not predate.
fn checked_against(store: &Store, id: i64, update: &Update) -> Result<Win> {
    let before = store.require(id)?;
    if update.at < before.occurred_at {
        bail!(
            "the update is dated before win #{id} happened ({}); give a later --date",
            crate::domain::dates::day(&before.occurred_at)
        );
    }
    Ok(before)
}

/// Measures the win again once a follow-up's words are in it.
pub fn analyse<'a>(
    framework: &'a Framework,
    files: &'a UserFiles,
) -> impl FnOnce(&mut NewWin) -> Result<()> + 'a {
    move |win: &mut NewWin| {
        // The follow-up's words are analysed as soon as they are recorded.
        let analyzer = Analyzer::for_text(framework, files, &win.analysed_words())?;
        capture::measure(win, &analyzer);
        Ok(())
    }
}
