//! `win`: a terminal-first journal of professional wins.
//!
//! Layout: ARCHITECTURE.md, whose layer table `tests/cli/architecture.rs`
//! holds the code to. Modules are `pub(crate)` unless something outside the
//! crate needs them (the fuzz targets, `bench/`, `tests/eval.rs`), so the
//! compiler reports what nothing uses.

// Output goes through `output`, which guards a terminal (see clippy.toml).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analyze;
pub(crate) mod app;
pub mod capture;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub mod domain;
mod error;
pub(crate) mod history;
pub(crate) mod input;
pub(crate) mod interrupt;
pub(crate) mod output;
pub(crate) mod pipeline;
pub(crate) mod prompt;
pub mod render;
pub(crate) mod rewrite;
pub(crate) mod sample;
pub mod store;
pub mod sync;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use error::{exit, is_broken_pipe, leave_to_exit, Silent};

/// Parses the command line, runs the command, and maps the outcome to an
/// exit status. Errors are printed as one line with their causes.
pub fn main() -> ExitCode {
    let cli = parse_command_line();
    let Some(command) = &cli.command else {
        let written = std::io::Write::write_all(&mut output::stdout(), cli::FIRST_STEPS.as_bytes());
        return match written {
            Ok(()) => ExitCode::from(exit::OK),
            Err(err) => report(&err.into()),
        };
    };
    let result = app::App::from_cli(&cli).and_then(|app| {
        let result = commands::run(&app, command);
        leave_to_exit(app);
        result
    });
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(err) => report(&err),
    }
}

/// `Cli::parse`, leaving clap's tree of the whole command surface to the
/// exit (see `leave_to_exit`).
fn parse_command_line() -> cli::Cli {
    let mut command = cli::Cli::command();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(mistake) = one_dash_long_flag(&command, &args) {
        let message = format!(
            "'{}' has one dash: did you mean '--{}'?",
            mistake.typed, mistake.long
        );
        // The usage line shown is the subcommand's own.
        command.build();
        let kind = clap::error::ErrorKind::UnknownArgument;
        let target = mistake.path.iter().try_fold(&mut command, |parent, name| {
            parent.find_subcommand_mut(name)
        });
        match target {
            Some(target) => exit_with(&target.error(kind, message)),
            None => exit_with(&clap::Error::raw(kind, message)),
        }
    }
    let mut matches = command
        .try_get_matches_from_mut(args)
        .unwrap_or_else(|err| exit_with(&err));
    let cli = cli::Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|err| exit_with(&err.format(&mut command)));
    leave_to_exit(command);
    cli
}

/// Prints what clap has to say and exits with its status. A usage error
/// quotes what was typed (`invalid value '…' for '--stage'`), which may hold
/// escape sequences from a script or a paste, so it goes to stderr cleaned
/// like every other message; help and version text are win's own.
fn exit_with(err: &clap::Error) -> ! {
    if err.use_stderr() {
        output::note(err.render().to_string().trim_end());
        std::process::exit(err.exit_code());
    }
    err.exit()
}

struct OneDash {
    typed: String,
    long: String,
    /// The subcommands it was typed after.
    path: Vec<String>,
}

/// A long flag typed with one dash (`-competency mlops`), which clap would
/// read as `-c ompetency`: the word as typed and the flag it names. Only
/// exact names of the command's own flags (or the global ones) count, so
/// `-cmlops` stays `-c mlops`; nothing after `--` is looked at.
fn one_dash_long_flag(root: &clap::Command, args: &[std::ffi::OsString]) -> Option<OneDash> {
    let mut command = root;
    let mut path = Vec::new();
    for arg in args.iter().skip(1) {
        let arg = arg.to_str()?;
        if arg == "--" {
            return None;
        }
        if let Some(word) = arg.strip_prefix('-').filter(|w| !w.starts_with('-')) {
            let name = word.split_once('=').map_or(word, |(name, _)| name);
            let known = |c: &clap::Command| c.get_arguments().any(|a| a.get_long() == Some(name));
            if name.chars().count() > 1 && (known(command) || known(root)) {
                return Some(OneDash {
                    typed: arg.to_string(),
                    long: name.to_string(),
                    path,
                });
            }
        } else if let Some(sub) = command.find_subcommand(arg) {
            path.push(sub.get_name().to_string());
            command = sub;
        }
    }
    None
}

/// Maps a command's error to its exit status, printing it as one line
/// with its causes (nothing for `Silent`, nothing for a closed pipe).
fn report(err: &anyhow::Error) -> ExitCode {
    if let Some(Silent(code)) = err.downcast_ref::<Silent>() {
        return ExitCode::from(*code);
    }
    if let Some(interrupted) = err.downcast_ref::<interrupt::Interrupted>() {
        output::note(&format!("win: {interrupted}"));
        return ExitCode::from(exit::INTERRUPTED);
    }
    // A closed pipe (`win list | head`) is not a failure.
    if err.chain().any(is_broken_pipe) {
        return ExitCode::from(exit::OK);
    }
    let message = if output::output_has_failed() {
        format!("cannot write the output: {}", err.root_cause())
    } else {
        format!("{err:#}")
    };
    let message = output::clean(&message, false);
    output::note(&format!("win: {message}"));
    ExitCode::from(exit::FAILURE)
}
