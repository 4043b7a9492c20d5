//! `win list`: wins, newest first, as a table, lines, JSON, CSV or Markdown.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::{ListArgs, ListFormat};
use crate::output;

pub fn run(app: &App, args: &ListArgs) -> Result<()> {
    let filter = app.filter(&args.filter)?;
    let store = app.open_store()?;
    let mut out = output::buffered_stdout();
    // Unasked, a terminal gets a table and a pipe gets tab-separated lines.
    match args.format {
        None if !app.stdout_is_terminal => store.for_each(&filter, |win| {
            Ok(writeln!(out, "{}", output::win_line(&win))?)
        })?,
        None | Some(ListFormat::Table) => {
            let wins = store.list(&filter)?;
            if wins.is_empty() {
                output::note("no wins match (see: win add, or loosen the filters)");
                return Ok(());
            }
            writeln!(out, "{}", output::wins_table(&wins))?;
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
