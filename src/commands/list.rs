//! `win list`: wins, newest first, as a table, lines, JSON, CSV or Markdown.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::{ListArgs, ListFormat};
use crate::domain::filter::{StatusFilter, WinFilter};
use crate::domain::win::Win;
use crate::output;

pub fn run(app: &App, args: &ListArgs) -> Result<()> {
    let filter = filter(app, args)?;
    let store = app.open_store()?;
    let mut out = output::buffered_stdout();
    // Unasked, a terminal gets a table and a pipe gets tab-separated lines;
    // `--color always` asks for the table in colour, as `show` and `stats`
    // give (`win list --color always | less -R`).
    match args.format {
        None if !app.stdout_is_terminal && !app.styled => store.for_each(&filter, |win| {
            Ok(writeln!(out, "{}", output::win_line(&win))?)
        })?,
        None | Some(ListFormat::Table) => {
            let wins = store.list(&filter)?;
            if wins.is_empty() {
                output::note("no wins match (see: win add, or loosen the filters)");
            } else {
                writeln!(out, "{}", output::wins_table(&wins))?;
            }
            // On a terminal, a person sees that agents' wins are waiting.
            let waiting = store.count_proposed()?;
            if waiting > 0 && !args.proposed {
                output::note(&format!(
                    "{} wait{} in the inbox (see: win inbox)",
                    output::count(usize::try_from(waiting)?, "proposed win"),
                    if waiting == 1 { "s" } else { "" }
                ));
            }
        }
        Some(ListFormat::Json) => output::print_json(&store.list(&filter)?)?,
        Some(ListFormat::Jsonl) => {
            store.for_each(&filter, |win| output::print_json_line(&mut out, &win))?;
        }
        Some(ListFormat::Csv) => output::write_csv(&mut out, |each| store.for_each(&filter, each))?,
        Some(ListFormat::Md) => output::write_markdown(&mut out, &store.list(&filter)?)?,
    }
    Ok(out.flush()?)
}

/// What `--format json` prints, and `win mcp` returns for a listing.
pub fn wins(app: &App, args: &ListArgs) -> Result<Vec<Win>> {
    app.open_store()?.list(&filter(app, args)?)
}

/// The shared filters; `--proposed` turns the listing to the inbox.
fn filter(app: &App, args: &ListArgs) -> Result<WinFilter> {
    let mut filter = app.filter(&args.filter)?;
    if args.proposed {
        filter.status = StatusFilter::Proposed;
    }
    Ok(filter)
}
