//! `win export`: wins streamed out as json, jsonl, csv or Markdown. Rows go
//! from SQLite to stdout one at a time, so memory stays flat.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::{ExportArgs, ExportFormat};
use crate::domain::filter::StatusFilter;
use crate::output;

pub fn run(app: &App, args: &ExportArgs) -> Result<()> {
    let mut filter = app.filter(&args.filter)?;
    filter.oldest_first = true;
    // json and jsonl carry each win's status and provenance, so a backup
    // keeps the inbox too; csv and Markdown are the journal proper.
    if matches!(args.format, ExportFormat::Json | ExportFormat::Jsonl) {
        filter.status = StatusFilter::Any;
    }
    let store = app.open_store()?;
    let mut out = output::buffered_stdout();
    match args.format {
        ExportFormat::Json => {
            let mut first = true;
            write!(out, "[")?;
            store.for_each_stored(&filter, |win| {
                write!(out, "{}\n  ", if first { "" } else { "," })?;
                first = false;
                serde_json::to_writer(&mut out, &win)?;
                Ok(())
            })?;
            writeln!(out, "{}]", if first { "" } else { "\n" })?;
        }
        ExportFormat::Jsonl => {
            store.for_each_stored(&filter, |win| output::print_json_line(&mut out, &win))?;
        }
        ExportFormat::Csv => output::write_csv(&mut out, |each| store.for_each(&filter, each))?,
        ExportFormat::Md => {
            let mut markdown = output::MarkdownWriter::default();
            store.for_each(&filter, |win| markdown.write(&mut out, &win))?;
        }
    }
    out.flush()?;
    Ok(())
}
