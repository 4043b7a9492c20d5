//! A win's statement: what I did (with an honest verb for my part), the
//! impact chain in the order the note gives it, joined the way strong
//! statements join it ("…, which cut …", "…, worth …"), then what's next.
//! Every number the win holds is kept and none is added; when a note is
//! not understood, its words are kept.
//!
//! Understanding the note is `analyze::note`; the wording is data in
//! `templates/statements/phrases.toml`.

use std::collections::HashMap;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::analyze::note::{with_the, Change, Fragment, Shape, Vocabulary, Way};
use crate::domain::win::{Kind, Role, Stage, Win};

/// `templates/statements/phrases.toml`, turned into JSON by `build.rs`.
const PHRASES: &str = include_str!(concat!(env!("OUT_DIR"), "/phrases.json"));
/// The path of the phrase file under `templates/`.
pub const PHRASES_FILE: &str = "statements/phrases.toml";

/// A statement longer than this many words opens its impact as a sentence.
const LONG_SENTENCE: usize = 26;

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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinPhrases {
    which: String,
    this: String,
    worth: String,
    with: String,
    result: String,
    and: String,
    launched: String,
    served: String,
    next_action: String,
    next_thing: String,
    next_clause: String,
    migration: String,
    migration_role: String,
    ruled_out: String,
    scope_words: Vec<String>,
    goal: String,
    goal_openings: Vec<String>,
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
    across: WayPhrases,
    double: WayPhrases,
    times: WayPhrases,
    value: WayPhrases,
    added: WayPhrases,
    removed: WayPhrases,
}

