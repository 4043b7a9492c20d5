//! Competency inference: which competencies a win's words point at, with the
//! words that matched, from the framework's lexicon alone.

use std::collections::HashMap;

use super::text::{term_stems, tokens, Prefilter, Token};
use crate::domain::framework::Framework;

/// Weights of the lexicon tiers: a strong term is worth three common ones.
const STRONG: f64 = 3.0;
const COMMON: f64 = 1.0;
const WEAK: f64 = 0.3;
/// A phrase says more than its words: "feature store" beats "feature".
const PHRASE_BONUS: f64 = 1.5;
/// Terms after the first sentence (the impact, the follow-up) weigh less:
/// what a win is about is said first.
const LATER_SENTENCES: f64 = 0.7;
/// Evidence below this is not enough to tag a win without asking.
pub const INFER_THRESHOLD: f64 = 2.5;

pub use crate::domain::analysis::Suggestion;

/// A framework's lexicon compiled for matching: each term's stems, indexed
/// by its first stem so text is scanned once.
pub struct Matcher {
    terms: Vec<Term>,
    by_first_stem: HashMap<String, Vec<usize>>,
    keys: Vec<String>,
}

struct Term {
    text: String,
    stems: Vec<String>,
    /// (competency index, weight) for every competency listing the term.
    weights: Vec<(usize, f64)>,
}

impl Matcher {
    /// The matcher for a framework; with a prefilter, only for the terms
    /// that could occur in that one text.
    pub fn new(framework: &Framework, only: Option<&Prefilter>) -> Matcher {
        let mut terms: Vec<Term> = Vec::new();
        let mut index_of: HashMap<Vec<String>, usize> = HashMap::new();
        for (competency_index, competency) in framework.competencies.iter().enumerate() {
            let lexicon = &competency.lexicon;
            let tiers = [
                (&lexicon.strong, STRONG),
                (&lexicon.common, COMMON),
                (&lexicon.weak, WEAK),
            ];
            for (list, weight) in tiers {
                for text in list {
                    if only.is_some_and(|filter| !filter.admits(text)) {
                        continue;
                    }
                    let stems = term_stems(text);
                    if stems.is_empty() {
                        continue;
                    }
                    let weight = if stems.len() > 1 {
                        weight * PHRASE_BONUS
                    } else {
                        weight
                    };
                    let index = *index_of.entry(stems.clone()).or_insert_with(|| {
                        terms.push(Term {
                            text: text.clone(),
                            stems,
                            weights: Vec::new(),
                        });
                        terms.len() - 1
                    });
                    let weights = &mut terms[index].weights;
                    // A term listed twice for one competency counts at its best tier.
                    match weights.iter_mut().find(|(c, _)| *c == competency_index) {
                        Some(existing) => existing.1 = existing.1.max(weight),
                        None => weights.push((competency_index, weight)),
                    }
                }
            }
        }
        let mut by_first_stem: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, term) in terms.iter().enumerate() {
            by_first_stem
                .entry(term.stems[0].clone())
                .or_default()
                .push(index);
        }
        // Longest phrases first, so "feature store" wins over "feature".
        for candidates in by_first_stem.values_mut() {
            candidates.sort_by_key(|&i| std::cmp::Reverse(terms[i].stems.len()));
        }
        let keys = framework
            .competencies
            .iter()
            .map(|c| c.key.clone())
            .collect();
        Matcher {
            terms,
            by_first_stem,
            keys,
        }
    }

    /// Distinct lexicon terms found in the tokens, as indices into `terms`,
    /// each with the position of its first occurrence.
    fn find(&self, tokens: &[Token]) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut position = 0;
        while position < tokens.len() {
            let mut advance = 1;
            if let Some(candidates) = self.by_first_stem.get(&tokens[position].stem) {
                for &index in candidates {
                    let stems = &self.terms[index].stems;
                    let fits = stems.len() <= tokens.len() - position
                        && stems
                            .iter()
                            .zip(&tokens[position..])
                            .all(|(stem, token)| *stem == token.stem);
                    if fits {
                        if !found.iter().any(|(i, _)| *i == index) {
                            found.push((index, tokens[position].start));
                        }
                        advance = stems.len();
                        break;
                    }
                }
            }
            position += advance;
        }
        found
    }

    /// Ranks the competencies for a text, best first; competencies with no
    /// evidence are left out.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        let words = tokens(text);
        let found = self.find(&words);
        let first_sentence_end = first_sentence_end(text);
        let mut evidence = vec![0.0_f64; self.keys.len()];
        let mut matched: Vec<Vec<(f64, &str)>> = vec![Vec::new(); self.keys.len()];
        for (index, at) in found {
            let term = &self.terms[index];
            let position_weight = if at < first_sentence_end {
                1.0
            } else {
                LATER_SENTENCES
            };
            for &(competency, weight) in &term.weights {
                let weight = weight * position_weight;
                evidence[competency] += weight;
                matched[competency].push((weight, term.text.as_str()));
            }
        }
        let total: f64 = evidence.iter().sum();
        if total <= 0.0 {
            return Vec::new();
        }
        let mut suggestions: Vec<Suggestion> = evidence
            .iter()
            .enumerate()
            .filter(|(_, &score)| score > 0.0)
            .map(|(competency, &score)| {
                let mut terms = matched[competency].clone();
                terms.sort_by(|a, b| b.0.total_cmp(&a.0));
                Suggestion {
                    key: self.keys[competency].clone(),
                    score: (score / total * 100.0).round() / 100.0,
                    matched: terms
                        .into_iter()
                        .map(|(_, text)| text.to_string())
                        .collect(),
                    evidence: score,
                }
            })
            .collect();
        // Stable: equal evidence keeps framework order.
        suggestions.sort_by(|a, b| b.evidence.total_cmp(&a.evidence));
        suggestions
    }
}

