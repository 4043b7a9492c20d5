//! Questions asked on a terminal, and `$EDITOR`. Only called when stdin is
//! a terminal; pipes and CI never block here.
//!
//! Keys are read raw (console's `read_key_raw`), so Ctrl-C and Ctrl-D arrive
//! as keys rather than as a signal that would kill the process mid-question:
//! every way out of a question (an answer, Ctrl-C, Ctrl-D, Esc, an error)
//! finishes the line and leaves the cursor shown, and cancelling returns
//! `Cancelled`, which `main` prints as `win: cancelled…`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitStatus;

use anyhow::{bail, Context, Result};
use console::{measure_text_width, Key, Term};

use crate::domain::framework::Framework;

/// A question the person walked away from (Ctrl-C, Ctrl-D, Esc).
#[derive(Debug)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled: nothing was changed")
    }
}

impl std::error::Error for Cancelled {}

const CTRL_D: char = '\u{4}';
const CTRL_U: char = '\u{15}';

/// The answers of the capture prompt.
pub struct Answers {
    pub text: String,
    pub impact: Option<String>,
    pub next: Option<String>,
    /// `None`: let `win` infer it.
    pub competency: Option<String>,
    pub tags: Vec<String>,
}

/// What inference would choose for the picker: the label of "infer from
/// the text", and when it is unsure, the two best competencies (keys and
/// how they read in the list), which the picker lists first.
pub struct Guess {
    pub label: String,
    pub unsure: Vec<(String, String)>,
}

/// The capture questions. `inferred` says what "infer from the text" would
/// choose for the text, impact and next given so far (`None`: nothing
/// stands out), so the picker can show it; when it is unsure, the picker
/// lists its two best first and asks which.
pub fn ask_win(
    framework: &Framework,
    inferred: impl Fn(&str, Option<&str>, Option<&str>) -> Option<Guess>,
) -> Result<Answers> {
    let term = Term::stderr();
    let text = ask_text(&term, "What did you do?", true)?;
    let optional = |question: &str| -> Result<Option<String>> {
        let answer = ask_text(&term, question, false)?;
        Ok(Some(answer.trim().to_string()).filter(|a| !a.is_empty()))
    };
    let impact = optional("What impact did it have? (enter to skip)")?;
    let next = optional("What did you learn, or what's next? (enter to skip)")?;
    let guess = inferred(&text, impact.as_deref(), next.as_deref());
    // Each item and the competency it chooses (`None`: infer it).
    let mut items: Vec<(String, Option<String>)> = Vec::new();
    let mut question = "Competency";
    match &guess {
        Some(guess) if !guess.unsure.is_empty() => {
            question = "Competency (unsure: which is it?)";
            items.extend(
                guess
                    .unsure
                    .iter()
                    .map(|(key, shown)| (shown.clone(), Some(key.clone()))),
            );
        }
        Some(guess) => items.push((format!("(infer from the text: {})", guess.label), None)),
        None => items.push((
            "(infer from the text: nothing stands out, so none for now)".to_string(),
            None,
        )),
    }
    let listed: Vec<String> = items.iter().filter_map(|(_, key)| key.clone()).collect();
    items.extend(
        framework
            .competencies
            .iter()
            .filter(|c| !listed.contains(&c.key))
            .map(|c| (format!("{} — {}", c.key, c.title), Some(c.key.clone()))),
    );
    if let Some((best, _)) = guess.as_ref().and_then(|g| g.unsure.first()) {
        items.push((
            format!("(leave it unsure as {best}, to confirm later)"),
            None,
        ));
    }
    let shown: Vec<String> = items.iter().map(|(item, _)| item.clone()).collect();
    let choice = choose(&term, question, &shown, 0)?;
    let competency = items.get(choice).and_then(|(_, key)| key.clone());
    let tags = optional("Tags, comma-separated (enter to skip)")?
        .map(|t| vec![t])
        .unwrap_or_default();
    Ok(Answers {
        text,
        impact,
        next,
        competency,
        tags,
    })
}

/// One line of text; empty when the person just presses enter.
pub fn ask_line(question: &str) -> Result<String> {
    ask_text(&Term::stderr(), question, false)
}

/// A yes/no question, "no" unless the person types y.
pub fn confirm(question: &str) -> Result<bool> {
    let term = Term::stderr();
    write_flush(&term, &format!("? {question} [y/N] "))?;
    loop {
        let answer = match read_key(&term)? {
            Key::Char('y' | 'Y') => true,
            Key::Char('n' | 'N') | Key::Enter => false,
            Key::CtrlC | Key::Escape | Key::Char(CTRL_D) => {
                write_flush(&term, "\r\n")?;
                return Err(Cancelled.into());
            }
            _ => continue,
        };
        write_flush(&term, if answer { "yes\r\n" } else { "no\r\n" })?;
        return Ok(answer);
    }
}

