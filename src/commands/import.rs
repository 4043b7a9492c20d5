//! `win import FILE|-`: wins from win, jrnl or CSV, in one transaction.

use std::io::Read;

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analyze::Analyzer;
use crate::app::App;
use crate::capture;
use crate::cli::{ImportArgs, ImportFormat};
use crate::domain::import::{self, Format};
use crate::domain::win::{CompetencySource, NewWin};
use crate::output;

/// Below this many wins an import is over before a bar could help.
const PROGRESS_FROM: usize = 5_000;

pub fn run(app: &App, args: &ImportArgs) -> Result<()> {
    let name = args.file.to_string_lossy().to_string();
    let bytes = if name == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read stdin")?;
        bytes
    } else {
        std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?
    };
    let text = String::from_utf8(bytes).map_err(|err| {
        anyhow!(
            "{name} is not UTF-8 text (first bad byte at offset {}); nothing was imported",
            err.utf8_error().valid_up_to()
        )
    })?;
    let format = match args.from {
        Some(ImportFormat::Win) => Format::Win,
        Some(ImportFormat::Jrnl) => Format::Jrnl,
        Some(ImportFormat::Csv) => Format::Csv,
        None => import::detect(&name, &text),
    };
    let framework = app.framework()?;
    let records = import::parse(&text, format, app.now)
        .map_err(|err| anyhow!("{name}, {err:#}; nothing was imported"))?;
    let analyzer = Analyzer::new(framework)?;
    let mut wins: Vec<NewWin> = Vec::with_capacity(records.len());
    for (at, record) in records {
        let analysed = record.has_analysis();
        let mut win = record
            .into_new(app.now)
            .map_err(|err| anyhow!("{name}, {at}: {err:#}; nothing was imported"))?;
        // Names typed by hand ("MLOps", an alias) become keys; unknown keys
        // from another framework are kept and land under "Other".
        for key in &mut win.competencies {
            if let Some(competency) = framework.resolve(key) {
                key.clone_from(&competency.key);
            }
        }
        if !analysed {
            if win.competency_source == CompetencySource::None && !win.competencies.is_empty() {
                win.competency_source = CompetencySource::User;
            }
            capture::enrich(&mut win, &analyzer);
        }
        wins.push(win);
    }

    let bar = progress(app, wins.len());
    let mut store = app.open_store()?;
    let (added, skipped) = store.insert_many(&wins, args.update, args.dry_run, || bar.inc(1))?;
    bar.finish_and_clear();
    let verb = match (args.dry_run, args.update) {
        (true, true) => "would add or replace",
        (true, false) => "would add",
        (false, true) => "added or replaced",
        (false, false) => "added",
    };
    output::note(&format!(
        "{verb} {added} win{}, skipped {skipped} already in the journal{}",
        if added == 1 { "" } else { "s" },
        if args.dry_run {
            " (dry run: nothing was stored)"
        } else {
            ""
        }
    ));
    Ok(())
}

/// A progress bar on a terminal for large files; nothing when piped.
fn progress(app: &App, total: usize) -> ProgressBar {
    if !app.stderr_is_terminal || total < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("importing {bar:40} {pos}/{len} wins") {
        bar.set_style(style);
    }
    bar
}
