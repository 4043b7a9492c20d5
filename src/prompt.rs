//! Questions asked on a terminal, and `$EDITOR`. Only called when stdin is
//! a terminal; pipes and CI never block here.
//!
//! The questions are dialoguer's (`Input`, `Select`, `Confirm`) in win's
//! own look ([`Look`]). dialoguer raises SIGINT for Ctrl-C and leaves the
//! cursor and the terminal to the program: every question is asked inside
//! an [`interrupt::Asking`], whose handler puts them back, says what became
//! of the work and exits 130, as Ctrl-C does elsewhere. Esc (or q) in a
//! list or a yes/no question cancels it: `Cancelled`, which `main` prints
//! as `win: cancelled…`. The passphrase is read key by key, showing
//! nothing at all (`ask_secret`).

use std::fmt;
use std::io::Write as _;
use std::os::fd::AsRawFd as _;
use std::process::ExitStatus;

use anyhow::{bail, Context, Result};
use console::{truncate_str, Key, Term};
use dialoguer::theme::Theme;
use dialoguer::{Confirm, Input, Select};

use crate::domain::framework::Framework;
use crate::interrupt::Asking;

/// A question the person walked away from (Esc, or q in a list).
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
    let term = terminal()?;
    let asking = Asking::new(term.as_raw_fd(), "nothing was recorded");
    let text = ask_text(&asking, &term, "What did you do?", true)?;
    let optional = |question: &str| -> Result<Option<String>> {
        let answer = ask_text(&asking, &term, question, false)?;
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
    let shown: Vec<&str> = items.iter().map(|(item, _)| item.as_str()).collect();
    let choice = choose(&asking, &term, question, &shown)?;
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
    let term = terminal()?;
    let asking = Asking::new(term.as_raw_fd(), "nothing more was changed");
    ask_text(&asking, &term, question, false)
}

/// A yes/no question, "no" unless the person types y.
pub fn confirm(question: &str) -> Result<bool> {
    let term = terminal()?;
    let asking = Asking::new(term.as_raw_fd(), "nothing was changed");
    let _shown = CursorShown(&term);
    asking.mid_line(true);
    let answer = Confirm::with_theme(&Look::of(&term))
        .with_prompt(question)
        .default(false)
        .interact_on_opt(&term)
        .map_err(terminal_error)?;
    answer.ok_or_else(|| Cancelled.into())
}

/// One of several answers, picked from a list (the first is the default);
/// returns its index.
pub fn pick(question: &str, answers: &[&str]) -> Result<usize> {
    let term = terminal()?;
    let asking = Asking::new(term.as_raw_fd(), "nothing more was changed");
    choose(&asking, &term, question, answers)
}

