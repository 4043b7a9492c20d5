//! The checker: what a reviewer would call weak or missing in a win.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::domain::metric::{Level, Metric};
use crate::domain::win::{CompetencySource, Kind, Stage, Win};

pub const BUILTIN: &str = include_str!("../../templates/check.toml");

pub use crate::domain::analysis::Finding;

use super::outcome::waiting_days;
use super::UserText;

/// A rule's words, from `templates/check.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub message: String,
    pub suggestion: String,
    pub weak: String,
    pub strong: String,
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub days: Option<i64>,
    /// `phrases` in lower case, made the first time the rule is checked.
    #[serde(skip)]
    lowered: OnceLock<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub rules: BTreeMap<String, Rule>,
}

/// The rule ids, in the order findings are reported.
pub const RULE_IDS: &[&str] = &[
    "no-number",
    "no-impact",
    "no-business-outcome",
    "hedged-number",
    "weak-verb",
    "vague-growth",
    "not-shipped",
    "pending-impact",
    "statement-unclear",
    "competency-unsure",
];

/// Rules added after people may have copied `check.toml`: a copy without
/// one takes the built-in words for it instead of failing.
const ADDED_LATER: &[&str] = &["competency-unsure"];

impl Rules {
    pub fn builtin() -> Result<Rules> {
        Rules::parse(BUILTIN, "built-in check.toml")
    }

    /// The user's copy when there is one, else the built-in rules.
    pub fn load(user_file: Option<&UserText>) -> Result<Rules> {
        match user_file {
            Some(file) => Rules::parse(&file.text, &file.label),
            None => Rules::builtin(),
        }
    }

    /// Reads a `check.toml`; every rule must be there (a user's copy may
    /// reword them, not leave one out).
    pub fn parse(text: &str, label: &str) -> Result<Rules> {
        let mut rules: Rules = crate::domain::toml_file::parse(text, label)?;
        for id in ADDED_LATER {
            if !rules.rules.contains_key(*id) && text != BUILTIN {
                if let Some(rule) = Rules::builtin()?.rules.remove(*id) {
                    rules.rules.insert((*id).to_string(), rule);
                }
            }
        }
        for id in RULE_IDS {
            rules
                .rules
                .get(*id)
                .with_context(|| format!("{label} has no rule \"{id}\""))?;
        }
        Ok(rules)
    }

    fn finding(&self, id: &str) -> Option<Finding> {
        let rule = self.rules.get(id)?;
        Some(Finding {
            rule: id.to_string(),
            message: rule.message.clone(),
            suggestion: rule.suggestion.clone(),
        })
    }

    /// The finding of a win whose statement the engine could not build
    /// cleanly (`statement-unclear`); the statement engine decides when.
    pub fn unclear_statement(&self, id: i64) -> Option<Finding> {
        let mut finding = self.finding("statement-unclear")?;
        finding.suggestion = finding.suggestion.replace(" ID ", &format!(" {id} "));
        Some(finding)
    }

    /// The finding of a win whose competency was inferred unsure and never
    /// confirmed (`competency-unsure`), naming the two it hesitated between.
    fn unsure_competency(&self, win: &Win) -> Option<Finding> {
        let mut finding = self.finding("competency-unsure")?;
        let best: Vec<&str> = win
            .suggestions
            .iter()
            .take(2)
            .map(|s| s.key.as_str())
            .collect();
        let choices = if best.is_empty() {
            win.competencies.join(", ")
        } else {
            format!("{}?", best.join(" or "))
        };
        finding.message = finding.message.replace("{choices}", &choices);
        finding.suggestion = finding.suggestion.replace(" ID ", &format!(" {} ", win.id));
        Some(finding)
    }

    /// Whether one of the rule's phrases occurs in `text` as whole words
    /// (any case), followed by what `tail` allows.
    fn phrase_found(&self, id: &str, tail: Tail, text: &str) -> bool {
        self.rules.get(id).is_some_and(|rule| {
            let lowered = rule
                .lowered
                .get_or_init(|| rule.phrases.iter().map(|p| p.to_lowercase()).collect());
            phrase_found(lowered, tail, text)
        })
    }

