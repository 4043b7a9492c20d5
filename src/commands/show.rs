//! `win show ID`: one win in full, with its timeline.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::ShowArgs;
use crate::output;

pub fn run(app: &App, args: &ShowArgs) -> Result<()> {
    let win = app.open_store()?.require(args.id)?;
    if args.json {
        return output::print_json(&win);
    }
    writeln!(output::stdout(), "{}", output::win_details(&win, app.now))?;
    Ok(())
}
