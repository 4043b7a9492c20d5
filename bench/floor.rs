//! The floor for the benchmarks: the bare SQLite operation `win` performs,
//! with nothing else. Open the journal, run one statement, print.
//!
//!   floor insert DB [FILE]     one row into `wins`, as `win add` would (its
//!                              text read from FILE if given)
//!   floor list DB N            the N newest rows
//!   floor search DB WORD [N]   the N best FTS5 matches (20 unless told),
//!                              in FTS5's rank order (bm25), each with a
//!                              snippet
//!   floor export DB            every win with its satellites, one JSON object per line
//!
//! Built with `cargo build --release --example floor`.

// A separate program, printing its own output (clippy.toml guards win's).
#![allow(clippy::disallowed_methods)]

use std::io::Write;

use rusqlite::{params, Connection};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (command, path) = match (args.get(1), args.get(2)) {
        (Some(command), Some(path)) => (command.as_str(), path.as_str()),
        _ => return Err("usage: floor insert|list|search|export DB [ARG]".into()),
    };
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match command {
        "insert" => {
            let now = "2026-11-21T17:05:00+01:00";
            let text = match args.get(3) {
                Some(file) => std::fs::read_to_string(file)?,
                None => "cut p99 latency from 240ms to 80ms".to_string(),
            };
            conn.execute(
                "INSERT INTO wins (uid, occurred_at, occurred_ts, created_at, updated_at, text) VALUES (?1, ?2, ?3, ?2, ?2, ?4)",
                params![format!("floor-{}", std::process::id()), now, 1_795_363_500_i64, text],
            )?;
            writeln!(out, "#{}", conn.last_insert_rowid())?;
        }
        "list" => {
            let limit: i64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10);
            let mut statement =
                conn.prepare("SELECT id, occurred_at, text FROM wins ORDER BY occurred_ts DESC, id DESC LIMIT ?1")?;
            let mut rows = statement.query([limit])?;
            while let Some(row) = rows.next()? {
                let (id, at, text): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
                writeln!(out, "{id}\t{at}\t{text}")?;
            }
        }
        "search" => {
            // The ranked query `win search WORD -n N` stands for, as SQLite
            // runs it with nothing around: FTS5 hands out its matches by
            // rank (`ORDER BY rank`, bm25), N of them, each with FTS5's own
            // snippet; only those N are then joined with `wins`.
            let word = args.get(3).ok_or("search needs a word")?;
            let limit: i64 = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(20);
            let mut statement = conn.prepare(
                "SELECT w.id, w.occurred_at, best.snippet
                 FROM (SELECT rowid AS id, rank, snippet(wins_fts, -1, '[', ']', '…', 16) AS snippet
                       FROM wins_fts WHERE wins_fts MATCH ?1 ORDER BY rank LIMIT ?2) best
                 JOIN wins w ON w.id = best.id ORDER BY best.rank",
            )?;
            let mut rows = statement.query(params![format!("\"{word}\""), limit])?;
            while let Some(row) = rows.next()? {
                let (id, at, snippet): (i64, String, String) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                writeln!(out, "{id}\t{at}\t{snippet}")?;
            }
        }
        "export" => {
            // The same rows win exports: every column, with the win's
            // competencies, tags, links and timeline gathered as JSON.
            let mut statement = conn.prepare(
                "SELECT w.id, w.uid, w.occurred_at, w.created_at, w.updated_at, w.text, w.polished, w.impact,
                    w.next, w.kind, w.role, w.stage, w.starred, w.project, w.competency_source, w.suggestions,
                    w.metrics,
                    (SELECT json_group_array(c.key ORDER BY wc.position) FROM win_competencies wc
                        JOIN competencies c ON c.id = wc.competency_id WHERE wc.win_id = w.id),
                    (SELECT json_group_array(t.name ORDER BY wt.position) FROM win_tags wt
                        JOIN tags t ON t.id = wt.tag_id WHERE wt.win_id = w.id),
                    (SELECT json_group_array(l.url ORDER BY l.position) FROM links l WHERE l.win_id = w.id),
                    (SELECT json_group_array(json_object('at', u.at, 'stage', u.stage, 'text', u.text,
                        'impact', u.impact, 'next', u.next) ORDER BY u.at_ts, u.id) FROM updates u WHERE u.win_id = w.id)
                 FROM wins w ORDER BY w.occurred_ts, w.id",
            )?;
            let names = [
                "uid",
                "occurred_at",
                "created_at",
                "updated_at",
                "text",
                "polished",
                "impact",
                "next",
                "kind",
                "role",
                "stage",
            ];
            let arrays = [
                "suggestions",
                "metrics",
                "competencies",
                "tags",
                "links",
                "updates",
            ];
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                write!(out, "{{\"id\":{id}")?;
                for (index, name) in names.iter().enumerate() {
                    write!(out, ",\"{name}\":{}", json(row.get(index + 1)?))?;
                }
                let starred: bool = row.get(12)?;
                write!(
                    out,
                    ",\"starred\":{starred},\"project\":{}",
                    json(row.get(13)?)
                )?;
                write!(out, ",\"competency_source\":{}", json(row.get(14)?))?;
                for (index, name) in arrays.iter().enumerate() {
                    let raw: String = row.get(15 + index)?;
                    write!(out, ",\"{name}\":{raw}")?;
                }
                writeln!(out, "}}")?;
            }
        }
        other => return Err(format!("unknown command {other}").into()),
    }
    out.flush()?;
    Ok(())
}

/// A JSON string or null, escaped by hand so the floor needs no JSON crate.
fn json(value: Option<String>) -> String {
    let Some(text) = value else {
        return "null".into();
    };
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('"');
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            c if (c as u32) < 0x20 => escaped.push_str(&format!("\\u{:04x}", c as u32)),
            c => escaped.push(c),
        }
    }
    escaped.push('"');
    escaped
}
