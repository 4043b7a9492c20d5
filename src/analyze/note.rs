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
        for (table, entries) in [
            (&mut self.shorthand, file.shorthand),
            (&mut self.short_verbs, file.verbs),
            (&mut self.names, file.names),
            (&mut self.per, file.per),
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
        for (base, past) in file.past {
            let base = base.to_lowercase();
            self.longest_key = self.longest_key.max(base.split(' ').count());
            self.past_forms.insert(past.to_lowercase());
            self.base_of
                .entry(past.to_lowercase())
                .or_insert_with(|| base.clone());
            self.past.insert(base, past);
        }
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

    /// Whether a word is a verb the vocabulary knows, in its base or past form.
    pub fn is_verb(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        self.is_past_form(&lower) || self.past.contains_key(&lower)
    }

    /// The activity a noun names, if it names one.
    pub fn activity(&self, noun: &str) -> Option<&Activity> {
        self.activities.get(&noun.to_lowercase())
    }

    fn is_past_form(&self, word: &str) -> bool {
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

    /// "Feature Importance Report For Credit Risk Model" → lower case, names kept.
    fn untitle(&self, sentence: &str) -> String {
        let words: Vec<&str> = sentence.split(' ').collect();
        let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() > 3).collect();
        let capital = long
            .iter()
            .filter(|w| {
                let mut chars = w.chars();
                chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase())
            })
            .count();
        if long.len() < 3 || capital * 10 < long.len() * 7 {
            return sentence.to_string();
        }
        words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                let all_but_first_lower =
                    chars.next().is_some() && chars.all(|c| !c.is_uppercase());
                if all_but_first_lower && !self.names.contains_key(&w.to_lowercase()) {
                    w.to_lowercase()
                } else {
                    (*w).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A sentence that already reads well: capitalised, long enough, and free
    /// of shorthand, symbols and signed numbers.
    fn reads_well(&self, sentence: &str) -> bool {
        let first = sentence.chars().next();
        if !first.is_some_and(char::is_uppercase) || sentence.split(' ').count() < 5 {
            return false;
        }
        if !sentence.ends_with('.') {
            return false;
        }
        if sentence.contains(['→', '~', '≈', '<', '>', '+', ';'])
            || sentence.contains(" - ")
            || sentence.contains("w/")
        {
            return false;
        }
        for word in sentence.split(' ') {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '\'');
            let lower = bare.to_lowercase();
            if word.starts_with('-') && word[1..].starts_with(|c: char| c.is_ascii_digit()) {
                return false;
            }
            if self.shorthand.contains_key(&lower) || self.short_verbs.contains_key(&lower) {
                return false;
            }
            if let Some(name) = self.names.get(&lower) {
                if name != bare && !name.contains(' ') {
                    return false;
                }
            }
            if lower.contains('/') && self.per.keys().any(|per| lower.ends_with(per.as_str())) {
                return false;
            }
        }
        true
    }

    /// A sentence that reads well, with "I" added before an opening verb.
    fn sentence(&self, sentence: &str) -> Shape {
        let words = sentence.trim_end_matches('.').to_string();
        let first = words.split(' ').next().unwrap_or("").to_lowercase();
        if first != "i" && (self.is_past_form(&first) || self.past.contains_key(&first)) {
            let rest = &words[first.len()..];
            let past = self
                .past
                .get(&first)
                .filter(|_| !self.is_past_form(&first))
                .cloned()
                .unwrap_or(first);
            return Shape::Sentence {
                words: format!("I {past}{rest}"),
            };
        }
        Shape::Sentence { words }
    }

    /// The words of a fragment in a statement's spelling: shorthand spelled
    /// out, names in their own case, symbols as words.
    fn spell(&self, piece: &str) -> Vec<String> {
        let raw: Vec<&str> = piece.split(' ').filter(|w| !w.is_empty()).collect();
        let mut out: Vec<String> = Vec::with_capacity(raw.len());
        let mut index = 0;
        while index < raw.len() {
            // The longest glossary phrase starting here ("ab test", "perf review").
            let mut matched = false;
            for width in (2..=self.longest_key.min(raw.len() - index)).rev() {
                let phrase = raw[index..index + width].join(" ").to_lowercase();
                let phrase = phrase.trim_end_matches([',', '.', ')', ':']);
                let found = if index == 0 {
                    self.short_verbs
                        .get(phrase)
                        .or_else(|| self.past.get(phrase))
                } else {
                    None
                }
                .or_else(|| self.shorthand.get(phrase))
                .or_else(|| self.names.get(phrase));
                if let Some(found) = found {
                    out.push(found.clone());
                    index += width;
                    matched = true;
                    break;
                }
            }
            if matched {
                continue;
            }
            let word = raw[index];
            if word.contains(KEEP) {
                out.push(word.to_string());
                index += 1;
                continue;
            }
            let previous = out.last().map(String::as_str);
            out.extend(self.spell_word(word, index == 0, previous));
            index += 1;
        }
        out.retain(|w| !w.is_empty());
        out
    }

    /// One word in a statement's spelling; may become several.
    fn spell_word(&self, word: &str, first: bool, previous: Option<&str>) -> Vec<String> {
        if word == "→" {
            return vec![word.into()];
        }
        let lower = word.to_lowercase();
        // "w/", "w/o", "b/c": shorthand whose letters end in a symbol.
        if let Some(long) = self
            .shorthand
            .get(lower.trim_end_matches([',', ';', ':']))
            .filter(|_| lower.contains('/'))
        {
            let trail = &word[lower.trim_end_matches([',', ';', ':']).len()..];
            return vec![format!("{long}{trail}")];
        }
        // "<", ">", ">=" on their own before a number.
        for (symbol, words) in [
            ("<", "under"),
            (">", "over"),
            (">=", "at least"),
            ("<=", "at most"),
        ] {
            if word == symbol {
                return vec![words.to_string()];
            }
        }
        // "ctr+cvr": "click-through rate and conversion rate".
        if let Some((left, right)) = word.split_once('+') {
            if left.chars().all(char::is_alphabetic)
                && right.chars().any(char::is_alphabetic)
                && !left.is_empty()
            {
                let mut out = self.spell_word(left, first, previous);
                out.push("and".into());
                out.extend(self.spell_word(right, false, Some("and")));
                return out;
            }
        }
        // "wk-over-wk", "e2e-tests": each part of a compound spelled out.
        if word.contains('-') && !word.starts_with('-') && !self.names.contains_key(&lower) {
            let parts: Vec<&str> = word.split('-').collect();
            if parts.len() > 1
                && parts
                    .iter()
                    .any(|p| self.shorthand.contains_key(&p.to_lowercase()))
            {
                let spelled: Vec<String> = parts
                    .iter()
                    .map(|p| {
                        self.shorthand
                            .get(&p.to_lowercase())
                            .cloned()
                            .unwrap_or_else(|| (*p).to_string())
                    })
                    .collect();
                return vec![spelled.join("-")];
            }
        }
        if word == "+" || word == "&" {
            return vec!["and".into()];
        }
        if word == "~" || word == "≈" {
            return vec!["about".into()];
        }
        // Punctuation around the word stays around it.
        let start = word
            .find(|c: char| c.is_alphanumeric() || "~≈<>$+-−@".contains(c))
            .unwrap_or(word.len());
        let end = word
            .rfind(|c: char| c.is_alphanumeric() || c == '%' || c == '$' || c == '\'')
            .map_or(start, |i| {
                i + word[i..].chars().next().map_or(1, char::len_utf8)
            });
        if start >= end {
            return vec![word.to_string()];
        }
        let (lead, core, trail) = (&word[..start], &word[start..end], &word[end..]);
        let mut spelled = self.spell_core(core, first, previous);
        if let Some(first) = spelled.first_mut() {
            first.insert_str(0, lead);
        }
        if let Some(last) = spelled.last_mut() {
            last.push_str(trail);
        }
        spelled
    }

    fn spell_core(&self, core: &str, first: bool, previous: Option<&str>) -> Vec<String> {
        let lower = core.to_lowercase();
        // "~120", "≈$650K": about.
        if let Some(rest) = core.strip_prefix(['~', '≈']) {
            let mut out = vec!["about".to_string()];
            out.extend(self.spell_core(rest, false, Some("about")));
            return out;
        }
        // "<2min", ">99%", ">=": under, over, at least.
        for (symbol, words) in [
            ("<=", "at most"),
            (">=", "at least"),
            ("≤", "at most"),
            ("≥", "at least"),
            ("<", "under"),
            (">", "over"),
        ] {
            if let Some(rest) = core.strip_prefix(symbol) {
                if rest.starts_with(|c: char| c.is_ascii_digit() || c == '$') {
                    let mut out = vec![words.to_string()];
                    out.extend(self.spell_core(rest, false, None));
                    return out;
                }
            }
        }
        if first {
            if let Some(verb) = self.short_verbs.get(&lower) {
                return vec![verb.clone()];
            }
        }
        if let Some(name) = self.names.get(&lower) {
            return vec![name.clone()];
        }
        if let Some(long) = self.shorthand_of(&lower, previous) {
            return vec![keep_case(core, &long)];
        }
        // "$400K/yr", "reviews/wk", "6/qtr": per unit → "a year".
        if let Some(slash) = core.find('/') {
            let (head, unit) = core.split_at(slash);
            if !head.is_empty() {
                if let Some(per) = self.per.get(&unit.to_lowercase()) {
                    let mut out = self.spell_core(head, first, previous);
                    out.extend(per.split(' ').map(str::to_string));
                    return out;
                }
                // "rev/1k impressions": per a number.
                if unit[1..].starts_with(|c: char| c.is_ascii_digit()) {
                    let mut out = self.spell_core(head, first, previous);
                    out.push("per".into());
                    out.extend(self.spell_core(&unit[1..], false, Some("per")));
                    return out;
                }
            }
        }
        // "8k" → "8K", "$1.2m" → "$1.2M".
        if let Some(number) = core.strip_suffix(['k', 'm']) {
            if number
                .trim_start_matches(['$', '+', '-', '~'])
                .parse::<f64>()
                .is_ok()
            {
                return vec![core.to_uppercase()];
            }
        }
        // "2.1pts" → "2.1 points"; "4wks" → "4 weeks".
        let digits = core
            .find(|c: char| {
                !(c.is_ascii_digit() || c == '.' || c == ',' || c == '+' || c == '-' || c == '−')
            })
            .unwrap_or(core.len());
        if digits > 0 && digits < core.len() && core[..digits].chars().any(|c| c.is_ascii_digit()) {
            let unit = &core[digits..];
            if let Some(long) = self.shorthand_of(&unit.to_lowercase(), Some(&core[..digits])) {
                if long.chars().all(|c| c.is_alphabetic() || c == ' ') {
                    return vec![core[..digits].to_string(), long];
                }
            }
        }
        vec![core.to_string()]
    }

    /// "feats" → "features", "qtrs" → "quarters"; "1 wk" → "week", "2 wks" → "weeks".
    fn shorthand_of(&self, lower: &str, previous: Option<&str>) -> Option<String> {
        if let Some(long) = self.shorthand.get(lower) {
            let plural = previous
                .is_some_and(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()) && p != "1")
                && UNIT_WORDS.contains(&lower);
            return Some(if plural {
                pluralize(long)
            } else {
                long.clone()
            });
        }
        let singular = lower.strip_suffix('s')?;
        if singular.len() < 2 {
            return None;
        }
        self.shorthand.get(singular).map(|long| pluralize(long))
    }

    /// What a fragment is, from its words.
    fn shape(&self, words: &[String]) -> Shape {
        let mut start = 0;
        while start < words.len() && FILLER.contains(&words[start].to_lowercase().as_str()) {
            start += 1;
        }
        if start < words.len() && words[start] == "I" {
            start += 1;
        }
        let words = &words[start..];
        if words.is_empty() {
            return Shape::Noun {
                words: String::new(),
            };
        }
        let lower: Vec<String> = words.iter().map(|w| clean(w).to_lowercase()).collect();
        // "label backfill done": the work is done.
        if words.len() > 1 && self.done.contains(&lower[lower.len() - 1]) {
            let thing = self.arrows(&words[..words.len() - 1]);
            let past = match lower[lower.len() - 1].as_str() {
                "done" | "complete" | "finished" | "wrapped" => "completed".to_string(),
                other => other.to_string(),
            };
            let base = self.base_of(&past).unwrap_or(&past).to_string();
            return Shape::Action {
                past,
                base,
                rest: format!("the {thing}"),
            };
        }
        if let Some(role) = self.roles.iter().find(|r| {
            let joined = lower.join(" ");
            joined.starts_with(r.as_str())
                && lower
                    .get(r.split(' ').count())
                    .is_some_and(|w| matches!(w.as_str(), "for" | "of" | "on" | "in" | "at"))
        }) {
            let _ = role;
            return Shape::Role {
                words: self.arrows(words),
            };
        }
        if let Some((past, base, used)) = self.opening_verb(words, &lower) {
            let rest = words[used..].join(" ");
            if lower.get(used).is_some_and(|w| w == "by") && past.ends_with("ed") {
                return Shape::Participle {
                    words: self.arrows(words),
                };
            }
            return Shape::Action {
                rest: self.changes_in_action(&past, &rest),
                past,
                base,
            };
        }
        // "so tests finish sooner": a clause that follows from the one before.
        if lower[0] == "so" && words.len() > 2 {
            return Shape::Clause {
                words: self.arrows(words),
            };
        }
        if lower[0] == "no" && words.len() > 1 && lower[1] != "longer" {
            return Shape::Negation {
                rest: self.arrows(&words[1..]),
            };
        }
        // "0 incidents": zero incidents.
        if lower[0] == "0" && lower.get(1).is_some_and(|w| !has_digit(w) && w != "→") {
            let mut zero = words.to_vec();
            zero[0] = "zero".into();
            return Shape::Noun {
                words: self.arrows(&zero),
            };
        }
        if matches!(
            lower[0].as_str(),
            "after" | "since" | "before" | "during" | "within" | "once" | "at" | "over"
        ) && words.len() <= 4
            && !words.iter().any(|w| is_quantity(w))
        {
            return Shape::Setting {
                words: self.arrows(words),
            };
        }
        if let Some(index) = self.finite_verb(words, &lower) {
            let only_detail_after = words[index + 1..]
                .iter()
                .all(|w| w.starts_with('(') || is_quantity(w) || w.ends_with(')'));
            if lower[index].ends_with("ed") && only_detail_after {
                return Shape::Participle {
                    words: self.arrows(words),
                };
            }
            if lower[index] == "live" {
                return Shape::Launch {
                    subject: words[..index].join(" "),
                    rest: self.arrows(&words[index + 1..]),
                };
            }
            return Shape::Clause {
                words: self.arrows(words),
            };
        }
        Shape::Noun {
            words: self.arrows(words),
        }
    }

    /// The verb a fragment opens with: (past, base, words used).
    fn opening_verb(&self, words: &[String], lower: &[String]) -> Option<(String, String, usize)> {
        // Two- and three-word verbs first: "set up", "took over", "rolled out".
        for width in (1..=3.min(words.len())).rev() {
            let phrase = lower[..width].join(" ");
            let next = lower.get(width).map(String::as_str);
            if width == 1 && self.nouns_too.contains(&phrase) && !next.is_some_and(opens_object) {
                return None;
            }
            if let Some(past) = self.past.get(&phrase) {
                return Some((past.clone(), phrase, width));
            }
            if self.is_past_form(&phrase) {
                let base = self.base_of(&phrase).unwrap_or(&phrase).to_string();
                return Some((words[..width].join(" ").to_lowercase(), base, width));
            }
            if width == 1 {
                if let Some(base) = self.gerund_base(&phrase) {
                    // "retraining from a 2-day process to…", "reading group": a noun.
                    // "training throughput", "onboarding flow readout": a gerund
                    // before a bare noun names a thing, not what I did.
                    if next.is_some_and(|n| {
                        self.noun_heads.contains(n) || n == "from" || !opens_object(n)
                    }) {
                        return None;
                    }
                    let past = self.past.get(&base).cloned()?;
                    return Some((past, base, 1));
                }
                // "CUPED", "SHAPED": an acronym, not a verb.
                let acronym = words[0]
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase);
                if looks_past(&phrase) && !acronym {
                    let base = phrase.trim_end_matches("ed").to_string();
                    return Some((phrase, base, 1));
                }
            }
        }
        None
    }

    /// "building" → "build", "running" → "run", "making" → "make".
    fn gerund_base(&self, word: &str) -> Option<String> {
        let stem = word.strip_suffix("ing")?;
        if stem.len() < 2 {
            return None;
        }
        let mut candidates = vec![stem.to_string(), format!("{stem}e")];
        let bytes = stem.as_bytes();
        if bytes.len() >= 2 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] {
            candidates.push(stem[..stem.len() - 1].to_string());
        }
        candidates.into_iter().find(|c| self.past.contains_key(c))
    }

    /// Where a clause's own verb is: "churn dropped…", "the audit caught…".
    fn finite_verb(&self, words: &[String], lower: &[String]) -> Option<usize> {
        let limit = words.len().min(9);
        if PREPOSITIONS.contains(&lower[0].as_str()) || is_quantity(&words[0]) && words.len() < 3 {
            return None;
        }
        let mut quoted = words[0].starts_with('"') && !words[0][1..].contains('"');
        for index in 1..limit {
            let word = lower[index].as_str();
            let before = lower[index - 1].as_str();
            // Words inside quotes are a name: 'customer "where is my order" contacts'.
            let opens = words[index].starts_with('"');
            let closes = words[index].ends_with('"');
            if quoted || opens {
                quoted = !closes || (opens && words[index].len() == 1);
                continue;
            }
            if DETERMINERS.contains(&before) || has_digit(word) || word == "→" || before == "to" {
                continue;
            }
            let no_longer = word == "no" && lower.get(index + 1).is_some_and(|w| w == "longer");
            // "the PM team uses it weekly": a present tense before its object.
            let present = word.len() > 3
                && word.ends_with('s')
                && (self.past.contains_key(&word[..word.len() - 1])
                    || self.past.contains_key(word.trim_end_matches("es")));
            let present = present
                && lower.get(index + 1).is_some_and(|w| {
                    matches!(
                        w.as_str(),
                        "it" | "them" | "the" | "a" | "every" | "our" | "all"
                    )
                });
            let finite = FINITE.contains(&word)
                || present
                || no_longer
                || word == "live"
                || (self.is_past_form(word) && !self.nouns_too.contains(word))
                || (looks_past(word) && !word.contains('-'));
            if finite {
                return Some(index);
            }
        }
        None
    }

    /// Arrows left inside a phrase: "kafka → iceberg" → "from Kafka to Iceberg".
    fn arrows(&self, words: &[String]) -> String {
        let mut out: Vec<String> = Vec::with_capacity(words.len() + 2);
        let mut index = 0;
        while index < words.len() {
            if words[index] == "→" {
                // "before launch → needed 3.4M sessions": what followed, not a move.
                let next = words.get(index + 1).map(|w| clean(w).to_lowercase());
                if next.is_some_and(|n| self.is_past_form(&n)) {
                    out.push("and".into());
                    index += 1;
                    continue;
                }
                if let Some(before) = out.pop() {
                    let from_already = out.last().is_some_and(|w| w.eq_ignore_ascii_case("from"));
                    if !from_already {
                        out.push("from".into());
                    }
                    out.push(before);
                    out.push("to".into());
                }
                index += 1;
                continue;
            }
            out.push(words[index].clone());
            index += 1;
        }
        out.join(" ")
    }

    /// "cut gpu bill ⟨28%⟩ with int8" → "cut the GPU bill ⟨28%⟩ with int8":
    /// the object of a verb of change gets its article; arrows between
    /// words become "from … to …". The numbers are marks, told by the caller.
    fn changes_in_action(&self, past: &str, rest: &str) -> String {
        let words: Vec<String> = rest.split(' ').map(str::to_string).collect();
        if CHANGE_VERBS.contains(&past) {
            if let Some(mark) = words.iter().position(|w| w.contains(KEEP)) {
                let object = &words[..mark];
                if !object.is_empty()
                    && object
                        .iter()
                        .all(|w| !PREPOSITIONS.contains(&w.to_lowercase().as_str()))
                {
                    let mut out: Vec<String> = with_the(&object.join(" "))
                        .split(' ')
                        .map(str::to_string)
                        .collect();
                    out.extend_from_slice(&words[mark..]);
                    return self.arrows(&out);
                }
            }
        }
        self.arrows(&words)
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
/// the article English wants before it.
pub fn with_the(label: &str) -> String {
    let words: Vec<&str> = label.split(' ').filter(|w| !w.is_empty()).collect();
    let Some(first) = words.first() else {
        return String::new();
    };
    let last = words.last().copied().unwrap_or_default();
    let plural = last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us");
    let lower = first.to_lowercase();
    let determined = DETERMINERS.contains(&lower.as_str())
        || matches!(
            lower.as_str(),
            "all" | "both" | "some" | "it" | "them" | "about"
        )
        || first.starts_with(|c: char| c.is_ascii_digit() || c == '$')
        || first.ends_with("'s");
    // A capitalised first word that is not an acronym is a name ("Triton serving").
    let name = first.chars().next().is_some_and(char::is_uppercase)
        && first.chars().skip(1).any(char::is_lowercase);
    if words.len() == 1 || plural || determined || name {
        return label.to_string();
    }
    format!("the {label}")
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
                || (c == ' ' && next == Some('-') && chars.get(index + 2) == Some(&' ')));
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

fn push_fragment(out: &mut Vec<(String, bool)>, current: &mut String, contrast: bool) {
    let piece = current
        .trim()
        .trim_end_matches([',', ';'])
        .trim()
        .to_string();
    current.clear();
    let piece = piece
        .strip_prefix("and ")
        .or_else(|| piece.strip_prefix("then "))
        .map_or(piece.clone(), str::to_string);
    if !piece.is_empty() {
        out.push((piece, contrast));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            toml::from_str(include_str!("../../templates/statements/glossary.toml")).unwrap();
        let json: toml::Value = serde_json::from_str(GLOSSARY).unwrap();
        assert_eq!(glossary, json);
        let verbs: toml::Value =
            toml::from_str(include_str!("../../templates/statements/verbs.toml")).unwrap();
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
                rest: format!("the GPU bill {KEEP}a with int8 quant")
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