/// A secret typed without echo (a passphrase): nothing of it is shown,
/// not even its length. Backspace and Ctrl-U edit it; Ctrl-C, Esc, and
/// Ctrl-D on an empty line cancel.
pub fn ask_secret(question: &str) -> Result<String> {
    let term = Term::stderr();
    let prompt = format!("\r\x1b[K? {question} › ");
    let mut secret = String::new();
    loop {
        // Every key redraws the bare question (as the line editor redraws
        // its line), showing nothing of what was typed.
        write_flush(&term, &prompt)?;
        match read_key(&term)? {
            Key::Enter => {
                write_flush(&term, "\r\n")?;
                return Ok(secret);
            }
            Key::CtrlC | Key::Escape => {
                write_flush(&term, "\r\n")?;
                return Err(Cancelled.into());
            }
            Key::Char(CTRL_D) if secret.is_empty() => {
                write_flush(&term, "\r\n")?;
                return Err(Cancelled.into());
            }
            Key::Char(CTRL_U) => secret.clear(),
            Key::Char(c) if !c.is_control() => secret.push(c),
            Key::Backspace => {
                secret.pop();
            }
            _ => {}
        }
    }
}

/// One line of text, edited in place: arrows, Home/End, Backspace, Delete,
/// Ctrl-U. Ctrl-C cancels, and so does Ctrl-D on an empty line (as a shell
/// reads it: the end of input).
fn ask_text(term: &Term, question: &str, required: bool) -> Result<String> {
    let mut line = LineEditor::new(format!("? {question} › "));
    line.render(term)?;
    loop {
        match read_key(term)? {
            Key::Enter if required && line.text().trim().is_empty() => {}
            Key::Enter => {
                line.finish(term)?;
                return Ok(line.text());
            }
            Key::CtrlC => {
                line.finish(term)?;
                return Err(Cancelled.into());
            }
            Key::Char(CTRL_D) if line.chars.is_empty() => {
                line.finish(term)?;
                return Err(Cancelled.into());
            }
            Key::Char(CTRL_D) | Key::Del => line.delete(),
            Key::Char(CTRL_U) => {
                line.chars.clear();
                line.pos = 0;
            }
            Key::Char(c) if !c.is_control() => line.insert(c),
            Key::Backspace if line.pos > 0 => {
                line.pos -= 1;
                line.delete();
            }
            Key::ArrowLeft => line.pos = line.pos.saturating_sub(1),
            Key::ArrowRight => line.pos = (line.pos + 1).min(line.chars.len()),
            Key::Home => line.pos = 0,
            Key::End => line.pos = line.chars.len(),
            _ => {}
        }
        // Every key redraws, even one that changed nothing: the line stays
        // right after a resize, and the pty tests see each key handled.
        line.render(term)?;
    }
}

/// The line being typed and where its cursor is. The prompt and text may
/// wrap over several rows of the terminal; `render` redraws them all.
struct LineEditor {
    prompt: String,
    chars: Vec<char>,
    pos: usize,
    /// The row of the cursor, counted from the prompt's first row.
    cursor_row: usize,
}

impl LineEditor {
    fn new(prompt: String) -> LineEditor {
        LineEditor {
            prompt,
            chars: Vec::new(),
            pos: 0,
            cursor_row: 0,
        }
    }

    fn text(&self) -> String {
        self.chars.iter().collect()
    }

    fn insert(&mut self, c: char) {
        self.chars.insert(self.pos, c);
        self.pos += 1;
    }

    fn delete(&mut self) {
        if self.pos < self.chars.len() {
            self.chars.remove(self.pos);
        }
    }

    fn render(&mut self, term: &Term) -> Result<()> {
        let columns = crate::output::columns_of(term);
        let mut out = String::from("\r");
        if self.cursor_row > 0 {
            let _ = write!(out, "\x1b[{}A", self.cursor_row);
        }
        out.push_str("\x1b[J");
        out.push_str(&self.prompt);
        let text = self.text();
        out.push_str(&text);
        let end = measure_text_width(&self.prompt) + measure_text_width(&text);
        // A line that fills its last row exactly leaves the cursor in the
        // terminal's "pending wrap" state; moving on makes rows countable.
        if end > 0 && end.is_multiple_of(columns) {
            out.push_str("\r\n");
        }
        let before: String = self.chars[..self.pos].iter().collect();
        let target = measure_text_width(&self.prompt) + measure_text_width(&before);
        let (row, column) = (target / columns, target % columns);
        let end_row = end / columns;
        if end_row > row {
            let _ = write!(out, "\x1b[{}A", end_row - row);
        }
        out.push('\r');
        if column > 0 {
            let _ = write!(out, "\x1b[{column}C");
        }
        self.cursor_row = row;
        write_flush(term, &out)
    }

    /// Moves past the line, whatever the cursor was doing in it.
    fn finish(&mut self, term: &Term) -> Result<()> {
        self.pos = self.chars.len();
        self.render(term)?;
        write_flush(term, "\r\n")
    }
}

