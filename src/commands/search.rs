//! `win search QUERY`: full-text search, ranked, with snippets.

use std::io::Write;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::app::App;
use crate::cli::{SearchArgs, SearchFormat};
use crate::domain::search::fts_query;
use crate::domain::win::Win;
use crate::output::{self, paint, ACCENT};
use crate::Silent;

#[derive(Serialize)]
struct Hit<'a> {
    #[serde(flatten)]
    win: &'a Win,
    snippet: String,
    score: f64,
}

pub fn run(app: &App, args: &SearchArgs) -> Result<()> {
    let query = args.query.join(" ");
    let Some(fts) = fts_query(&query) else {
        bail!("nothing to search for in \"{query}\": give at least one word");
    };
    let filter = app.filter(&args.filter)?;
    let store = app.open_store()?;
    let plain = |snippet: &str| output::clean(&snippet.replace(['\u{1}', '\u{2}'], ""), false);
    let mut out = output::buffered_stdout();
    if let Some(format @ (SearchFormat::Json | SearchFormat::Jsonl)) = args.format {
        let hits = store.search(&fts, &filter)?;
        if hits.is_empty() {
            return Err(Silent(1).into());
        }
        let rows = hits.iter().map(|h| Hit {
            win: &h.win,
            snippet: plain(&h.snippet),
            score: h.score,
        });
        if format == SearchFormat::Json {
            output::print_json(&rows.collect::<Vec<_>>())?;
        } else {
            for row in rows {
                output::print_json_line(&mut out, &row)?;
            }
        }
        return Ok(out.flush()?);
    }
    let hits = store.search_brief(&fts, &filter)?;
    if hits.is_empty() {
        // Like grep: nothing found is exit status 1, and no message.
        return Err(Silent(1).into());
    }
    let table = app.stdout_is_terminal || args.format.is_some();
    for hit in &hits {
        if table {
            writeln!(
                out,
                "{} {}  {}",
                paint(output::ID, &format!("#{}", hit.id)),
                hit.day(),
                highlight(&hit.snippet)
            )?;
        } else {
            writeln!(out, "{}\t{}\t{}", hit.id, hit.day(), plain(&hit.snippet))?;
        }
    }
    Ok(out.flush()?)
}

/// Paints the matched words; the rest is cleaned of terminal controls.
fn highlight(snippet: &str) -> String {
    let mut text = String::new();
    for (index, part) in snippet.split(['\u{1}', '\u{2}']).enumerate() {
        let part = output::clean(part, false);
        // Parts alternate: outside, match, outside, match…
        if index % 2 == 1 {
            text.push_str(&paint(ACCENT.bold(), &part));
        } else {
            text.push_str(&part);
        }
    }
    text
}
