//! Understanding a rough note for its statement: the note is split into
//! fragments ("ranker v4 w/ 2-stage retrieval, recall@50 0.62 -> 0.71"), the
//! field's shorthand and symbols become words ("with", "from 0.62 to 0.71"),
//! and each fragment is read as what it is: an action that opens with a verb,
//! a clause with its own subject, a metric and its change, an amount, a
//! negation, or a noun phrase. Wording the statement is `render`'s job.
//!
//! The vocabulary (glossary, verb forms, activity nouns) is data under
//! `templates/statements/`, extended by the user's files of the same names.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use serde::Deserialize;

pub mod article;
mod shape;
mod spell;

/// `templates/statements/glossary.toml`, turned into JSON by `build.rs`.
const GLOSSARY: &str = include_str!(concat!(env!("OUT_DIR"), "/glossary.json"));
/// `templates/statements/verbs.toml`, turned into JSON by `build.rs`.
const VERBS: &str = include_str!(concat!(env!("OUT_DIR"), "/verbs.json"));

/// The path of the glossary under `templates/`, where a user's file extends it.
pub const GLOSSARY_FILE: &str = "statements/glossary.toml";
/// The path of the verb file under `templates/`.
pub const VERBS_FILE: &str = "statements/verbs.toml";
/// A word with this character in it stands for a number its caller read
/// already (a metric's mark, see `render::statement`): it is kept as it is,
/// and counts as a quantity.
pub const KEEP: char = '\u{E000}';

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    #[serde(default)]
    shorthand: HashMap<String, String>,
    #[serde(default)]
    verbs: HashMap<String, String>,
    #[serde(default)]
    names: HashMap<String, String>,
    #[serde(default)]
    per: HashMap<String, String>,
    /// What one thing is counted per ("sessions/user", "rps/gpu"): other
    /// pairs ("offline/online", "train/serve") stay as written.
    #[serde(default)]
    per_things: Vec<String>,
    /// Shorthand that after a number counts people or things: "2 eng" is
    /// two engineers, where "eng" alone is engineering.
    #[serde(default)]
    counted: HashMap<String, String>,
    #[serde(default)]
    labels: HashMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerbsFile {
    #[serde(default)]
    nouns_too: Vec<String>,
    #[serde(default)]
    noun_heads: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    done: Vec<String>,
    #[serde(default)]
    activities: HashMap<String, Activity>,
    #[serde(default)]
    past: HashMap<String, String>,
}

/// A noun that names an activity ("audit", "migration") and how it is told.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// The verb that replaces the noun: "feature store audit" → "audited the feature store".
    pub verb: String,
    /// The verb that keeps the noun: "canary rollout for X" → "ran the canary rollout for X".
    #[serde(default)]
    pub whole: Option<String>,
}

/// The words a statement knows: shorthand, names, verb forms, activities.
#[derive(Debug, Default)]
pub struct Vocabulary {
    shorthand: HashMap<String, String>,
    short_verbs: HashMap<String, String>,
    names: HashMap<String, String>,
    per: HashMap<String, String>,
    per_things: HashSet<String>,
    counted: HashMap<String, String>,
    labels: HashMap<String, String>,
    past: HashMap<String, String>,
    past_forms: HashSet<String>,
    base_of: HashMap<String, String>,
    nouns_too: HashSet<String>,
    noun_heads: HashSet<String>,
    roles: Vec<String>,
    done: HashSet<String>,
    activities: HashMap<String, Activity>,
    longest_key: usize,
}

impl Vocabulary {
    /// The built-in vocabulary.
    pub fn builtin() -> Result<Vocabulary> {
        let glossary: GlossaryFile = serde_json::from_str(GLOSSARY)
            .context("invalid glossary templates/statements/glossary.toml")?;
        let verbs: VerbsFile = serde_json::from_str(VERBS)
            .context("invalid verb file templates/statements/verbs.toml")?;
        let mut vocabulary = Vocabulary::default();
        vocabulary.add_glossary(glossary);
        vocabulary.add_verbs(verbs);
        Ok(vocabulary)
    }

