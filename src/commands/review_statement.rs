//! `win review statement ID`: the statement one win gets in a draft.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::StatementArgs;
use crate::domain::review::{ReviewOptions, WinEntry};
use crate::output;
use crate::render::review;
use crate::rewrite::Rewriter;

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
    let templates = app.templates();
    let max_chars = args.max_chars.map(usize::from);
    let rewriter = args
        .rewrite
        .map(|mode| Rewriter::new(&app.config.rewrite, &templates, mode, max_chars))
        .transpose()?;
    let mut store = app.open_store()?;
    let mut win = store.require(args.id)?;
    let engine = templates.statement_engine()?;
    if let Some(rewriter) = rewriter {
        let outcome = rewriter.rewrite(
            std::slice::from_mut(&mut win),
            &mut store,
            &engine,
            app.now,
            &mut |note| output::note(&note),
        )?;
        if outcome.rewritten + outcome.reused == 0 && outcome.refused + outcome.failed == 0 {
            output::note(&outcome.summary());
        }
    }
    drop(store);
    let options = ReviewOptions {
        max_chars,
        ..ReviewOptions::default()
    };
    review::entry(&win, &app.rules()?, &engine, app.now, &options)
}