/// Which of [`Ways`] a change is worded with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WayName {
    Up,
    Down,
    Across,
    Double,
    Times,
    Value,
    Added,
    Removed,
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
            WayName::Across => &ways.across,
            WayName::Double => &ways.double,
            WayName::Times => &ways.times,
            WayName::Value => &ways.value,
            WayName::Added => &ways.added,
            WayName::Removed => &ways.removed,
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

    /// The three-part statement of a win; empty for a learning goal with no
    /// specifics, which belongs to `win review check`, not to the manager.
    pub fn statement(&self, win: &Win) -> String {
        self.compose(win, ALL_PARTS)
    }

    /// What I did, alone: the polished form of the win's text.
    pub fn polish(&self, win: &Win) -> String {
        self.compose(
            win,
            Parts {
                next: false,
                impact: false,
            },
        )
    }

    /// Shortens a statement to `limit` characters: drop what's next, then
    /// the impact; cut words last, never numbers.
    pub fn fit(&self, win: &Win, full: String, limit: usize) -> String {
        if full.chars().count() <= limit {
            return full;
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
            let candidate = self.compose(win, parts);
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

    fn compose(&self, win: &Win, parts: Parts) -> String {
        if win.kind == Kind::Learning && self.bare_goal(win) {
            return String::new();
        }
        let mut writer = Writer::default();
        let text = self.vocabulary.fragments(&win.text);
        let mut fragments = text.iter();
        if let Some(first) = fragments.next() {
            let lead = self.lead(win, first);
            writer.start(lead);
        }
        for fragment in fragments {
            self.follow(win, &mut writer, fragment);
        }
        if parts.impact {
            writer.close_run();
            let mut first = true;
            // An update often repeats part of the impact it refines: say each part once.
            let mut said: Vec<Shape> = Vec::new();
            for field in outcomes(win) {
                for fragment in self.vocabulary.fragments(field) {
                    if said.contains(&fragment.shape) {
                        continue;
                    }
                    said.push(fragment.shape.clone());
                    self.impact(&mut writer, &fragment, first);
                    first = false;
                }
            }
        }
        if win.kind == Kind::NegativeResult && !self.says_scope(&writer, win) {
            writer.close_run();
            writer.append(&self.phrases.join.ruled_out);
        }
        if parts.next {
            if let Some(next) = win.next.as_deref().filter(|n| !n.trim().is_empty()) {
                self.next(&mut writer, next);
            }
        }
        writer.finish()
    }

    /// A learning goal with nothing concrete in it: no number, no next step.
    fn bare_goal(&self, win: &Win) -> bool {
        let lower = win.text.trim().to_lowercase();
        let goal = self
            .phrases
            .join
            .goal_openings
            .iter()
            .any(|opening| lower.starts_with(opening.as_str()));
        let specific = win.next.as_deref().is_some_and(|n| !n.trim().is_empty())
            // A number, not a digit inside a name such as "k8s".
            || win
                .text
                .split_whitespace()
                .any(|w| w.trim_start_matches(['~', '$', '+']).starts_with(|c: char| c.is_ascii_digit()))
            || win.current_impact().is_some();
        goal && !specific
    }

    fn says_scope(&self, writer: &Writer, win: &Win) -> bool {
        let said = writer.text().to_lowercase();
        let text = win.text.to_lowercase();
        self.phrases
            .join
            .scope_words
            .iter()
            .any(|w| said.contains(w.as_str()) || text.contains(w.as_str()))
    }

    /// The opening sentence: what I did.
    fn lead(&self, win: &Win, fragment: &Fragment) -> String {
        let role = win
            .role
            .filter(|r| *r != Role::Owned)
            .and_then(|r| self.phrases.role.get(r.as_str()));
        match &fragment.shape {
            Shape::Sentence { words } => words.clone(),
            Shape::Action { past, base, rest } => {
                let lower_text = win.text.trim_start().to_lowercase();
                if win.kind == Kind::Learning && lower_text.starts_with(&progressive(base)) {
                    return join_words(&["I am", &progressive(base), rest]);
                }
                if self.is_goal(&lower_text) {
                    let goal = lower_text
                        .trim_start_matches("i ")
                        .split_once(' ')
                        .map_or(String::new(), |(_, r)| r.to_string());
                    let goal = goal.trim_start_matches("to ").to_string();
                    return self.phrases.join.goal.replace("{base}", &goal);
                }
                let past = self
                    .phrases
                    .stronger
                    .get(past.as_str())
                    .cloned()
                    .unwrap_or_else(|| past.clone());
                let claims = self.phrases.outcome.contains(&past);
                match role {
                    Some(role) if claims => {
                        let base = self.vocabulary.base_of(&past).unwrap_or(base);
                        role.action.replace("{base}", &join_words(&[base, rest]))
                    }
                    _ => join_words(&["I", &past, rest]),
                }
            }
            Shape::Metric {
                label,
                change,
                tail,
                stated,
            } => {
                if *stated {
                    let clause = self.stated(label, change, tail);
                    return match role {
                        Some(role) => role.clause.replace("{clause}", &clause),
                        None => capitalize(&clause),
                    };
                }
                let (way, body) = self.change(label, change);
                let Some(way) = way else {
                    // A change with nothing to do it to ("5 -> 3" alone):
                    // told as it is.
                    return capitalize(&join_words(&[&body, tail]));
                };
                let way = self.phrases.way(way);
                match role {
                    Some(role) => role
                        .action
                        .replace("{base}", &join_words(&[&way.base, &body, tail])),
                    None => join_words(&["I", &way.action, &body, tail]),
                }
            }
            Shape::Clause { words } => match role {
                Some(role) => role.clause.replace("{clause}", words),
                None => capitalize(words),
            },
            Shape::Launch { subject, rest } => match role {
                Some(role) => join_words(&[&role.launch.replace("{np}", subject), rest]),
                None => join_words(&["I", &self.phrases.join.launched, subject, rest]),
            },
            Shape::Role { words } => self.phrases.join.served.replace("{np}", words),
            Shape::Negation { rest } => join_words(&["I found no", rest]),
            Shape::Noun { words }
            | Shape::Amount { words }
            | Shape::Participle { words }
            | Shape::Setting { words } => self.noun_lead(win, words, role),
        }
    }

    fn is_goal(&self, lower: &str) -> bool {
        self.phrases
            .join
            .goal_openings
            .iter()
            .any(|o| lower.starts_with(o.as_str()) && o.contains(' '))
    }

    /// What I did, when the note names it without a verb.
    fn noun_lead(&self, win: &Win, words: &str, role: Option<&RolePhrases>) -> String {
        let list: Vec<&str> = words.split(' ').collect();
        // "from Postgres to BigQuery for the marts": a migration.
        if list.first() == Some(&"from") {
            if let Some(to) = list.iter().position(|w| *w == "to") {
                let end = (to + 2).min(list.len());
                let (moved, rest) = (list[..end].join(" "), &list[end..]);
                // "from TF1 to PyTorch port of the speech model" → "ported the speech model from TF1 to PyTorch".
                if let (Some(noun), Some(of)) = (rest.first(), rest.get(1)) {
                    if let Some(activity) = self.vocabulary.activity(noun) {
                        if matches!(*of, "of" | "for") && role.is_none() {
                            return join_words(&[
                                "I",
                                &activity.verb,
                                &rest[2..].join(" "),
                                &moved,
                            ]);
                        }
                    }
                }
                if rest.first() == Some(&"for") && role.is_none() {
                    let object = rest[1..].join(" ");
                    let np = join_words(&[&object, &moved]);
                    return join_words(&["I", &self.phrases.join.migration.replace("{np}", &np)]);
                }
                return match role {
                    Some(role) => role.activity.replace(
                        "{np}",
                        &self.phrases.join.migration_role.replace("{np}", words),
                    ),
                    None => join_words(&["I", &self.phrases.join.migration.replace("{np}", words)]),
                };
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
                return match role {
                    Some(role) => role.activity.replace("{np}", &with_article(words)),
                    None => match &activity.whole {
                        Some(whole) if !after.is_empty() => {
                            join_words(&["I", whole, &with_article(words)])
                        }
                        _ => join_words(&["I", &activity.verb, &with_article(&before), &after]),
                    },
                };
            }
        }
        // "migration to feast", "proposal for a shared service": the activity opens it.
        if head_end == 1 {
            if let Some(activity) = self.vocabulary.activity(head) {
                let mut rest = &list[1..];
                if rest.first().is_some_and(|w| matches!(*w, "for" | "of")) {
                    rest = &rest[1..];
                }
                return match role {
                    Some(role) => role.activity.replace("{np}", &with_article(words)),
                    None => join_words(&["I", &activity.verb, &rest.join(" ")]),
                };
            }
        }
        // "retrain cadence from monthly to weekly": a move.
        if let Some(from) = list.iter().position(|w| *w == "from") {
            if from > 0 && list[from..].contains(&"to") && role.is_none() {
                return join_words(&[
                    "I",
                    &self
                        .phrases
                        .join
                        .migration
                        .replace("{np}", &with_article(words)),
                ]);
            }
        }
        // Work at stage shipped or later was launched, whatever its kind says.
        let deployed = win.stage.is_some_and(Stage::is_deployed)
            && matches!(win.kind, Kind::Shipped | Kind::Other);
        let np = with_article(words);
        match role {
            Some(role) if deployed => role.launch.replace("{np}", &np),
            Some(role) => role.work.replace("{np}", &np),
            None => {
                let key = if deployed {
                    "deployed"
                } else {
                    win.kind.as_str()
                };
                let made = self
                    .phrases
                    .made
                    .get(key)
                    .map_or("delivered", String::as_str);
                join_words(&["I", made, &np])
            }
        }
    }

    /// A fragment of the text after the first: joined into what I did.
    fn follow(&self, win: &Win, writer: &mut Writer, fragment: &Fragment) {
        match &fragment.shape {
            Shape::Action { past, rest, .. } => {
                let past = self
                    .phrases
                    .stronger
                    .get(past.as_str())
                    .map_or(past.as_str(), String::as_str);
                // "presented X, led to a budget": what followed from it.
                if past == "led" && rest.starts_with("to ") {
                    writer.tail(
                        &self
                            .phrases
                            .join
                            .which
                            .replace("{base}", &join_words(&[past, rest])),
                    );
                    return;
                }
                writer.action(&join_words(&[past, rest]), fragment.contrast);
            }
            Shape::Metric {
                label,
                change,
                tail,
                stated: true,
            } => {
                let clause = self.stated(label, change, tail);
                if fragment.contrast {
                    writer.tail(&format!(" but {clause}"));
                } else {
                    writer.tail(&format!(", and {clause}"));
                }
            }
            Shape::Metric {
                label,
                change,
                tail,
                ..
            } => {
                let (way, body) = self.change(label, change);
                let Some(way) = way else {
                    writer.tail(&format!(", {body}"));
                    return;
                };
                let gerund = &self.phrases.way(way).gerund;
                writer.gerund(&join_words(&[gerund, &body, tail]), fragment.contrast);
            }
            Shape::Negation { rest } => {
                if matches!(win.kind, Kind::Experiment | Kind::NegativeResult) {
                    writer.action(&join_words(&["found no", rest]), fragment.contrast);
                } else {
                    writer.tail(
                        &self
                            .phrases
                            .join
                            .with
                            .replace("{np}", &join_words(&["no", rest])),
                    );
                }
            }
            Shape::Clause { words } | Shape::Sentence { words } => {
                if fragment.contrast {
                    writer.tail(&format!(" but {words}"));
                } else {
                    writer.sentence(&capitalize(words), !words.starts_with("I "));
                }
            }
            Shape::Launch { subject, rest } => {
                writer.tail(&format!(", {}", join_words(&[subject, "went live", rest])));
            }
            Shape::Noun { words } if words.starts_with("zero ") || words.starts_with("no ") => {
                writer.tail(&self.phrases.join.with.replace("{np}", words));
            }
            Shape::Noun { words }
            | Shape::Amount { words }
            | Shape::Participle { words }
            | Shape::Role { words }
            | Shape::Setting { words } => {
                writer.tail(&format!(", {words}"));
            }
        }
    }

    /// A fragment of the impact (or of an update's outcome).
    fn impact(&self, writer: &mut Writer, fragment: &Fragment, first: bool) {
        if let Shape::Setting { words } = &fragment.shape {
            writer.set_scene(words);
            return;
        }
        let finite = match &fragment.shape {
            Shape::Action { past, rest, .. }
                if !(rest.starts_with("by ") || rest.starts_with("in ") || past == "used") =>
            {
                Some(join_words(&[past, rest]))
            }
            Shape::Metric {
                label,
                change,
                tail,
                ..
            } => {
                let (way, body) = self.change(label, change);
                let Some(way) = way else {
                    writer.tail(&format!(", {body}"));
                    return;
                };
                Some(join_words(&[&self.phrases.way(way).action, &body, tail]))
            }
            _ => None,
        };
        if let Some(finite) = finite {
            if let Some(scene) = writer.take_scene() {
                let clause = match &fragment.shape {
                    Shape::Metric {
                        label,
                        change,
                        tail,
                        ..
                    } => self.stated(label, change, tail),
                    _ => join_words(&["it", &finite]),
                };
                writer.sentence(&format!("{}, {clause}", capitalize(&scene)), true);
            } else if writer.in_which() && writer.sentence_words() < 2 * LONG_SENTENCE {
                writer.action(&finite, fragment.contrast);
            } else if writer.is_empty() {
                writer.start(capitalize(&finite));
            } else if writer.sentence_words() < LONG_SENTENCE && !writer.has_which() {
                writer.close_run();
                writer.open_which(&self.phrases.join.which.replace("{base}", &finite));
            } else {
                writer.sentence(&self.phrases.join.this.replace("{base}", &finite), true);
            }
            return;
        }
        writer.close_run();
        let scene = writer.take_scene();
        match &fragment.shape {
            Shape::Amount { words } => {
                writer.append(&self.phrases.join.worth.replace("{np}", words));
            }
            Shape::Negation { rest } => writer.append(
                &self
                    .phrases
                    .join
                    .with
                    .replace("{np}", &join_words(&["no", rest])),
            ),
            Shape::Noun { words }
                if ["now ", "down ", "up "]
                    .iter()
                    .any(|w| words.starts_with(w)) =>
            {
                writer.append(&format!(", {words}"));
            }
            Shape::Noun { words } | Shape::Role { words } => {
                let join = if first {
                    &self.phrases.join.result
                } else {
                    &self.phrases.join.with
                };
                writer.append(&join.replace("{np}", words));
            }
            Shape::Participle { words } if words.starts_with(|c: char| c.is_ascii_digit()) => {
                writer.append(&self.phrases.join.with.replace("{np}", words));
            }
            Shape::Participle { words } | Shape::Action { rest: words, .. } => {
                let words = match &fragment.shape {
                    Shape::Action { past, rest, .. } => join_words(&[past, rest]),
                    _ => words.clone(),
                };
                writer.append(&format!(", {words}"));
            }
            Shape::Launch { subject, rest } => {
                writer.sentence(
                    &capitalize(&join_words(&[subject, "went live", rest])),
                    true,
                );
            }
            Shape::Clause { words } if words.starts_with("so ") => {
                writer.append(&format!(", {words}"));
            }
            Shape::Clause { words } | Shape::Sentence { words } => {
                let clause = match scene {
                    Some(scene) => format!("{}, {words}", capitalize(&scene)),
                    None => words.clone(),
                };
                if fragment.contrast {
                    writer.append(&format!(" but {clause}"));
                } else if writer.is_empty() {
                    writer.start(capitalize(&clause));
                } else if first && writer.sentence_words() < LONG_SENTENCE {
                    writer.append(&self.phrases.join.and.replace("{clause}", &clause));
                } else {
                    writer.sentence(&capitalize(&clause), true);
                }
            }
            Shape::Setting { .. } | Shape::Metric { .. } => {}
        }
    }

    /// What's next, as a plan.
    fn next(&self, writer: &mut Writer, next: &str) {
        let fragments = self.vocabulary.fragments(next);
        let mut plan = String::new();
        for (index, fragment) in fragments.iter().enumerate() {
            let part = match &fragment.shape {
                Shape::Action { past, base, rest } => {
                    let base = self.vocabulary.base_of(past).unwrap_or(base);
                    if index == 0 {
                        self.phrases
                            .join
                            .next_action
                            .replace("{base}", &join_words(&[base, rest]))
                    } else {
                        format!(" and {}", join_words(&[base, rest]))
                    }
                }
                Shape::Clause { words } | Shape::Sentence { words } if index == 0 => {
                    // "needs a serving path first": what the work needs next.
                    let words = if words.starts_with("needs ") || words.starts_with("requires ") {
                        format!("it {words}")
                    } else {
                        words.clone()
                    };
                    self.phrases.join.next_clause.replace("{clause}", &words)
                }
                Shape::Noun { words } | Shape::Role { words } if index == 0 => self
                    .phrases
                    .join
                    .next_thing
                    .replace("{np}", &with_article(words)),
                Shape::Clause { words }
                | Shape::Sentence { words }
                | Shape::Noun { words }
                | Shape::Amount { words }
                | Shape::Participle { words }
                | Shape::Role { words }
                | Shape::Setting { words } => format!(", {words}"),
                Shape::Launch { subject, rest } => {
                    let clause = join_words(&[subject, "goes live", rest]);
                    if index == 0 {
                        self.phrases.join.next_clause.replace("{clause}", &clause)
                    } else {
                        format!(", {clause}")
                    }
                }
                Shape::Negation { rest } => format!(", no {rest}"),
                Shape::Metric {
                    label,
                    change,
                    tail,
                    ..
                } => {
                    let (_, body) = self.change(label, change);
                    let words = join_words(&[&body, tail]);
                    if index == 0 {
                        self.phrases.join.next_clause.replace("{clause}", &words)
                    } else {
                        format!(", {words}")
                    }
                }
            };
            plan.push_str(&part);
        }
        if !plan.is_empty() {
            writer.sentence(&plan, true);
        }
    }

    /// A change told with the metric as its subject: "stockouts fell 22%".
    fn stated(&self, label: &str, change: &Change, tail: &str) -> String {
        let subject = with_the(label);
        let body = match change {
            Change::FromTo { words, way } => {
                join_words(&[&self.phrases.way(way_name(*way)).clause, words])
            }
            Change::By { amount, way } => {
                join_words(&[&self.phrases.way(way_name(*way)).clause, amount])
            }
            Change::Times { factor, adjective } => match adjective {
                None if factor == "2" => self.phrases.way(WayName::Double).clause.clone(),
                Some(adjective) => join_words(&[
                    &self.phrases.way(WayName::Times).clause,
                    &format!("{factor}x"),
                    adjective,
                ]),
                None => join_words(&[&self.phrases.way(WayName::Up).clause, &format!("{factor}x")]),
            },
            Change::Value { amount } => {
                join_words(&[&self.phrases.way(WayName::Value).clause, amount])
            }
        };
        join_words(&[&subject, &body, tail])
    }

    /// The way a change goes and its words after the verb: (up, "recall@50
    /// from 0.62 to 0.71"); no way when there is nothing to do it to.
    fn change(&self, label: &str, change: &Change) -> (Option<WayName>, String) {
        let label = with_the(label);
        match change {
            Change::FromTo { words, .. } if label.is_empty() => (None, words.clone()),
            Change::FromTo { words, way } => (Some(way_name(*way)), join_words(&[&label, words])),
            Change::By { amount, way } if label.is_empty() => (
                Some(if *way == Way::Up {
                    WayName::Added
                } else {
                    WayName::Removed
                }),
                amount.clone(),
            ),
            Change::By { amount, way } => {
                (Some(way_name(*way)), join_words(&[&label, "by", amount]))
            }
            Change::Times { factor, adjective } => match adjective {
                None if factor == "2" && !label.is_empty() => (Some(WayName::Double), label),
                Some(adjective) => {
                    let subject = if label.is_empty() {
                        "it".to_string()
                    } else {
                        label
                    };
                    (
                        Some(WayName::Times),
                        join_words(&[&subject, &format!("{factor}x"), adjective]),
                    )
                }
                None => {
                    let subject = if label.is_empty() {
                        "it".to_string()
                    } else {
                        label
                    };
                    (
                        Some(WayName::Up),
                        join_words(&[&subject, &format!("{factor}x")]),
                    )
                }
            },
            Change::Value { amount } => {
                let label = label.trim_start_matches("the ");
                let article = indefinite(label);
                (
                    Some(WayName::Value),
                    join_words(&[article, label, "of", amount]),
                )
            }
        }
    }
}

fn progressive(base: &str) -> String {
    let stem = base
        .strip_suffix('e')
        .filter(|s| !s.ends_with('e'))
        .unwrap_or(base);
    format!("{stem}ing")
}

fn way_name(way: Way) -> WayName {
    match way {
        Way::Up => WayName::Up,
        Way::Down => WayName::Down,
        Way::Across => WayName::Across,
    }
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

const PREPOSITIONS: &[&str] = &[
    "for", "of", "on", "in", "to", "from", "with", "at", "across", "by", "into", "over", "via",
    "using", "and", "under", "without",
];

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "my", "their", "its", "this", "that", "these", "those", "all",
    "every", "each", "both", "some", "it",
];

/// A noun phrase with the article it needs: "the drift monitor for …",
/// "a new feature set", "dbt models", "ranker v4".
fn with_article(words: &str) -> String {
    let list: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let Some(first) = list.first() else {
        return String::new();
    };
    let lower = first.to_lowercase();
    if DETERMINERS.contains(&lower.as_str())
        || first
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '$')
        || lower == "about"
        || first.ends_with("'s")
    {
        return words.to_string();
    }
    let head_end = list
        .iter()
        .position(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
        .unwrap_or(list.len());
    let head = list[..head_end].last().copied().unwrap_or(first);
    let versioned = list[..head_end].iter().any(|w| {
        let w = w.to_lowercase();
        w.len() > 1 && w.starts_with('v') && w[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
    });
    let plural = head.ends_with('s') && !head.ends_with("ss") && !head.ends_with("us");
    if versioned || plural || first.chars().skip(1).any(char::is_uppercase) {
        return words.to_string();
    }
    if lower == "new" {
        return format!("a {words}");
    }
    format!("the {words}")
}

/// "a" or "an" before a label, by how it sounds: "an F1", "a top-5 accuracy".
fn indefinite(label: &str) -> &'static str {
    let Some(first) = label.chars().next() else {
        return "a";
    };
    let word = label.split(' ').next().unwrap_or("");
    let acronym = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if acronym {
        if "AEFHILMNORSX".contains(first) {
            return "an";
        }
        return "a";
    }
    if "aeiouAEIOU".contains(first) {
        return "an";
    }
    "a"
}

fn join_words(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        // "p99 latency", "iOS": a name that opens lower case stays so.
        let word = text.split(' ').next().unwrap_or("");
        if word
            .chars()
            .skip(1)
            .any(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            return text.to_string();
        }
        first.to_uppercase().chain(chars).collect()
    })
}

