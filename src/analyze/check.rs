//! The checker: what a reviewer would call weak or missing in a win.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

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
    /// `phrases` as one pattern, found the first time the rule is checked.
    #[serde(skip)]
    pattern: OnceLock<Option<&'static Regex>>,
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
    /// (any case), followed by what `tail` matches. A rule is always checked
    /// with the same tail: its pattern is found once, on first use, so a
    /// review of thousands of wins scans each text once a rule.
    fn phrase_found(&self, id: &str, tail: &str, text: &str) -> bool {
        self.pattern(id, tail)
            .is_some_and(|pattern| pattern.is_match(text))
    }

    /// The rule's phrases as one pattern (see `phrase_pattern`).
    fn pattern(&self, id: &str, tail: &str) -> Option<&'static Regex> {
        let rule = self.rules.get(id)?;
        *rule
            .pattern
            .get_or_init(|| phrase_pattern(&rule.phrases, tail))
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
        if has_range(&all_text) || self.phrase_found("hedged-number", BEFORE_A_NUMBER, &all_text) {
            ids.push("hedged-number");
        }
        if self.phrase_found("weak-verb", WORD_END, &all_text) {
            ids.push("weak-verb");
        }
        if self.phrase_found("vague-growth", WORD_END, &all_text) && !has_plan(&all_text) {
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

/// Not a letter or digit (`char::is_alphanumeric`), or an end of the text.
const WORD_START: &str = r"(?:^|[^\p{Alphabetic}\p{N}])";
const WORD_END: &str = r"(?:$|[^\p{Alphabetic}\p{N}])";
/// A number, a currency sign before one, after optional spaces.
const BEFORE_A_NUMBER: &str = r"\s*[0-9$€£]";

/// One case-insensitive pattern for whole-word phrases, or `None` when
/// there are none (an empty alternation would match everything).
///
/// Compiled once per process: every `Rules` (each `win review statement`
/// an agent asks `win mcp` for reads the rules again) shares the compiled
/// pattern of the same phrases, which cost milliseconds to compile (the
/// word boundaries are Unicode classes) against microseconds to use. A
/// process sees a handful of distinct patterns, so they are kept for its
/// lifetime.
fn phrase_pattern(phrases: &[String], tail: &str) -> Option<&'static Regex> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<&'static Regex>>>> =
        LazyLock::new(Mutex::default);
    if phrases.is_empty() {
        return None;
    }
    let alternatives: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
    let source = format!("(?i){WORD_START}(?:{}){tail}", alternatives.join("|"));
    let mut compiled = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    *compiled.entry(source).or_insert_with_key(|source| {
        Regex::new(source)
            .ok()
            .map(|pattern| &*Box::leak(Box::new(pattern)))
    })
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
    use super::{Rules, BUILTIN, WORD_END};
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
    fn phrase_patterns_are_compiled_once_per_process() {
        // Each statement an agent asks `win mcp` for reads the rules again:
        // the compiled patterns are the same ones.
        let (first, second) = (Rules::builtin().unwrap(), Rules::builtin().unwrap());
        let first = first.pattern("weak-verb", WORD_END).unwrap();
        let second = second.pattern("weak-verb", WORD_END).unwrap();
        assert!(std::ptr::eq(first, second));
        assert!(first.is_match("I worked on the ranker"));
    }
}
