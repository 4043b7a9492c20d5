//! `win star ID`: mark a win as a highlight (or `--unstar`).

use anyhow::Result;

use crate::app::App;
use crate::cli::StarArgs;
use crate::output;

pub fn run(app: &App, args: &StarArgs) -> Result<()> {
    let win = app
        .open_store()?
        .set_starred(args.id, !args.unstar, app.now)?;
    let state = if win.starred { "starred" } else { "unstarred" };
    output::note(&format!("{state} #{}", win.id));
    Ok(())
}
