//! One file per command, glue only: read the arguments, call the domain,
//! hand the result to output.

mod add;
mod completions;
mod demo;
mod edit;
mod export;
mod frameworks;
mod import;
mod list;
mod man;
mod pending;
mod review_check;
mod review_draft;
mod rm;
mod search;
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
        Command::Search(args) => search::run(app, args),
        Command::Review(review) => match &review.command {
            ReviewCommand::Draft(args) => review_draft::run(app, args),
            ReviewCommand::Check(args) => review_check::run(app, args),
        },
        Command::Stats(args) => stats::run(app, args),
        Command::Frameworks(args) => frameworks::run(app, args),
        Command::Templates(args) => templates::run(app, args),
        Command::Export(args) => export::run(app, args),
        Command::Import(args) => import::run(app, args),
        Command::Completions(args) => completions::run(app, args),
        Command::Man => man::run(app),
        Command::Demo(args) => demo::run(app, args),
    }
}
