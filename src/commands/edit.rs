//! `win edit ID`: change a win's fields; with no flags, in `$EDITOR`.

use anyhow::{bail, Result};

use crate::app::App;
use crate::capture::{editor_buffer, parse_editor_buffer};
use crate::cli::EditArgs;
use crate::output;
use crate::prompt;

pub fn run(app: &App, args: &EditArgs) -> Result<()> {
    let mut store = app.open_store()?;
    let stored = store.require(args.id)?;
    let mut win = stored.clone().into_new();
    if args.text.is_none() && !args.fields.any() {
        if !app.stdin_is_terminal {
            bail!("nothing to change: give a flag such as --impact or -c, or run `win edit {}` on a terminal to use $EDITOR", args.id);
        }
        let buffer = editor_buffer(&win.text, win.impact.as_deref(), win.next.as_deref());
        let prompt::Edited::Saved(saved) = prompt::edit(&buffer)? else {
            output::note(&format!("no change to #{}", args.id));
            return Ok(());
        };
        let edited = parse_editor_buffer(&saved);
        if edited.text.is_empty() {
            bail!("the win's text is empty; nothing was changed");
        }
        if (&edited.text, &edited.impact, &edited.next) == (&win.text, &win.impact, &win.next) {
            output::note(&format!("no change to #{}", args.id));
            return Ok(());
        }
        win.text = edited.text;
        win.impact = edited.impact;
        win.next = edited.next;
    }
    if let Some(text) = &args.text {
        let text = text.trim();
        if text.is_empty() {
            bail!(
                "the win's text cannot be empty; nothing was changed (to delete it: win rm {})",
                args.id
            );
        }
        win.text = text.to_string();
    }
    win.updated_at = app.now;
    super::apply_fields(app, &mut win, &args.fields, Some(&store))?;

    // The timeline came along in `win` and is not rewritten by `replace`.
    let saved = store.replace(&win.into_win(stored.id))?;
    output::print_saved(&saved, args.json);
    if args.json {
        return Ok(());
    }
    output::note(&format!("edited #{}", saved.id));
    Ok(())
}
