//! `win edit ID`: change a win's fields; with no flags, in `$EDITOR`.

use anyhow::{bail, Result};

use crate::app::App;
use crate::capture::{editor_buffer, merge_edited, parse_editor_buffer};
use crate::cli::EditArgs;
use crate::domain::win::non_empty;
use crate::output;
use crate::prompt;

pub fn run(app: &App, args: &EditArgs) -> Result<()> {
    let mut store = app.open_store()?;
    // With no flags, the editor opens on the win as it is now; what comes
    // back is merged with any change made while it was open.
    let in_editor = if args.text.is_none() && args.statement.is_none() && !args.fields.any() {
        if !app.stdin_is_terminal {
            bail!("nothing to change: give a flag such as --impact or -c, or run `win edit {}` on a terminal to use $EDITOR", args.id);
        }
        let before = store.require(args.id)?;
        let buffer = editor_buffer(
            &before.text,
            before.impact.as_deref(),
            before.next.as_deref(),
        );
        let prompt::Edited::Saved(saved) = prompt::edit(&buffer)? else {
            output::note(&format!("no change to #{}", args.id));
            return Ok(());
        };
        let saved = parse_editor_buffer(&saved);
        if saved.text.is_empty() {
            bail!("the win's text is empty; nothing was changed");
        }
        let opened = parse_editor_buffer(&buffer);
        if saved == opened {
            output::note(&format!("no change to #{}", args.id));
            return Ok(());
        }
        Some((opened, saved))
    } else {
        None
    };
    let text = match &args.text {
        Some(text) if text.trim().is_empty() => bail!(
            "the win's text cannot be empty; nothing was changed (to delete it: win rm {})",
            args.id
        ),
        Some(text) => Some(text.trim().to_string()),
        None => None,
    };
    // Read and written in one transaction: only the fields asked change.
    let saved = store.edit(args.id, |win, learned| {
        if let Some((opened, saved)) = in_editor {
            merge_edited(args.id, &opened, saved, win)?;
        }
        if let Some(text) = text {
            win.text = text;
        }
        if let Some(statement) = &args.statement {
            win.statement = non_empty(Some(statement.clone()));
        }
        win.updated_at = app.now;
        super::apply_fields(app, win, &args.fields, Some(learned))?;
        // The same rule as `win update -d`, the other way round: a win
        // happens before its follow-ups.
        let first_follow_up = win.updates.iter().map(|update| update.at).min();
        if let Some(first) = first_follow_up.filter(|_| args.fields.date.is_some()) {
            if win.occurred_at > first {
                bail!(
                    "#{} would then happen after its first follow-up ({}); give a --date on or before it",
                    args.id,
                    crate::domain::dates::day(&first)
                );
            }
        }
        Ok(())
    })?;
    let mut saved = saved;
    if args.json {
        super::with_sentence(app, &mut saved)?;
    }
    output::print_saved(&saved, args.json);
    if args.json {
        return Ok(());
    }
    match &args.statement {
        Some(statement) if statement.trim().is_empty() => output::note(&format!(
            "edited #{}: its statement is the generated one again",
            saved.id
        )),
        Some(_) => output::note(&format!(
            "edited #{}: drafts use your statement (see: win review statement {})",
            saved.id, saved.id
        )),
        None => output::note(&format!("edited #{}", saved.id)),
    }
    Ok(())
}