    fn days(&self, id: &str, default: i64) -> i64 {
        self.rules.get(id).and_then(|r| r.days).unwrap_or(default)
    }

    /// Checks the parts of a win that exist at capture time.
    pub fn check_text(&self, text: &str, impact: Option<&str>, metrics: &[Metric]) -> Vec<Finding> {
        let mut ids: Vec<&str> = Vec::new();
        let all_text = format!("{text}\n{}", impact.unwrap_or(""));
        let has_impact = impact.is_some_and(|i| !i.trim().is_empty());
        if metrics.is_empty() {
            ids.push("no-number");
        }
        // A note that states a system or business result ("review queue
        // -30%", "p99 240ms → 80ms") carries its impact in its words: 12 of
        // 14 real notes were flagged for leaving --impact empty. A model
        // metric ("AUC 0.81 → 0.88") is not an impact yet.
        let states_a_result = metrics.iter().any(|m| {
            m.level != Some(Level::Model)
                && (m.direction.is_some()
                    || m.change_pct.is_some()
                    || m.level == Some(Level::Business))
        });
        if !has_impact && !states_a_result {
            ids.push("no-impact");
        }
        let has_business = metrics.iter().any(|m| m.level == Some(Level::Business));
        if !has_business && (has_impact || !metrics.is_empty()) {
            ids.push("no-business-outcome");
        }
        // "about" and friends hedge only right before a number ("about 30%").
        if has_range(&all_text) || self.phrase_found("hedged-number", Tail::Number, &all_text) {
            ids.push("hedged-number");
        }
        if self.phrase_found("weak-verb", Tail::WordEnd, &all_text) {
            ids.push("weak-verb");
        }
        if self.phrase_found("vague-growth", Tail::WordEnd, &all_text) && !has_plan(&all_text) {
            ids.push("vague-growth");
        }
        ids.into_iter().filter_map(|id| self.finding(id)).collect()
    }

    /// All rules, including those that depend on the win's age and stage.
    pub fn check_win(&self, win: &Win, now: DateTime<FixedOffset>) -> Vec<Finding> {
        let mut findings = self.check_text(&win.text, win.current_impact(), &win.metrics);
        let age_days = (now - win.occurred_at).num_days();
        let stage = win.stage;
        let model_work = win.kind == Kind::Experiment
            || stage == Some(Stage::Experiment)
            || win.metrics.iter().any(|m| m.level == Some(Level::Model));
        let deployed = stage.is_some_and(Stage::is_deployed);
        if model_work
            && !deployed
            && win.kind != Kind::NegativeResult
            && age_days > self.days("not-shipped", 60)
        {
            findings.extend(self.finding("not-shipped"));
        }
        if super::outcome::awaits_outcome(win)
            && waiting_days(win, now) > self.days("pending-impact", 30)
        {
            findings.extend(self.finding("pending-impact"));
        }
        if win.competency_unsure && win.competency_source == CompetencySource::Inferred {
            findings.extend(self.unsure_competency(win));
        }
        findings
    }
}

/// What must follow a rule's phrase.
#[derive(Debug, Clone, Copy)]
enum Tail {
    /// The end of a word: the end of the text, or neither a letter nor a
    /// digit (`char::is_alphanumeric`).
    WordEnd,
    /// A number, or a currency sign before one, after optional spaces.
    Number,
}

impl Tail {
    fn allows(self, rest: &str) -> bool {
        match self {
            Tail::WordEnd => rest.chars().next().is_none_or(|c| !c.is_alphanumeric()),
            Tail::Number => rest
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '€' | '£')),
        }
    }
}

/// Whether one of `phrases` (in lower case) starts a word of `text` in any
/// case, followed by what `tail` allows.
///
/// Found by walking the text, so nothing is compiled: a regular expression
/// of the phrases took milliseconds to build (its word boundaries are
/// Unicode classes), most of the cost of one `win review statement`,
/// against microseconds for the walk.
fn phrase_found(phrases: &[String], tail: Tail, text: &str) -> bool {
    if phrases.is_empty() {
        return false;
    }
    let mut after_word = false;
    let starts = text.char_indices().map(|(at, c)| (at, Some(c)));
    for (at, c) in starts.chain(std::iter::once((text.len(), None))) {
        if !after_word {
            let rest = &text[at..];
            let found = phrases.iter().any(|phrase| {
                lowercase_prefix(rest, phrase).is_some_and(|end| tail.allows(&rest[end..]))
            });
            if found {
                return true;
            }
        }
        after_word = c.is_some_and(char::is_alphanumeric);
    }
    false
}

