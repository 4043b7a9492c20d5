//! `win edit ID`: change a win's fields; with no flags, in `$EDITOR`.

use std::io::Write;

use anyhow::{bail, Result};

use crate::analyze::Analyzer;
use crate::app::App;
use crate::capture::{self, editor_buffer, parse_editor_buffer};
use crate::cli::EditArgs;
use crate::domain::dates;
use crate::domain::win::{non_empty, normalize_tags, CompetencySource};
use crate::output;
use crate::prompt;

pub fn run(app: &App, args: &EditArgs) -> Result<()> {
    let framework = app.framework()?;
    let mut store = app.open_store()?;
    let stored = store.require(args.id)?;
    let mut win = stored.clone().into_new();
    let fields = &args.fields;
    let any_flag = args.text.is_some()
        || fields.impact.is_some()
        || fields.next.is_some()
        || !fields.competencies.is_empty()
        || !fields.tags.is_empty()
        || fields.project.is_some()
        || fields.date.is_some()
        || fields.kind.is_some()
        || fields.role.is_some()
        || fields.stage.is_some()
        || !fields.links.is_empty();

    if !any_flag {
        if !app.stdin_is_terminal {
            bail!("nothing to change: give a flag such as --impact or -c, or run `win edit {}` on a terminal to use $EDITOR", args.id);
        }
        let edited = parse_editor_buffer(&prompt::edit(&editor_buffer(
            &win.text,
            win.impact.as_deref(),
            win.next.as_deref(),
        ))?);
        if edited.text.is_empty() {
            bail!("the win's text is empty; nothing was changed");
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
    if let Some(impact) = &fields.impact {
        win.impact = non_empty(Some(impact.clone()));
    }
    if let Some(next) = &fields.next {
        win.next = non_empty(Some(next.clone()));
    }
    if !fields.competencies.is_empty() {
        win.competencies = capture::resolve_competencies(framework, &fields.competencies)?;
        win.competency_source = if win.competencies.is_empty() {
            CompetencySource::None
        } else {
            CompetencySource::User
        };
    }
    if !fields.tags.is_empty() {
        win.tags = normalize_tags(&fields.tags);
    }
    if let Some(project) = &fields.project {
        win.project = non_empty(Some(project.clone()));
    }
    if let Some(date) = &fields.date {
        win.occurred_at = dates::parse_occurred(date, app.now)?;
    }
    win.kind = fields.kind.unwrap_or(win.kind);
    win.role = fields.role.or(win.role);
    win.stage = fields.stage.or(win.stage);
    if !fields.links.is_empty() {
        win.links = fields
            .links
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
    }
    win.updated_at = app.now;
    let analyzer = Analyzer::for_text(
        framework,
        &[Some(&win.text), win.impact.as_deref(), win.next.as_deref()],
    )?;
    capture::enrich(&mut win, &analyzer);

    let mut changed = stored.clone();
    let id = changed.id;
    changed = {
        let mut next = win.into_win(id);
        next.updates = changed.updates;
        next
    };
    let saved = store.replace(&changed)?;
    if args.json {
        return output::print_json(&saved);
    }
    writeln!(output::stdout(), "#{}", saved.id)?;
    output::note(&format!("edited #{}", saved.id));
    Ok(())
}