/// A list to pick one item from with the arrows (or j/k) and Enter. The
/// cursor is hidden while the list is shown and shown again on every way
/// out, errors included.
fn choose(term: &Term, question: &str, items: &[String], default: usize) -> Result<usize> {
    let _cursor = HiddenCursor::new(term)?;
    let columns = crate::output::columns_of(term).max(4);
    let mut selected = default.min(items.len().saturating_sub(1));
    let mut drawn = 0;
    loop {
        let mut out = String::new();
        if drawn > 0 {
            let _ = write!(out, "\x1b[{drawn}A");
        }
        out.push_str("\r\x1b[J");
        let header = format!("? {question} › (↑/↓ and enter; ctrl-c cancels)");
        out.push_str(&console::truncate_str(&header, columns - 1, "…"));
        out.push_str("\r\n");
        for (index, item) in items.iter().enumerate() {
            let marker = if index == selected { "❯ " } else { "  " };
            out.push_str(marker);
            // One row per item, so the list can be redrawn by counting rows.
            out.push_str(&console::truncate_str(item, columns - 3, "…"));
            out.push_str("\r\n");
        }
        drawn = items.len() + 1;
        write_flush(term, &out)?;
        let done = |answer: &str| -> Result<()> {
            write_flush(
                term,
                &format!("\x1b[{drawn}A\r\x1b[J? {question} › {answer}\r\n"),
            )
        };
        match read_key(term)? {
            Key::ArrowUp | Key::Char('k') | Key::BackTab => {
                selected = (selected + items.len() - 1) % items.len();
            }
            Key::ArrowDown | Key::Char('j') | Key::Tab => selected = (selected + 1) % items.len(),
            Key::Enter => {
                done(&items[selected])?;
                return Ok(selected);
            }
            Key::CtrlC | Key::Escape | Key::Char(CTRL_D | 'q') => {
                done("cancelled")?;
                return Err(Cancelled.into());
            }
            _ => {}
        }
    }
}

/// Hides the cursor until dropped.
struct HiddenCursor<'t>(&'t Term);

impl<'t> HiddenCursor<'t> {
    fn new(term: &'t Term) -> Result<HiddenCursor<'t>> {
        term.hide_cursor().context("cannot write to the terminal")?;
        Ok(HiddenCursor(term))
    }
}

impl Drop for HiddenCursor<'_> {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal is gone.
        let _ = self.0.show_cursor();
    }
}

fn read_key(term: &Term) -> Result<Key> {
    term.read_key_raw().context("cannot read from the terminal")
}

fn write_flush(term: &Term, text: &str) -> Result<()> {
    let mut term = term;
    term.write_all(text.as_bytes())
        .and_then(|()| term.flush())
        .context("cannot write to the terminal")
}

/// What came back from `$EDITOR`.
#[derive(Debug, PartialEq, Eq)]
pub enum Edited {
    /// The buffer as saved, changed.
    Saved(String),
    /// The file was left as it was given (`:q!`, or saved unchanged).
    Unchanged,
}

/// Opens `$VISUAL` / `$EDITOR` (else `vi`) on a private temporary file
/// holding `buffer`. An editor that exits with an error (`:cq` in vi, as
/// git reads it) aborts: nothing is to be changed.
pub fn edit(buffer: &str) -> Result<Edited> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    // Created 0600 and removed when dropped.
    let mut file = tempfile::Builder::new()
        .prefix("win-")
        .suffix(".md")
        .tempfile()
        .context("cannot create a temporary file for the editor")?;
    file.write_all(buffer.as_bytes())
        .and_then(|()| file.flush())
        .context("cannot write the editor's temporary file")?;
    // "code --wait" and the like: split as a shell would, without a shell.
    let words = shell_words::split(&editor)
        .ok()
        .filter(|words| !words.is_empty())
        .unwrap_or_else(|| vec![editor.clone()]);
    let mut child = std::process::Command::new(&words[0])
        .args(&words[1..])
        .arg(file.path())
        .spawn()
        .with_context(|| format!("cannot run the editor \"{editor}\" (set VISUAL or EDITOR)"))?;
    // Ctrl-C while it is open goes to the editor; win waits, then removes
    // the file holding the win's text (killed, it left it in /tmp).
    let status = crate::interrupt::ignored_while(|| child.wait())
        .with_context(|| format!("cannot wait for the editor \"{editor}\""))?;
    if !status.success() {
        bail!(
            "the editor \"{editor}\" {}: nothing was changed",
            describe_exit(status)
        );
    }
    let bytes = std::fs::read(file.path()).context("cannot read back the editor's file")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the edited text is not UTF-8: nothing was changed"))?;
    Ok(if text == buffer {
        Edited::Unchanged
    } else {
        Edited::Saved(text)
    })
}

fn describe_exit(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "was stopped by a signal".to_string(),
    }
}

/// One of several answers, picked from a list (the first is the default);
/// returns its index.
pub fn pick(question: &str, answers: &[&str]) -> Result<usize> {
    let items: Vec<String> = answers.iter().map(|answer| (*answer).to_string()).collect();
    choose(&Term::stderr(), question, &items, 0)
}