/// Builds the statement sentence by sentence, joining runs of actions
/// ("found …, fixed … and shipped …") and of results (", cutting … and raising …").
#[derive(Default)]
struct Writer {
    done: Vec<String>,
    current: String,
    /// Actions or gerunds waiting to be joined to the current sentence.
    run: Vec<String>,
    run_is_gerund: bool,
    /// The run continues the lead's verb ("I audited X and found Y").
    run_after_lead: bool,
    which_open: bool,
    which_used: bool,
    /// The current sentence has its own subject: an action needs a new "I" sentence.
    other_subject: bool,
    /// "After launch": the scene for the next part of the impact.
    scene: Option<String>,
    /// The verb of the last action or result, not said twice in a row.
    last_verb: Option<String>,
}

impl Writer {
    fn start(&mut self, lead: String) {
        self.other_subject = !lead.starts_with("I ");
        self.current = lead;
        self.run_after_lead = true;
    }

    fn is_empty(&self) -> bool {
        self.current.is_empty() && self.done.is_empty()
    }

    fn in_which(&self) -> bool {
        self.which_open
    }

    fn has_which(&self) -> bool {
        self.which_used || self.current.contains(", which ")
    }

    fn sentence_words(&self) -> usize {
        self.current.split(' ').count()
            + self.run.iter().map(|r| r.split(' ').count()).sum::<usize>()
    }