    /// Adds a user's glossary file (TOML) over the built-in one.
    pub fn extend_glossary(&mut self, toml_text: &str, source: &str) -> Result<()> {
        let file: GlossaryFile =
            crate::domain::toml_file::parse(toml_text, &format!("glossary {source}"))?;
        self.add_glossary(file);
        Ok(())
    }

    /// Adds a user's verb file (TOML) over the built-in one.
    pub fn extend_verbs(&mut self, toml_text: &str, source: &str) -> Result<()> {
        let file: VerbsFile =
            crate::domain::toml_file::parse(toml_text, &format!("verb file {source}"))?;
        self.add_verbs(file);
        Ok(())
    }

    fn add_glossary(&mut self, file: GlossaryFile) {
        self.per_things
            .extend(file.per_things.into_iter().map(|w| w.to_lowercase()));
        for (table, entries) in [
            (&mut self.shorthand, file.shorthand),
            (&mut self.short_verbs, file.verbs),
            (&mut self.names, file.names),
            (&mut self.per, file.per),
            (&mut self.counted, file.counted),
            (&mut self.labels, file.labels),
        ] {
            for (key, value) in entries {
                let key = key.to_lowercase();
                self.longest_key = self.longest_key.max(key.split(' ').count());
                // An empty value keeps the word as the user typed it.
                if value.is_empty() {
                    table.remove(&key);
                } else {
                    table.insert(key, value);
                }
            }
        }
    }

    fn add_verbs(&mut self, file: VerbsFile) {
        self.nouns_too
            .extend(file.nouns_too.into_iter().map(|w| w.to_lowercase()));
        self.noun_heads
            .extend(file.noun_heads.into_iter().map(|w| w.to_lowercase()));
        self.roles
            .extend(file.roles.into_iter().map(|w| w.to_lowercase()));
        // Longest first, so "tech lead" is found before "lead".
        self.roles.sort_by_key(|r| std::cmp::Reverse(r.len()));
        self.done
            .extend(file.done.into_iter().map(|w| w.to_lowercase()));
        for (noun, activity) in file.activities {
            self.activities.insert(noun.to_lowercase(), activity);
        }
        // In a fixed order, so the same note always reads the same: of two
        // bases of one past ("set up", "setup"), the one spelled as the
        // past wins, then the first in order.
        let mut past: Vec<(String, String)> = file.past.into_iter().collect();
        past.sort_by_key(|(base, past)| (!base.eq_ignore_ascii_case(past), base.to_lowercase()));
        for (base, past) in past {
            let base = base.to_lowercase();
            self.longest_key = self.longest_key.max(base.split(' ').count());
            self.past_forms.insert(past.to_lowercase());
            self.base_of
                .entry(past.to_lowercase())
                .or_insert_with(|| base.clone());
            self.past.insert(base, past);
        }
    }

