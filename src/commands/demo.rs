//! `win demo`: a draft from the embedded sample journal, in a throwaway
//! in-memory store; the user's journal is never opened.

use anyhow::Result;

use crate::analyze::Analyzer;
use crate::app::App;
use crate::cli::DemoArgs;
use crate::domain::review::{self, ReviewOptions};
use crate::output;
use crate::render::{self, DEFAULT_DRAFT};
use crate::sample;
use crate::store::Store;

pub fn run(app: &App, args: &DemoArgs) -> Result<()> {
    let framework = app.framework()?;
    let now = sample::demo_now()?;
    let wins = sample::wins(&Analyzer::new(framework, &app.analysis_files()?)?, now)?;
    let mut store = Store::open_in_memory()?;
    store.insert_many(&wins)?;
    let stored = store.list(&Default::default())?;
    let templates = app.templates();
    let period = review::period_for(None, None, None, now);
    let options = ReviewOptions {
        name: Some("Sam Rivera (sample)".into()),
        title: Some("Senior Machine-Learning Engineer".into()),
        ..ReviewOptions::default()
    };
    let context = crate::render::review::build(
        &stored,
        framework,
        &app.rules()?,
        &templates.statement_engine()?,
        period,
        now,
        &options,
    )?;
    let template = templates.draft(args.template.as_deref().unwrap_or(DEFAULT_DRAFT))?;
    output::print_document(&render::render(&template, &context)?)?;
    output::note(&format!(
        "a draft from {} sample wins; your own journal was not touched (try: win add \"…\")",
        stored.len()
    ));
    Ok(())
}
