//! `win man`: the man pages (roff), generated from the clap types: win(1),
//! which names win-add(1) and the others, and a page for every command.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use clap::{Command, CommandFactory};

use crate::app::App;
use crate::cli::{Cli, ManArgs};
use crate::output;

pub fn run(_app: &App, args: &ManArgs) -> Result<()> {
    let mut root = Cli::command().disable_help_subcommand(true);
    // Gives every command its page name (win-review-draft) and usage line.
    root.build();
    if let Some(dir) = &args.dir {
        let mut pages = Vec::new();
        every_page(&root, &mut pages)?;
        write_pages(dir, &pages)?;
        output::note(&format!(
            "wrote {} man pages to {} (win.1 and one for each command: man win, man win-add)",
            pages.len(),
            dir.display()
        ));
        return Ok(());
    }
    let mut command = &root;
    for (depth, name) in args.command.iter().enumerate() {
        command = command.find_subcommand(name).ok_or_else(|| {
            anyhow!(
                "no command \"win {}\" (see: win {}--help)",
                args.command[..=depth].join(" "),
                args.command[..depth]
                    .iter()
                    .map(|part| format!("{part} "))
                    .collect::<String>()
            )
        })?;
    }
    let (_, page) = page(command)?;
    let mut out = output::stdout();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}

/// One command's page: its file name (win-add.1) and its text.
fn page(command: &Command) -> Result<(String, Vec<u8>)> {
    let man =
        clap_mangen::Man::new(command.clone()).source(format!("win {}", env!("CARGO_PKG_VERSION")));
    let mut text = Vec::new();
    man.render(&mut text)?;
    Ok((man.get_filename(), text))
}

/// The pages of `command` and of every command under it.
fn every_page(command: &Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    pages.push(page(command)?);
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        every_page(sub, pages)?;
    }
    Ok(())
}

/// Writes each page into `dir` (made if missing), replacing older ones.
fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    for (name, text) in pages {
        let path = dir.join(name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(text)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
