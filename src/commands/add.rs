//! `win add`: capture a win.

use std::io::{Read, Write};

use anyhow::{bail, Context, Result};

use crate::analyze::Analyzer;
use crate::app::App;
use crate::capture::{self, editor_buffer, parse_editor_buffer};
use crate::cli::AddArgs;
use crate::domain::dates;
use crate::domain::win::{non_empty, normalize_tags, CompetencySource, Kind, NewWin, Win};
use crate::output;
use crate::prompt;

pub fn run(app: &App, args: &AddArgs) -> Result<()> {
    let framework = app.framework()?;
    let fields = &args.fields;
    let mut competency_names = fields.competencies.clone();
    let mut tags = fields.tags.clone();
    let (mut impact, mut next) = (fields.impact.clone(), fields.next.clone());

    let text = if args.edit {
        let edited = parse_editor_buffer(&prompt::edit(&editor_buffer(
            "",
            impact.as_deref(),
            next.as_deref(),
        ))?);
        impact = edited.impact.or(impact);
        next = edited.next.or(next);
        edited.text
    } else if !args.text.is_empty() {
        args.text.join(" ")
    } else if app.stdin_is_terminal {
        let answers = prompt::ask_win(framework)?;
        impact = impact.or(answers.impact);
        next = next.or(answers.next);
        competency_names.extend(answers.competency);
        tags.extend(answers.tags);
        answers.text
    } else {
        read_stdin()?
    };
    let text = text.trim().to_string();
    if text.is_empty() {
        bail!("nothing to record: the win's text is empty (give it as an argument, pipe it on stdin, or run `win add` on a terminal)");
    }

    let mut win = NewWin::new(text, app.now);
    if let Some(date) = &fields.date {
        win.occurred_at = dates::parse_occurred(date, app.now)?;
    }
    win.impact = non_empty(impact);
    win.next = non_empty(next);
    win.competencies = capture::resolve_competencies(framework, &competency_names)?;
    if !win.competencies.is_empty() {
        win.competency_source = CompetencySource::User;
    }
    win.tags = normalize_tags(&tags);
    win.project = non_empty(fields.project.clone());
    win.kind = fields.kind.unwrap_or(Kind::Other);
    win.role = fields.role;
    win.stage = fields.stage;
    win.links = fields
        .links
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    win.starred = args.star;
    let analyzer = Analyzer::for_text(
        framework,
        &[Some(&win.text), win.impact.as_deref(), win.next.as_deref()],
    )?;
    capture::enrich(&mut win, &analyzer);

    if args.dry_run {
        let findings = analyzer.rules()?.check_win(&win.preview(), app.now);
        if args.json {
            let mut value = serde_json::to_value(win.preview())?;
            value["findings"] = serde_json::to_value(&findings)?;
            return output::print_json(&value);
        }
        let mut out = output::stdout();
        writeln!(out, "{}", output::win_details(&win.preview(), app.now))?;
        for finding in findings {
            writeln!(
                out,
                "{} {}: {}",
                output::paint(output::WARN, "!"),
                finding.message,
                finding.suggestion
            )?;
        }
        output::note("dry run: nothing was stored");
        return Ok(());
    }

    let stored = app.open_store()?.insert(&win)?;
    if args.json {
        output::print_json(&stored)?;
    } else {
        writeln!(output::stdout(), "#{}", stored.id)?;
    }
    output::note(&recorded_line(&stored));
    Ok(())
}

/// "recorded #42 on 2026-11-21 · mlops (inferred from: p99, latency) · tags: scoring"
fn recorded_line(win: &Win) -> String {
    let mut parts = vec![format!("recorded #{} on {}", win.id, output::day(win))];
    match win.competency_source {
        CompetencySource::Inferred => {
            let why = win.suggestions.first().map(|s| {
                s.matched
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            parts.push(format!(
                "{} (inferred from: {}; set with -c)",
                win.competencies.join(", "),
                why.unwrap_or_default()
            ));
        }
        CompetencySource::User => parts.push(win.competencies.join(", ")),
        CompetencySource::None => {
            parts.push("no competency (add one with: win edit ID -c NAME)".to_string())
        }
    }
    if !win.tags.is_empty() {
        parts.push(format!("tags: {}", win.tags.join(", ")));
    }
    if !win.metrics.is_empty() {
        parts.push(format!(
            "{} metric{}",
            win.metrics.len(),
            if win.metrics.len() == 1 { "" } else { "s" }
        ));
    }
    output::clean(&parts.join(" · "), false)
}

/// The win's text from a pipe; binary input is refused, not stored.
fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("cannot read the win from stdin")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("stdin is not UTF-8 text; nothing was recorded (pipe text, or give the win as an argument)"))?;
    Ok(text)
}
