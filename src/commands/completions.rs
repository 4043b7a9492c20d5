//! `win completions SHELL`: completions generated from the clap types,
//! with the values the journal's data knows: the competencies of the
//! framework in use and the frameworks' names.

use std::io::Write;

use anyhow::Result;
use clap::builder::PossibleValuesParser;
use clap::{Arg, CommandFactory, ValueHint};

use crate::app::App;
use crate::cli::{Cli, CompletionsArgs};

pub fn run(app: &App, args: &CompletionsArgs) -> Result<()> {
    let competencies: Vec<String> = app
        .framework()?
        .competencies
        .iter()
        .map(|competency| competency.key.clone())
        .collect();
    let frameworks: Vec<String> = app.catalog()?.names().map(str::to_string).collect();
    let mut command = with_values(Cli::command(), &|arg: Arg| {
        match arg.get_id().as_str() {
            "competencies" => arg.value_parser(PossibleValuesParser::new(competencies.clone())),
            "framework" => arg.value_parser(PossibleValuesParser::new(frameworks.clone())),
            // Text, tags, dates, numbers: no file names. Paths (PathBuf
            // values, or a hint in cli.rs) keep theirs.
            _ if arg.get_action().takes_values()
                && arg.get_value_hint() == ValueHint::Unknown
                && arg.get_possible_values().is_empty() =>
            {
                arg.value_hint(ValueHint::Other)
            }
            _ => arg,
        }
    });
    // Generated into memory first: clap_complete panics on a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "win", &mut script);
    let mut out = crate::output::stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// `command` with `change` applied to every argument of every subcommand.
fn with_values(command: clap::Command, change: &dyn Fn(Arg) -> Arg) -> clap::Command {
    let command = command.mut_args(change);
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    names.iter().fold(command, |command, name| {
        command.mut_subcommand(name, |sub| with_values(sub, change))
    })
}