    fn set_scene(&mut self, words: &str) {
        self.scene = Some(words.to_string());
    }

    fn take_scene(&mut self) -> Option<String> {
        self.scene.take()
    }

    /// "cut B by 9%" after "cut A by 21%" → "B by 9%".
    fn unrepeated(&mut self, item: &str) -> String {
        let verb = item.split(' ').next().unwrap_or("").to_string();
        let repeated = self.last_verb.as_deref() == Some(verb.as_str()) && item.len() > verb.len();
        self.last_verb = Some(verb.clone());
        if repeated {
            item[verb.len() + 1..].to_string()
        } else {
            item.to_string()
        }
    }

    fn action(&mut self, action: &str, contrast: bool) {
        let action = &self.unrepeated(action);
        if self.other_subject && !self.which_open {
            self.sentence(&format!("I {action}"), false);
            return;
        }
        if contrast {
            self.close_run();
            self.current.push_str(" but ");
            self.current.push_str(action);
            return;
        }
        if self.run_is_gerund && !self.run.is_empty() {
            self.close_run();
            self.run_after_lead = false;
        }
        self.run_is_gerund = false;
        self.run.push(action.clone());
    }

    fn gerund(&mut self, gerund: &str, contrast: bool) {
        let gerund = &self.unrepeated(gerund);
        if contrast {
            self.close_run();
            self.current.push_str(" but ");
            self.current.push_str(gerund);
            return;
        }
        if !self.run_is_gerund && !self.run.is_empty() {
            self.close_run();
        }
        self.run_is_gerund = true;
        self.run.push(gerund.clone());
    }

