//! One file per command, glue only: read the arguments, call the domain,
//! hand the result to output.

// Those `win mcp` calls too are visible to the crate: a tool runs what
// its command runs.
pub(crate) mod add;
mod completions;
mod demo;
mod edit;
mod export;
mod frameworks;
mod import;
mod inbox;
pub(crate) mod list;
mod man;
mod mcp;
mod mine;
pub(crate) mod pending;
pub(crate) mod review_check;
mod review_draft;
mod review_polish;
pub(crate) mod review_statement;
mod rm;
pub(crate) mod search;
pub(crate) mod show;
mod star;
mod stats;
mod sync;
mod sync_init;
mod sync_key;
mod sync_status;
mod templates;
pub(crate) mod update;

use anyhow::Result;

use crate::analyze::{learning_terms, Analyzer, Learned};
use crate::app::App;
use crate::capture;
use crate::cli::WinFields;
use crate::cli::{Command, ReviewCommand};
use crate::domain::dates;
use crate::domain::limits;
use crate::domain::win::{non_empty, normalize_tags, CompetencySource, NewWin};
use crate::store::LearnedCounts;

/// Runs the chosen command.
pub fn run(app: &App, command: &Command) -> Result<()> {
    match command {
        Command::Add(args) => add::run(app, args),
        Command::List(args) => list::run(app, args),
        Command::Show(args) => show::run(app, args),
        Command::Edit(args) => edit::run(app, args),
        Command::Rm(args) => rm::run(app, args),
        Command::Star(args) => star::run(app, args),
        Command::Update(args) => update::run(app, args),
        Command::Pending(args) => pending::run(app, args),
        Command::Search(args) => search::run(app, args),
        Command::Review(review) => match &review.command {
            ReviewCommand::Draft(args) => review_draft::run(app, args),
            ReviewCommand::Check(args) => review_check::run(app, args),
            ReviewCommand::Statement(args) => review_statement::run(app, args),
            ReviewCommand::Polish(args) => review_polish::run(app, args),
        },
        Command::Stats(args) => stats::run(app, args),
        Command::Frameworks(args) => frameworks::run(app, args),
        Command::Templates(args) => templates::run(app, args),
        Command::Export(args) => export::run(app, args),
        Command::Import(args) => import::run(app, args),
        Command::Completions(args) => completions::run(app, args),
        Command::Man(args) => man::run(app, args),
        Command::Demo(args) => demo::run(app, args),
        Command::Sync(args) => sync::run(app, args),
        Command::Mcp(args) => mcp::run(app, args),
        Command::Inbox(args) => inbox::run(app, args),
        Command::Mine(args) => mine::run(app, args),
    }
}

/// Sets the fields a capture or edit flag names, leaving the others as they
/// are, then re-derives the analysis of the win's words. Returns the
/// analyser, which `--dry-run` reuses for the checker.
///
/// With a journal, what the user's labelled wins taught is blended into
/// the competency suggestions.
fn apply_fields(
    app: &App,
    win: &mut NewWin,
    fields: &WinFields,
    store: Option<&dyn LearnedCounts>,
) -> Result<Analyzer> {
    let framework = app.framework()?;
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
        win.competency_unsure = false;
    }
    if !fields.tags.is_empty() {
        win.tags = normalize_tags(&fields.tags);
    }
    if let Some(project) = &fields.project {
        win.project = non_empty(Some(project.clone()));
    }
    if let Some(date) = &fields.date {
        win.occurred_at = dates::parse_occurred(date, app.clock())?;
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
    // Before the analysis, which is what a huge text would make costly.
    limits::check_win(win)?;
    let analyzer = Analyzer::for_text(framework, &app.analysis_files()?, &win.analysed_words())?;
    let learned = match store {
        Some(store) => store.learned(&learning_terms(
            &win.text,
            win.impact.as_deref(),
            win.next.as_deref(),
        ))?,
        None => Learned::default(),
    };
    capture::enrich(win, &analyzer, &learned);
    Ok(analyzer)
}

/// Gives a win its sentence (`polished`): what the statement engine says it
/// did, without its impact or what's next, so that `win show`, `add
/// --dry-run` and agents read what the draft will say. Derived when a win
/// is shown, never stored: it follows the engine and the user's glossary.
pub fn with_sentence(app: &App, win: &mut crate::domain::win::Win) -> Result<()> {
    let sentence = app.templates().statement_engine()?.sentence(win);
    win.polished = (!sentence.is_empty()).then_some(sentence);
    Ok(())
}
