//! One file per command, glue only: read the arguments, call the domain,
//! hand the result to output.

mod add;
mod demo;
mod edit;
mod frameworks;
mod list;
mod pending;
mod review_check;
mod review_draft;
mod rm;
mod show;
mod star;
mod stats;
mod templates;
mod update;

use anyhow::Result;

use crate::app::App;
use crate::cli::{Command, ReviewCommand};

/// Runs the chosen command.
pub fn run(app: &App, command: &Command) -> Result<()> {
    match command {
        Command::Add(args) => add::run(app, args),
        Command::List(args) => list::run(app, args),
        Command::Show(args) => show::run(app, args),
        Command::Edit(args) => edit::run(app, args),
        Command::Rm(args) => rm::run(app, args),
        Command::Star(args) => star::run(app, args),
        Command::Update(args) => update::run(app, args),
        Command::Pending(args) => pending::run(app, args),
        Command::Review(review) => match &review.command {
            ReviewCommand::Draft(args) => review_draft::run(app, args),
            ReviewCommand::Check(args) => review_check::run(app, args),
        },
        Command::Stats(args) => stats::run(app, args),
        Command::Frameworks(args) => frameworks::run(app, args),
        Command::Templates(args) => templates::run(app, args),
        Command::Demo(args) => demo::run(app, args),
    }
}
