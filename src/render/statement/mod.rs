//! A win's statement: what I did (with an honest verb for my part), the
//! changes its metrics tell, the impact chain in the order the note gives
//! it, then what's next. One engine: the sentence stored with a win and the
//! draft's statement both come from here.
//!
//! Say less, say it right: a statement is built from a clause plan
//! (`compose`), its numbers only from the win's metrics (`marks`), its
//! grammar in `english`, its wording data in
//! `templates/statements/phrases.toml`. Understanding the note's words is
//! `analyze::note`. A part of the note that fits no slot is left out and
//! reported (`Assessment`), never glued on.

mod changes;
mod compose;
mod english;
mod marks;
mod wording;

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::analyze::note::Vocabulary;
use crate::domain::win::{Kind, Stage, Win};

use compose::Composer;
use english::{cut_keeping_numbers, join_words, numbers, with_article, PREPOSITIONS};

/// `templates/statements/phrases.toml`, turned into JSON by `build.rs`.
const PHRASES: &str = include_str!(concat!(env!("OUT_DIR"), "/phrases.json"));
/// The path of the phrase file under `templates/`.
pub const PHRASES_FILE: &str = "statements/phrases.toml";

/// A statement longer than this many words opens its impact as a sentence.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolePhrases {
    action: String,
    work: String,
    activity: String,
    launch: String,
    clause: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WayPhrases {
    base: String,
    action: String,
    gerund: String,
    clause: String,
    /// Nouns that already say this way ("variance reduction"): a label
    /// ending in one loses it, since the verb says it.
    #[serde(default)]
    nouns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinPhrases {
    artifacts: HashSet<String>,
    events: HashSet<String>,
    done_to: HashSet<String>,
    finding: Vec<String>,
    topic: String,
    worked_on: String,
    worth: String,
    worth_after: String,
    launched: String,
    served: String,
    next_action: String,
    migration: String,
    migration_role: String,
    ruled_out: String,
    scope_words: Vec<String>,
    goal: String,
    goal_openings: Vec<String>,
    direction_words: Vec<String>,
    comparatives: Vec<String>,
    results: Vec<String>,
    topics: Vec<String>,
    unnamed_time: String,
    unnamed_money: String,
    informal: Vec<String>,
    group_nouns: Vec<String>,
    none_left: String,
    impersonal: Vec<String>,
    particles: Vec<String>,
    /// Added after the file's first release: a user's own file without it
    /// still reads.
    #[serde(default)]
    needs_object: HashSet<String>,
    #[serde(default)]
    documents: HashSet<String>,
    #[serde(default = "wrote_default")]
    wrote: String,
    /// Verbs of work a note tells of a thing with no one doing it
    /// ("fraud model serving moved to triton"): I did it.
    #[serde(default)]
    done_by_me: HashSet<String>,
    /// What a rate with no label of its own measures ("47fps→112fps").
    #[serde(default = "unnamed_rate_default")]
    unnamed_rate: String,
}

fn unnamed_rate_default() -> String {
    String::from("the throughput")
}

fn wrote_default() -> String {
    String::from("I wrote {doc} on {np}")
}

/// The wording of statements.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    outcome: Vec<String>,
    stronger: HashMap<String, String>,
    role: HashMap<String, RolePhrases>,
    made: HashMap<String, String>,
    way: Ways,
    join: JoinPhrases,
}

/// The phrases of each way a change goes, one table each: a missing one is
/// an error when the file is read, so no statement can ask for a way that
/// is not there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ways {
    up: WayPhrases,
    down: WayPhrases,
    times: WayPhrases,
    value: WayPhrases,
}

/// Which of [`Ways`] a change is worded with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WayName {
    Up,
    Down,
    Times,
    Value,
}

impl Phrases {
    pub fn builtin() -> Result<Phrases> {
        let phrases: Phrases = serde_json::from_str(PHRASES)
            .context("invalid phrase file templates/statements/phrases.toml")?;
        phrases.validate("templates/statements/phrases.toml")?;
        Ok(phrases)
    }

    /// A user's phrase file, which replaces the built-in one.
    pub fn from_toml(text: &str, source: &str) -> Result<Phrases> {
        let phrases: Phrases =
            crate::domain::toml_file::parse(text, &format!("phrase file {source}"))?;
        phrases.validate(source)?;
        Ok(phrases)
    }

    fn validate(&self, source: &str) -> Result<()> {
        for role in ["led", "co-led", "contributed", "supported"] {
            if !self.role.contains_key(role) {
                anyhow::bail!("phrase file {source} has no [role.{role}] table");
            }
        }
        for kind in Kind::ALL {
            if !self.made.contains_key(kind.as_str()) {
                anyhow::bail!("phrase file {source}: [made] has no \"{kind}\"");
            }
        }
        Ok(())
    }

    fn way(&self, name: WayName) -> &WayPhrases {
        let ways = &self.way;
        match name {
            WayName::Up => &ways.up,
            WayName::Down => &ways.down,
            WayName::Times => &ways.times,
            WayName::Value => &ways.value,
        }
    }
}

/// Statements for wins: the vocabulary that reads notes and the phrases that word them.
pub struct StatementEngine {
    vocabulary: Vocabulary,
    phrases: Phrases,
}

/// Which parts of a win a statement may use; dropped one by one to fit a limit.
#[derive(Clone, Copy)]
struct Parts {
    next: bool,
    impact: bool,
}

