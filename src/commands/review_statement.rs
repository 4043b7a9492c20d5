//! `win review statement ID`: the statement one win gets in a draft.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::StatementArgs;
use crate::domain::review::{ReviewOptions, WinEntry};
use crate::output;
use crate::render::review;

pub fn run(app: &App, args: &StatementArgs) -> Result<()> {
    let entry = entry(app, args)?;
    if args.json {
        return output::print_json(&entry);
    }
    writeln!(
        output::stdout(),
        "{}",
        output::clean(&entry.statement, false)
    )?;
    Ok(())
}

/// The win as a draft sees it (shared with `win mcp`): its statement,
/// metrics, timeline and the checker's findings.
pub fn entry(app: &App, args: &StatementArgs) -> Result<WinEntry> {
    let win = app.open_store()?.require(args.id)?;
    let options = ReviewOptions {
        max_chars: args.max_chars.map(usize::from),
        ..ReviewOptions::default()
    };
    review::entry(
        &win,
        &app.rules()?,
        &app.templates().statement_engine()?,
        app.now,
        &options,
    )
}
