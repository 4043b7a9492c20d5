//! `win templates`: the draft templates and phrase banks in effect.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::{TemplatesArgs, TemplatesCommand};
use crate::output::{self, paint, DIM};

pub fn run(app: &App, args: &TemplatesArgs) -> Result<()> {
    let templates = app.templates();
    if let Some(TemplatesCommand::Show { name }) = &args.command {
        let exact = crate::render::BUILTIN
            .iter()
            .any(|(builtin, _)| builtin == name);
        let file = if exact || name.contains('/') {
            templates.get(name)?
        } else {
            templates.draft(name)?
        };
        write!(output::stdout(), "{}", file.text)?;
        return Ok(());
    }
    let files = templates.list()?;
    if args.json {
        return output::print_json(&files);
    }
    let mut out = output::stdout();
    for file in &files {
        writeln!(out, "{:<36} {}", file.name, paint(DIM, &file.source))?;
    }
    if let Some(dir) = app.config_dir.as_ref().map(|d| d.join("templates")) {
        output::note(&format!(
            "override one by copying it to {}/<name> (win templates show NAME); a statements/glossary.toml or verbs.toml of yours adds to the built-in one",
            dir.display()
        ));
    }
    Ok(())
}
