//! The phrase engine: per-kind and per-role sentence patterns with slots.
//! It picks the richest pattern whose slots are all filled, choosing among
//! equals by the win's uid so a draft is stable from run to run.

use std::collections::{BTreeMap, HashSet};

use anyhow::{anyhow, Context, Result};
use minijinja::{AutoEscape, Environment};
use serde::{Deserialize, Serialize};

/// The values a pattern may use. Empty means "not known for this win".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Slots {
    pub did: String,
    pub what: String,
    pub metric: String,
    pub before: String,
    pub after: String,
    pub change: String,
    pub business: String,
    pub impact: String,
    pub next: String,
}

impl Slots {
    /// Every slot a pattern may name, in the order of the fields.
    pub const NAMES: [&'static str; 9] = [
        "did", "what", "metric", "before", "after", "change", "business", "impact", "next",
    ];

    fn value(&self, name: &str) -> Option<&str> {
        let value = match name {
            "did" => &self.did,
            "what" => &self.what,
            "metric" => &self.metric,
            "before" => &self.before,
            "after" => &self.after,
            "change" => &self.change,
            "business" => &self.business,
            "impact" => &self.impact,
            "next" => &self.next,
            _ => return None,
        };
        Some(value)
    }

    fn filled(&self, name: &str) -> bool {
        self.value(name)
            .is_some_and(|value| !value.trim().is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BankFile {
    patterns: Vec<String>,
}

/// `phrases/verbs.toml`: the opening verbs that claim an outcome.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerbsFile {
    outcome: Vec<String>,
}

/// The bank name of the verbs file, which holds no patterns.
pub const VERBS: &str = "verbs";

struct Pattern {
    name: String,
    slots: Vec<String>,
}

struct Bank {
    patterns: Vec<Pattern>,
}

/// All banks compiled into one template environment.
pub struct PhraseEngine {
    env: Environment<'static>,
    banks: BTreeMap<String, Bank>,
    outcome_verbs: HashSet<String>,
}

impl PhraseEngine {
    /// `files` are (bank name such as `kind/shipped`, TOML text, source for errors).
    pub fn new(files: &[(String, String, String)]) -> Result<PhraseEngine> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_fuel(Some(100_000));
        env.set_debug(true);
        let mut banks = BTreeMap::new();
        let mut outcome_verbs = HashSet::new();
        for (bank_name, text, source) in files {
            if bank_name == VERBS {
                let verbs: VerbsFile =
                    toml::from_str(text).with_context(|| format!("invalid verbs file {source}"))?;
                outcome_verbs.extend(verbs.outcome.into_iter().map(|v| v.to_lowercase()));
                continue;
            }
            let file: BankFile =
                toml::from_str(text).with_context(|| format!("invalid phrase bank {source}"))?;
            let mut patterns = Vec::new();
            for (index, pattern) in file.patterns.iter().enumerate() {
                let name = format!("{bank_name}#{index}");
                env.add_template_owned(name.clone(), pattern.clone())
                    .with_context(|| format!("phrase bank {source}, pattern {}", index + 1))?;
                let template = env.get_template(&name)?;
                let mut slots: Vec<String> =
                    template.undeclared_variables(false).into_iter().collect();
                slots.sort();
                if let Some(unknown) = slots.iter().find(|s| !Slots::NAMES.contains(&s.as_str())) {
                    return Err(anyhow!(
                        "phrase bank {source}, pattern {}: unknown slot \"{unknown}\" (slots: {})",
                        index + 1,
                        Slots::NAMES.join(", ")
                    ));
                }
                patterns.push(Pattern { name, slots });
            }
            if patterns.is_empty() {
                return Err(anyhow!("phrase bank {source} has no patterns"));
            }
            banks.insert(bank_name.clone(), Bank { patterns });
        }
        Ok(PhraseEngine {
            env,
            banks,
            outcome_verbs,
        })
    }

    /// Renders the best pattern of `bank` for these slots.
    pub fn render(&self, bank: &str, slots: &Slots, seed: &str) -> Result<String> {
        let bank = self
            .banks
            .get(bank)
            .ok_or_else(|| anyhow!("no phrase bank \"{bank}\""))?;
        let usable: Vec<&Pattern> = bank
            .patterns
            .iter()
            .filter(|p| p.slots.iter().all(|slot| slots.filled(slot)))
            .collect();
        let richest = usable
            .iter()
            .map(|p| p.slots.len())
            .max()
            .ok_or_else(|| anyhow!("no pattern fits"))?;
        let best: Vec<&&Pattern> = usable.iter().filter(|p| p.slots.len() == richest).collect();
        let choice = best[stable_index(seed, best.len())];
        let template = self.env.get_template(&choice.name)?;
        Ok(template.render(minijinja::Value::from(minijinja::value::Serde(slots)))?)
    }

    /// Whether a sentence opens with a verb that claims an outcome, which a
    /// role must qualify; other verbs are the author's own actions.
    pub fn claims_outcome(&self, did: &str) -> bool {
        let first = did.split_whitespace().next().unwrap_or("").to_lowercase();
        self.outcome_verbs.contains(&first)
    }
}

/// FNV-1a: the same index for the same uid on every machine and run.
fn stable_index(seed: &str, len: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    usize::try_from(hash % (len.max(1) as u64)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> PhraseEngine {
        let bank = "patterns = [\"{{ what }}, {{ metric }} {{ before }} → {{ after }}.\", \"{{ what }}; {{ impact }}.\", \"{{ what }}.\"]";
        PhraseEngine::new(&[("kind/x".into(), bank.into(), "test".into())]).unwrap()
    }

    #[test]
    fn richest_filled_pattern_wins() {
        let engine = engine();
        let mut slots = Slots {
            what: "I cut latency".into(),
            ..Slots::default()
        };
        assert_eq!(
            engine.render("kind/x", &slots, "a").unwrap(),
            "I cut latency."
        );
        slots.impact = "tickets fell".into();
        assert_eq!(
            engine.render("kind/x", &slots, "a").unwrap(),
            "I cut latency; tickets fell."
        );
        slots.metric = "p99".into();
        slots.before = "240ms".into();
        slots.after = "80ms".into();
        assert_eq!(
            engine.render("kind/x", &slots, "a").unwrap(),
            "I cut latency, p99 240ms → 80ms."
        );
    }

    #[test]
    fn slot_values_are_data_not_code() {
        let engine = engine();
        let slots = Slots {
            what: "{{ 7*7 }} {% for x in y %}".into(),
            ..Slots::default()
        };
        assert_eq!(
            engine.render("kind/x", &slots, "a").unwrap(),
            "{{ 7*7 }} {% for x in y %}."
        );
    }

    #[test]
    fn unknown_slots_are_reported() {
        let err = PhraseEngine::new(&[(
            "kind/x".into(),
            "patterns = [\"{{ wat }}\"]".into(),
            "mine.toml".into(),
        )])
        .err()
        .unwrap();
        assert!(
            format!("{err:#}").contains("unknown slot \"wat\""),
            "{err:#}"
        );
    }

    #[test]
    fn the_choice_is_stable_per_seed() {
        assert_eq!(
            stable_index("01JD-some-uid", 3),
            stable_index("01JD-some-uid", 3)
        );
        let spread: HashSet<usize> = (0..50)
            .map(|i| stable_index(&format!("uid-{i}"), 3))
            .collect();
        assert_eq!(spread.len(), 3);
    }
}
