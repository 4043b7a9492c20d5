//! `win pending`: shipped wins whose outcome was never recorded.

use std::io::Write;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::analyze::outcome::{awaits_outcome, shipped_at, waiting_days};
use crate::app::App;
use crate::cli::PendingArgs;
use crate::domain::dates;
use crate::domain::win::Win;
use crate::output;

/// A shipped win still waiting for its impact, as `--json` prints it.
#[derive(Serialize)]
pub struct Pending {
    waiting_days: i64,
    #[serde(flatten)]
    win: Win,
}

pub fn run(app: &App, args: &PendingArgs) -> Result<()> {
    let waiting = waiting(app, args)?;
    if args.json {
        return output::print_json(&waiting);
    }
    if waiting.is_empty() {
        output::note("nothing is waiting for its impact");
        return Ok(());
    }
    let mut out = output::stdout();
    for Pending { win, .. } in &waiting {
        let stage = win.stage.map(|s| s.to_string()).unwrap_or_default();
        writeln!(
            out,
            "#{}\t{}\t{}\t{}",
            win.id,
            waiting_for(shipped_at(win), app.now),
            stage,
            crate::domain::text::shorten(&output::clean(&win.text, false), 100)
        )
        .context("cannot write the list")?;
    }
    output::note("record an outcome with: win update ID --stage measured --impact \"…\"");
    Ok(())
}

/// Shipped wins waiting for their impact, oldest first (shared with `win mcp`).
pub fn waiting(app: &App, args: &PendingArgs) -> Result<Vec<Pending>> {
    let cutoff = match &args.older_than {
        // Read as --since reads a point: a day from its midnight, a
        // period from its first day.
        Some(age) => dates::parse_since(age, app.clock())?,
        None => app.now,
    };
    let wins = app.open_store()?.pending(app.now)?;
    Ok(wins
        .into_iter()
        .filter(|win| awaits_outcome(win) && shipped_at(win) <= cutoff)
        .map(|win| Pending {
            waiting_days: waiting_days(&win, app.now),
            win,
        })
        .collect())
}

/// "3 days waiting", or "shipped today" rather than "today waiting".
fn waiting_for(since: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    if (now - since).num_days() <= 0 {
        "shipped today".to_string()
    } else {
        format!("{} waiting", dates::age(since, now))
    }
}