/// How many bytes at the start of `text` read as `phrase` (in lower case)
/// once lowercased, if they do.
fn lowercase_prefix(text: &str, phrase: &str) -> Option<usize> {
    let mut wanted = phrase.chars().peekable();
    for (at, c) in text.char_indices() {
        if wanted.peek().is_none() {
            return Some(at);
        }
        for lower in c.to_lowercase() {
            if wanted.next() != Some(lower) {
                return None;
            }
        }
    }
    wanted.peek().is_none().then_some(text.len())
}

/// A range where a number should be: "~30%", "10-15%", "between 5 and 8".
fn has_range(text: &str) -> bool {
    static RANGE: OnceLock<Regex> = OnceLock::new();
    let range = RANGE.get_or_init(|| {
        Regex::new(r"(?i)(~\s?\d|\d\s?(?:-|–|to)\s?\d+(?:\.\d+)?\s?(?:%|x|×|pp|points|ms|h\b|hours)|between \d[\d.,]*\s?%?\s?and \d|\d\+\s?%|\d\s?-ish|±)")
            .expect("hedge pattern is valid")
    });
    // "from 8 to 12%" is a before/after pair, not a range.
    range.find_iter(text).any(|m| {
        let before = text[..m.start()].to_lowercase();
        !(m.as_str().contains(" to ") && before.trim_end().ends_with("from"))
    })
}

