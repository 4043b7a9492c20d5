//! The competency model's features, and how it is trained: counts of
//! features per competency over labelled text. Shared by `build.rs`, which
//! trains the built-in model from `templates/inference/`, and by the
//! runtime, which trains on a user's own corpus or framework. It uses only
//! `super::text` and std, so the build script can compile it as it is.

use std::collections::{BTreeMap, HashSet};

use super::text::{tokens, Token};

/// Words that never count as evidence ("with", "the", "our"), as stems.
pub struct StopWords {
    stems: HashSet<String>,
}

impl StopWords {
    /// One word a line; `#` starts a comment.
    pub fn parse(text: &str) -> StopWords {
        let stems = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .filter(|word| !word.is_empty())
            .flat_map(tokens)
            .map(|token| token.stem)
            .collect();
        StopWords { stems }
    }

    pub fn contains(&self, stem: &str) -> bool {
        self.stems.contains(stem)
    }
}

/// One feature of a text: a word's stem, or two neighbouring words'
/// ("feature store"), with the span of the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// The distinct features of a text, in order of first appearance: the
/// stems of its words and of each pair of neighbouring words, leaving out
/// stop words, single letters and bare numbers. A number glued to a unit
/// keeps the unit ("240ms" is `#ms`, "$1.2M" gives `$` and `#m`), since
/// units say which link of the impact chain a number belongs to.
pub fn features(text: &str, stop: &StopWords) -> Vec<Feature> {
    features_of(tokens(text), stop)
}

/// `features`, from the text's words already split (`text::tokens`).
pub fn features_of(tokens: Vec<Token>, stop: &StopWords) -> Vec<Feature> {
    let mut words: Vec<Feature> = Vec::with_capacity(tokens.len());
    for token in tokens {
        let Some(name) = word_feature(token.stem) else {
            continue;
        };
        if stop.contains(&name) {
            continue;
        }
        words.push(Feature {
            name,
            start: token.start,
            end: token.end,
        });
    }
    // Each word, then the pair it starts; the first of each name is kept.
    // (Every analysed note goes through here: the words are moved, not
    // copied, and the names compared where they are.)
    let mut all = Vec::with_capacity(words.len() * 2);
    let mut words = words.into_iter().peekable();
    while let Some(word) = words.next() {
        let pair = words.peek().map(|next| {
            let mut name = String::with_capacity(word.name.len() + 1 + next.name.len());
            name.push_str(&word.name);
            name.push(' ');
            name.push_str(&next.name);
            Feature {
                name,
                start: word.start,
                end: next.end,
            }
        });
        all.push(word);
        all.extend(pair);
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(all.len());
    let first: Vec<bool> = all
        .iter()
        .map(|feature| seen.insert(feature.name.as_str()))
        .collect();
    drop(seen);
    let mut first = first.into_iter();
    all.retain(|_| first.next().unwrap_or(false));
    all
}

/// What a stemmed word counts as, if anything.
fn word_feature(stem: String) -> Option<String> {
    let first = stem.chars().next()?;
    if first.is_ascii_digit() {
        let unit = stem.trim_start_matches(|c: char| c.is_ascii_digit());
        if unit.is_empty() || unit.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        return Some(format!("#{unit}"));
    }
    if stem.chars().count() < 2 && first.is_alphanumeric() {
        return None;
    }
    Some(stem)
}

/// Feature counts per competency, built from labelled text. Each text adds
/// its weight once to every distinct feature it has.
pub struct Trainer {
    keys: Vec<String>,
    counts: BTreeMap<String, Vec<f64>>,
}

impl Trainer {
    pub fn new(keys: Vec<String>) -> Trainer {
        Trainer {
            keys,
            counts: BTreeMap::new(),
        }
    }

    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Counts a labelled text; a label that is not one of the keys is
    /// reported back as an error message.
    pub fn add(
        &mut self,
        key: &str,
        text: &str,
        weight: f64,
        stop: &StopWords,
    ) -> Result<(), String> {
        let class = self
            .keys
            .iter()
            .position(|k| k == key)
            .ok_or_else(|| format!("unknown competency \"{key}\""))?;
        let width = self.keys.len();
        for feature in features(text, stop) {
            self.counts
                .entry(feature.name)
                .or_insert_with(|| vec![0.0; width])[class] += weight;
        }
        Ok(())
    }

    /// Counts every line of a corpus: `competency<TAB>text`, `#` comments.
    /// Errors name the line.
    pub fn add_corpus(
        &mut self,
        corpus: &str,
        weight: f64,
        stop: &StopWords,
    ) -> Result<usize, String> {
        let mut added = 0;
        for (number, line) in corpus.lines().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((key, text)) = line.split_once('\t') else {
                return Err(format!(
                    "line {}: expected a competency, a tab, then the text",
                    number + 1
                ));
            };
            self.add(key.trim(), text, weight, stop)
                .map_err(|err| format!("line {}: {err}", number + 1))?;
            added += 1;
        }
        Ok(added)
    }

    /// The model as text: a header of keys, per-competency totals and the
    /// vocabulary size, a blank line, then one sorted line per feature with
    /// its counts. Sorted so a reader finds a feature by binary search
    /// without parsing the rest.
    pub fn write(&self) -> String {
        let width = self.keys.len();
        let mut totals = vec![0.0; width];
        for counts in self.counts.values() {
            for (total, count) in totals.iter_mut().zip(counts) {
                *total += count;
            }
        }
        let mut out = String::new();
        out.push_str("keys");
        for key in &self.keys {
            out.push('\t');
            out.push_str(key);
        }
        out.push_str("\ntotals");
        for total in &totals {
            out.push('\t');
            out.push_str(&number(*total));
        }
        out.push_str(&format!("\nvocabulary\t{}\n\n", self.counts.len()));
        for (name, counts) in &self.counts {
            out.push_str(name);
            for count in counts {
                out.push('\t');
                out.push_str(&number(*count));
            }
            out.push('\n');
        }
        out
    }
}