    /// "the model approved by the committee" → "the model was approved by
    /// the committee": a subject and a participle with its agent, but no
    /// "was". The clause is returned as it was when it reads otherwise.
    pub fn passive_be(&self, clause: &str) -> String {
        let words: Vec<&str> = clause.split(' ').collect();
        let Some(at) = words.iter().position(|w| self.is_past_form(w)) else {
            return clause.to_string();
        };
        let before = words[..at].last().map(|w| w.to_lowercase());
        let be = matches!(
            before.as_deref(),
            Some(
                "was"
                    | "were"
                    | "is"
                    | "are"
                    | "been"
                    | "be"
                    | "got"
                    | "get"
                    | "i"
                    | "we"
                    | "they"
                    | "he"
                    | "she"
                    | "it"
            )
        );
        // "used for summer pricing", "targeted by an uplift model": the
        // participle with its agent or its use.
        let agent = matches!(
            words.get(at + 1).copied(),
            Some("by" | "for" | "across" | "in" | "at")
        );
        if at == 0 || be || !agent {
            return clause.to_string();
        }
        // "save offers now targeted by …": now, so the present.
        let now = words[at - 1].eq_ignore_ascii_case("now");
        let subject_at = if now { at - 1 } else { at };
        if subject_at == 0 {
            return clause.to_string();
        }
        let subject = words[subject_at - 1];
        // "the pricing team adopted it for 14 cities": an agent acts.
        let agent_noun = matches!(
            subject.to_lowercase().as_str(),
            "team"
                | "teams"
                | "org"
                | "squad"
                | "group"
                | "company"
                | "customers"
                | "users"
                | "people"
                | "everyone"
                | "leadership"
                | "management"
                | "product"
                | "sales"
        );
        if is_quantity(subject) || self.is_past_form(subject) || agent_noun {
            return clause.to_string();
        }
        let plural = subject.ends_with('s') && !subject.ends_with("ss");
        let be = match (now, plural) {
            (true, true) => "are",
            (true, false) => "is",
            (false, true) => "were",
            (false, false) => "was",
        };
        let mut out: Vec<&str> = words[..subject_at].to_vec();
        out.push(be);
        out.extend_from_slice(&words[subject_at..]);
        out.join(" ")
    }

    /// The base form of a past tense ("cut" → "cut", "migrated" → "migrate").
    pub fn base_of(&self, past: &str) -> Option<&str> {
        self.base_of.get(&past.to_lowercase()).map(String::as_str)
    }

    /// The past tense of a base form, if known.
    pub fn past_of(&self, base: &str) -> Option<&str> {
        self.past.get(&base.to_lowercase()).map(String::as_str)
    }

    /// A metric's label with the shorthand that is only clear in a label
    /// spelled out ("conv" → "conversion").
    pub fn spell_label(&self, label: &str) -> String {
        label
            .split(' ')
            .map(|w| {
                self.labels
                    .get(&w.to_lowercase())
                    .map_or_else(|| w.to_string(), Clone::clone)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// How a rate's unit after an amount reads: "/yr" → "a year".
    pub fn per(&self, unit: &str) -> Option<&str> {
        self.per.get(&unit.to_lowercase()).map(String::as_str)
    }

    /// Whether a word names a thing that heads a noun phrase ("pipeline",
    /// "model", "classifier").
    pub fn is_noun_head(&self, word: &str) -> bool {
        self.noun_heads.contains(&word.to_lowercase())
    }

    /// Whether a word is a verb the vocabulary knows, in its base or past form.
    pub fn is_verb(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        self.is_past_form(&lower) || self.past.contains_key(&lower)
    }

    /// The activity a noun names, if it names one.
    pub fn activity(&self, noun: &str) -> Option<&Activity> {
        self.activities.get(&noun.to_lowercase())
    }

    /// Whether a word (or its singular) names work or a made thing
    /// ("retrains", "pipeline"), not a tool or a place.
    pub fn is_work_noun(&self, word: &str) -> bool {
        let singular = word.strip_suffix('s').unwrap_or(word);
        [word, singular]
            .iter()
            .any(|w| self.activity(w).is_some() || self.is_noun_head(w))
    }

    pub fn is_past_form(&self, word: &str) -> bool {
        self.past_forms.contains(word)
    }
}

/// What a fragment of a note is.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// "cut gpu bill 28% w/ int8 quant": the author's action. `rest` follows the verb.
    Action {
        past: String,
        base: String,
        rest: String,
    },
    /// "churn dropped from 4.1% to 3.6%": a clause with its own subject, as written.
    Clause { words: String },
    /// "pricing model v2 live in 3 markets": a launch; `rest` follows "live".
    Launch { subject: String, rest: String },
    /// "tech lead for the ranking squad": a role the author held.
    Role { words: String },
    /// "after launch", "in Q2": a phrase that sets the scene for what follows.
    Setting { words: String },
    /// "no gain over baseline": what was not found; `rest` follows "no".
    Negation { rest: String },
    /// "used by 4 teams now": a participle phrase.
    Participle { words: String },
    /// "feature store audit", "new feat set for fraud clf".
    Noun { words: String },
    /// A sentence that already reads well; kept as written (with "I" added
    /// when it opened with a verb).
    Sentence { words: String },
}

/// A fragment of a note and how it joins the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    pub shape: Shape,
    /// "but" when the note said so ("conv +1.8% but aov -4%").
    pub contrast: bool,
    /// The fragment opened a new sentence in the note.
    pub starts_sentence: bool,
}

/// Words that name no fact in a statement ("finally got the registry wired").
const FILLER: &[&str] = &[
    "finally",
    "just",
    "also",
    "successfully",
    "quickly",
    "basically",
];
/// Words that open the object of a verb: "test 3 variants", "audit the store".
const OBJECT_OPENERS: &[&str] = &[
    "the", "a", "an", "our", "my", "their", "his", "her", "its", "all", "every", "each", "some",
    "any", "this", "that", "these", "those", "it", "them", "up", "out", "off", "new", "old",
    "more", "two", "three", "four", "five", "over", "with", "to", "into", "on", "in",
];
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "my", "their", "his", "her", "its", "this", "that", "these", "those",
    "every", "each", "no", "new",
];
const FINITE: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "went",
    "now",
    "still",
    "has",
    "have",
    "had",
    "will",
    "can",
    "need",
    "needs",
    "so",
    "no longer",
];
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "vs", "approx", "etc", "incl", "cf", "no", "fig",
];