const ALL_PARTS: Parts = Parts {
    next: true,
    impact: true,
};

/// What the engine could make of a win: its statement, and the parts of
/// the note that fit no slot of it (`win review check`'s `statement-unclear`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub statement: String,
    /// What the statement had to leave out, as spelled.
    pub left_out: Vec<String>,
    /// The note's opening could not be told as what I did.
    pub no_lead: bool,
}

impl Assessment {
    /// Whether the statement needs the person to finish it: it could not
    /// say what was done, or a part with a number in it was left out.
    pub fn is_unclear(&self) -> bool {
        !self.statement.is_empty()
            && (self.no_lead
                || self
                    .left_out
                    .iter()
                    .any(|part| part.chars().any(|c| c.is_ascii_digit())))
    }
}

impl StatementEngine {
    pub fn new(vocabulary: Vocabulary, phrases: Phrases) -> StatementEngine {
        StatementEngine {
            vocabulary,
            phrases,
        }
    }

    /// The built-in vocabulary and phrases.
    pub fn builtin() -> Result<StatementEngine> {
        Ok(StatementEngine::new(
            Vocabulary::builtin()?,
            Phrases::builtin()?,
        ))
    }

    /// The three-part statement of a win: the person's own statement when
    /// they wrote one; else the generated one, empty for a learning goal
    /// with no specifics, which belongs to `win review check`, not to the
    /// manager.
    pub fn statement(&self, win: &Win) -> String {
        if let Some(own) = own_statement(win) {
            return own.to_string();
        }
        self.compose(win, ALL_PARTS).statement
    }

    /// What I did, without the impact or what's next: the sentence stored
    /// with a win (`polished`), which `win show` and `add --dry-run` print.
    pub fn sentence(&self, win: &Win) -> String {
        self.compose(
            win,
            Parts {
                next: false,
                impact: false,
            },
        )
        .statement
    }

    /// The statement a draft uses and whether it needs the person: their
    /// own statement stands as it is; a generated one says what it left out.
    pub fn assess(&self, win: &Win) -> Assessment {
        match own_statement(win) {
            Some(own) => Assessment {
                statement: own.to_string(),
                left_out: Vec::new(),
                no_lead: false,
            },
            None => self.compose(win, ALL_PARTS),
        }
    }

    /// Shortens a statement to `limit` characters: drop what's next, then
    /// the impact; cut words last, never numbers.
    pub fn fit(&self, win: &Win, full: String, limit: usize) -> String {
        if full.chars().count() <= limit || own_statement(win).is_some() {
            return if full.chars().count() <= limit {
                full
            } else {
                cut_keeping_numbers(&full, limit)
            };
        }
        // A shorter version may leave out words, never a number: the impact's
        // "-40%" is not the pair's "240ms to 80ms".
        let wanted: Vec<String> = numbers(&full).into_iter().map(str::to_string).collect();
        let mut best = full;
        for parts in [
            Parts {
                next: false,
                impact: true,
            },
            Parts {
                next: false,
                impact: false,
            },
        ] {
            let candidate = self.compose(win, parts).statement;
            let keeps_numbers = {
                let kept = numbers(&candidate);
                wanted.iter().all(|n| kept.contains(&n.as_str()))
            };
            if keeps_numbers && candidate.chars().count() < best.chars().count() {
                best = candidate;
            }
            if best.chars().count() <= limit {
                return best;
            }
        }
        cut_keeping_numbers(&best, limit)
    }

    fn compose(&self, win: &Win, parts: Parts) -> Assessment {
        if win.kind == Kind::Learning && self.bare_goal(win) {
            return Assessment {
                statement: String::new(),
                left_out: Vec::new(),
                no_lead: false,
            };
        }
        let composed = Composer::new(self, win).compose(parts);
        Assessment {
            statement: composed.text,
            left_out: composed.left_out,
            no_lead: !composed.has_lead,
        }
    }

    /// A learning goal with nothing concrete in it: no number, no next step.
    fn bare_goal(&self, win: &Win) -> bool {
        let lower = win.text.trim().to_lowercase();
        let goal = self
            .phrases
            .join
            .goal_openings
            .iter()
            .any(|opening| opens_with_words(&lower, opening));
        let specific = win.next.as_deref().is_some_and(|n| !n.trim().is_empty())
            // A number, not a digit inside a name such as "k8s".
            || win
                .text
                .split_whitespace()
                .any(|w| w.trim_start_matches(['~', '$', '+']).starts_with(|c: char| c.is_ascii_digit()))
            || win.current_impact().is_some();
        goal && !specific
    }

    fn is_goal(&self, lower: &str) -> bool {
        self.phrases
            .join
            .goal_openings
            .iter()
            .any(|o| opens_with_words(lower, o) && o.contains(' '))
    }

    /// What I did, when the note names it without a verb.
    fn noun_lead(&self, win: &Win, words: &str, role: Option<&RolePhrases>) -> String {
        self.shaped_lead(words, role)
            .unwrap_or_else(|| self.thing_lead(win, words, role))
    }

