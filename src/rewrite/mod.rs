//! `--rewrite`: each win's statement rewritten by the user's own model
//! (`[rewrite] command` in config.toml), fact-checked before it is used.
//!
//! For each win without the person's own statement: the facts the model
//! gets (the win's text, impact, next step, follow-ups, kind, role, stage
//! and metrics) are hashed with the command, the prompt template and the
//! length limit. A statement kept for that hash is used as it is, without
//! running anything. Otherwise the prompt (`templates/rewrite/prompt.txt`,
//! with the generated statement as a starting point) goes to the program,
//! its answer through `analyze::factcheck`, and an accepted answer is kept
//! in the journal under the new hash. A rewritten statement takes the
//! place of the generated one for this run only: the win itself is not
//! changed, and the person's own statement stands over both.
//!
//! The hash leaves out the generated statement: a kept answer was checked
//! against the win's facts, and stays good when the engine's wording
//! changes; an edit of the win (or of the command, template or limit)
//! makes it stale.

pub mod program;

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::analyze::factcheck;
use crate::cli::RewriteMode;
use crate::config::RewriteSettings;
use crate::domain::metric::Metric;
use crate::domain::win::{format_rfc3339, Kind, Role, Stage, Win};
use crate::render::{self, StatementEngine, TemplateFile, TemplateSet};
use crate::store::{KeptRewrite, Store};
use program::Program;

/// The prompt's template, under `templates/`.
pub const PROMPT_FILE: &str = "rewrite/prompt.txt";

/// How long one answer may take when `[rewrite] timeout` does not say.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest statement accepted when `--max-chars` does not say.
pub const DEFAULT_LIMIT: usize = 600;

/// Part of every hash: raised when the fact check grows stricter, so
/// answers kept under the old one are checked again.
const CHECK_VERSION: u32 = 1;

/// After this many failures of the program in a row (it hangs, or
/// crashes), the remaining wins keep their generated statements.
const FAILURES_IN_A_ROW: usize = 3;

/// The program, the prompt and the limit, ready for a period's wins.
pub struct Rewriter {
    program: Program,
    prompt: TemplateFile,
    fresh: bool,
    limit: usize,
    /// The hash of what every answer shares (command, template, limit).
    seed: Sha256,
}

/// What a run did, for the line that sums it up.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Answers the model wrote now that passed the check.
    pub rewritten: usize,
    /// Answers kept from an earlier run, used without asking.
    pub reused: usize,
    /// Answers refused by the check.
    pub refused: usize,
    /// Wins the program gave no answer for (it failed, or was stopped).
    pub failed: usize,
}

impl Outcome {
    /// "2 rewritten, 1 kept from before, 1 refused": the parts that happened.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            (self.rewritten, "rewritten by your model"),
            (self.reused, "kept from before"),
            (self.refused, "refused by the fact check"),
            (self.failed, "without an answer"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            "rewrite: no statement to rewrite (wins with your own statement keep it)".to_string()
        } else {
            format!(
                "rewrite: {}{}",
                parts.join(", "),
                if self.refused + self.failed > 0 {
                    " (their generated statements stand)"
                } else {
                    ""
                }
            )
        }
    }
}

/// What the model is told about a win (and what its hash is made of).
#[derive(Serialize)]
struct Facts<'a> {
    text: &'a str,
    impact: Option<&'a str>,
    next: Option<&'a str>,
    kind: Kind,
    role: Option<Role>,
    stage: Option<Stage>,
    /// Each as `win show` prints it: "p99 latency 240ms → 80ms (−66.7%)".
    metrics: Vec<String>,
    follow_ups: Vec<FollowUp<'a>>,
}

#[derive(Serialize)]
struct FollowUp<'a> {
    stage: Option<Stage>,
    text: Option<&'a str>,
    impact: Option<&'a str>,
    next: Option<&'a str>,
}

/// The prompt template's context.
#[derive(Serialize)]
struct Prompt<'a> {
    win: &'a Facts<'a>,
    statement: &'a str,
    max_chars: usize,
}

