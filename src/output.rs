//! Everything that reaches a person or a pipe: tables and colour on a
//! terminal, plain lines and JSON otherwise. Win text is untrusted: control
//! and escape sequences never reach the terminal.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use anyhow::Result;
use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;

use crate::domain::dates;
use crate::domain::win::{format_rfc3339, Win};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const ID: Style = AnsiColor::Yellow.on_default();
pub const GOOD: Style = AnsiColor::Green.on_default();
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
pub const ACCENT: Style = AnsiColor::Cyan.on_default();

/// Standard output, colour stripped unless it was asked for (see `App`).
pub fn stdout() -> anstream::AutoStream<std::io::StdoutLock<'static>> {
    anstream::AutoStream::new(std::io::stdout().lock(), anstream::ColorChoice::global())
}

/// `stdout`, buffered: for commands that print many lines, which would
/// otherwise cost a system call each. Call `flush` at the end, so a write
/// error is reported rather than lost when it is dropped.
pub fn buffered_stdout() -> std::io::BufWriter<anstream::AutoStream<std::io::StdoutLock<'static>>> {
    std::io::BufWriter::new(stdout())
}

/// A message for the person at the terminal, on stderr. Errors writing it
/// (a closed stderr) are not worth failing a command over.
pub fn note(message: &str) {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{message}");
}

/// "1 win", "2 wins": a count with its noun in the right number.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {}", plural(n, noun))
}

/// The noun for `n` of it: "win" for 1, "wins" otherwise.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}

pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn print_json_line<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Removes terminal control: escape sequences (CSI, OSC, others) and control
/// characters. Newlines and tabs survive only when `multiline`.
pub fn clean(text: &str, multiline: bool) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 control introducers used by some terminals as ESC [ / ESC ].
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' => skip_string(&mut chars),
            '\n' if multiline => cleaned.push('\n'),
            '\t' | '\n' | '\r' => {
                if !cleaned.ends_with(' ') {
                    cleaned.push(' ');
                }
            }
            c if c.is_control() => {}
            c => cleaned.push(c),
        }
    }
    cleaned
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']' | 'P' | '_' | '^' | 'X') => skip_string(chars),
        _ => {}
    }
}

/// CSI: parameters, then one final byte in `@`..=`~`.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// OSC and friends: up to BEL or ST (`ESC \`).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        if c == '\u{7}' || c == '\u{9c}' {
            break;
        }
        if c == '\u{1b}' {
            if chars.peek() == Some(&'\\') {
                chars.next();
            }
            break;
        }
    }
}

/// A table of wins for a terminal.
pub fn wins_table(wins: &[Win]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec!["id", "date", "competencies", "win"]);
    if let Some((width, _)) = terminal_width() {
        table.set_width(width);
    }
    for win in wins {
        let star = if win.starred { "★ " } else { "" };
        table.add_row(vec![
            format!("#{}", win.id),
            dates::day(&win.occurred_at),
            win.competencies.join(", "),
            format!(
                "{star}{}",
                crate::domain::text::shorten(&clean(&win.text, false), 120)
            ),
        ]);
    }
    table.to_string()
}

fn terminal_width() -> Option<(u16, u16)> {
    let columns: u16 = std::env::var("COLUMNS").ok()?.parse().ok()?;
    Some((columns, 0))
}

/// One tab-separated line per win, for pipes: id, date, competencies, tags, text.
pub fn win_line(win: &Win) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        win.id,
        dates::day(&win.occurred_at),
        win.competencies.join(","),
        win.tags.join(","),
        clean(&win.text, false)
    )
}

/// A win in full, for `win show` and previews.
pub fn win_details(win: &Win, now: chrono::DateTime<chrono::FixedOffset>) -> String {
    let mut lines = Vec::new();
    let star = if win.starred { " ★" } else { "" };
    let handle = if win.id > 0 {
        format!("#{}", win.id)
    } else {
        "(not stored)".to_string()
    };
    lines.push(format!(
        "{}{star}  {}",
        paint(ID, &handle),
        paint(DIM, &format_rfc3339(&win.occurred_at))
    ));
    lines.push(clean(&win.text, true));
    if let Some(polished) = &win.polished {
        if polished != &win.text {
            lines.push(format!(
                "{} {}",
                paint(DIM, "polished:"),
                clean(polished, true)
            ));
        }
    }
    let mut field = |name: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(format!(
                "{} {}",
                paint(BOLD, &format!("{name}:")),
                clean(&value, true)
            ));
        }
    };
    field("impact", win.impact.clone());
    field("next", win.next.clone());
    let competencies = if win.competencies.is_empty() {
        None
    } else {
        Some(format!(
            "{} ({})",
            win.competencies.join(", "),
            win.competency_source.as_str()
        ))
    };
    field("competencies", competencies);
    field("tags", Some(win.tags.join(", ")));
    field("project", win.project.clone());
    field("kind", Some(win.kind.to_string()));
    field("role", win.role.map(|r| r.to_string()));
    field("stage", win.stage.map(|s| s.to_string()));
    field("links", Some(win.links.join(" ")));
    let metrics: Vec<String> = win.metrics.iter().map(|m| m.describe()).collect();
    field("metrics", Some(metrics.join("; ")));
    if !win.updates.is_empty() {
        lines.push(paint(BOLD, "timeline:"));
        for update in &win.updates {
            let mut parts = Vec::new();
            if let Some(stage) = update.stage {
                parts.push(format!("→ {stage}"));
            }
            for text in [&update.text, &update.impact, &update.next]
                .into_iter()
                .flatten()
            {
                parts.push(clean(text, false));
            }
            lines.push(format!(
                "  {} ({}) {}",
                update.at.format("%Y-%m-%d"),
                ago(update.at, now),
                parts.join(" · ")
            ));
        }
    }
    lines.join("\n")
}

