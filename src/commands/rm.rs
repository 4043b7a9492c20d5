//! `win rm ID...`: delete wins, after a confirmation on a terminal.

use anyhow::{bail, Result};

use crate::app::App;
use crate::cli::RmArgs;
use crate::domain::dates;
use crate::domain::text::shorten;
use crate::output;
use crate::prompt;

pub fn run(app: &App, args: &RmArgs) -> Result<()> {
    let mut store = app.open_store()?;
    // A number given twice is one win.
    let mut ids = args.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let wins = ids
        .iter()
        .map(|id| store.require(*id))
        .collect::<Result<Vec<_>>>()?;
    let handles: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
    if !app.yes {
        if !app.stdin_is_terminal {
            bail!(
                "deleting {} needs confirmation: add --yes",
                handles.join(", ")
            );
        }
        // Say which wins, so a mistyped number is caught before it is gone.
        for win in &wins {
            output::note(&format!(
                "#{}  {}  {}",
                win.id,
                dates::day(&win.occurred_at),
                output::clean(&shorten(&win.text, 70), false)
            ));
        }
        let question = match wins.len() {
            1 => format!("Delete {}?", handles.join(", ")),
            n => format!("Delete these {n} wins?"),
        };
        if !prompt::confirm(&question)? {
            bail!("nothing was deleted");
        }
    }
    let deleted = store.delete(&ids)?;
    output::note(&format!(
        "deleted {}: {}",
        output::count(deleted, "win"),
        handles.join(", ")
    ));
    Ok(())
}
