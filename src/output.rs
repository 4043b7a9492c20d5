//! Everything that reaches a person or a pipe: tables and colour on a
//! terminal, plain lines and JSON otherwise.
//!
//! Win text is untrusted (it may come from an imported file), and this
//! module is the one place that keeps its control sequences from a
//! terminal: every byte win writes goes through [`stdout`] or [`note`]
//! (clippy refuses `std::io::stdout`, `println!` and the like elsewhere).
//! When stdout is a terminal, or colour is forced for one, the writer
//! removes every escape sequence and control character, except the colours
//! win itself painted: [`paint`] marks those with a key drawn at random when
//! the process starts, which text written earlier cannot contain. Pipes and
//! files get the data exactly as stored.

// The one module allowed to touch the standard streams (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};
use anyhow::Result;
use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;

use crate::cli::ColorChoice;
use crate::domain::dates;
use crate::domain::record::{csv_cell, csv_list};
use crate::domain::win::{format_rfc3339, Provenance, Status, Win};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const ID: Style = AnsiColor::Yellow.on_default();
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
pub const ACCENT: Style = AnsiColor::Cyan.on_default();

/// Colour on stdout.
static STYLED: AtomicBool = AtomicBool::new(false);
/// Stdout reaches a terminal (or is meant to, with `--color always`).
static GUARDED: AtomicBool = AtomicBool::new(false);

/// What the standard streams are, read once at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// Colour on stdout: asked for, or a terminal without `NO_COLOR` or
    /// `TERM=dumb`.
    pub styled: bool,
}

/// Decides once how stdout is written: colour or not, and whether it is
/// guarded against control sequences (a terminal, or `--color always`,
/// whose output is meant for one, as in `win list --color always | less -R`).
pub fn configure(color: ColorChoice) -> Streams {
    let stdout_is_terminal = io::stdout().is_terminal();
    let styled = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_is_terminal && colour_allowed(),
    };
    STYLED.store(styled, Ordering::Relaxed);
    GUARDED.store(
        stdout_is_terminal || color == ColorChoice::Always,
        Ordering::Relaxed,
    );
    Streams {
        stdin_is_terminal: io::stdin().is_terminal(),
        stdout_is_terminal,
        stderr_is_terminal: io::stderr().is_terminal(),
        styled,
    }
}

/// `NO_COLOR` (any value) and `TERM=dumb` turn colour off.
fn colour_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|term| term == "dumb");
    !no_color && !dumb
}

/// Standard output, guarded on a terminal (see the module's comment).
/// Line-buffered like `std::io::stdout`, so a failed write is reported
/// by the `writeln!` that made it.
pub fn stdout() -> Guarded<io::StdoutLock<'static>> {
    Guarded::new(io::stdout().lock())
}

/// `stdout`, buffered: for commands that print many lines, which would
/// otherwise cost a system call each. Call `flush` at the end, so a write
/// error is reported rather than lost when it is dropped.
pub fn buffered_stdout() -> Guarded<io::BufWriter<io::StdoutLock<'static>>> {
    Guarded::new(io::BufWriter::with_capacity(1 << 16, io::stdout().lock()))
}

/// A message for the person at the terminal, on stderr, always cleaned of
/// control sequences (messages quote win text, file names, user input).
/// Errors writing it (a closed stderr) are not worth failing a command over.
pub fn note(message: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", sanitize(message, true, false));
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

/// `text` in `style`, when stdout is in colour; else `text` as it is.
pub fn paint(style: Style, text: &str) -> String {
    if !STYLED.load(Ordering::Relaxed) {
        return text.to_string();
    }
    let key = style_key();
    format!("{key}{style}{text}{key}{style:#}")
}

/// Marks an escape sequence as one `paint` wrote. Drawn at random once per
/// process, so no stored text can carry it.
fn style_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        format!("{STYLE_MARK}{random:016x}")
    })
}

/// The first character of the style key (from Unicode's private use area).
const STYLE_MARK: char = '\u{f8ff}';

/// A writer that, when stdout is guarded, lets through only text, newlines,
/// tabs and the colours `paint` marked. Every write is cleaned on its own,
/// so a sequence split between two writes is removed, not let through.
pub struct Guarded<W: Write> {
    inner: W,
    guarded: bool,
    /// The end of a write that stopped inside a UTF-8 character.
    pending: Vec<u8>,
}

impl<W: Write> Guarded<W> {
    fn new(inner: W) -> Guarded<W> {
        Guarded {
            inner,
            guarded: GUARDED.load(Ordering::Relaxed),
            pending: Vec::new(),
        }
    }

    fn write_pending(&mut self, whole: bool) -> io::Result<()> {
        let complete = match std::str::from_utf8(&self.pending) {
            Err(err) if !whole && err.error_len().is_none() => err.valid_up_to(),
            _ => self.pending.len(),
        };
        if complete == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending[..complete]);
        let cleaned = sanitize(&text, true, true);
        self.pending.drain(..complete);
        self.inner.write_all(cleaned.as_bytes())
    }
}