/// Where the first sentence ends: a full stop, "!" or "?" followed by a
/// space, or a line break (decimals such as "0.81" do not end a sentence).
fn first_sentence_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        let ends = match byte {
            b'\n' => true,
            b'.' | b'!' | b'?' => bytes
                .get(index + 1)
                .is_none_or(|next| next.is_ascii_whitespace()),
            _ => false,
        };
        if ends {
            return index;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::framework::Framework;

    fn framework() -> Framework {
        let text = r#"
            name = "t"
            title = "T"
            [[competencies]]
            key = "ops"
            title = "Ops"
            [competencies.lexicon]
            strong = ["deploy", "feature store", "p99"]
            common = ["latency"]
            [[competencies]]
            key = "model"
            title = "Model"
            [competencies.lexicon]
            strong = ["precision", "feature"]
            weak = ["latency"]
        "#;
        Framework::parse(text, "test").unwrap()
    }

    #[test]
    fn word_forms_and_phrases_match() {
        let matcher = Matcher::new(&framework(), None);
        let ranked = matcher.suggest("Deployed the Feature Store; p99 latency down");
        assert_eq!(ranked[0].key, "ops");
        assert_eq!(
            ranked[0].matched,
            vec!["feature store", "deploy", "p99", "latency"]
        );
        // "feature" inside "feature store" is not counted for the other competency.
        assert_eq!(ranked[1].key, "model");
        assert_eq!(ranked[1].matched, vec!["latency"]);
        let total: f64 = ranked.iter().map(|s| s.score).sum();
        assert!((total - 1.0).abs() < 0.02, "{total}");
    }

    #[test]
    fn no_evidence_no_suggestion() {
        let matcher = Matcher::new(&framework(), None);
        assert!(matcher.suggest("had lunch").is_empty());
        assert!(matcher.suggest("").is_empty());
    }

    #[test]
    fn repeated_words_count_once() {
        let matcher = Matcher::new(&framework(), None);
        let once = matcher.suggest("precision");
        let thrice = matcher.suggest("precision precision precision");
        assert!((once[0].evidence - thrice[0].evidence).abs() < f64::EPSILON);
    }
}
