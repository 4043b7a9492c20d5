//! `win mcp`: serve the journal to coding agents; `win mcp config`: print
//! how to give one agent the server. Other programs' files are never edited.
//! The server (`server.rs`) sits beside the commands it runs, so it calls
//! them as a sibling rather than from a layer above.

mod params;
mod server;
mod transport;

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::app::{default_db_path, App};
use crate::cli::{McpArgs, McpClient, McpCommand};
use crate::output;
use crate::render;

pub fn run(app: &App, args: &McpArgs) -> Result<()> {
    match &args.command {
        None => server::serve(app),
        Some(McpCommand::Config { client }) => print_config(app, *client),
    }
}

/// What a client template sees.
#[derive(Serialize)]
struct Launch {
    /// This `win`, by its absolute path: agents start it without a shell.
    command: String,
    args: Vec<String>,
    /// The same, as one shell command line.
    command_line: String,
}

fn print_config(app: &App, client: McpClient) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the path of this win program")?;
    let command = exe.to_string_lossy().into_owned();
    let mut args = Vec::new();
    // A journal chosen by --db or WIN_DB is not where an agent's `win`
    // would look by itself: name it.
    // By its absolute path: the client starts the server in whatever
    // folder it is in, where a relative one would start a new journal.
    if default_db_path().as_ref() != Some(&app.db_path) {
        let db = std::path::absolute(&app.db_path).with_context(|| {
            format!("cannot tell where the journal {} is", app.db_path.display())
        })?;
        args.push("--db".to_string());
        args.push(db.to_string_lossy().into_owned());
    }
    args.push("mcp".to_string());
    let command_line = std::iter::once(&command)
        .chain(&args)
        .map(|word| shell_words::quote(word))
        .collect::<Vec<_>>()
        .join(" ");
    let launch = Launch {
        command,
        args,
        command_line,
    };
    let templates = app.templates();
    let template = templates.get(&format!("mcp/{}.txt", client.as_str()))?;
    let text = render::render(&template, &launch)?;
    // What people read about a JSON client's file goes to stderr: JSON
    // has no comments, and `> .cursor/mcp.json` must get the JSON alone.
    let note = format!("mcp/{}.note.txt", client.as_str());
    if render::BUILTIN.iter().any(|(name, _)| *name == note) {
        let note = render::render(&templates.get(&note)?, &launch)?;
        output::note(note.trim_end());
    }
    writeln!(output::stdout(), "{}", text.trim_end())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use shell_words::quote as shell_quote;

    /// The launch line is pasted into a shell: plain words stay bare.
    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("/usr/bin/win"), "/usr/bin/win");
        assert_eq!(
            shell_quote("/home/me/My Wins/w.db"),
            "'/home/me/My Wins/w.db'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