    /// A lead the words' own shape gives: a participle last, a move from one
    /// thing to another, an activity noun. `None` for a plain thing.
    fn shaped_lead(&self, words: &str, role: Option<&RolePhrases>) -> Option<String> {
        let list: Vec<&str> = words.split(' ').collect();
        // "retrain pipeline fully automated": what I did, said last.
        if let Some((verb, np)) = list.split_last().filter(|(verb, np)| {
            np.len() >= 2
                && self.vocabulary.is_past_form(verb)
                && !self.phrases.join.done_to.contains(**verb)
        }) {
            let (adverb, np) = match np.split_last() {
                Some((adverb, rest)) if adverb.ends_with("ly") && !rest.is_empty() => {
                    (*adverb, rest)
                }
                _ => ("", np),
            };
            let np = with_article(&np.join(" "));
            return Some(match role {
                Some(role) => role.work.replace("{np}", &np),
                None => join_words(&["I", adverb, verb, &np]),
            });
        }
        // "from Postgres to BigQuery for the marts": a migration.
        if list.first() == Some(&"from") {
            if let Some(to) = list.iter().position(|w| *w == "to") {
                let end = (to + 2).min(list.len());
                let (moved, rest) = (list[..end].join(" "), &list[end..]);
                // "from TF1 to PyTorch port of the speech model" → "ported the speech model from TF1 to PyTorch".
                if let (Some(noun), Some(of)) = (rest.first(), rest.get(1)) {
                    if let Some(activity) = self.vocabulary.activity(noun) {
                        if matches!(*of, "of" | "for") && role.is_none() {
                            return Some(join_words(&[
                                "I",
                                &activity.verb,
                                &rest[2..].join(" "),
                                &moved,
                            ]));
                        }
                    }
                }
                if rest.first() == Some(&"for") && role.is_none() {
                    let object = rest[1..].join(" ");
                    let np = join_words(&[&object, &moved]);
                    return Some(join_words(&[
                        "I",
                        &self.phrases.join.migration.replace("{np}", &np),
                    ]));
                }
                return Some(match role {
                    Some(role) => role.activity.replace(
                        "{np}",
                        &self.phrases.join.migration_role.replace("{np}", words),
                    ),
                    None => join_words(&["I", &self.phrases.join.migration.replace("{np}", words)]),
                });
            }
        }
        let head_end = list
            .iter()
            .position(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
            .unwrap_or(list.len());
        // "A/B test of …": the activity is the last word of a spelled-out name.
        let head = if head_end > 0 {
            list[head_end - 1].rsplit(' ').next().unwrap_or("")
        } else {
            ""
        };
        // "feature store audit", "holdout test of the loyalty emails".
        if head_end >= 2 {
            if let Some(activity) = self.vocabulary.activity(head) {
                let before = list[..head_end - 1].join(" ");
                let after = list[head_end..].join(" ");
                return Some(match role {
                    Some(role) => role.activity.replace("{np}", &with_article(words)),
                    None => match &activity.whole {
                        Some(whole) if !after.is_empty() => {
                            join_words(&["I", whole, &with_article(words)])
                        }
                        _ => join_words(&["I", &activity.verb, &with_article(&before), &after]),
                    },
                });
            }
        }
        // "migration to feast", "proposal for a shared service": the activity opens it.
        if head_end == 1 {
            if let Some(activity) = self.vocabulary.activity(head) {
                let mut rest = &list[1..];
                if rest.first().is_some_and(|w| matches!(*w, "for" | "of")) {
                    rest = &rest[1..];
                } else if let (Some(whole), None) = (&activity.whole, role) {
                    // "talk at the ML summit": the whole activity, as it is.
                    return Some(join_words(&["I", whole, &with_article(words)]));
                }
                return Some(match role {
                    Some(role) => role.activity.replace("{np}", &with_article(words)),
                    None => join_words(&["I", &activity.verb, &rest.join(" ")]),
                });
            }
        }
        // "retrain cadence from monthly to weekly": a move.
        // "nightly retrains to spot gpus": the work itself went there.
        let went = list
            .iter()
            .position(|w| *w == "to")
            .is_some_and(|to| to > 0 && self.vocabulary.is_work_noun(&list[to - 1].to_lowercase()));
        if let Some(from) = list.iter().position(|w| *w == "from").or(went.then_some(0)) {
            if (from > 0 || went) && list[from..].contains(&"to") && role.is_none() {
                return Some(join_words(&[
                    "I",
                    &self
                        .phrases
                        .join
                        .migration
                        .replace("{np}", &with_article(words)),
                ]));
            }
        }
        None
    }

    /// "I shipped the churn model", "I worked on the on-call week": a plain
    /// thing, with the kind's verb when it fits.
    fn thing_lead(&self, win: &Win, words: &str, role: Option<&RolePhrases>) -> String {
        // Work at stage shipped or later was launched, whatever its kind says.
        let deployed = win.stage.is_some_and(Stage::is_deployed)
            && matches!(win.kind, Kind::Shipped | Kind::Other);
        let np = with_article(words);
        // "pricing guardrails memo for exec staff": a document is written.
        let head = words.split(" for ").next().unwrap_or(words).to_lowercase();
        let document = self
            .phrases
            .join
            .documents
            .iter()
            .any(|doc| head == *doc || head.ends_with(&format!(" {doc}")));
        match role {
            None if document => join_words(&["I wrote", &np]),
            Some(role) if deployed => role.launch.replace("{np}", &np),
            Some(role) => role.work.replace("{np}", &np),
            None if !self.fits_made(win, words) => self.phrases.join.worked_on.replace("{np}", &np),
            None => join_words(&["I", self.made(win), &np]),
        }
    }

    /// The verb for a thing a note names without one, by the win's kind.
    fn made(&self, win: &Win) -> &str {
        let deployed = win.stage.is_some_and(Stage::is_deployed)
            && matches!(win.kind, Kind::Shipped | Kind::Other);
        let key = if deployed {
            "deployed"
        } else {
            win.kind.as_str()
        };
        self.phrases
            .made
            .get(key)
            .map_or("delivered", String::as_str)
    }

    /// Whether the verb of [`Self::made`] fits the thing a note names: one
    /// ships a model or a pipeline, not a readout or an on-call week; one
    /// tests a treatment, not a test.
    fn fits_made(&self, win: &Win, words: &str) -> bool {
        // "checks (great expectations) on 14 tables": the head is "checks".
        let list: Vec<&str> = words
            .split(" (")
            .next()
            .unwrap_or(words)
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect();
        let head_end = list
            .iter()
            .position(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
            .unwrap_or(list.len());
        // "the retrieval eval set v2": the version names, the noun is the head.
        let version = |w: &&&str| {
            let w = w.to_lowercase();
            w.len() > 1
                && w.starts_with('v')
                && w[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
        };
        let Some(head) = list[..head_end]
            .iter()
            .rev()
            .find(|w| !version(w))
            .map(|w| w.to_lowercase())
        else {
            return false;
        };
        let join = &self.phrases.join;
        match win.kind {
            Kind::Leadership | Kind::Learning => true,
            Kind::Experiment | Kind::NegativeResult => !join.events.contains(&head),
            Kind::Shipped | Kind::Other => join.artifacts.contains(&head),
        }
    }
}

/// Whether a text opens with these whole words: "learn" opens "learn
/// rust", not "learned triton".
fn opens_with_words(text: &str, words: &str) -> bool {
    text.strip_prefix(words)
        .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
}

/// The person's own statement, when they wrote one (`win edit ID --statement`).
fn own_statement(win: &Win) -> Option<&str> {
    win.statement
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The impact and every later outcome, oldest first, each once.
fn outcomes(win: &Win) -> Vec<&str> {
    // Compared squashed, through a set: comparing each with every other
    // took a win with 20,000 follow-ups 33 s per statement.
    let squash = |t: &str| t.trim().trim_end_matches('.').to_lowercase();
    let later: Vec<&str> = win
        .updates
        .iter()
        .flat_map(|u| [u.text.as_deref(), u.impact.as_deref()])
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    if let Some(impact) = win.current_impact() {
        let squashed = squash(impact);
        if !later.iter().any(|l| squash(l) == squashed) {
            seen.insert(squashed);
            out.push(impact);
        }
    }
    for field in later {
        if seen.insert(squash(field)) {
            out.push(field);
        }
    }
    // A statement is a few sentences: past MAX_OUTCOMES it tells the first
    // outcome and the latest ones (the chain of a win with thousands of
    // follow-ups would be a book, and quadratic to build).
    if out.len() > MAX_OUTCOMES {
        out.drain(1..=out.len() - MAX_OUTCOMES);
    }
    out
}

/// The most outcomes one statement chains (see `outcomes`).
const MAX_OUTCOMES: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Analyzer, UserFiles};
    use crate::domain::framework::Catalog;
    use crate::domain::win::{NewWin, Role, Stage, Update};
    use chrono::DateTime;
    use proptest::prelude::*;

    thread_local! {
        static ANALYZER: Analyzer = {
            let catalog = Catalog::builtin();
            Analyzer::new(catalog.get("ml-engineer").unwrap(), &UserFiles::default()).unwrap()
        };
        static ENGINE: StatementEngine = StatementEngine::builtin().unwrap();
    }

    /// A win as `win add` captures it: its metrics read by the analyser.
    fn win(text: &str, impact: Option<&str>, next: Option<&str>) -> Win {
        let now = DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z").unwrap();
        let mut win = NewWin::new(text.into(), now);
        win.impact = impact.map(str::to_string);
        win.next = next.map(str::to_string);
        win.kind = Kind::Shipped;
        ANALYZER.with(|analyzer| crate::capture::measure(&mut win, analyzer));
        win.into_win(1)
    }

    fn statement(win: &Win) -> String {
        ENGINE.with(|engine| engine.statement(win))
    }

    #[test]
    fn the_built_in_json_says_what_phrases_toml_says() {
        let toml: toml::Value =
            toml::from_str(include_str!("../../../templates/statements/phrases.toml")).unwrap();
        let json: toml::Value = serde_json::from_str(PHRASES).unwrap();
        assert_eq!(toml, json);
    }

    #[test]
    fn a_change_is_told_the_way_its_metric_moved_in_its_own_units() {
        let told = statement(&win("train time 5m -> 90s", None, None));
        assert!(told.contains("from 5 minutes to 90 seconds"), "{told}");
        assert!(!told.contains("5M"), "{told}");
        assert!(told.starts_with("I cut"), "{told}");

        let told = statement(&win("p99 latency 500us -> 2ms", None, None));
        assert!(told.contains("from 500 µs to 2 ms"), "{told}");
        assert!(
            !told.to_lowercase().contains("cut"),
            "a latency that rose: {told}"
        );
        assert!(told.contains("rose"), "{told}");

        let told = statement(&win("gpu bill $30K -> $18K a month", None, None));
        assert!(told.contains("from $30K to $18K"), "{told}");
        assert!(told.starts_with("I cut the GPU bill"), "{told}");

        let told = statement(&win("recall@50 0.62 -> 0.71", None, None));
        assert_eq!(told, "I raised recall@50 from 0.62 to 0.71.");

        let told = statement(&win(
            "dbt feature pipeline - killed redundant joins, went incremental. feat compute 6h→45m",
            None,
            None,
        ));
        assert!(told.contains("from 6 hours to 45 minutes"), "{told}");
        assert!(!told.contains("45M"), "{told}");
    }

    #[test]
    fn a_verb_first_note_becomes_first_person_past_tense() {
        assert_eq!(
            statement(&win("cut gpu bill 28% w/ int8 quant", None, None)),
            "I cut the GPU bill by 28% with int8 quantization."
        );
    }

    #[test]
    fn roles_word_claimed_outcomes_honestly() {
        let mut w = win("cut p99 latency from 240ms to 80ms", None, None);
        w.role = Some(Role::Contributed);
        assert_eq!(
            statement(&w),
            "I contributed to the effort to cut p99 latency from 240 ms to 80 ms."
        );
        let mut w = win("p99 latency 240ms -> 80ms", None, None);
        w.role = Some(Role::Supported);
        let told = statement(&w);
        assert!(told.starts_with("I supported the effort to cut"), "{told}");
        let mut w = win("mentored 2 new grads", None, None);
        w.role = Some(Role::Led);
        assert_eq!(statement(&w), "I mentored 2 new grads.");
    }

    #[test]
    fn a_fragment_that_fits_no_slot_is_left_out_and_reported() {
        let w = win(
            "shipped the churn model, subgroup perf, failure modes",
            None,
            None,
        );
        let assessment = ENGINE.with(|engine| engine.assess(&w));
        assert_eq!(assessment.statement, "I shipped the churn model.");
        assert!(!assessment.left_out.is_empty());
        // Nothing with a number was lost, and the note had a lead: clear enough.
        assert!(!assessment.is_unclear());

        let w = win(
            "shipped churn model, 3 of 4 regions, hit p95 sla",
            None,
            None,
        );
        let assessment = ENGINE.with(|engine| engine.assess(&w));
        assert!(
            !assessment.statement.contains(", hit"),
            "{}",
            assessment.statement
        );
    }

    #[test]
    fn next_is_said_only_from_a_verb_phrase() {
        let told = statement(&win(
            "shipped the ranker",
            None,
            Some("run the online A/B test next quarter"),
        ));
        assert!(
            told.ends_with("Next, I will run the online A/B test next quarter."),
            "{told}"
        );
        let told = statement(&win(
            "shipped the ranker",
            None,
            Some("can take models from train to production"),
        ));
        assert!(!told.contains("Next"), "{told}");
    }

    #[test]
    fn the_persons_own_statement_stands_over_the_generated_one() {
        let mut w = win("cut gpu bill 28%", None, None);
        w.statement = Some("I halved our GPU spend.".into());
        assert_eq!(statement(&w), "I halved our GPU spend.");
        assert!(!ENGINE.with(|engine| engine.assess(&w)).is_unclear());
        // The sentence `win show` prints is still the engine's own.
        assert_eq!(
            ENGINE.with(|engine| engine.sentence(&w)),
            "I cut the GPU bill by 28%."
        );
    }

    #[test]
    fn a_thing_the_kind_verb_does_not_fit_opens_for_before_its_change() {
        let w = win(
            "payments anomaly det: alerts ~120/day → ~15/day",
            None,
            None,
        );
        let told = statement(&w);
        assert!(
            told.starts_with("I built the payments anomaly detector, cutting alerts"),
            "{told}"
        );
        let w = win("pricing test readout: conv 3.1% -> 3.4%", None, None);
        let told = statement(&w);
        assert!(told.starts_with("For the pricing test readout, "), "{told}");
        assert!(!told.contains("shipped the pricing test readout"), "{told}");
        let w = win("on-call week", None, None);
        assert_eq!(statement(&w), "I worked on the on-call week.");
    }

    #[test]
    fn a_test_finds_a_change_and_does_not_make_it() {
        let mut w = win(
            "tried int8 quant on the intent model, acc 91.2 -> 87.0",
            None,
            None,
        );
        w.kind = Kind::Experiment;
        let told = statement(&w);
        assert!(
            told.contains(", and accuracy fell from 91.2 to 87"),
            "{told}"
        );
        assert!(!told.contains("cutting"), "{told}");
    }

    #[test]
    fn what_others_did_to_the_work_is_not_mine() {
        let w = win(
            "ran the ablations for the ranking paper, accepted at KDD",
            None,
            None,
        );
        let told = statement(&w);
        assert!(told.contains("It was accepted at KDD."), "{told}");
        let w = win("retrain pipeline fully automated", None, None);
        assert_eq!(statement(&w), "I fully automated the retrain pipeline.");
    }

    #[test]
    fn bare_things_take_their_article_and_names_their_capital() {
        let w = win(
            "filed a bug with tokenizer team, paired w/ priya on dana's fix",
            None,
            None,
        );
        let told = statement(&w);
        assert!(told.contains("with the tokenizer team"), "{told}");
        assert!(told.contains("Priya") && told.contains("Dana's"), "{told}");
        let w = win(
            "moved the job from kickoff to launch in 10 weeks",
            None,
            None,
        );
        assert!(!statement(&w).contains("to the launch"));
    }

    #[test]
    fn a_verb_that_needs_an_object_gets_it() {
        let told = statement(&win(
            "onnx export slower, p50 38ms -> 51ms. reverted",
            None,
            None,
        ));
        assert!(told.ends_with("I reverted it."), "{told}");
        let told = statement(&win(
            "moved scoring onto triton",
            Some("let us drop 4 GPU nodes"),
            None,
        ));
        assert!(told.contains("This let us drop"), "{told}");
    }

    #[test]
    fn a_document_label_is_what_i_wrote() {
        let w = win(
            "RFC: unified feature store across risk + marketing. approved after 2 review rounds",
            None,
            None,
        );
        let told = statement(&w);
        assert!(told.starts_with("I wrote an RFC on "), "{told}");
        assert!(
            told.contains("It was approved after 2 review rounds."),
            "{told}"
        );
    }

    #[test]
    fn a_factor_compares_without_naming_the_comparison() {
        let w = win(
            "finetuned distilbert for routing, 3x faster than the bert-large one",
            None,
            None,
        );
        let told = statement(&w);
        assert!(told.contains("3× faster than the"), "{told}");
        assert!(!told.contains("the faster"), "{told}");
    }

    #[test]
    fn a_person_after_a_gerund_is_its_object() {
        let told = statement(&win("mentoring sam on exp design", None, None));
        assert!(
            told.starts_with("I mentored Sam on experiment design"),
            "{told}"
        );
        let told = statement(&win(
            "talk @ internal ML summit on drift monitoring",
            None,
            None,
        ));
        assert!(
            told.starts_with("I gave a talk at") || told.starts_with("I gave the talk at"),
            "{told}"
        );
    }

    #[test]
    fn ratios_and_dates_stay_as_written() {
        let told = statement(&win("found SRM in autoplay test (52/48 split)", None, None));
        assert!(told.contains("52/48 split"), "{told}");
        let told = statement(&win(
            "onboarded 2 new hires with 30/60/90 plans",
            None,
            None,
        ));
        assert!(told.contains("30/60/90 plans"), "{told}");
    }

    #[test]
    fn a_thing_moved_with_no_one_moving_it_was_moved_by_me() {
        let told = statement(&win(
            "fraud model serving moved to triton. p99 180ms→42ms",
            None,
            None,
        ));
        assert!(
            told.starts_with("I moved the fraud model serving to Triton, cutting p99"),
            "{told}"
        );
        // A person, or a change, is not something I moved.
        let told = statement(&win("priya moved to the infra team", None, None));
        assert!(!told.starts_with("I moved"), "{told}");
        let mut helped = win("shelf detector retrained w/ 18k new imgs", None, None);
        helped.role = Some(Role::Supported);
        assert!(!statement(&helped).starts_with("I retrained"));
    }

    #[test]
    fn a_short_label_then_what_was_tested_opens_with_for() {
        let mut tested = win(
            "demand fcst: lightgbm global model instead of per-sku arima",
            None,
            None,
        );
        tested.kind = Kind::Experiment;
        let told = statement(&tested);
        assert!(
            told.starts_with("For the demand forecast, I tested LightGBM global model"),
            "{told}"
        );
    }

    #[test]
    fn money_saved_is_what_the_work_saved() {
        let told = statement(&win(
            "prompt caching on the reply endpoint",
            Some("~$18k/mo saved on llm bill"),
            None,
        ));
        assert!(told.contains("This saved about $18K a month on"), "{told}");
        let told = statement(&win("edge model on jetson", Some("~$90k hw saved"), None));
        assert!(told.contains("This saved about $90K in hardware"), "{told}");
    }

    #[test]
    fn a_noun_compound_that_changed_is_not_a_verb() {
        let told = statement(&win(
            "summarizer used by 62% of agents",
            Some("handle time -9% in ramped workspaces"),
            None,
        ));
        assert!(told.contains("handle time by 9%"), "{told}");
        assert!(!told.contains("I handled"), "{told}");
    }

    #[test]
    fn words_and_units_of_the_field_read_right() {
        // A rate unit is the throughput, and frames are not false positives.
        let told = statement(&win("edge model on jetson: 47fps→112fps", None, None));
        assert!(told.contains("throughput from 47 FPS to 112 FPS"), "{told}");
        // Less than a cent keeps its digits; a face is dropped; words counted after a number.
        let told = statement(&win(
            "llm item descriptions ~$0.002/item, freed 2 eng :(",
            None,
            None,
        ));
        assert!(told.contains("$0.002"), "{told}");
        assert!(told.contains("2 engineers"), "{told}");
        assert!(!told.contains(":("), "{told}");
        // "from the" before a count stays.
        let told = statement(&win(
            "retrained w/ 18k imgs from the 3 new store formats",
            None,
            None,
        ));
        assert!(told.contains("from the 3 new store formats"), "{told}");
    }

    #[test]
    fn a_plan_opens_with_its_verb_even_a_noun_like_one() {
        let told = statement(&win(
            "false decline project",
            None,
            Some("present @ CFO staff mtg"),
        ));
        assert!(told.contains("Next, I will present at"), "{told}");
    }

    #[test]
    fn a_learning_done_is_not_a_goal() {
        let mut w = win("learned triton, wrote an internal how-to", None, None);
        w.kind = Kind::Learning;
        let told = statement(&w);
        assert!(told.starts_with("I learned Triton"), "{told}");
    }

    #[test]
    fn a_bare_learning_goal_stays_out_of_the_document() {
        let mut w = win("want to learn causal inference", None, None);
        w.kind = Kind::Learning;
        assert_eq!(statement(&w), "");
        w.next = Some("take the causal inference course in Q1".into());
        let told = statement(&w);
        assert!(told.contains("Next, I will take"), "{told}");
        assert!(!told.contains("I want to learn"), "{told}");
    }

    #[test]
    fn a_negative_result_claims_nothing_the_note_did_not_say() {
        let mut w = win(
            "graph features for churn, no lift (auc 0.812 vs 0.810)",
            None,
            None,
        );
        w.kind = Kind::NegativeResult;
        let told = statement(&w);
        assert!(!told.contains("ruled out"), "{told}");
        assert!(told.contains("0.812") && told.contains("0.810"), "{told}");
    }

    #[test]
    fn later_outcomes_join_the_impact_chain() {
        let mut w = win("shipped the new eta model to 10% of traffic", None, None);
        let at = w.occurred_at;
        w.updates.push(Update {
            at,
            stage: Some(Stage::Measured),
            text: None,
            impact: Some("eta error -21%, late-delivery complaints -9%".into()),
            next: None,
        });
        ANALYZER.with(|analyzer| crate::capture::measure(&mut w, analyzer));
        let told = statement(&w);
        assert!(
            told.starts_with("I shipped the new ETA model to 10% of traffic."),
            "{told}"
        );
        assert!(told.contains("21%") && told.contains("9%"), "{told}");
    }

    #[test]
    fn a_polished_note_stays_as_written() {
        let text = "Reduced false positives in the fraud model by 30% through threshold calibration, saving the review team about 40 hours a week.";
        assert_eq!(
            statement(&win(text, None, None)),
            "I reduced false positives in the fraud model by 30% through threshold calibration, saving the review team about 40 hours a week."
        );
    }

    #[test]
    fn the_same_note_always_gives_the_same_sentence() {
        let w = win(
            "ranker v4 w/ 2-stage retrieval, recall@50 0.62 -> 0.71",
            Some("search ctr +3.4%"),
            None,
        );
        let first = statement(&w);
        for _ in 0..20 {
            assert_eq!(statement(&w), first);
        }
    }

    #[test]
    fn fitting_keeps_numbers() {
        let w = win(
            "cut p99 latency from 240ms to 80ms",
            Some("checkout timeouts -40%"),
            Some("roll out to the EU"),
        );
        let short = ENGINE.with(|engine| engine.fit(&w, engine.statement(&w), 50));
        assert!(
            short.contains("240 ms") && short.contains("80 ms"),
            "{short}"
        );
    }

    proptest! {
        /// For any before → after, the verb says the way the metric moved.
        #[test]
        fn the_verb_agrees_with_the_direction(
            before in 1u32..5000,
            after in 1u32..5000,
            unit in prop::sample::select(vec!["ms", "%", "h", "min", ""]),
            label in prop::sample::select(vec!["p99 latency", "recall", "training time", "gpu bill", "throughput"]),
        ) {
            prop_assume!(before != after);
            let text = format!("{label} {before}{unit} -> {after}{unit}");
            let w = win(&text, None, None);
            let metric = w.metrics.first().cloned();
            let told = statement(&w).to_lowercase();
            if let Some(metric) = metric.filter(|m| m.before.is_some() && m.after.is_some()) {
                let down = metric.after < metric.before;
                let says_down = ["cut ", "fell ", "cutting "].iter().any(|v| told.contains(v));
                let says_up = ["raised ", "rose ", "raising "].iter().any(|v| told.contains(v));
                prop_assert!(says_down == down && says_up != down, "{text} → {told}");
            }
        }
    }

    #[test]
    fn two_amounts_set_side_by_side_are_not_a_change() {
        let told = statement(&win(
            "depth net for shiny objects: grasp success 71% vs 73% for hole filling",
            None,
            None,
        ));
        assert!(told.contains("71% against 73%"), "{told}");
        assert!(
            !told.contains("fell") && !told.contains("from 73%"),
            "{told}"
        );
    }

    #[test]
    fn an_amount_before_a_comparative_is_not_a_change() {
        let told = statement(&win(
            "uncertainty sampling for the labeling queue; same accuracy w/ 40% fewer labels",
            None,
            None,
        ));
        assert!(!told.contains("by 40%"), "{told}");
        assert!(!told.contains("cutting the same"), "{told}");
    }

    #[test]
    fn a_negated_verb_without_a_subject_is_said_of_the_work() {
        let told = statement(&win(
            "tried depth completion net - didnt beat classical hole filling",
            None,
            None,
        ));
        assert!(told.contains("It didn't beat"), "{told}");
    }

    #[test]
    fn what_came_of_the_work_after_an_arrow_is_not_where_it_moved() {
        let told = statement(&win(
            "popularity debias loss (ips weighting) -> no lift online",
            None,
            None,
        ));
        assert!(!told.contains("moved"), "{told}");
        assert!(!told.contains(" to no lift"), "{told}");
    }

    #[test]
    fn to_before_a_verb_is_an_infinitive_without_an_article() {
        let w = win(
            "set up interleaving for ranking",
            None,
            Some("pitch to search team to use same framework"),
        );
        let told = ENGINE.with(|engine| engine.compose(&w, ALL_PARTS).statement);
        assert!(told.contains("to use"), "{told}");
        assert!(!told.contains("the use"), "{told}");
    }

    #[test]
    fn a_verb_alone_in_an_outcome_is_not_told_as_mine() {
        let w = win(
            "shipped two-tower retrieval for home feed",
            Some("ctr +3.2%, held 2wks"),
            None,
        );
        let told = ENGINE.with(|engine| engine.compose(&w, ALL_PARTS).statement);
        assert!(!told.contains("I held"), "{told}");
        assert!(told.contains("3.2%"), "{told}");
    }

    #[test]
    fn a_signed_value_in_parentheses_is_the_value() {
        let told = statement(&win(
            "measured elasticity ~-0.4, lower than the plan assumed (-1.2)",
            None,
            None,
        ));
        assert!(told.contains("(-1.2)"), "{told}");
        assert!(
            !told.contains("down 1.2") && !told.contains("by 1.2"),
            "{told}"
        );
    }

    #[test]
    fn what_others_did_to_the_work_is_said_so() {
        for (note, told_as) in [
            ("sr MLE offer accepted", "offer was accepted"),
            ("paper accepted at neurips", "paper was accepted at"),
        ] {
            let told = statement(&win(note, None, None));
            assert!(told.contains(told_as), "{note} → {told}");
            assert!(!told.contains("worked on"), "{note} → {told}");
        }
    }

    #[test]
    fn work_sent_somewhere_by_an_arrow_moved_there() {
        let told = statement(&win("nightly retrains -> spot gpus", None, None));
        assert!(
            told.starts_with("I moved nightly retrains to spot"),
            "{told}"
        );
        let told = statement(&win(
            "unit tests for preprocessing (dicom->png)",
            None,
            None,
        ));
        assert!(told.contains("(dicom to png)"), "{told}");
    }

    #[test]
    fn time_before_instead_is_an_amount_not_a_compound() {
        let w = win(
            "mentored two new hires through their first launch",
            Some("both shipped within 6 weeks instead of the usual 12"),
            None,
        );
        let told = ENGINE.with(|engine| engine.compose(&w, ALL_PARTS).statement);
        assert!(told.contains("6 weeks instead of"), "{told}");
    }

    #[test]
    fn a_verb_and_its_counted_object_in_an_outcome_is_kept() {
        let w = win(
            "presented the fraud roadmap to the vp",
            Some("secured 2 extra engineers for the chargeback project"),
            None,
        );
        let told = ENGINE.with(|engine| engine.compose(&w, ALL_PARTS).statement);
        assert!(told.contains("2 extra engineers"), "{told}");
    }

    #[test]
    fn a_later_part_gets_the_article_its_object_needs() {
        let told = statement(&win(
            "cleaned up the model registry; wrote retention policy",
            None,
            None,
        ));
        assert!(told.contains("wrote the retention policy"), "{told}");
        let told = statement(&win(
            "pricing guardrails memo for exec staff - adopted as policy",
            None,
            None,
        ));
        assert!(!told.contains("the as"), "{told}");
    }

    #[test]
    fn a_document_named_bare_was_written() {
        let told = statement(&win("pricing guardrails memo for exec staff", None, None));
        assert!(
            told.starts_with("I wrote the pricing guardrails memo"),
            "{told}"
        );
    }

    #[test]
    fn what_i_did_to_a_thing_says_it_instead_of_worked_on() {
        let told = statement(&win(
            "competitor price scrape: stale rows feeding the model. added freshness check",
            None,
            None,
        ));
        assert!(
            told.starts_with("For the competitor price scrape, I added"),
            "{told}"
        );
        // "it" points back at the thing: the thing stays named first.
        let told = statement(&win("churnscope importance drift. dropped it", None, None));
        assert!(!told.starts_with("For "), "{told}");
    }

    #[test]
    fn a_later_sentence_without_a_verb_is_left_out() {
        let told = statement(&win(
            "mixgen: explicit not-interested taps as negatives. dislikes in top20 -38%",
            None,
            None,
        ));
        assert!(told.contains("38%"), "{told}");
        assert!(!told.contains("Explicit"), "{told}");
    }

    #[test]
    fn who_it_was_done_with_is_not_what_was_done() {
        let told = statement(&win(
            "w/ tomas: tapedeck online store redis->dragonfly for playlist feats",
            None,
            None,
        ));
        assert!(!told.contains("of the with"), "{told}");
        assert!(told.contains("from Redis to"), "{told}");
    }

    #[test]
    fn so_many_times_fewer_is_said_in_times() {
        let told = statement(&win(
            "icd-10 hierarchy embeddings: +0.015 pr-auc w/ 40x fewer cols",
            None,
            None,
        ));
        assert!(told.contains("40 times fewer"), "{told}");
    }

    #[test]
    fn a_bare_thing_after_a_verb_gets_its_article() {
        let told = statement(&win("ran dbt macros session for analysts", None, None));
        assert!(told.starts_with("I ran the dbt macros session"), "{told}");
    }
}
