//! `win`: a terminal-first journal of professional wins.
//!
//! Layout: `cli` (clap types) → `commands` (glue, one file each) → the pure
//! `domain` and `analyze` modules; `store` owns all SQL, `output` all
//! printing, `prompt` all questions.

pub mod analyze;
pub mod app;
pub mod capture;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod output;
pub mod prompt;
pub mod render;
pub mod sample;
pub mod store;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

/// Exit statuses, as documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// An error, or nothing found (`win search`).
    pub const FAILURE: u8 = 1;
}

/// An error that has already been reported, or needs no message (like
/// grep finding nothing): exits with its status, printing nothing.
#[derive(Debug)]
pub struct Silent(pub u8);

impl std::fmt::Display for Silent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Silent {}

/// Parses the command line, runs the command, and maps the outcome to an
/// exit status. Errors are printed as one line with their causes.
pub fn main() -> ExitCode {
    let cli = parse_command_line();
    let Some(command) = &cli.command else {
        let written =
            std::io::Write::write_all(&mut std::io::stdout(), cli::FIRST_STEPS.as_bytes());
        return match written {
            Ok(()) => ExitCode::from(exit::OK),
            Err(err) => report(&err.into()),
        };
    };
    let result = app::App::from_cli(&cli).and_then(|app| {
        let result = commands::run(&app, command);
        // Plain data (settings, parsed frameworks): the exit frees it at
        // once, where dropping it piece by piece cost a capture 4%.
        std::mem::forget(app);
        result
    });
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(err) => report(&err),
    }
}

/// `Cli::parse`, without dropping clap's tree of the whole command surface:
/// freeing its hundreds of allocations cost more than parsing a `win search`
/// line, just before the process exits and frees them all at once.
fn parse_command_line() -> cli::Cli {
    let mut command = cli::Cli::command();
    let mut matches = command.get_matches_mut();
    let cli = cli::Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|err| err.format(&mut command).exit());
    std::mem::forget(command);
    cli
}

fn report(err: &anyhow::Error) -> ExitCode {
    if let Some(Silent(code)) = err.downcast_ref::<Silent>() {
        return ExitCode::from(*code);
    }
    // A closed pipe (`win list | head`) is not a failure.
    if err.chain().any(is_broken_pipe) {
        return ExitCode::from(exit::OK);
    }
    let message = output::clean(&format!("{err:#}"), false);
    output::note(&format!("win: {message}"));
    ExitCode::from(exit::FAILURE)
}

/// A write to a closed pipe, whichever writer (io, JSON, CSV) reported it.
fn is_broken_pipe(cause: &(dyn std::error::Error + 'static)) -> bool {
    let pipe = std::io::ErrorKind::BrokenPipe;
    cause
        .downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == pipe)
        || cause
            .downcast_ref::<serde_json::Error>()
            .is_some_and(|json| json.io_error_kind() == Some(pipe))
        || cause
            .downcast_ref::<csv::Error>()
            .is_some_and(|csv| matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == pipe))
}