impl Vocabulary {
    /// The fragments of one field of a win (its text, impact, next or an update).
    pub fn fragments(&self, field: &str) -> Vec<Fragment> {
        let field = normalize(field);
        let mut out = Vec::new();
        for sentence in sentences(&field) {
            let sentence = self.untitle(&sentence);
            if self.reads_well(&sentence) {
                out.push(Fragment {
                    shape: self.sentence(&sentence),
                    contrast: false,
                    starts_sentence: true,
                });
                continue;
            }
            for (index, (piece, contrast)) in split_fragments(&sentence).into_iter().enumerate() {
                let words = self.spell(&piece);
                if words.is_empty() {
                    continue;
                }
                out.push(Fragment {
                    shape: self.shape(&words),
                    contrast,
                    starts_sentence: index == 0,
                });
            }
        }
        out
    }
}

/// Verbs whose amount is "by" how much: "cut the bill by 28%".
const CHANGE_VERBS: &[&str] = &[
    "cut",
    "reduced",
    "raised",
    "increased",
    "improved",
    "lowered",
    "grew",
    "boosted",
    "lifted",
    "decreased",
    "dropped",
    "shrank",
    "sped up",
    "accelerated",
    "trimmed",
    "slashed",
    "lifted",
];

const PREPOSITIONS: &[&str] = &[
    "for", "of", "on", "in", "to", "from", "with", "at", "across", "by", "into", "over", "via",
    "after", "before", "since", "under", "without", "within", "per",
];

/// A number, an amount of money or a percentage (not a name like "v3" or "p99").
fn is_quantity(word: &str) -> bool {
    if word.contains(KEEP) {
        return true;
    }
    let bare = clean(word).trim_start_matches(['+', '-', '−', '~']);
    bare.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '€' | '£'))
        && has_digit(bare)
}

/// "the null rate", "recall@50", "false positives": a metric's name with
/// the article English wants before it (see `article`).
pub fn with_the(label: &str) -> String {
    article::with_article(label, article::Naming::Label)
}

