//! Polish: a rough note becomes a first-person, past-tense sentence with a
//! strong verb. Only verbs, the opening and punctuation change; every
//! number, name and unit the user wrote is kept.

use std::collections::HashMap;

use anyhow::{Context, Result};
use serde::Deserialize;

/// `templates/polish.toml`, turned into JSON by `build.rs`.
use super::UserText;

pub const BUILTIN: &str = include_str!(concat!(env!("OUT_DIR"), "/polish.json"));

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseBank {
    opening: HashMap<String, String>,
    fallback_opening: String,
    #[serde(default)]
    keep: Vec<String>,
    gerunds: HashMap<String, String>,
    replacements: HashMap<String, String>,
}

impl PhraseBank {
    pub fn builtin() -> Result<PhraseBank> {
        serde_json::from_str(BUILTIN).context("invalid phrase bank templates/polish.toml")
    }

    /// The user's copy when there is one (TOML), else the built-in bank.
    pub fn load(user_file: Option<&UserText>) -> Result<PhraseBank> {
        match user_file {
            Some(file) => {
                crate::domain::toml_file::parse(&file.text, &format!("phrase bank {}", file.label))
            }
            None => PhraseBank::builtin(),
        }
    }

    /// Polishes a rough note; `None` when there is nothing to polish.
    pub fn polish(&self, rough: &str) -> Option<String> {
        let text = rough.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text
            .trim_start_matches(['-', '*', '•', ' '])
            .trim()
            .trim_end_matches(['.', ' ']);
        if text.is_empty() {
            return None;
        }
        let (subject, body) = split_subject(text);
        let (opening, rest) = self.opening(body);
        // "The churn model I built…" already speaks in the first person: a
        // verb put in front would break it, so it is kept as written.
        if opening == self.fallback_opening
            && subject == "I"
            && body == text
            && has_first_person(text)
        {
            let mut sentence = capitalize_first(text);
            sentence.push('.');
            return Some(sentence);
        }
        let mut sentence = format!("{subject} {opening}");
        if !rest.is_empty() {
            sentence.push(' ');
            sentence.push_str(&self.gerund_clauses(&rest));
        }
        for (from, to) in &self.replacements {
            sentence = replace_word(&sentence, from, to);
        }
        sentence.push('.');
        Some(sentence)
    }

    /// Replaces the opening verb (longest phrase first) with a strong one.
    fn opening(&self, body: &str) -> (String, String) {
        let mut best: Option<(&str, &str)> = None;
        for (rough, strong) in &self.opening {
            // Compared byte for byte, ASCII-insensitively: lowercasing could
            // change lengths ('K' → 'k') and misplace the cut.
            let fits = body
                .get(..rough.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(rough))
                && body[rough.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '-');
            if fits && best.is_none_or(|(b, _)| rough.len() > b.len()) {
                best = Some((rough.as_str(), strong.as_str()));
            }
        }
        if let Some((rough, strong)) = best {
            return (
                strong.to_string(),
                body[rough.len()..].trim_start().to_string(),
            );
        }
        let first = body.split_whitespace().next().unwrap_or("");
        let lowered = first.to_lowercase();
        let irregular_past = self.gerunds.contains_key(&lowered);
        let kept = self.keep.contains(&lowered);
        if looks_past_tense(first) || irregular_past || kept {
            return (
                lowercase_first(first),
                body[first.len()..].trim_start().to_string(),
            );
        }
        (self.fallback_opening.clone(), lowercase_first_str(body))
    }

    /// "…skew, recovered 4 points" → "…skew, recovering 4 points".
    fn gerund_clauses(&self, rest: &str) -> String {
        let mut out = String::with_capacity(rest.len() + 8);
        for (index, clause) in rest.split(", ").enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            let (connector, body) = match clause.split_once(' ') {
                Some((word @ ("and" | "then"), body)) if index > 0 => (format!("{word} "), body),
                _ => (String::new(), clause),
            };
            out.push_str(&connector);
            let first = body.split_whitespace().next().unwrap_or("");
            let lowered = first.to_lowercase();
            if index > 0 && connector.is_empty() {
                if let Some(gerund) = self.gerund(&lowered) {
                    out.push_str(&gerund);
                    out.push_str(&body[first.len()..]);
                    continue;
                }
            }
            out.push_str(body);
        }
        out
    }

    fn gerund(&self, past: &str) -> Option<String> {
        if let Some(gerund) = self.gerunds.get(past) {
            return Some(gerund.clone());
        }
        let base = past
            .strip_suffix("ed")
            .filter(|b| b.len() >= 3 && b.chars().all(char::is_alphabetic))?;
        Some(format!("{base}ing"))
    }
}