/// Set when a write to stdout failed, so that `main` says it was the
/// output ("win: cannot write the output: No space left on device"), not
/// the bare system error, which read as if the journal's disk were full.
static OUTPUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn output_failed(err: io::Error) -> io::Error {
    if err.kind() != io::ErrorKind::Interrupted {
        OUTPUT_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    err
}

/// Whether a write to stdout has failed (see `OUTPUT_FAILED`).
pub fn output_has_failed() -> bool {
    OUTPUT_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

impl<W: Write> Write for Guarded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.guarded {
            return self.inner.write(buf).map_err(output_failed);
        }
        self.pending.extend_from_slice(buf);
        self.write_pending(false).map_err(output_failed)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_pending(true).map_err(output_failed)?;
        self.inner.flush().map_err(output_failed)
    }
}

impl<W: Write> Drop for Guarded<W> {
    fn drop(&mut self) {
        // Like `BufWriter`: best effort; callers that care call `flush`.
        let _ = self.write_pending(true);
    }
}

/// A document for people (a review draft): cleaned of control characters
/// wherever it goes, a terminal or a file handed to pandoc.
pub fn print_document(text: &str) -> Result<()> {
    let mut out = stdout();
    out.write_all(clean(text, true).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Prints a win that a change has just saved (`win add`, `edit`, `update`):
/// its JSON with `--json`, else `#id`. The change is committed whatever
/// happens here, so if printing fails (a full disk, a closed terminal) the
/// command still succeeds, and says on stderr that the win is saved and
/// only the printing failed: a script that retried would repeat the change.
pub fn print_saved(win: &Win, json: bool) {
    let printed = if json {
        print_json(win)
    } else {
        writeln!(stdout(), "#{}", win.id).map_err(anyhow::Error::from)
    };
    match printed {
        Err(err) if !err.chain().any(crate::error::is_broken_pipe) => note(&format!(
            "win: #{} is saved, but printing it failed ({}); running the command again would repeat the change",
            win.id,
            err.root_cause()
        )),
        _ => {}
    }
}

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = buffered_stdout();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
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
    crate::domain::text::without_controls(text, multiline).into_owned()
}

/// `clean`, keeping the colours `paint` marked when `keep_styles` (and
/// dropping them otherwise).
fn sanitize(text: &str, multiline: bool, keep_styles: bool) -> String {
    crate::domain::text::clean_controls(text, multiline, |rest, cleaned| {
        let mut after = rest.strip_prefix(style_key())?;
        while let Some(length) = sgr_length(after) {
            if keep_styles {
                cleaned.push_str(&after[..length]);
            }
            after = &after[length..];
        }
        Some(after)
    })
}

/// The length of a Select Graphic Rendition sequence (`ESC [ 1;33 m`) at
/// the start of `text`, if there is one.
fn sgr_length(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\u{1b}[")?;
    let digits = params
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';' || *b == b':')
        .count();
    (params.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

/// A table of wins for a terminal.
pub fn wins_table(wins: &[Win]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec!["id", "date", "★", "competencies", "tags", "win"]);
    table.set_width(terminal_columns());
    for win in wins {
        table.add_row(vec![
            format!("#{}", win.id),
            dates::day(&win.occurred_at),
            if win.starred { "★" } else { "" }.to_string(),
            win.competencies.join(", "),
            clean(&win.tags.join(", "), false),
            crate::domain::text::shorten(&clean(&win.text, false), 120),
        ]);
    }
    // Painted once laid out, so the colour codes take no width: each
    // row's id, as `show` and `search` paint it.
    table
        .to_string()
        .lines()
        .map(|line| {
            let indent = line.len() - line.trim_start().len();
            let rest = &line[indent..];
            let id_len = rest.strip_prefix('#').map_or(0, |digits| {
                1 + digits.len()
                    - digits
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .len()
            });
            if id_len > 1 {
                format!(
                    "{}{}{}",
                    &line[..indent],
                    paint(ID, &rest[..id_len]),
                    &rest[id_len..]
                )
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The width of a terminal that does not say (see [`terminal_columns`]).
const DEFAULT_COLUMNS: u16 = 80;

/// The columns of the terminal on stdout: `COLUMNS` when it is a positive
/// number, else what the terminal reports, else 80. A terminal never given
/// a size (a bare pty, some CI runners, `docker exec -t` before its resize)
/// reports 0, and a table 0 wide wraps every cell a character per line.
pub fn terminal_columns() -> u16 {
    let positive = |columns: u16| columns > 0;
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse().ok())
        .filter(|&columns| positive(columns))
        .or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, columns)| columns)
                .filter(|&columns| positive(columns))
        })
        .unwrap_or(DEFAULT_COLUMNS)
}

/// The columns of the terminal a prompt is on, 80 when it reports none.
pub fn columns_of(term: &console::Term) -> usize {
    let columns = term
        .size_checked()
        .map_or(0, |(_, columns)| usize::from(columns));
    if columns == 0 {
        usize::from(DEFAULT_COLUMNS)
    } else {
        columns
    }
}

/// One tab-separated line per win, for pipes: id, date, competencies, tags, text.
pub fn win_line(win: &Win) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        win.id,
        dates::day(&win.occurred_at),
        clean(&win.competencies.join(","), false),
        clean(&win.tags.join(","), false),
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
    if let Some(statement) = &win.statement {
        lines.push(format!(
            "{} {}",
            paint(DIM, "your statement:"),
            clean(statement, true)
        ));
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
    } else if win.competency_unsure {
        // Inferred, unsure, and not confirmed yet: say what it hesitated
        // between and how to settle it.
        let best: Vec<&str> = win
            .suggestions
            .iter()
            .take(2)
            .map(|s| s.key.as_str())
            .collect();
        Some(format!(
            "{} (inferred, unsure: {}?; confirm with: win edit {} -c NAME)",
            win.competencies.join(", "),
            best.join(" or "),
            win.id
        ))
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
    field(
        "status",
        (win.status == Status::Proposed).then(|| "proposed (see: win inbox)".to_string()),
    );
    field("from", win.provenance.as_ref().map(provenance));
    field("why", win.provenance.as_ref().and_then(|p| p.why.clone()));
    if let Some(origin) = &win.provenance {
        let remote = origin.remote.as_ref().map(|remote| format!(" ({remote})"));
        field(
            "repository",
            origin
                .repository
                .clone()
                .map(|repository| repository + &remote.unwrap_or_default()),
        );
        field("commits", Some(origin.commits.join(" ")));
    }
    let metrics: Vec<String> = win
        .metrics
        .iter()
        .map(super::domain::metric::Metric::describe)
        .collect();
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

/// "agent (claude-code)": what proposed a win.
pub fn provenance(provenance: &Provenance) -> String {
    match &provenance.client {
        Some(client) => format!("{} ({})", provenance.source, clean(client, false)),
        None => provenance.source.clone(),
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

/// A win's CSV cells, each neutralised so a spreadsheet runs no formula
/// from it (`win import` reads them back exactly).
pub fn csv_row(win: &Win) -> Vec<String> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let cells = vec![
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
        csv_list(&win.competencies),
        win.competency_source.as_str().to_string(),
        csv_list(&win.tags),
        text(&win.project),
    ];
    cells
        .into_iter()
        .map(|cell| match csv_cell(&cell) {
            Cow::Borrowed(_) => cell,
            Cow::Owned(safe) => safe,
        })
        .collect()
}

/// Wins as Markdown grouped by month, in the order given, ready for pandoc.
/// A document, not data: every field is cleaned of control characters and
/// kept on its line, whether it goes to a terminal or a file.
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
    let one_line =
        |text: &str| crate::domain::text::markdown_literal(clean(text, false).trim()).into_owned();
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
        item.push_str(&format!("\n  - _{}_", one_line(&labels.join(", "))));
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

    #[test]
    fn clean_ends_sequences_where_terminals_do() {
        // An unterminated OSC stops at the line's end instead of eating the next.
        assert_eq!(clean("a\u{1b}]0;title\nnext", true), "a\nnext");
        // Two-character escapes (reset, charset) and C1 strings (DCS, APC).
        assert_eq!(clean("x\u{1b}cy\u{1b}(Bz", false), "xyz");
        assert_eq!(clean("a\u{90}q\u{9c}b\u{9f}apc\u{7}c", false), "abc");
        // A CSI cut short by text keeps the text.
        assert_eq!(clean("\u{1b}[12é", false), "é");
        assert_eq!(clean("crlf\r\nline\rover", true), "crlf\nline over");
    }

    #[test]
    fn only_colours_painted_by_win_pass_the_guard() {
        let key = style_key();
        let ours = format!("{key}{BOLD}bold{key}{BOLD:#}");
        assert_eq!(sanitize(&ours, true, true), "\u{1b}[1mbold\u{1b}[0m");
        assert_eq!(sanitize(&ours, true, false), "bold");
        // Text cannot forge the key: a guess is text, its escape is removed.
        let forged = format!("{STYLE_MARK}0123456789abcdef\u{1b}[31mred");
        assert_eq!(
            sanitize(&forged, true, true),
            format!("{STYLE_MARK}0123456789abcdefred")
        );
    }

    #[test]
    fn the_guard_cleans_writes_split_anywhere() {
        let text = "é\u{1b}]0;x\u{7}ok\n".as_bytes();
        for cut in 0..text.len() {
            let mut sink = Vec::new();
            {
                let mut guard = Guarded {
                    inner: &mut sink,
                    guarded: true,
                    pending: Vec::new(),
                };
                guard.write_all(&text[..cut]).unwrap();
                guard.write_all(&text[cut..]).unwrap();
                guard.flush().unwrap();
            }
            let out = String::from_utf8(sink).unwrap();
            assert!(
                out.starts_with('é') && out.ends_with("ok\n"),
                "cut {cut}: {out:?}"
            );
            assert!(
                !out.chars().any(|c| c.is_control() && c != '\n'),
                "cut {cut}: {out:?}"
            );
        }
    }
}