/// Unit words that are plural after a number other than one.
const UNIT_WORDS: &[&str] = &["qtr", "wk", "hr", "mo", "yr", "min", "sec", "pt", "day"];

fn opens_object(word: &str) -> bool {
    OBJECT_OPENERS.contains(&word)
        || word.starts_with(|c: char| c.is_ascii_digit() || c == '$' || c == '~' || c == KEEP)
}

/// A word of a note without the punctuation around it.
fn clean(word: &str) -> &str {
    word.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '(' | ')' | '"' | '\''))
}

fn has_digit(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit() || c == KEEP)
}

fn looks_past(word: &str) -> bool {
    word.len() > 4
        && word.ends_with("ed")
        && !word.ends_with("eed")
        && word.chars().all(|c| c.is_alphabetic() || c == '-')
}

fn pluralize(word: &str) -> String {
    if word.ends_with('s') || word.contains(' ') && word.ends_with("people") {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    format!("{word}s")
}

/// The expansion in the case the note used at its start ("Qtr" → "Quarter").
fn keep_case(original: &str, long: &str) -> String {
    let upper_start = original.chars().next().is_some_and(char::is_uppercase)
        && original.chars().skip(1).any(char::is_lowercase);
    if upper_start {
        let mut chars = long.chars();
        if let Some(first) = chars.next() {
            return first.to_uppercase().chain(chars).collect();
        }
    }
    long.to_string()
}

/// Whitespace collapsed, bullets gone, arrows spaced and written one way.
fn normalize(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    out = out
        .trim_start_matches(['-', '*', '•', ' '])
        .trim()
        .to_string();
    for arrow in ["-->", "->", "=>", "⟶", "⇒", "→"] {
        if out.contains(arrow) {
            out = out.replace(arrow, " → ");
        }
    }
    for (from, to) in [(" -- ", " - "), (" — ", " - "), (" – ", " - ")] {
        out = out.replace(from, to);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sentences: split after ". ", "! ", "? " (not after "e.g." or "vs.").
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split(' ').collect();
    for (index, word) in words.iter().enumerate() {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        let ends = word.ends_with(['.', '!', '?'])
            && !ABBREVIATIONS.contains(&word.trim_end_matches('.').to_lowercase().as_str())
            && words.get(index + 1).is_some();
        if ends {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Fragments of a rough sentence, split on "; ", " - ", ": ", ", " and " but ".
fn split_fragments(sentence: &str) -> Vec<(String, bool)> {
    let sentence = sentence.trim_end_matches(['.', '!']);
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut contrast = false;
    let chars: Vec<char> = sentence.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        let next = chars.get(index + 1).copied();
        let split = depth <= 0
            && ((matches!(c, ';' | ',') && next == Some(' '))
                || (c == ':' && next == Some(' '))
                || (c == ' ' && next == Some('-') && chars.get(index + 2) == Some(&' '))
                || (c == ' '
                    && next == Some('→')
                    && (leads_to_a_number(chars.get(index + 3..).unwrap_or_default())
                        || !is_a_move(&current, chars.get(index + 3..).unwrap_or_default()))));
        if split {
            push_fragment(&mut out, &mut current, contrast);
            contrast = false;
            index += if c == ' ' { 3 } else { 2 };
            continue;
        }
        if depth <= 0 && c == ' ' && chars[index..].starts_with(&[' ', 'b', 'u', 't', ' ']) {
            push_fragment(&mut out, &mut current, contrast);
            contrast = true;
            index += 5;
            continue;
        }
        current.push(c);
        index += 1;
    }
    push_fragment(&mut out, &mut current, contrast);
    out
}

/// "retrain w/ new device features → recall 61%→68%": an arrow that leads
/// to a named, measured change joins two parts; "batch → streaming" and
/// "7B model → 1.3B" are one move.
fn leads_to_a_number(after: &[char]) -> bool {
    after.first().is_some_and(|c| c.is_alphabetic())
        && after
            .iter()
            .take_while(|c| !matches!(c, ',' | ';' | '→'))
            .any(|c| *c == KEEP || c.is_ascii_digit())
}

/// What an arrow can lead to without being a place something moved to:
/// "ips weighting → no lift online", "dash vs looker → tz bug".
const NOT_A_PLACE: &[&str] = &[
    "no",
    "not",
    "none",
    "nothing",
    "zero",
    "didnt",
    "didn't",
    "flat",
    "same",
    "bug",
    "bugs",
    "issue",
    "issues",
    "error",
    "errors",
    "leak",
    "leakage",
    "outage",
    "crash",
    "regression",
    "mismatch",
    "broke",
    "fails",
    "failed",
    "worse",
    "better",
    "lower",
    "higher",
    "can",
    "could",
    "will",
    "would",
];

/// "batch → streaming", "redis → feast for embeddings": a move from one
/// thing to another. Not a move: an arrow after a closing parenthesis, or
/// before what came of the work ("(ips weighting) → no lift online",
/// "looker → tz bug"); those are two parts.
fn is_a_move(before: &str, after: &[char]) -> bool {
    // The words just before the arrow say it (a bounded look back, so a
    // note of a million arrows stays linear).
    let mut start = before.len().saturating_sub(200);
    while !before.is_char_boundary(start) {
        start += 1;
    }
    let before = &before[start..];
    let before_word = before.trim_end().rsplit(' ').next().unwrap_or_default();
    if before_word.is_empty() || before_word.ends_with([')', ']', '"', '\'']) {
        return false;
    }
    // "annual default vs monthly default → trial→paid 11.2%→12.9%": what a
    // comparison gave.
    if before
        .split(' ')
        .any(|w| matches!(w, "vs" | "vs." | "versus"))
    {
        return false;
    }
    // "power calc for the test → ~3.1M sessions/arm": an amount reached by
    // a part that had none is what the work found; "7B model → 1.3B" moved.
    let amount_next = after
        .iter()
        .find(|c| !matches!(c, '~' | '≈' | ' '))
        .is_some_and(|c| *c == KEEP || c.is_ascii_digit());
    if amount_next && !before.chars().any(|c| c == KEEP || c.is_ascii_digit()) {
        return false;
    }
    let after: String = after
        .iter()
        .take_while(|c| !matches!(c, ',' | ';' | '→' | '(' | '.'))
        .collect();
    !after
        .split_whitespace()
        .any(|w| NOT_A_PLACE.contains(&w.to_lowercase().as_str()))
}

fn push_fragment(out: &mut Vec<(String, bool)>, current: &mut String, contrast: bool) {
    let piece = current
        .trim()
        .trim_end_matches([',', ';'])
        .trim()
        .to_string();
    current.clear();
    let contrast = contrast || piece.starts_with("but ");
    let piece = piece
        .strip_prefix("and ")
        .or_else(|| piece.strip_prefix("then "))
        .or_else(|| piece.strip_prefix("but "))
        .or_else(|| piece.strip_prefix("plus "))
        .map_or(piece.clone(), str::to_string);
    if !piece.is_empty() {
        out.push((piece, contrast));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_past_with_two_bases_reads_the_same_every_time() {
        // Each map gets its own random hash order: build it many times.
        for _ in 0..32 {
            let vocabulary = Vocabulary::builtin().unwrap();
            assert_eq!(vocabulary.base_of("set up"), Some("set up"));
        }
    }

    #[test]
    fn an_arrow_before_a_named_change_splits_but_a_move_does_not() {
        let split = shapes(&format!(
            "fraud clf retrain w/ new features → recall {KEEP}a"
        ));
        assert_eq!(split.len(), 2, "{split:?}");
        let one = shapes("moved fraud features batch → streaming");
        assert_eq!(one.len(), 1, "{one:?}");
        let one = shapes(&format!("the {KEEP}a intent model → {KEEP}b"));
        assert_eq!(one.len(), 1, "{one:?}");
        // What came of the work is not a place it moved to.
        for text in [
            "popularity debias loss (ips weighting) → no lift online",
            "rev mismatch between dashboards → tz bug",
            "sequential testing in the readout tool → pms can peek",
            "annual default vs monthly default → trial conversion",
            &format!("power calc for the map test → {KEEP}a sessions per arm"),
        ] {
            let two = shapes(text);
            assert_eq!(two.len(), 2, "{text}: {two:?}");
        }
    }

    #[test]
    fn a_chain_of_arrows_is_one_move_through_each_place() {
        let vocabulary = Vocabulary::builtin().unwrap();
        let words: Vec<String> = "reconciliation sku → store → region"
            .split(' ')
            .map(str::to_string)
            .collect();
        assert_eq!(
            vocabulary.arrows(&words),
            "reconciliation from sku to store to region"
        );
    }

    #[test]
    fn a_bare_verb_and_a_noun_before_a_change_name_what_changed() {
        assert!(!matches!(
            &shapes(&format!("handle time {KEEP}a in ramped workspaces"))[0],
            Shape::Action { .. }
        ));
        assert!(matches!(
            &shapes(&format!("produce waste down {KEEP}a in those DCs"))[0],
            Shape::Noun { .. }
        ));
        // Before an object it stays a verb.
        assert!(matches!(
            &shapes(&format!("reduce the bill {KEEP}a"))[0],
            Shape::Action { .. }
        ));
    }

    #[test]
    fn a_slash_says_per_only_before_what_is_counted() {
        let words = |text: &str| match &shapes(text)[0] {
            Shape::Noun { words } | Shape::Clause { words } => words.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(words("sessions/user"), "sessions per user");
        assert_eq!(words("cost/query"), "cost per query");
        assert!(words("offline/online metric mismatch").starts_with("offline/online"));
        assert!(words("jailbreak/pii red-team").starts_with("jailbreak/PII"));
    }

    fn shapes(text: &str) -> Vec<Shape> {
        Vocabulary::builtin()
            .unwrap()
            .fragments(text)
            .into_iter()
            .map(|f| f.shape)
            .collect()
    }

    #[test]
    fn the_built_in_json_says_what_the_toml_files_say() {
        let glossary: toml::Value =
            toml::from_str(include_str!("../../../templates/statements/glossary.toml")).unwrap();
        let json: toml::Value = serde_json::from_str(GLOSSARY).unwrap();
        assert_eq!(glossary, json);
        let verbs: toml::Value =
            toml::from_str(include_str!("../../../templates/statements/verbs.toml")).unwrap();
        let json: toml::Value = serde_json::from_str(VERBS).unwrap();
        assert_eq!(verbs, json);
    }

    #[test]
    fn a_verb_first_fragment_is_an_action_with_shorthand_spelled_out() {
        assert_eq!(
            shapes(&format!("cut gpu bill {KEEP}a w/ int8 quant")),
            vec![Shape::Action {
                past: "cut".into(),
                base: "cut".into(),
                rest: format!("the GPU bill {KEEP}a with int8 quantization")
            }]
        );
    }

    #[test]
    fn numbers_are_left_to_the_caller() {
        // The statement layer marks the metrics it read; a mark is kept as
        // it is and nothing here reads a number again.
        let found = shapes(&format!(
            "ranker v4 w/ 2-stage retrieval, recall@50 {KEEP}a, FP {KEEP}b"
        ));
        assert_eq!(
            found[1],
            Shape::Noun {
                words: format!("recall@50 {KEEP}a")
            }
        );
        assert_eq!(
            found[2],
            Shape::Noun {
                words: format!("false positives {KEEP}b")
            }
        );
    }

    #[test]
    fn a_gerund_before_a_bare_noun_names_a_thing() {
        assert!(matches!(
            &shapes(&format!("training throughput {KEEP}a samples/s"))[0],
            Shape::Clause { .. } | Shape::Noun { .. }
        ));
        assert!(matches!(
            &shapes("rolling out the new ranker")[0],
            Shape::Action { .. }
        ));
        // One mentors people: a name typed in lower case is still one.
        assert!(matches!(
            &shapes("mentoring intern kai on pose estimation")[0],
            Shape::Action { .. }
        ));
    }

    #[test]
    fn a_clause_with_its_own_subject_keeps_it() {
        assert_eq!(
            shapes("churn dropped from 4.1% to 3.6% after the retention model went live"),
            vec![Shape::Clause {
                words: "churn dropped from 4.1% to 3.6% after the retention model went live".into()
            }]
        );
    }

    #[test]
    fn nouns_that_are_verbs_too_open_a_noun_phrase_before_a_noun() {
        assert!(matches!(
            &shapes("model refresh for search")[0],
            Shape::Noun { .. }
        ));
        assert!(matches!(
            &shapes("test 3 prompt variants")[0],
            Shape::Action { .. }
        ));
    }

    #[test]
    fn symbols_become_words() {
        assert_eq!(
            shapes("model rollback now <2min w/o paging infra"),
            vec![Shape::Clause {
                words: "model rollback now under 2 minutes without paging infrastructure".into()
            }]
        );
        assert_eq!(
            shapes("~$400K/yr per finance"),
            vec![Shape::Noun {
                words: "about $400K a year per finance".into()
            }]
        );
    }

    #[test]
    fn a_user_glossary_adds_to_the_built_in_one() {
        let mut vocabulary = Vocabulary::builtin().unwrap();
        vocabulary
            .extend_glossary(
                "[shorthand]\nxsell = \"cross-sell\"\n[names]\nauc = \"\"\n",
                "mine",
            )
            .unwrap();
        let found = vocabulary.fragments("xsell model, auc 0.8");
        assert_eq!(
            found[0].shape,
            Shape::Noun {
                words: "cross-sell model".into()
            }
        );
        assert!(matches!(&found[1].shape, Shape::Noun { words } if words.starts_with("auc")));
        assert!(vocabulary.extend_glossary("[shorthand", "mine").is_err());
    }

    #[test]
    fn a_sentence_that_reads_well_is_kept() {
        assert_eq!(
            shapes("Led the migration of 40 batch jobs from Airflow to Dagster, cutting median pipeline runtime from 3h to 45min."),
            vec![Shape::Sentence {
                words: "I led the migration of 40 batch jobs from Airflow to Dagster, cutting median pipeline runtime from 3h to 45min".into()
            }]
        );
    }

    #[test]
    fn a_participle_with_its_use_or_agent_gets_its_be() {
        let v = Vocabulary::builtin().unwrap();
        assert_eq!(
            v.passive_be("elasticity model used for summer pricing"),
            "elasticity model was used for summer pricing"
        );
        assert_eq!(
            v.passive_be("save offers now targeted by an uplift model"),
            "save offers are now targeted by an uplift model"
        );
        assert_eq!(
            v.passive_be("the pricing team adopted it for 14 cities"),
            "the pricing team adopted it for 14 cities"
        );
    }

    #[test]
    fn a_well_spelled_heading_is_not_a_sentence() {
        let shaped = shapes("Labeling guidelines v2 for toxicity with the vendor and the team.");
        assert!(
            !matches!(shaped[0], Shape::Sentence { .. }),
            "a heading without a verb was kept as a sentence: {shaped:?}"
        );
    }

    #[test]
    fn any_input_is_safe() {
        for text in [
            "",
            "→",
            "- -",
            ":",
            "~",
            "+",
            "ميزة جديدة 🚀",
            "İstanbul → 2x",
            "a → b → c",
            "((",
            "1 → ",
        ] {
            let _ = shapes(text);
        }
    }
}
