//! `win frameworks`: the competency frameworks and their competencies.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::FrameworksArgs;
use crate::output::{self, paint, BOLD, DIM};

pub fn run(app: &App, args: &FrameworksArgs) -> Result<()> {
    let catalog = app.catalog()?;
    let current = app.framework()?.name.clone();
    let frameworks = match &args.name {
        Some(name) => vec![catalog.get(name)?],
        None => catalog.all()?,
    };
    if args.json {
        return output::print_json(&frameworks);
    }
    let mut out = output::stdout();
    for framework in frameworks {
        let marker = if framework.name == current {
            " (in use)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}{marker} — {} {}",
            paint(BOLD, &framework.name),
            framework.title,
            paint(DIM, &format!("[{}]", framework.source))
        )?;
        for competency in &framework.competencies {
            let aliases = if competency.aliases.is_empty() {
                String::new()
            } else {
                format!(" (also: {})", competency.aliases.join(", "))
            };
            writeln!(
                out,
                "  {:<20} {}{}",
                competency.key,
                competency.title,
                paint(DIM, &aliases)
            )?;
            if args.name.is_some() {
                let lexicon = &competency.lexicon;
                writeln!(out, "  {:<20} {}", "", paint(DIM, &competency.description))?;
                writeln!(
                    out,
                    "  {:<20} {}",
                    "",
                    paint(
                        DIM,
                        &format!(
                            "lexicon: {} strong, {} common, {} weak terms",
                            lexicon.strong.len(),
                            lexicon.common.len(),
                            lexicon.weak.len()
                        )
                    )
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
