//! `win search QUERY`: full-text search, ranked, with snippets.

use std::io::Write;

use anyhow::{bail, Result};

use crate::app::App;
use crate::cli::{SearchArgs, SearchFormat};
use crate::domain::search::fts_query;
use crate::error::Silent;
use crate::output::{self, paint, ACCENT};
use crate::store::SearchHit;

pub fn run(app: &App, args: &SearchArgs) -> Result<()> {
    let fts = query(args)?;
    let mut out = output::buffered_stdout();
    if let Some(format @ (SearchFormat::Json | SearchFormat::Jsonl)) = args.format {
        let hits = hits(app, args)?;
        if hits.is_empty() {
            return Err(Silent(1).into());
        }
        if format == SearchFormat::Json {
            output::print_json(&hits)?;
        } else {
            for hit in &hits {
                output::print_json_line(&mut out, hit)?;
            }
        }
        return Ok(out.flush()?);
    }
    let filter = app.filter(&args.filter)?;
    let hits = app.open_store()?.search_brief(&fts, &filter)?;
    if hits.is_empty() {
        // Like grep: nothing found is exit status 1, and no message in a
        // pipe; a person at a terminal is told.
        if app.stdout_is_terminal {
            output::note(&format!(
                "no wins match \"{}\" (fewer words, a prefix*, or a OR b find more)",
                output::clean(&args.query.join(" "), false)
            ));
        }
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

/// What `--format json` prints, and `win mcp` returns for a search: the
/// wins, best first, each with a plain snippet and its score.
pub fn hits(app: &App, args: &SearchArgs) -> Result<Vec<SearchHit>> {
    let fts = query(args)?;
    let filter = app.filter(&args.filter)?;
    let mut hits = app.open_store()?.search(&fts, &filter)?;
    for hit in &mut hits {
        hit.snippet = plain(&hit.snippet);
    }
    Ok(hits)
}

/// The words to search for, as a full-text query.
fn query(args: &SearchArgs) -> Result<String> {
    let query = args.query.join(" ");
    match fts_query(&query) {
        Ok(fts) => Ok(fts),
        Err(why) => bail!("nothing to search for in \"{query}\": {why}"),
    }
}

/// A snippet without its match markers or terminal controls.
fn plain(snippet: &str) -> String {
    output::clean(&snippet.replace(['\u{1}', '\u{2}'], ""), false)
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
