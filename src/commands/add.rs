//! `win add`: capture a win.

use std::io::{Read, Write};

use anyhow::{bail, Context, Result};

use crate::analyze::{learning_terms, Analyzer, Learned, UserFiles, INFER_THRESHOLD};
use crate::app::App;
use crate::capture::{editor_buffer, parse_editor_buffer};
use crate::cli::{AddArgs, WinFields};
use crate::domain::framework::Framework;
use crate::domain::limits;
use crate::domain::win::{CompetencySource, NewWin, Win};
use crate::output;
use crate::prompt;
use crate::store::{LearnedCounts, Store};

pub fn run(app: &App, args: &AddArgs) -> Result<()> {
    let mut fields: WinFields = args.fields.clone();
    let text = if args.edit {
        let buffer = editor_buffer("", fields.impact.as_deref(), fields.next.as_deref());
        let prompt::Edited::Saved(saved) = prompt::edit(&buffer)? else {
            bail!("the editor closed without a change: nothing was recorded");
        };
        let edited = parse_editor_buffer(&saved);
        fields.impact = edited.impact.or(fields.impact);
        fields.next = edited.next.or(fields.next);
        edited.text
    } else if args.text == ["-"] {
        // `-` is stdin, as for `win import -`: not a win whose text is "-".
        read_stdin()?
    } else if !args.text.is_empty() {
        args.text.join(" ")
    } else if app.stdin_is_terminal {
        let framework = app.framework()?;
        let files = app.analysis_files()?;
        // The picker's suggestion speaks the journal's dialect too.
        let journal = if app.db_path.exists() {
            Some(app.open_store()?)
        } else {
            None
        };
        let answers = prompt::ask_win(framework, |text, impact, next| {
            let learned = journal
                .as_ref()
                .and_then(|store| store.learned(&learning_terms(text, impact, next)).ok())
                .unwrap_or_default();
            guess(framework, &files, &learned, text, impact, next)
        })?;
        fields.impact = fields.impact.or(answers.impact);
        fields.next = fields.next.or(answers.next);
        fields.competencies.extend(answers.competency);
        fields.tags.extend(answers.tags);
        answers.text
    } else {
        read_stdin()?
    };
    if text.trim().is_empty() {
        bail!("nothing to record: the win's text is empty (give it as an argument, pipe it on stdin, or run `win add` on a terminal)");
    }
    // A dry run reads what an existing journal learned but creates none.
    let store = if !args.dry_run {
        Some(app.create_store()?)
    } else if app.db_path.exists() {
        Some(app.open_store()?)
    } else {
        None
    };
    let (win, analyzer) = prepare(app, &text, &fields, args.star, store.as_ref())?;

    if args.dry_run {
        let mut preview = win.preview();
        super::with_sentence(app, &mut preview)?;
        let findings = analyzer.rules()?.check_win(&preview, app.now);
        if args.json {
            let mut value = serde_json::to_value(&preview)?;
            value["findings"] = serde_json::to_value(&findings)?;
            return output::print_json(&value);
        }
        let mut out = output::stdout();
        writeln!(out, "{}", output::win_details(&preview, app.now))?;
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

    let mut store = match store {
        Some(store) => store,
        None => app.create_store()?,
    };
    let mut stored = store.insert(&win)?;
    if args.json {
        super::with_sentence(app, &mut stored)?;
    }
    output::print_saved(&stored, args.json);
    output::note(&recorded_line(&stored));
    Ok(())
}

/// A win as it would be stored, analysed, with the fields given (shared by
/// `win add` and `win mcp`, which then store it). Returns the analyser too,
/// which `--dry-run` reuses for the checker.
pub fn prepare(
    app: &App,
    text: &str,
    fields: &WinFields,
    starred: bool,
    store: Option<&Store>,
) -> Result<(NewWin, Analyzer)> {
    let text = text.trim();
    if text.is_empty() {
        bail!("nothing to record: the win's text is empty");
    }
    let mut win = NewWin::new(text.to_string(), app.now);
    win.starred = starred;
    let analyzer = super::apply_fields(
        app,
        &mut win,
        fields,
        store.map(|s| s as &dyn LearnedCounts),
    )?;
    Ok((win, analyzer))
}

/// "recorded #42 on 2026-11-21 · mlops (inferred from: p99, latency) · tags: scoring"
fn recorded_line(win: &Win) -> String {
    let mut parts = vec![format!(
        "recorded #{} on {}",
        win.id,
        crate::domain::dates::day(&win.occurred_at)
    )];
    match win.competency_source {
        CompetencySource::Inferred if win.competency_unsure => {
            let best: Vec<&str> = win
                .suggestions
                .iter()
                .take(2)
                .map(|s| s.key.as_str())
                .collect();
            parts.push(format!(
                "unsure: {}? (win edit {} -c NAME)",
                best.join(" or "),
                win.id
            ));
        }
        CompetencySource::Inferred => {
            let why = win.suggestions.first().map(|s| {
                s.matched
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let like = win
                .suggestions
                .first()
                .filter(|s| !s.like.is_empty())
                .map(|s| {
                    let ids: Vec<String> = s.like.iter().map(|id| format!("#{id}")).collect();
                    format!("; like {}", ids.join(", "))
                });
            parts.push(format!(
                "{} (inferred from: {}{}; change with: win edit {} -c NAME)",
                win.competencies.join(", "),
                why.unwrap_or_default(),
                like.unwrap_or_default(),
                win.id
            ));
        }
        CompetencySource::User => parts.push(win.competencies.join(", ")),
        CompetencySource::None => parts.push(format!(
            "no competency (add one with: win edit {} -c NAME)",
            win.id
        )),
    }
    if !win.tags.is_empty() {
        parts.push(format!("tags: {}", win.tags.join(", ")));
    }
    if !win.metrics.is_empty() {
        parts.push(output::count(win.metrics.len(), "metric"));
    }
    output::clean(&parts.join(" · "), false)
}

/// What "infer from the text" would choose, for the competency picker:
/// "mlops — MLOps and production systems, from: p99, latency"; when the
/// model is unsure, its two best as the picker lists them first:
/// "mlops — MLOps and production systems (55%, from: p99)".
fn guess(
    framework: &Framework,
    files: &UserFiles,
    learned: &Learned,
    text: &str,
    impact: Option<&str>,
    next: Option<&str>,
) -> Option<prompt::Guess> {
    // An analysis error (a broken user file) is reported by the capture
    // itself right after; the picker just shows no suggestion.
    let analyzer = Analyzer::for_text(framework, files, &[Some(text), impact, next]).ok()?;
    let ranked = analyzer.suggest_learned(text, impact, next, learned);
    let top = ranked.first().filter(|s| s.evidence >= INFER_THRESHOLD)?;
    let title = |key: &str| {
        framework
            .competencies
            .iter()
            .find(|c| c.key == key)
            .map_or(String::new(), |c| format!(" — {}", c.title))
    };
    let words = |s: &crate::analyze::Suggestion| -> String {
        let words: Vec<&str> = s.matched.iter().take(3).map(String::as_str).collect();
        words.join(", ")
    };
    let unsure = if analyzer.calibration().unsure(&ranked) {
        ranked
            .iter()
            .take(2)
            .map(|s| {
                let shown = format!(
                    "{}{} ({:.0}%, from: {})",
                    s.key,
                    title(&s.key),
                    s.score * 100.0,
                    words(s)
                );
                (s.key.clone(), shown)
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(prompt::Guess {
        label: format!("{}{}, from: {}", top.key, title(&top.key), words(top)),
        unsure,
    })
}

/// The win's text from a pipe; binary input is refused, not stored, and so
/// is more than a win may hold (read no further than that).
fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    let limit = limits::TEXT_BYTES as u64;
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .context("cannot read the win from stdin")?;
    if bytes.len() as u64 > limit {
        bail!(
            "stdin holds more than a win may ({}); nothing was recorded (keep the long part in a file and give it with --link)",
            limits::size(limit)
        );
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("stdin is not UTF-8 text; nothing was recorded (pipe text, or give the win as an argument)"))?;
    Ok(text)
}