/// "I …", "We …", or an implied "I".
fn split_subject(text: &str) -> (&'static str, &str) {
    for (prefix, subject) in [("i ", "I"), ("we ", "We"), ("i've ", "I"), ("we've ", "We")] {
        if text.len() > prefix.len()
            && text
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        {
            return (subject, text[prefix.len()..].trim_start());
        }
    }
    ("I", text)
}

fn has_first_person(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .any(|word| {
            matches!(
                word,
                "I" | "I've" | "I'd" | "we" | "We" | "my" | "My" | "our" | "Our" | "me" | "us"
            )
        })
}

fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn looks_past_tense(word: &str) -> bool {
    word.len() > 4
        && word.to_lowercase().ends_with("ed")
        && word.chars().all(|c| c.is_alphabetic() || c == '-')
}

/// Lowercases the first letter unless the word looks like a name or acronym.
fn lowercase_first(word: &str) -> String {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest: String = chars.collect();
    if rest.chars().any(char::is_uppercase) || rest.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    format!("{}{rest}", first.to_lowercase())
}

fn lowercase_first_str(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    format!("{}{}", lowercase_first(first), &text[first.len()..])
}

fn replace_word(text: &str, from: &str, to: &str) -> String {
    let lower = text.to_lowercase();
    if lower.len() != text.len() || !lower.contains(from) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (index, _) in lower.match_indices(from) {
        out.push_str(&text[last..index]);
        out.push_str(to);
        last = index + from.len();
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polish(text: &str) -> String {
        PhraseBank::builtin().unwrap().polish(text).unwrap()
    }

    #[test]
    fn the_built_in_json_says_what_polish_toml_says() {
        let toml: PhraseBank = toml::from_str(include_str!("../../templates/polish.toml")).unwrap();
        assert_eq!(PhraseBank::builtin().unwrap(), toml);
    }

    #[test]
    fn the_example_from_the_design() {
        assert_eq!(
            polish("fixed training-serving skew, recovered 4 points of precision"),
            "I identified and resolved training–serving skew, recovering 4 points of precision."
        );
    }

    #[test]
    fn weak_openings_get_strong_verbs() {
        assert_eq!(
            polish("worked on the feature store migration"),
            "I drove the feature store migration."
        );
        assert_eq!(
            polish("helped with the Q3 churn analysis"),
            "I contributed to the Q3 churn analysis."
        );
        assert_eq!(
            polish("We shipped the ranker v2"),
            "We shipped the ranker v2."
        );
        assert_eq!(
            polish("I cut p99 from 240ms to 80ms, saved $1.2M"),
            "I cut p99 from 240ms to 80ms, saving $1.2M."
        );
    }

    #[test]
    fn notes_without_a_verb_get_one() {
        assert_eq!(
            polish("New churn model in prod"),
            "I delivered new churn model in prod."
        );
        assert_eq!(
            polish("Migrated 40 DAGs to Airflow 2"),
            "I migrated 40 DAGs to Airflow 2."
        );
        assert_eq!(
            polish("XGBoost baseline beat the heuristic"),
            "I delivered XGBoost baseline beat the heuristic."
        );
    }

    #[test]
    fn numbers_and_names_survive() {
        let rough = "reduced GPU cost 38% (from $41K/mo to $25K/mo) on Triton, 2x throughput";
        let polished = polish(rough);
        for keep in ["38%", "$41K/mo", "$25K/mo", "Triton", "2x", "GPU"] {
            assert!(polished.contains(keep), "{keep} lost in {polished}");
        }
    }

    #[test]
    fn any_script_is_safe() {
        for text in [
            "ميزة جديدة 🚀",
            "\u{212A}ut latency",
            "İstanbul launch",
            "we",
            "i",
            "é",
        ] {
            let _ = polish(text);
        }
    }

    #[test]
    fn empty_notes_have_nothing_to_polish() {
        assert_eq!(PhraseBank::builtin().unwrap().polish("  - "), None);
    }
}