    fn tail(&mut self, words: &str) {
        self.close_run();
        self.current.push_str(words);
    }

    fn append(&mut self, words: &str) {
        self.close_run();
        if self.current.is_empty() {
            self.current = capitalize(words.trim_start_matches([',', ' ']));
        } else {
            self.current.push_str(words);
        }
    }

    fn open_which(&mut self, which: &str) {
        self.last_verb = which
            .trim_start_matches([',', ' '])
            .split(' ')
            .nth(1)
            .map(str::to_string);
        self.current.push_str(which);
        self.which_open = true;
        self.which_used = true;
        self.run_after_lead = true;
        self.run_is_gerund = false;
    }

    fn sentence(&mut self, sentence: &str, other_subject: bool) {
        self.close_run();
        self.which_open = false;
        self.last_verb = None;
        self.other_subject = other_subject;
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        self.current = sentence.to_string();
        self.run_after_lead = true;
    }

    /// Joins the waiting run to the current sentence: ", a, b and c".
    fn close_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        let count = run.len();
        for (index, item) in run.iter().enumerate() {
            let last = index + 1 == count;
            // A run after the lead's own verb ends with "and" even when it is one item long.
            let and = last && (count > 1 || (self.run_after_lead && !self.run_is_gerund));
            if self.current.is_empty() {
                self.current.push_str(&capitalize(item));
                continue;
            }
            self.current.push_str(if and { " and " } else { ", " });
            self.current.push_str(item);
        }
        self.run_after_lead = false;
        if !self.which_open {
            self.run_is_gerund = false;
        }
    }

    fn text(&self) -> String {
        let mut all = self.done.join(" ");
        all.push(' ');
        all.push_str(&self.current);
        all.push(' ');
        all.push_str(&self.run.join(" "));
        all
    }

    fn finish(mut self) -> String {
        self.close_run();
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        let sentences: Vec<String> = self
            .done
            .iter()
            .map(|s| {
                let s = tidy(s.trim());
                let s = capitalize(&s);
                if s.ends_with(['.', '!', '?']) {
                    s
                } else {
                    format!("{s}.")
                }
            })
            .filter(|s| s.len() > 1)
            .collect();
        sentences.join(" ")
    }
}

