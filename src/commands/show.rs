//! `win show ID`: one win in full, with its timeline.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::ShowArgs;
use crate::domain::win::Win;
use crate::output;

pub fn run(app: &App, args: &ShowArgs) -> Result<()> {
    let win = win(app, args)?;
    if args.json {
        return output::print_json(&win);
    }
    writeln!(output::stdout(), "{}", output::win_details(&win, app.now))?;
    Ok(())
}

/// The win `--json` prints (and `win mcp` returns), whatever its status.
pub fn win(app: &App, args: &ShowArgs) -> Result<Win> {
    let mut win = app.open_store()?.require(args.id)?;
    super::with_sentence(app, &mut win)?;
    Ok(win)
}