impl<'a> Facts<'a> {
    fn of(win: &'a Win) -> Facts<'a> {
        Facts {
            text: &win.text,
            impact: win.current_impact(),
            next: win.next.as_deref().filter(|n| !n.trim().is_empty()),
            kind: win.kind,
            role: win.role,
            stage: win.stage,
            metrics: win.metrics.iter().map(Metric::describe).collect(),
            follow_ups: win
                .updates
                .iter()
                .map(|u| FollowUp {
                    stage: u.stage,
                    text: u.text.as_deref(),
                    impact: u.impact.as_deref(),
                    next: u.next.as_deref(),
                })
                .collect(),
        }
    }
}

impl Rewriter {
    /// The rewriter `[rewrite]` describes. With no command configured the
    /// command stops here, before any work: a one-line error, exit 2.
    pub fn new(
        settings: &RewriteSettings,
        templates: &TemplateSet,
        mode: RewriteMode,
        max_chars: Option<usize>,
    ) -> Result<Rewriter> {
        let Some(command) = settings.command.as_deref() else {
            crate::output::note("win: --rewrite needs your model's command: add [rewrite] command = \"ollama run llama3.2\" (any program that reads a prompt on stdin and writes one statement) to config.toml");
            return Err(crate::error::Silent(2).into());
        };
        let timeout = match settings.timeout.as_deref() {
            Some(text) => program::parse_timeout(text)?,
            None => DEFAULT_TIMEOUT,
        };
        let program = Program::new(command, timeout, &settings.env)?;
        let prompt = templates.get(PROMPT_FILE)?;
        let limit = max_chars.unwrap_or(DEFAULT_LIMIT);
        let mut seed = Sha256::new();
        let shared = serde_json::json!({
            "check": CHECK_VERSION,
            "command": program.argv(),
            "template": prompt.text,
            "limit": limit,
        });
        seed.update(shared.to_string().as_bytes());
        Ok(Rewriter {
            program,
            prompt,
            fresh: mode == RewriteMode::Fresh,
            limit,
            seed,
        })
    }

    /// Rewrites the statements of `wins` in place (the person's own ones
    /// stay): kept answers first, the model for the rest. `say` is told
    /// each refusal and failure, as "#12: the answer says 35%, which the
    /// win does not".
    pub fn rewrite(
        &self,
        wins: &mut [Win],
        store: &mut Store,
        engine: &StatementEngine,
        now: DateTime<FixedOffset>,
        say: &mut dyn FnMut(String),
    ) -> Result<Outcome> {
        let kept = store.kept_rewrites()?;
        let mut outcome = Outcome::default();
        let mut failures_in_a_row = 0;
        let mut stopped = false;
        for win in wins.iter_mut() {
            if win
                .statement
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty())
            {
                continue;
            }
            let facts = Facts::of(win);
            let made_from = self.hash(&facts)?;
            if !self.fresh {
                if let Some(rewrite) = kept.get(&win.uid).filter(|k| k.made_from == made_from) {
                    win.statement = Some(rewrite.statement.clone());
                    outcome.reused += 1;
                    continue;
                }
            }
            if stopped {
                outcome.failed += 1;
                continue;
            }
            let generated = engine.statement(win);
            if generated.trim().is_empty() {
                continue;
            }
            let generated = engine.fit(win, generated, self.limit);
            let prompt = render::render(
                &self.prompt,
                &Prompt {
                    win: &facts,
                    statement: &generated,
                    max_chars: self.limit,
                },
            )?;
            let answer = match self.program.ask(&prompt) {
                Ok(answer) => answer,
                Err(failure) => {
                    outcome.failed += 1;
                    failures_in_a_row += 1;
                    let cannot_start = matches!(failure, program::Failure::Start(_));
                    say(format!("#{}: {failure}", win.id));
                    if cannot_start || failures_in_a_row >= FAILURES_IN_A_ROW {
                        stopped = true;
                        say(format!(
                            "the model is not asked about the other wins (it failed {}): their generated statements stand",
                            if cannot_start { "to start".to_string() } else { format!("{failures_in_a_row} times in a row") }
                        ));
                    }
                    continue;
                }
            };
            failures_in_a_row = 0;
            match factcheck::check(&answer, win, &generated, self.limit) {
                Ok(statement) => {
                    let rewrite = KeptRewrite {
                        made_from,
                        statement,
                    };
                    if let Err(err) = store.keep_rewrite(&win.uid, &rewrite, &format_rfc3339(&now))
                    {
                        say(format!(
                            "#{}: the answer is used but cannot be kept for the next draft: {err:#}",
                            win.id
                        ));
                    }
                    win.statement = Some(rewrite.statement);
                    outcome.rewritten += 1;
                }
                Err(refusal) => {
                    outcome.refused += 1;
                    say(format!("#{}: {refusal}", win.id));
                }
            }
        }
        Ok(outcome)
    }

    /// The hash of what an answer for this win is made from, in hex.
    fn hash(&self, facts: &Facts<'_>) -> Result<String> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hasher = self.seed.clone();
        hasher.update(serde_json::to_vec(facts)?);
        // By hand: `format!` for each byte was 7% of the instructions of a
        // draft whose answers are all kept.
        let mut hex = String::with_capacity(64);
        for byte in hasher.finalize() {
            hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
            hex.push(char::from(DIGITS[usize::from(byte & 0xf)]));
        }
        Ok(hex)
    }
}
