//! `win review polish`: walks the period's wins whose statement the engine
//! could not tell cleanly (`statement-unclear`) and takes the person's own
//! statement for each, in `$EDITOR` or on one line.

use anyhow::{bail, Result};

use crate::app::App;
use crate::cli::PolishArgs;
use crate::domain::limits;
use crate::domain::win::Win;
use crate::output::{self, paint, BOLD, DIM};
use crate::prompt::{self, Edited};
use crate::render::statement::Assessment;

/// What the person may do with each statement, in the picker's order.
const CHOICES: &[&str] = &[
    "write it in $EDITOR",
    "type it on one line",
    "keep the generated statement",
    "stop here",
];

pub fn run(app: &App, args: &PolishArgs) -> Result<()> {
    if !app.stdin_is_terminal {
        bail!("win review polish asks on a terminal; to set one win's statement: win edit ID --statement \"…\" (the wins: win review check)");
    }
    let (filter, _) = app.review_scope(&args.filter)?;
    let mut store = app.open_store()?;
    let engine = app.templates().statement_engine()?;
    // Oldest first, as `win review check` lists them.
    let unclear: Vec<(Win, Assessment)> = store
        .list(&filter)?
        .into_iter()
        .rev()
        .map(|win| {
            let assessment = engine.assess(&win);
            (win, assessment)
        })
        .filter(|(_, assessment)| assessment.is_unclear())
        .collect();
    if unclear.is_empty() {
        output::note("every statement in the period reads cleanly: nothing to polish");
        return Ok(());
    }
    output::note(&format!(
        "{} to finish; your statement stands over the generated one in drafts",
        output::count(unclear.len(), "statement")
    ));
    let mut saved = 0;
    for (win, assessment) in &unclear {
        output::note(&format!(
            "\n{}",
            paint(
                BOLD,
                &format!(
                    "#{} · {}",
                    win.id,
                    crate::domain::dates::day(&win.occurred_at)
                )
            )
        ));
        output::note(&format!(
            "{} {}",
            paint(DIM, "note:     "),
            output::clean(&win.text, false)
        ));
        for (name, field) in [
            ("impact:   ", win.current_impact()),
            ("next:     ", win.next.as_deref()),
        ] {
            if let Some(field) = field {
                output::note(&format!(
                    "{} {}",
                    paint(DIM, name),
                    output::clean(field, false)
                ));
            }
        }
        output::note(&format!(
            "{} {}",
            paint(DIM, "generated:"),
            output::clean(&assessment.statement, false)
        ));
        if !assessment.left_out.is_empty() {
            output::note(&format!(
                "{} {}",
                paint(DIM, "left out: "),
                output::clean(&assessment.left_out.join(" · "), false)
            ));
        }
        let statement = match prompt::pick("Your statement", CHOICES)? {
            0 => match prompt::edit(&editor_buffer(win, &assessment.statement))? {
                Edited::Saved(text) => from_editor(&text),
                Edited::Unchanged => String::new(),
            },
            1 => prompt::ask_line("Statement (enter to keep the generated one)")?,
            2 => String::new(),
            _ => break,
        };
        let statement = statement.trim();
        if statement.is_empty() {
            continue;
        }
        store.edit(win.id, |stored, _| {
            stored.statement = Some(statement.to_string());
            stored.updated_at = app.now;
            limits::check_win(stored)
        })?;
        saved += 1;
        output::note(&format!("saved #{}'s statement", win.id));
    }
    output::note(&format!("{} saved", output::count(saved, "statement")));
    Ok(())
}

/// The `$EDITOR` buffer: the generated statement to start from, with the
/// note below it as comment lines.
fn editor_buffer(win: &Win, generated: &str) -> String {
    let mut buffer = format!("{generated}\n\n# Your statement of #{} for drafts, above; lines starting with # are ignored.\n# note: {}\n", win.id, win.text.replace('\n', " "));
    if let Some(impact) = win.current_impact() {
        buffer.push_str(&format!("# impact: {}\n", impact.replace('\n', " ")));
    }
    buffer
}

/// The statement written in `$EDITOR`: its lines, comments left out, as one paragraph.
fn from_editor(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
