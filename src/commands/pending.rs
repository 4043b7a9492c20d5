//! `win pending`: shipped wins whose impact was never recorded.

use std::io::Write;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::analyze::check::shipped_at;
use crate::app::App;
use crate::cli::PendingArgs;
use crate::domain::dates::{self, When};
use crate::domain::win::Win;
use crate::output;

#[derive(Serialize)]
struct Pending<'a> {
    waiting_days: i64,
    #[serde(flatten)]
    win: &'a Win,
}

pub fn run(app: &App, args: &PendingArgs) -> Result<()> {
    let cutoff = match &args.older_than {
        Some(age) => match dates::parse_when(age, app.clock())? {
            When::Day(day) => dates::start_of_day(day, app.clock()),
            When::Moment(moment) => moment,
        },
        None => app.now,
    };
    let wins = app.open_store()?.pending(app.now)?;
    let waiting: Vec<&Win> = wins.iter().filter(|w| shipped_at(w) <= cutoff).collect();
    if args.json {
        let rows: Vec<Pending<'_>> = waiting
            .iter()
            .map(|win| Pending {
                waiting_days: (app.now - shipped_at(win)).num_days(),
                win,
            })
            .collect();
        return output::print_json(&rows);
    }
    if waiting.is_empty() {
        output::note("nothing is waiting for its impact");
        return Ok(());
    }
    let mut out = output::stdout();
    for win in &waiting {
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

/// "3 days waiting", or "shipped today" rather than "today waiting".
fn waiting_for(since: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    if (now - since).num_days() <= 0 {
        "shipped today".to_string()
    } else {
        format!("{} waiting", dates::age(since, now))
    }
}
