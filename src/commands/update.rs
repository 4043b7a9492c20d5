//! `win update ID`: a dated follow-up, carrying the outcome onto the win.

use anyhow::{bail, Result};

use crate::analyze::Analyzer;
use crate::app::App;
use crate::capture;
use crate::cli::UpdateArgs;
use crate::domain::dates;
use crate::domain::limits;
use crate::domain::win::{non_empty, Update, Win};
use crate::output;

pub fn run(app: &App, args: &UpdateArgs) -> Result<()> {
    let win = record(app, args)?;
    output::print_saved(&win, args.json);
    if args.json {
        return Ok(());
    }
    let stage = win
        .stage
        .map(|s| format!(" · stage {s}"))
        .unwrap_or_default();
    output::note(&format!(
        "updated #{}{stage} · {} update(s) on its timeline",
        win.id,
        win.updates.len()
    ));
    Ok(())
}

/// Adds the follow-up to the win's timeline; returns the win as `--json`
/// prints it (and `win mcp` returns it).
pub fn record(app: &App, args: &UpdateArgs) -> Result<Win> {
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
    let mut store = app.open_store()?;
    let before = store.require(args.id)?;
    if update.at < before.occurred_at {
        bail!(
            "the update is dated before win #{} happened ({}); give a later --date",
            args.id,
            crate::domain::dates::day(&before.occurred_at)
        );
    }
    let framework = app.framework()?;
    let files = app.analysis_files()?;
    store.add_update(args.id, &update, |win| {
        // The follow-up's words are analysed as soon as they are recorded.
        let analyzer = Analyzer::for_text(framework, &files, &win.analysed_words())?;
        capture::measure(win, &analyzer);
        Ok(())
    })
}
