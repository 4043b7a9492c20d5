//! `win rm ID...`: delete wins, after a confirmation on a terminal.

use anyhow::{bail, Result};

use crate::app::App;
use crate::cli::RmArgs;
use crate::output;
use crate::prompt;

pub fn run(app: &App, args: &RmArgs) -> Result<()> {
    let mut store = app.open_store()?;
    for id in &args.ids {
        store.require(*id)?;
    }
    let handles: Vec<String> = args.ids.iter().map(|id| format!("#{id}")).collect();
    if !app.yes {
        if !app.stdin_is_terminal {
            bail!(
                "deleting {} needs confirmation: add --yes",
                handles.join(", ")
            );
        }
        if !prompt::confirm(&format!("Delete {}?", handles.join(", ")))? {
            bail!("nothing was deleted");
        }
    }
    let deleted = store.delete(&args.ids)?;
    output::note(&format!(
        "deleted {deleted} win{}: {}",
        if deleted == 1 { "" } else { "s" },
        handles.join(", ")
    ));
    Ok(())
}
