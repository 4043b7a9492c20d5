//! `win review draft`: a period of wins rendered as a self-assessment draft.

use anyhow::Result;

use crate::app::App;
use crate::cli::{DraftArgs, DraftFormat};
use crate::domain::review::ReviewOptions;
use crate::output;
use crate::render::{self, DEFAULT_DRAFT};

pub fn run(app: &App, args: &DraftArgs) -> Result<()> {
    let framework = app.framework()?;
    let (filter, period) = app.review_scope(&args.filter)?;
    let wins = app.open_store()?.list(&filter)?;
    let templates = app.templates();
    let options = ReviewOptions {
        name: args.name.clone().or_else(|| app.config.name.clone()),
        title: args.title.clone().or_else(|| app.config.title.clone()),
        top: args.top,
        max_chars: args.max_chars.map(usize::from),
    };
    let context = crate::render::review::build(
        &wins,
        framework,
        &app.rules()?,
        &templates.phrase_engine()?,
        period,
        app.now,
        &options,
    )?;
    let no_wins = wins.is_empty();
    // The context holds what the template needs; the raw rows can go.
    drop(wins);
    if args.context || args.format == Some(DraftFormat::Json) {
        return output::print_json(&context);
    }
    let choice = match (&args.template, args.format) {
        (Some(template), _) => template.as_str(),
        (None, Some(DraftFormat::Text)) => "plain",
        (None, _) => DEFAULT_DRAFT,
    };
    let text = render::render(&templates.draft(choice)?, &context)?;
    // Freed by the process exit, at once (see `render::render`).
    std::mem::forget(context);
    output::print_document(&text)?;
    if no_wins {
        output::note("no wins in this period (see: win add, or widen --since / --period)");
    }
    Ok(())
}