/// A count with at most three decimals and no trailing zeros.
fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// The weight of one labelled sentence of a corpus, from the settings.
pub fn corpus_weight(settings: &toml::Value) -> f64 {
    weight(settings, "corpus", 1.0)
}

fn weight(settings: &toml::Value, name: &str, default: f64) -> f64 {
    settings
        .get("prior")
        .and_then(|prior| prior.get(name))
        .and_then(|value| {
            value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))
        })
        .unwrap_or(default)
}

/// Trains the model of a framework (its file, as a TOML value): its
/// lexicon and metric labels are the prior, weighted by tier as the
/// settings say, and a labelled corpus (`competency<TAB>text` lines, labels
/// read through the framework's keys and aliases) is the evidence.
pub fn train_framework(
    framework: &toml::Value,
    settings: &toml::Value,
    corpus: Option<&str>,
    stop: &StopWords,
) -> Result<Trainer, String> {
    let competencies = framework
        .get("competencies")
        .and_then(toml::Value::as_array)
        .ok_or("a framework without competencies")?;
    let text_list = |value: Option<&toml::Value>| -> Vec<String> {
        value
            .and_then(toml::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut keys = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for competency in competencies {
        let key = competency
            .get("key")
            .and_then(toml::Value::as_str)
            .ok_or("a competency without a key")?
            .to_string();
        names.push((key.to_lowercase(), key.clone()));
        for alias in text_list(competency.get("aliases")) {
            names.push((alias.to_lowercase(), key.clone()));
        }
        keys.push(key);
    }
    let mut trainer = Trainer::new(keys);
    for competency in competencies {
        let key = competency
            .get("key")
            .and_then(toml::Value::as_str)
            .unwrap_or("");
        let lexicon = competency.get("lexicon");
        for tier in ["strong", "common", "weak"] {
            let tier_weight = weight(settings, tier, 1.0);
            for term in text_list(lexicon.and_then(|l| l.get(tier))) {
                trainer.add(key, &term, tier_weight, stop)?;
            }
        }
    }
    let name = framework
        .get("name")
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    let levels = settings
        .get("frameworks")
        .and_then(|f| f.get(name))
        .and_then(|f| f.get("levels"));
    let metric_weight = weight(settings, "metric", 1.0);
    for level in ["model", "system", "business"] {
        let Some(key) = levels
            .and_then(|l| l.get(level))
            .and_then(toml::Value::as_str)
        else {
            continue;
        };
        if !trainer.keys().iter().any(|k| k == key) {
            continue;
        }
        let labels = text_list(framework.get("metrics").and_then(|m| m.get(level)));
        for label in labels {
            trainer.add(key, &label, metric_weight, stop)?;
        }
    }
    if let Some(corpus) = corpus {
        let corpus_weight = corpus_weight(settings);
        for line in corpus.lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let Some((label, text)) = line.split_once('\t') else {
                continue;
            };
            let label = label.trim().to_lowercase();
            // Labels another framework does not know are left out.
            if let Some((_, key)) = names.iter().find(|(name, _)| *name == label) {
                let key = key.clone();
                trainer.add(&key, text, corpus_weight, stop)?;
            }
        }
    }
    Ok(trainer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop() -> StopWords {
        StopWords::parse("# comment\nwith\nthe\non\nour # trailing comment\n")
    }

    fn names(text: &str) -> Vec<String> {
        features(text, &stop())
            .into_iter()
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn stop_words_never_become_features() {
        let found = names("Paired with the team on our launch");
        assert!(
            !found
                .iter()
                .any(|f| f.split(' ').any(|w| ["with", "the", "our"].contains(&w))),
            "{found:?}"
        );
        // Pairs skip the stop words between their words.
        assert!(found.contains(&"team launch".to_string()), "{found:?}");
    }

    #[test]
    fn numbers_keep_only_their_units() {
        let found = names("p99 240ms -> 80ms, saved $1.2M in 2026, 3x faster");
        for expected in ["p99", "#ms", "$", "#m", "#x", "sav"] {
            assert!(
                found.contains(&expected.to_string()),
                "{expected} in {found:?}"
            );
        }
        assert!(!found.iter().any(|f| f == "2026" || f == "#"), "{found:?}");
    }

    #[test]
    fn features_are_distinct_and_point_into_the_text() {
        let text = "Deployed, deployed again: the deploy";
        let found = features(text, &stop());
        let mut seen: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        seen.sort_unstable();
        let before = seen.len();
        seen.dedup();
        assert_eq!(before, seen.len());
        for feature in &found {
            assert!(text.get(feature.start..feature.end).is_some());
        }
    }

    #[test]
    fn a_written_model_lists_every_feature_sorted() {
        let mut trainer = Trainer::new(vec!["a".into(), "b".into()]);
        trainer
            .add("a", "feature store latency", 1.0, &stop())
            .unwrap();
        trainer.add("b", "mentored interns", 0.5, &stop()).unwrap();
        assert!(trainer.add("c", "anything", 1.0, &stop()).is_err());
        let text = trainer.write();
        let (header, body) = text.split_once("\n\n").unwrap();
        assert!(header.starts_with("keys\ta\tb\ntotals\t"), "{header}");
        let lines: Vec<&str> = body.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!(lines, sorted);
        assert!(lines.contains(&"featur stor\t1\t0"), "{lines:?}");
        assert!(lines.contains(&"mentor\t0\t0.5"), "{lines:?}");
    }

    #[test]
    fn a_corpus_line_without_a_tab_is_an_error_naming_it() {
        let mut trainer = Trainer::new(vec!["a".into()]);
        let err = trainer
            .add_corpus("# header\na\tfine\nno tab here\n", 1.0, &stop())
            .unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
    }
}