/// Collapses doubled punctuation a join may produce ("…%.," or " ,").
fn tidy(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("..", "."),
        (".,", ","),
        (".;", ";"),
        (";.", "."),
        (" ,", ","),
        (",,", ","),
        (",.", "."),
        ("?.", "?"),
        ("!.", "!"),
    ] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// The numbers in a statement, as written ("40%", "240ms", "$1.2M").
fn numbers(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| {
            word.trim_start_matches(['(', '"', '“'])
                .trim_end_matches(['.', ',', ';', ':', ')', '"', '”', '…'])
        })
        .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// Cuts words from the end, keeping every word with a digit in it.
fn cut_keeping_numbers(text: &str, limit: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let numbers: usize = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(|w| w.chars().count() + 1)
        .sum();
    let mut kept: Vec<&str> = Vec::new();
    let mut length = numbers + 1;
    for word in &words {
        let has_digit = word.chars().any(|c| c.is_ascii_digit());
        if has_digit {
            kept.push(word);
            continue;
        }
        if length + word.chars().count() + 1 > limit {
            continue;
        }
        length += word.chars().count() + 1;
        kept.push(word);
    }
    let mut cut = kept.join(" ");
    cut = cut.trim_end_matches([',', ';', ':']).to_string();
    if !cut.ends_with('.') {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::win::{NewWin, Stage, Update};
    use chrono::DateTime;

    fn win(text: &str, impact: Option<&str>, next: Option<&str>) -> Win {
        let now = DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z").unwrap();
        let mut win = NewWin::new(text.into(), now);
        win.impact = impact.map(str::to_string);
        win.next = next.map(str::to_string);
        win.kind = Kind::Shipped;
        win.into_win(1)
    }

    fn engine() -> StatementEngine {
        StatementEngine::builtin().unwrap()
    }

    #[test]
    fn the_built_in_json_says_what_phrases_toml_says() {
        let toml: toml::Value =
            toml::from_str(include_str!("../../templates/statements/phrases.toml")).unwrap();
        let json: toml::Value = serde_json::from_str(PHRASES).unwrap();
        assert_eq!(toml, json);
    }

    #[test]
    fn the_issue_example_reads_as_a_reviewer_writes_it() {
        let mut w = win(
            "ranker v4 w/ 2-stage retrieval, recall@50 0.62 -> 0.71",
            Some("search ctr +3.4%, ~$400K/yr per finance"),
            None,
        );
        w.role = Some(Role::Led);
        w.stage = Some(Stage::Measured);
        assert_eq!(
            engine().statement(&w),
            "I led the launch of ranker v4 with 2-stage retrieval, raising recall@50 from 0.62 to 0.71, which raised the search click-through rate by 3.4%, worth about $400K a year per finance."
        );
    }

    #[test]
    fn a_verb_first_note_becomes_first_person_past_tense() {
        let w = win("cut gpu bill 28% w/ int8 quant", None, None);
        assert_eq!(
            engine().statement(&w),
            "I cut the GPU bill by 28% with int8 quant."
        );
    }

    #[test]
    fn a_noun_phrase_gets_the_verb_of_its_activity() {
        let w = win("label backfill done, null rate 7% → 0.2%", None, None);
        let statement = engine().statement(&w);
        assert!(
            statement.starts_with("I completed the label backfill"),
            "{statement}"
        );
        assert!(statement.contains("from 7% to 0.2%"), "{statement}");
    }

    #[test]
    fn roles_word_claimed_outcomes_honestly() {
        let mut w = win("cut p99 latency from 240ms to 80ms", None, None);
        w.role = Some(Role::Contributed);
        assert_eq!(
            engine().statement(&w),
            "I contributed to the effort to cut p99 latency from 240ms to 80ms."
        );
        let mut w = win("mentored 2 new grads", None, None);
        w.role = Some(Role::Led);
        assert_eq!(engine().statement(&w), "I mentored 2 new grads.");
    }

    #[test]
    fn a_bare_learning_goal_stays_out_of_the_document() {
        let mut w = win("want to learn causal inference", None, None);
        w.kind = Kind::Learning;
        assert_eq!(engine().statement(&w), "");
        w.next = Some("take the causal inference course in Q1".into());
        let statement = engine().statement(&w);
        assert!(statement.contains("Next, I plan to take"), "{statement}");
        assert!(!statement.contains("I want to learn"), "{statement}");
    }

    #[test]
    fn a_negative_result_reads_as_scope_reduction() {
        let mut w = win(
            "graph features for churn, no lift (auc 0.812 vs 0.810)",
            None,
            None,
        );
        w.kind = Kind::NegativeResult;
        let statement = engine().statement(&w);
        assert!(statement.contains("ruled out"), "{statement}");
        assert!(statement.contains("0.812 vs 0.810"), "{statement}");
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
        w.impact = Some("eta error -21%, late-delivery complaints -9%".into());
        assert_eq!(
            engine().statement(&w),
            "I shipped the new ETA model to 10% of traffic, which cut the ETA error by 21% and late-delivery complaints by 9%."
        );
    }

    #[test]
    fn a_polished_note_stays_as_written() {
        let text = "Reduced false positives in the fraud model by 30% through threshold calibration, saving the review team about 40 hours a week.";
        let w = win(text, None, None);
        assert_eq!(
            engine().statement(&w),
            "I reduced false positives in the fraud model by 30% through threshold calibration, saving the review team about 40 hours a week."
        );
    }

    #[test]
    fn fitting_keeps_numbers() {
        let w = win(
            "cut p99 latency from 240ms to 80ms",
            Some("checkout timeouts -40%"),
            Some("roll out to the EU"),
        );
        let engine = engine();
        let full = engine.statement(&w);
        let short = engine.fit(&w, full, 40);
        assert!(short.contains("240ms") && short.contains("80ms"), "{short}");
    }
}
