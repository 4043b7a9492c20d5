//! `win completions SHELL`: completions generated from the clap types.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::app::App;
use crate::cli::{Cli, CompletionsArgs};

pub fn run(_app: &App, args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    // Generated into memory first: clap_complete panics on a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "win", &mut script);
    let mut out = crate::output::stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}