/// "today", "3 days ago", "5 weeks ago": when something happened, said
/// the way people say it (never "today ago").
pub fn ago(
    at: chrono::DateTime<chrono::FixedOffset>,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> String {
    if (now - at).num_days() <= 0 {
        "today".to_string()
    } else {
        format!("{} ago", dates::age(at, now))
    }
}

/// Streams wins as CSV with a header row; `source` feeds each win to the writer.
pub fn write_csv(
    out: &mut impl Write,
    source: impl FnOnce(&mut dyn FnMut(Win) -> Result<()>) -> Result<()>,
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(crate::domain::record::CSV_HEADER)?;
    source(&mut |win: Win| {
        writer.write_record(csv_row(&win))?;
        Ok(())
    })?;
    writer.flush()?;
    Ok(())
}

pub fn csv_row(win: &Win) -> Vec<String> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    vec![
        win.id.to_string(),
        win.uid.clone(),
        format_rfc3339(&win.occurred_at),
        format_rfc3339(&win.created_at),
        format_rfc3339(&win.updated_at),
        win.text.clone(),
        text(&win.polished),
        text(&win.impact),
        text(&win.next),
        win.kind.to_string(),
        win.role.map(|r| r.to_string()).unwrap_or_default(),
        win.stage.map(|s| s.to_string()).unwrap_or_default(),
        win.starred.to_string(),
        win.competencies.join(";"),
        win.competency_source.as_str().to_string(),
        win.tags.join(";"),
        text(&win.project),
    ]
}

/// Wins as Markdown grouped by month, in the order given, ready for pandoc.
pub fn write_markdown(out: &mut impl Write, wins: &[Win]) -> Result<()> {
    let mut markdown = MarkdownWriter::default();
    for win in wins {
        markdown.write(out, win)?;
    }
    Ok(())
}

/// Streams wins as Markdown, opening a `## Month Year` section when the month changes.
#[derive(Default)]
pub struct MarkdownWriter {
    month: String,
}

impl MarkdownWriter {
    pub fn write(&mut self, out: &mut impl Write, win: &Win) -> Result<()> {
        let month = win.occurred_at.format("%B %Y").to_string();
        if month != self.month {
            if !self.month.is_empty() {
                writeln!(out)?;
            }
            writeln!(out, "## {month}\n")?;
            self.month = month;
        }
        writeln!(out, "{}", markdown_item(win))?;
        Ok(())
    }
}

pub fn markdown_item(win: &Win) -> String {
    let one_line = |text: &str| clean(text, false).trim().to_string();
    let star = if win.starred { "★ " } else { "" };
    let mut item = format!(
        "- {star}**{}** — {}",
        dates::day(&win.occurred_at),
        one_line(&win.text)
    );
    if let Some(impact) = &win.impact {
        item.push_str(&format!("\n  - Impact: {}", one_line(impact)));
    }
    if let Some(next) = &win.next {
        item.push_str(&format!("\n  - Next: {}", one_line(next)));
    }
    let mut labels: Vec<String> = win.competencies.clone();
    labels.extend(win.tags.iter().map(|t| format!("#{t}")));
    if !labels.is_empty() {
        item.push_str(&format!("\n  - _{}_", labels.join(", ")));
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_strips_escape_sequences_and_controls() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b", false), "ared b");
        assert_eq!(
            clean("x\u{1b}]8;;http://evil\u{7}link\u{1b}]8;;\u{1b}\\y", false),
            "xlinky"
        );
        assert_eq!(clean("nul\0bell\u{7}", false), "nulbell");
        assert_eq!(clean("two\nlines\tand tab", false), "two lines and tab");
        assert_eq!(clean("two\nlines", true), "two\nlines");
        assert_eq!(clean("مرحبا 🚀 שלום", false), "مرحبا 🚀 שלום");
        assert_eq!(clean("\u{9b}2Jcleared", false), "cleared");
    }

    #[test]
    fn ago_never_says_today_ago() {
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap();
        let now = at("2026-11-25T18:00:00+01:00");
        assert_eq!(ago(at("2026-11-25T09:00:00+01:00"), now), "today");
        assert_eq!(ago(at("2026-11-24T09:00:00+01:00"), now), "1 day ago");
        assert_eq!(ago(at("2026-11-15T09:00:00+01:00"), now), "10 days ago");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(0, "win"), "0 wins");
        assert_eq!(count(1, "win"), "1 win");
        assert_eq!(count(2, "win"), "2 wins");
        assert_eq!(plural(1, "finding"), "finding");
    }
}
