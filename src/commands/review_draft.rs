//! `win review draft`: a period of wins rendered as a self-assessment draft.

use anyhow::Result;

use crate::app::App;
use crate::cli::{DraftArgs, DraftFormat};
use crate::domain::review::ReviewOptions;
use crate::output;
use crate::render::{self, TemplateFile, DEFAULT_DRAFT, DRAFT_NOTES};
use crate::rewrite::Rewriter;

/// What the draft prints, settled before any work (clap refuses the
/// combinations that contradict each other).
enum Output {
    Context,
    Document(TemplateFile),
}

pub fn run(app: &App, args: &DraftArgs) -> Result<()> {
    let templates = app.templates();
    let target = match (&args.template, args.format) {
        _ if args.context => Output::Context,
        (_, Some(DraftFormat::Json)) => Output::Context,
        (Some(template), _) => Output::Document(templates.draft(template)?),
        (None, Some(DraftFormat::Text)) => Output::Document(templates.draft("plain")?),
        (None, _) => Output::Document(templates.draft(DEFAULT_DRAFT)?),
    };
    let max_chars = args.max_chars.map(usize::from);
    // Settled before any work: `--rewrite` without a model stops here.
    let rewriter = args
        .rewrite
        .map(|mode| Rewriter::new(&app.config.rewrite, &templates, mode, max_chars))
        .transpose()?;
    let framework = app.framework()?;
    let (filter, period) = app.review_scope(&args.filter)?;
    let mut store = app.open_store()?;
    let mut wins = store.list(&filter)?;
    let engine = templates.statement_engine()?;
    // What the rewrite has to say goes with the notes when they are asked
    // for, else on stderr as it happens.
    let mut rewrite_notes: Vec<String> = Vec::new();
    if let Some(rewriter) = &rewriter {
        let outcome = rewriter.rewrite(&mut wins, &mut store, &engine, app.now, &mut |note| {
            if args.notes {
                rewrite_notes.push(note);
            } else {
                output::note(&note);
            }
        })?;
        rewrite_notes.push(outcome.summary());
        if !args.notes {
            output::note(&outcome.summary());
        }
    }
    drop(store);
    let options = ReviewOptions {
        name: args.name.clone().or_else(|| app.config.name.clone()),
        title: args.title.clone().or_else(|| app.config.title.clone()),
        top: args.top,
        max_chars,
    };
    let context = crate::render::review::build(
        &wins,
        framework,
        &app.rules()?,
        &engine,
        period,
        app.now,
        &options,
    )?;
    let no_wins = wins.is_empty();
    // The context holds what the template needs; the raw rows can go.
    drop(wins);
    let template = match target {
        Output::Context => return output::print_json(&context),
        Output::Document(template) => template,
    };
    let text = render::render(&template, &context)?;
    // What is missing or weak is for the author, never in the document.
    let notes = if args.notes {
        let mut notes = render::render(&templates.get(DRAFT_NOTES)?, &context)?;
        for note in &rewrite_notes {
            notes = format!("{}\n- {note}", notes.trim_end());
        }
        Some(notes)
    } else {
        None
    };
    let has_notes = !context.gaps.competencies.is_empty()
        || !context.gaps.months.is_empty()
        || context.recency.flagged
        || !context.pending.is_empty();
    crate::error::leave_to_exit(context);
    output::print_document(&text)?;
    match notes {
        Some(notes) => output::note(notes.trim_end()),
        None if has_notes && !no_wins => output::note(
            "notes for you (gaps, wins waiting on impact) are left out of the draft: add --notes, or see win review check",
        ),
        None => {}
    }
    if no_wins {
        output::note("no wins in this period (see: win add, or widen --since / --period)");
    }
    Ok(())
}
