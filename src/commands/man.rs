//! `win man`: the man page (roff), generated from the clap types.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::app::App;
use crate::cli::Cli;

pub fn run(_app: &App) -> Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    let mut out = crate::output::stdout();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}