/// A secret typed without echo (a passphrase): nothing of it is shown,
/// not even its length. Backspace and Ctrl-U edit it; Ctrl-C, Esc, and
/// Ctrl-D on an empty line cancel. Read key by key (dialoguer's `Password`
/// reads a cooked line instead), each key raw, so Ctrl-C arrives as a key.
pub fn ask_secret(question: &str) -> Result<String> {
    let term = terminal()?;
    let asking = Asking::new(term.as_raw_fd(), "nothing was changed");
    asking.mid_line(true);
    let prompt = format!("\r\x1b[K? {question} › ");
    let mut secret = String::new();
    loop {
        // Every key redraws the bare question (as the line editor redraws
        // its line), showing nothing of what was typed.
        write_flush(&term, &prompt)?;
        match term
            .read_key_raw()
            .context("cannot read from the terminal")?
        {
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

/// The terminal the questions are drawn on: stderr, else stdout (stdin is
/// a terminal, but stderr may go to a file).
fn terminal() -> Result<Term> {
    [Term::stderr(), Term::stdout()]
        .into_iter()
        .find(Term::is_term)
        .context("cannot ask on the terminal: stderr and stdout go elsewhere (give the answers as arguments)")
}

/// One line of text, edited in place (arrows, Backspace). A required
/// answer is asked again until it has a word.
fn ask_text(asking: &Asking, term: &Term, question: &str, required: bool) -> Result<String> {
    asking.mid_line(true);
    let look = Look::of(term);
    let mut input = Input::<String>::with_theme(&look)
        .with_prompt(question)
        .allow_empty(!required);
    if required {
        input = input.validate_with(|answer: &String| {
            if answer.trim().is_empty() {
                Err("a few words, please")
            } else {
                Ok(())
            }
        });
    }
    input.interact_text_on(term).map_err(terminal_error)
}

/// A list to pick one item from with the arrows (or j/k) and Enter; Esc
/// or q cancels. The cursor is hidden while the list is shown and shown
/// again on every way out, errors included.
fn choose(asking: &Asking, term: &Term, question: &str, items: &[&str]) -> Result<usize> {
    let _shown = CursorShown(term);
    let look = Look::of(term);
    // Below the list, when a key is awaited.
    asking.mid_line(false);
    let choice = Select::with_theme(&look)
        .with_prompt(question)
        .items(look.fitted(items))
        .default(0)
        .interact_on_opt(term)
        .map_err(terminal_error)?;
    if let Some(choice) = choice {
        return Ok(choice);
    }
    let mut line = String::new();
    let _ = look.format_select_prompt_selection(&mut line, question, "cancelled");
    term.write_line(&line)
        .context("cannot write to the terminal")?;
    Err(Cancelled.into())
}

fn terminal_error(err: dialoguer::Error) -> anyhow::Error {
    let dialoguer::Error::IO(err) = err;
    anyhow::Error::new(err).context("cannot use the terminal")
}

/// Shows the cursor when dropped: dialoguer hides it for a list or a
/// yes/no question and leaves it hidden when it fails.
struct CursorShown<'t>(&'t Term);

impl Drop for CursorShown<'_> {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal is gone.
        let _ = self.0.show_cursor();
    }
}

/// How the questions look: `? question › answer`, a list's rows cut to the
/// terminal's width (one row per item, so dialoguer can redraw the list by
/// counting rows).
struct Look {
    columns: usize,
}

impl Look {
    fn of(term: &Term) -> Look {
        Look {
            columns: crate::output::columns_of(term).max(8),
        }
    }

    /// The items cut to fit one row after their marker. dialoguer counts
    /// an item's bytes against the width to know how many rows it takes,
    /// so an item with wide letters ("—") is cut shorter still.
    fn fitted(&self, items: &[&str]) -> Vec<String> {
        items
            .iter()
            .map(|item| {
                (1..=self.columns - 3)
                    .rev()
                    .map(|width| truncate_str(item, width, "…").into_owned())
                    .find(|fitted| fitted.len() <= self.columns)
                    .unwrap_or_default()
            })
            .collect()
    }
}

impl Theme for Look {
    fn format_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        write!(f, "? {prompt} ›")
    }

    fn format_error(&self, f: &mut dyn fmt::Write, err: &str) -> fmt::Result {
        write!(f, "  {err}")
    }

    fn format_confirm_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        _default: Option<bool>,
    ) -> fmt::Result {
        write!(f, "? {prompt} [y/N] ")
    }

    fn format_confirm_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        selection: Option<bool>,
    ) -> fmt::Result {
        let answer = match selection {
            Some(true) => "yes",
            Some(false) => "no",
            None => "cancelled",
        };
        write!(f, "? {prompt} [y/N] {answer}")
    }

    fn format_input_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        _default: Option<&str>,
    ) -> fmt::Result {
        write!(f, "? {prompt} › ")
    }

    fn format_input_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        write!(f, "? {prompt} › {sel}")
    }

    fn format_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        let header = format!("? {prompt} › (↑/↓ and enter; esc cancels)");
        // One row, so that dialoguer's count of rows holds.
        f.write_str(&truncate_str(&header, self.columns - 1, "…"))
    }

    fn format_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        let line = format!("? {prompt} › {sel}");
        f.write_str(&truncate_str(&line, self.columns - 1, "…"))
    }

    fn format_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        active: bool,
    ) -> fmt::Result {
        write!(f, "{}{text}", if active { "❯ " } else { "  " })
    }
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