/// A growth goal has a plan when it names a time or a concrete step.
fn has_plan(text: &str) -> bool {
    static PLAN: OnceLock<Regex> = OnceLock::new();
    let plan = PLAN.get_or_init(|| {
        Regex::new(r"(?i)\b(by (end of |the end of )?(q[1-4]|h[12]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d{4}|next|this|end)|course|certification|book|mentor|pair(ing)? with|project|deadline|\d{4}-\d{2})")
            .expect("plan pattern is valid")
    });
    plan.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::{phrase_found, Rules, Tail, BUILTIN};
    use crate::domain::analysis::Suggestion;
    use crate::domain::win::{CompetencySource, NewWin};

    #[test]
    fn a_copy_of_check_toml_from_before_competency_unsure_still_loads() {
        // Everything up to the rule, as a copy made before it existed.
        let older = &BUILTIN[..BUILTIN.find("[rules.competency-unsure]").unwrap()];
        let rules = Rules::parse(older, "check.toml").unwrap();
        assert_eq!(
            rules.rules["competency-unsure"].suggestion,
            Rules::builtin().unwrap().rules["competency-unsure"].suggestion
        );
        // Another rule left out is still an error that names it.
        let without = older.replace("[rules.weak-verb]", "[rules.weak-verbs]");
        let err = Rules::parse(&without, "check.toml").unwrap_err();
        assert!(format!("{err:#}").contains("\"weak-verb\""), "{err:#}");
    }

    #[test]
    fn an_unsure_inferred_competency_is_found_until_confirmed() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap();
        let mut win = NewWin::new("tuned the thing".into(), now);
        win.competencies = vec!["mlops".into()];
        win.competency_source = CompetencySource::Inferred;
        win.competency_unsure = true;
        win.suggestions = ["mlops", "data"]
            .iter()
            .map(|key| Suggestion {
                key: (*key).into(),
                score: 0.4,
                matched: Vec::new(),
                like: Vec::new(),
                evidence: 3.0,
            })
            .collect();
        let rules = Rules::builtin().unwrap();
        let found = |win: &NewWin| {
            rules
                .check_win(&win.clone().into_win(7), now)
                .into_iter()
                .find(|f| f.rule == "competency-unsure")
        };
        let finding = found(&win).expect("the unsure competency is found");
        assert!(finding.message.contains("mlops or data?"), "{finding:?}");
        assert!(finding.suggestion.contains("win edit 7 -c"), "{finding:?}");
        // Chosen by the person: confirmed, whatever the flag says.
        win.competency_source = CompetencySource::User;
        assert!(found(&win).is_none());
    }

    fn rules_for(text: &str) -> Vec<String> {
        let rules = Rules::builtin().unwrap();
        rules
            .check_text(text, Some("saved $40k a month"), &[])
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn phrases_match_whole_words_in_any_case() {
        assert!(rules_for("Worked on the ranking model").contains(&"weak-verb".into()));
        assert!(rules_for("I was involved in, the migration").contains(&"weak-verb".into()));
        // Inside other words they are not phrases.
        assert!(!rules_for("reworked online scoring").contains(&"weak-verb".into()));
        assert!(!rules_for("shipped the assistedlabel tool").contains(&"weak-verb".into()));
    }

    #[test]
    fn hedges_count_only_before_a_number() {
        let hedged = |text: &str| rules_for(text).contains(&"hedged-number".into());
        assert!(hedged("cut latency by about 30%"));
        assert!(hedged("cut latency by approx. 30%"));
        assert!(hedged("saved Roughly $2k"));
        assert!(hedged("cut latency by 10-15%"));
        assert!(!hedged("wrote about the model, cut latency 30%"));
        assert!(!hedged("cut latency from 8 to 12ms"));
        assert!(!hedged("walkabout 30 people"));
    }

    #[test]
    fn a_growth_goal_without_a_plan_is_vague() {
        let vague = |text: &str| rules_for(text).contains(&"vague-growth".into());
        assert!(vague("I want to learn Rust"));
        assert!(!vague("I want to learn Rust by Q3"));
    }

    #[test]
    fn phrases_are_found_as_the_regular_expression_of_them_found_them() {
        // What the checker compiled (in milliseconds, at every `win review
        // statement`) before it walked the text: the walk finds the same.
        const WORD_START: &str = r"(?:^|[^\p{Alphabetic}\p{N}])";
        const WORD_END: &str = r"(?:$|[^\p{Alphabetic}\p{N}])";
        const BEFORE_A_NUMBER: &str = r"\s*[0-9$€£]";
        let rules = Rules::builtin().unwrap();
        let texts = [
            "I worked on the ranker",
            "Worked on it",
            "WORKED ON",
            "reworked on the ranker",
            "worked onboarding",
            "worked on2",
            "worked on\u{e9}",
            "(worked on) it",
            "l\u{e9}worked on",
            "I assisted.",
            "about 30%",
            "about\u{a0}$2M",
            "about €5",
            "talked about it",
            "roughly 1.5x",
            "approx. 10 hours",
            "approx.10",
            "ABOUT 40",
            "thereabout 40",
            "I'd like to learn Rust",
            "i\u{2019}d like to learn",
            "want to learn",
            "Want To Learn more",
            "wanna learn",
            "",
            "\u{130}nvolved in",
            "was involved in\nthe launch",
        ];
        for (id, tail, source_tail) in [
            ("weak-verb", Tail::WordEnd, WORD_END),
            ("vague-growth", Tail::WordEnd, WORD_END),
            ("hedged-number", Tail::Number, BEFORE_A_NUMBER),
        ] {
            let phrases = &rules.rules[id].phrases;
            let alternatives: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
            let pattern = regex::Regex::new(&format!(
                "(?i){WORD_START}(?:{}){source_tail}",
                alternatives.join("|")
            ))
            .unwrap();
            let lowered: Vec<String> = phrases.iter().map(|p| p.to_lowercase()).collect();
            for text in texts {
                assert_eq!(
                    phrase_found(&lowered, tail, text),
                    pattern.is_match(text),
                    "{id}: {text:?}"
                );
            }
        }
        // Some of them are found, some not: the comparison means something.
        let found = texts
            .iter()
            .filter(|text| rules.phrase_found("weak-verb", Tail::WordEnd, text))
            .count();
        assert!(found > 3 && found < texts.len() - 3, "{found}");
        assert!(!phrase_found(&[], Tail::WordEnd, "anything"));
    }
}
