//! `win demo`: the sample journal in a throwaway in-memory store.

use std::io::Write;

use anyhow::Result;

use crate::analyze::Analyzer;
use crate::app::App;
use crate::cli::DemoArgs;
use crate::output;
use crate::sample;
use crate::store::Store;

pub fn run(app: &App, _args: &DemoArgs) -> Result<()> {
    let framework = app.framework()?;
    let now = sample::demo_now()?;
    let wins = sample::wins(&Analyzer::new(framework)?, now)?;
    let mut store = Store::open_in_memory()?;
    store.insert_many(&wins, false)?;
    let listed = store.list(&Default::default())?;
    let mut out = output::stdout();
    if app.stdout_is_terminal {
        writeln!(out, "{}", output::wins_table(&listed))?;
    } else {
        for win in &listed {
            writeln!(out, "{}", output::win_line(win))?;
        }
    }
    output::note(&format!(
        "{} sample wins; your own journal was not touched",
        listed.len()
    ));
    Ok(())
}
