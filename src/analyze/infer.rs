//! Competency inference: a naive Bayes model over the words of a win.
//!
//! The cold-start model is trained at build time (see `train` and
//! `build.rs`) on a labelled corpus under `templates/inference/`, with the
//! framework's lexicon as a prior. A user's own corpus file, and every win
//! they labelled themselves (`-c`, `win edit -c`), blend in: the journal's
//! counts are the evidence, the cold model the prior, so after a few dozen
//! labelled wins their project names and jargon count. Every suggestion
//! names the words that drove it and, when the user's wins did, which ones.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::train::{corpus_weight, features, train_framework, Feature, StopWords, Trainer};
use crate::domain::framework::Framework;
use anyhow::{bail, Context, Result};

/// The built-in stop words: they never count as evidence.
pub const STOP_WORDS: &str = include_str!("../../templates/inference/stopwords.txt");

/// The built-in models, by framework name, trained by `build.rs`.
const BUILTIN_MODELS: &[(&str, &str)] = &[
    (
        "ml-engineer",
        include_str!(concat!(env!("OUT_DIR"), "/ml-engineer.model")),
    ),
    (
        "data-scientist",
        include_str!(concat!(env!("OUT_DIR"), "/data-scientist.model")),
    ),
];

/// How models are trained: the weights of the lexicon's tiers and of the
/// corpus, and which competencies the impact chain's levels count for
/// (read by `build.rs` too).
pub const SETTINGS: &str = include_str!("../../templates/inference/settings.toml");

/// How scores are calibrated, when a capture asks, and how much the user's
/// labelled wins weigh: fitted on held-out notes (`bench/infer_fit.rs`).
pub const CALIBRATION: &str = include_str!("../../templates/inference/calibration.toml");

/// Where a win's text turns from what was done to what came of it
/// (`templates/inference/clauses.txt`): later clauses count less.
pub const CLAUSES: &str = include_str!("../../templates/inference/clauses.txt");

/// The built-in training corpora, by file name: `templates/inference/NAME.tsv`.
pub const BUILTIN_CORPORA: &[(&str, &str)] = &[(
    "ml-engineer",
    include_str!("../../templates/inference/ml-engineer.tsv"),
)];

/// Additive smoothing of the cold model's counts.
const SMOOTHING: f64 = 0.1;
/// A feature whose log-likelihood for a competency is this far above its
/// mean over all competencies is named as evidence for it.
const EXPLAINS: f64 = 0.4;
/// Evidence (in nats, summed over the named features) below which a win is
/// not tagged without asking.
pub const INFER_THRESHOLD: f64 = 2.0;
/// Most words named per suggestion, and most past wins.
const MAX_MATCHED: usize = 5;
const MAX_LIKE: usize = 3;

pub use crate::domain::analysis::Suggestion;

/// The tuned numbers of `templates/inference/calibration.toml`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub scores: Temperature,
    pub ask: Ask,
    pub learning: Learning,
    pub clauses: ClauseWeight,
}

/// How much each clause of a text counts against the one before it (see
/// `templates/inference/clauses.txt`): a statement says what was done
/// first, then what it saved or raised ("…, saving $7k a month") and what
/// comes next, in words every competency shares.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseWeight {
    pub later: f64,
}

/// A score is the softmax of the competencies' log-likelihoods divided by
/// `scale * features^exponent`: naive Bayes counts every word as
/// independent evidence, so its raw probabilities run to 0 and 1; the
/// temperature is fitted so that a score is the chance of being right.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Temperature {
    pub scale: f64,
    pub exponent: f64,
}

/// When a capture asks instead of telling: the best score below
/// `threshold`, or the two best within `margin` of each other.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    pub threshold: f64,
    pub margin: f64,
}

/// What the user's labelled wins add: each counts as `weight` sentences
/// of the corpus for a word the corpus does not know, and less the more it
/// does (`known` corpus sentences with the word halve it). Their own
/// words, where they differ from the corpus, must move the choice after a
/// few dozen labels; the words the corpus knows stay its.
///
/// A word the user has in at least `own_wins` labelled wins, all of one
/// competency, is theirs, however often the corpus has it: that
/// competency's score gains ln(1 + wins / (`own_prior` × the corpus's share
/// of the word for it)), on the score's scale (after the temperature). The
/// corpus's view of the word counts as `own_prior` wins.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Learning {
    pub weight: f64,
    pub known: f64,
    pub own_wins: f64,
    pub own_prior: f64,
}

impl Calibration {
    /// The temperature for a text of `features` features.
    pub fn temperature(&self, features: usize) -> f64 {
        (self.scores.scale * (features.max(1) as f64).powf(self.scores.exponent)).max(1e-3)
    }

    /// The built-in calibration, read once.
    pub fn builtin() -> &'static Calibration {
        static READ: OnceLock<Calibration> = OnceLock::new();
        READ.get_or_init(|| {
            // The file is built in and covered by the tests: it parses.
            toml::from_str(CALIBRATION).unwrap_or(Calibration {
                scores: Temperature {
                    scale: 1.0,
                    exponent: 0.5,
                },
                ask: Ask {
                    threshold: 0.0,
                    margin: 0.0,
                },
                learning: Learning {
                    weight: 1.0,
                    known: 1.0,
                    own_wins: f64::INFINITY,
                    own_prior: 1.0,
                },
                clauses: ClauseWeight { later: 1.0 },
            })
        })
    }

    /// Whether a capture with these suggestions (best first) should ask
    /// rather than tell: the best is not likely enough, or the second is
    /// close behind.
    pub fn unsure(&self, ranked: &[Suggestion]) -> bool {
        let Some(best) = ranked.first() else {
            return false;
        };
        let second = ranked.get(1).map_or(0.0, |s| s.score);
        best.score < self.ask.threshold || best.score - second < self.ask.margin
    }
}

/// What the user's own labelled wins say about some features: read from
/// the journal for one text's features only.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// Per competency key: labelled wins and their feature occurrences.
    pub totals: HashMap<String, LearnedTotal>,
    /// Per feature: the competencies of the labelled wins that have it.
    pub terms: HashMap<String, Vec<LearnedTerm>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LearnedTotal {
    pub wins: i64,
    pub terms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LearnedTerm {
    pub competency: String,
    pub wins: i64,
    /// The newest wins that taught it.
    pub examples: Vec<i64>,
}

/// A trained model: per-feature counts for each competency, as text sorted
/// by feature (see `Trainer::write`), searched without being parsed.
struct Counts {
    keys: Vec<String>,
    totals: Vec<f64>,
    vocabulary: usize,
    body: Cow<'static, str>,
    /// Where the feature lines start in `body`.
    body_start: usize,
    /// Whether every feature's counts are read into `read` at the first
    /// look-up (see `Model::read_all`).
    read_all: bool,
    read: OnceLock<FeatureMap<Box<[f64]>>>,
}

impl Counts {
    fn parse(text: Cow<'static, str>, source: &str) -> Result<Counts> {
        let Some(split) = text.find("\n\n") else {
            bail!("{source}: not a competency model (no header)");
        };
        let mut keys = Vec::new();
        let mut totals = Vec::new();
        let mut vocabulary = 0;
        for line in text[..split].lines() {
            let mut fields = line.split('\t');
            match fields.next() {
                Some("keys") => keys = fields.map(str::to_string).collect(),
                Some("totals") => {
                    totals = fields
                        .map(str::parse)
                        .collect::<Result<_, _>>()
                        .with_context(|| format!("{source}: bad totals"))?;
                }
                Some("vocabulary") => {
                    vocabulary = fields
                        .next()
                        .unwrap_or("")
                        .parse()
                        .with_context(|| format!("{source}: bad vocabulary"))?;
                }
                _ => {}
            }
        }
        if keys.is_empty() || keys.len() != totals.len() {
            bail!("{source}: not a competency model (keys and totals differ)");
        }
        Ok(Counts {
            keys,
            totals,
            vocabulary,
            body: text,
            body_start: split + 2,
            read_all: false,
            read: OnceLock::new(),
        })
    }

    /// Every feature's counts, in a map.
    fn read(&self) -> FeatureMap<Box<[f64]>> {
        self.body[self.body_start..]
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?;
                let counts = fields.map(|count| count.parse().unwrap_or(0.0)).collect();
                Some((Box::from(name), counts))
            })
            .collect()
    }

    /// The counts of one feature: from the map when they were all read,
    /// else by binary search over the sorted lines.
    fn get(&self, feature: &str) -> Option<Cow<'_, [f64]>> {
        if self.read_all {
            let read = self.read.get_or_init(|| self.read());
            return read.get(feature).map(|counts| Cow::Borrowed(&**counts));
        }
        let body = &self.body[self.body_start..];
        let bytes = body.as_bytes();
        let (mut low, mut high) = (0, bytes.len());
        while low < high {
            let middle = low + (high - low) / 2;
            // The line holding `middle` starts after the previous newline.
            let start = bytes[..middle]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| start + p);
            let line = &body[start..end];
            let name = line.split('\t').next().unwrap_or("");
            match name.cmp(feature) {
                std::cmp::Ordering::Equal => {
                    return Some(Cow::Owned(
                        line.split('\t')
                            .skip(1)
                            .map(|count| count.parse().unwrap_or(0.0))
                            .collect(),
                    ));
                }
                std::cmp::Ordering::Less => low = end + 1,
                std::cmp::Ordering::Greater => high = start,
            }
        }
        None
    }
}

/// What a text's features say: the features the model knows, then for
/// each, `width` apiece one after another, their log-probabilities and the
/// user's counts (no allocation per feature: an import suggests for every
/// note), and each competency's sum.
struct Weighed {
    /// Indices into the features weighed.
    kept: Vec<usize>,
    logs: Vec<f64>,
    users: Vec<f64>,
    log_likelihood: Vec<f64>,
}

/// The competency model for one framework.
pub struct Model {
    /// Whether the embedded, build-time model is used (else it was trained
    /// when loaded). Read by the tests that keep captures from training.
    #[cfg_attr(not(test), allow(dead_code))]
    builtin: bool,
    keys: Vec<String>,
    layers: Vec<Counts>,
    /// Each competency's smoothed total, the denominator of its
    /// probabilities (fixed once the layers are).
    denominators: Vec<f64>,
    /// The layers' counts summed by feature, with what they give when the
    /// user's wins say nothing of it, worked out once at the first look-up
    /// for a model that reads all its counts (see `read_all`).
    merged: OnceLock<FeatureMap<Cold>>,
    stop: StopWords,
    calibration: Calibration,
}

/// A feature's counts over all the layers of the cold model, their sum,
/// and the log-probabilities they give each competency when the user's
/// labelled wins do not have the feature.
struct Cold {
    counts: Box<[f64]>,
    total: f64,
    logs: Box<[f64]>,
}

/// A map by feature name with a fast hash: an import looks up every
/// feature of every note (SipHash, std's default, is built to resist
/// chosen keys, which the model's own words are not).
type FeatureMap<V> = HashMap<Box<str>, V, BuildHasherDefault<rustc_hash::FxHasher>>;

impl Model {
    /// The model for a framework: the built-in one when the framework is
    /// the built-in file, else one trained now from its lexicon (and the
    /// built-in corpus of the same name); `user_corpus` (the text of the
    /// user's `inference/NAME.tsv`) is blended in either way.
    pub fn for_framework(
        framework: &Framework,
        user_corpus: Option<(&str, &str)>,
    ) -> Result<Model> {
        let stop = StopWords::parse(STOP_WORDS);
        let builtin = BUILTIN_MODELS
            .iter()
            .find(|(name, _)| *name == framework.name)
            // The catalog labels the embedded files `built-in NAME.toml`; a
            // user's file of the same name is a path, and is trained below.
            .filter(|(name, _)| framework.source == format!("built-in {name}.toml"));
        let base = match builtin {
            Some((name, text)) => {
                Counts::parse(Cow::Borrowed(text), &format!("built-in {name} model"))?
            }
            None => {
                let settings: toml::Value =
                    toml::from_str(SETTINGS).context("built-in inference settings")?;
                let described = toml::Value::try_from(framework)
                    .context("cannot read the framework for training")?;
                let corpus = settings
                    .get("frameworks")
                    .and_then(|f| f.get(&framework.name))
                    .and_then(|f| f.get("corpus"))
                    .and_then(toml::Value::as_str)
                    .unwrap_or(&framework.name);
                let trainer = train_framework(&described, &settings, corpus_for(corpus), &stop)
                    .map_err(|err| anyhow::anyhow!("{}: {err}", framework.source))?;
                Counts::parse(Cow::Owned(trainer.write()), &framework.name)?
            }
        };
        let keys: Vec<String> = framework
            .competencies
            .iter()
            .map(|c| c.key.clone())
            .collect();
        if base.keys != keys {
            bail!(
                "the {} model does not match the framework's competencies",
                framework.name
            );
        }
        let builtin = builtin.is_some();
        let mut layers = vec![base];
        if let Some((label, corpus)) = user_corpus {
            let settings: toml::Value =
                toml::from_str(SETTINGS).context("built-in inference settings")?;
            let mut trainer = Trainer::new(keys.clone());
            trainer
                .add_corpus(corpus, corpus_weight(&settings), &stop)
                .map_err(|err| anyhow::anyhow!("invalid corpus {label}: {err}"))?;
            layers.push(Counts::parse(Cow::Owned(trainer.write()), label)?);
        }
        let mut totals = vec![0.0; keys.len()];
        let mut vocabulary = 0.0;
        for layer in &layers {
            for (total, add) in totals.iter_mut().zip(&layer.totals) {
                *total += add;
            }
            // Features a user's corpus shares with the built-in one are
            // counted twice: a slight overestimate that only smooths more.
            vocabulary += layer.vocabulary as f64;
        }
        let denominators = totals
            .iter()
            .map(|total| total + SMOOTHING * vocabulary.max(1.0))
            .collect();
        Ok(Model {
            builtin,
            keys,
            layers,
            denominators,
            merged: OnceLock::new(),
            stop,
            calibration: *Calibration::builtin(),
        })
    }

    /// Scores with another calibration (the fitting tool tries many).
    pub fn set_calibration(&mut self, calibration: Calibration) {
        self.calibration = calibration;
    }

    /// The calibration the scores are made with.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The features of a text, as the model and the journal see them.
    pub fn features(&self, text: &str) -> Vec<Feature> {
        features(text, &self.stop)
    }

    /// `features`, from the text's words already split.
    pub fn features_of(&self, words: Vec<super::text::Token>) -> Vec<Feature> {
        super::train::features_of(words, &self.stop)
    }

    /// Reads all the counts at the first look-up, for a model that will
    /// look up the words of many texts (an import analyses every note): a
    /// look-up is then a hash, not a binary search with the counts parsed
    /// each time. A capture looks up a dozen words and keeps the search.
    pub fn read_all(&mut self) {
        for layer in &mut self.layers {
            layer.read_all = true;
        }
    }

    /// Sums the cold model's counts of a feature into `sum`; false when no
    /// layer knows it (then `sum` is all zeros).
    fn cold_counts(&self, feature: &str, sum: &mut [f64]) -> bool {
        sum.fill(0.0);
        let mut known = false;
        for layer in &self.layers {
            if let Some(counts) = layer.get(feature) {
                sum.iter_mut().zip(&*counts).for_each(|(t, c)| *t += c);
                known = true;
            }
        }
        known
    }

    /// A feature's summed counts, for a model that read all its counts
    /// (`read_all`); `None` for one that searches them.
    fn merged(&self) -> Option<&FeatureMap<Cold>> {
        if !self.layers.iter().all(|layer| layer.read_all) {
            return None;
        }
        Some(self.merged.get_or_init(|| {
            let width = self.keys.len();
            let mut merged: FeatureMap<Cold> = FeatureMap::default();
            let mut cold = vec![0.0_f64; width];
            for layer in &self.layers {
                for name in layer.read.get_or_init(|| layer.read()).keys() {
                    if merged.contains_key(name) || !self.cold_counts(name, &mut cold) {
                        continue;
                    }
                    // What `weigh` works out for a feature no labelled win
                    // has, in the same order of operations.
                    let logs = (0..width)
                        .map(|c| ((cold[c] + SMOOTHING) / self.denominators[c]).ln())
                        .collect();
                    merged.insert(
                        name.clone(),
                        Cold {
                            counts: cold.clone().into_boxed_slice(),
                            total: cold.iter().sum(),
                            logs,
                        },
                    );
                }
            }
            merged
        }))
    }

    /// Ranks the competencies for a text, best first, each with the words
    /// that drove it; competencies no word speaks for are left out.
    pub fn suggest(&self, text: &str, learned: &Learned) -> Vec<Suggestion> {
        self.suggest_features(text, &self.features(text), learned)
    }

    /// Like `suggest`, with the text's features already read.
    pub fn suggest_features(
        &self,
        text: &str,
        features: &[Feature],
        learned: &Learned,
    ) -> Vec<Suggestion> {
        let width = self.keys.len();
        let Weighed {
            kept,
            logs,
            users,
            log_likelihood,
        } = self.weigh(text, features, learned);
        if kept.is_empty() {
            return Vec::new();
        }
        let best = log_likelihood
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        // Tempered by the number of features (see `Temperature`), the score
        // is the chance of being right; the order is the same.
        let temperature = self.calibration.temperature(kept.len());
        let weights: Vec<f64> = log_likelihood
            .iter()
            .map(|l| ((l - best) / temperature).exp())
            .collect();
        let sum: f64 = weights.iter().sum();
        // Each feature's mean log-probability, and its words as a
        // suggestion names them (lowercased once, when first named).
        let means: Vec<f64> = logs
            .chunks(width)
            .map(|logs| logs.iter().sum::<f64>() / width as f64)
            .collect();
        let mut named: Vec<Option<String>> = vec![None; kept.len()];
        let mut suggestions: Vec<Suggestion> = Vec::new();
        // (lift, the feature's index in `kept`), one competency at a time.
        let mut drivers: Vec<(f64, usize)> = Vec::with_capacity(kept.len());
        for c in 0..width {
            drivers.clear();
            drivers.extend(
                means
                    .iter()
                    .enumerate()
                    .map(|(index, mean)| (logs[index * width + c] - mean, index))
                    .filter(|(lift, _)| *lift > EXPLAINS),
            );
            if drivers.is_empty() {
                continue;
            }
            drivers.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut matched: Vec<usize> = Vec::new();
            for &(_, index) in &drivers {
                if matched.len() == MAX_MATCHED {
                    break;
                }
                let feature = &features[kept[index]];
                if named[index].is_none() {
                    named[index] = Some(text[feature.start..feature.end].to_lowercase());
                }
                let words = named[index].as_deref().unwrap_or_default();
                // A pair that spans stop words reads badly: its own
                // words are named on their own.
                if words.split_whitespace().count() > 2 {
                    continue;
                }
                // A pair whose words are already named adds nothing.
                if !matched.iter().any(|&other| {
                    let other = named[other].as_deref().unwrap_or_default();
                    contains(other, words) || contains(words, other)
                }) {
                    matched.push(index);
                }
            }
            let mut like: Vec<i64> = Vec::new();
            for &(_, index) in &drivers {
                if users[index * width + c] <= 0.0 {
                    continue;
                }
                let rows = learned
                    .terms
                    .get(&features[kept[index]].name)
                    .into_iter()
                    .flatten();
                for row in rows.filter(|row| row.competency == self.keys[c]) {
                    for id in &row.examples {
                        if !like.contains(id) {
                            like.push(*id);
                        }
                    }
                }
            }
            like.truncate(MAX_LIKE);
            suggestions.push(Suggestion {
                key: self.keys[c].clone(),
                score: (weights[c] / sum * 100.0).round() / 100.0,
                matched: matched
                    .iter()
                    .map(|&index| named[index].clone().unwrap_or_default())
                    .collect(),
                like,
                evidence: drivers.iter().map(|(lift, _)| lift).sum(),
            });
        }
        // Best first; equal scores keep framework order.
        suggestions.sort_by(|a, b| {
            let (ia, ib) = (self.index(&a.key), self.index(&b.key));
            weights[ib].total_cmp(&weights[ia])
        });
        suggestions
    }

    /// Each competency's log-likelihood for a text, and how many of its
    /// features the model knows: what a score is calibrated from (see
    /// `bench/infer_fit.rs`).
    pub fn log_likelihoods(&self, text: &str, learned: &Learned) -> (Vec<f64>, usize) {
        let weighed = self.weigh(text, &self.features(text), learned);
        (weighed.log_likelihood, weighed.kept.len())
    }

    /// The known features of a text and what they say of each competency,
    /// each clause counting `later` times the one before it (see
    /// `ClauseWeight`).
    fn weigh(&self, text: &str, features: &[Feature], learned: &Learned) -> Weighed {
        let width = self.keys.len();
        let starts = clause_starts(text);
        let later = self.calibration.clauses.later;
        // A feature is in the clause of its last word: a pair across a
        // clause's start is in the later one.
        let clause_weight = |feature: &Feature| {
            let clause = starts.partition_point(|&start| start < feature.end);
            later.powi(i32::try_from(clause).unwrap_or(i32::MAX))
        };
        let Learning {
            weight,
            known,
            own_wins,
            own_prior,
        } = self.calibration.learning;
        let merged = self.merged();
        let mut log_likelihood = vec![0.0_f64; width];
        let mut kept: Vec<usize> = Vec::with_capacity(features.len());
        let mut logs: Vec<f64> = Vec::with_capacity(features.len() * width);
        let mut users: Vec<f64> = Vec::with_capacity(features.len() * width);
        let mut cold = vec![0.0_f64; width];
        // The user's own words: (index in `kept`, competency, lift on the
        // score's scale).
        let mut owned: Vec<(usize, usize, f64)> = Vec::new();
        for (index, feature) in features.iter().enumerate() {
            let rows = learned.terms.get(&feature.name);
            let found = merged.map(|merged| merged.get(&*feature.name));
            // A feature no labelled win has: its logs were worked out once.
            if let (Some(found), None) = (found, rows) {
                if let Some(entry) = found {
                    users.resize(users.len() + width, 0.0);
                    let clause = clause_weight(feature);
                    for (sum, log) in log_likelihood.iter_mut().zip(&entry.logs) {
                        *sum += clause * log;
                    }
                    logs.extend(entry.logs.iter().map(|log| clause * log));
                    kept.push(index);
                }
                continue;
            }
            let (in_corpus, counts, corpus_has) = match found {
                Some(Some(entry)) => (true, &*entry.counts, entry.total),
                Some(None) => {
                    cold.fill(0.0);
                    (false, &*cold, 0.0)
                }
                None => {
                    let in_corpus = self.cold_counts(&feature.name, &mut cold);
                    (in_corpus, &*cold, cold.iter().sum())
                }
            };
            let start = users.len();
            match rows {
                Some(rows) => users.extend(self.keys.iter().map(|key| {
                    rows.iter()
                        .find(|row| &row.competency == key)
                        .map_or(0.0, |row| row.wins as f64)
                })),
                None => users.resize(start + width, 0.0),
            }
            if !in_corpus && users[start..].iter().all(|&n| n == 0.0) {
                users.truncate(start);
                continue;
            }
            // The user's labelled wins count as more labelled text, each
            // worth `weight` sentences of the corpus for a word the corpus
            // does not know, less the more it does (`known` sentences of
            // the corpus with the word halve it): their words move the
            // choice where they differ from the corpus. They are left out
            // of the totals: more labels of one competency must not make
            // every other word less likely for it.
            let worth = weight * known / (known + corpus_has);
            let clause = clause_weight(feature);
            for c in 0..width {
                let log = clause
                    * ((counts[c] + worth * users[start + c] + SMOOTHING) / self.denominators[c])
                        .ln();
                logs.push(log);
                log_likelihood[c] += log;
            }
            // A word of the user's, labelled with one competency in enough
            // wins, is theirs: the corpus's share of it for that
            // competency counts as `own_prior` wins against theirs.
            if let Some(c) = owned_by(&users[start..], own_wins) {
                let likelihood = |c: usize| (counts[c] + SMOOTHING) / self.denominators[c];
                let share = likelihood(c) / (0..width).map(likelihood).sum::<f64>();
                let lift = (1.0 + users[start + c] / (own_prior * share.max(1e-9))).ln();
                owned.push((kept.len(), c, lift));
            }
            kept.push(index);
        }
        // The lift is on the score's scale: in log-likelihood units it is
        // the temperature's multiple, so that it is not tempered away and
        // names the word as the evidence it is.
        let temperature = self.calibration.temperature(kept.len());
        for (index, c, lift) in owned {
            logs[index * width + c] += temperature * lift;
            log_likelihood[c] += temperature * lift;
        }
        Weighed {
            kept,
            logs,
            users,
            log_likelihood,
        }
    }

    fn index(&self, key: &str) -> usize {
        self.keys.iter().position(|k| k == key).unwrap_or(0)
    }
}

/// The markers of `CLAUSES`: signs found wherever they stand, words and
/// phrases as whole words, and words that open a clause only after a comma.
struct ClauseMarkers {
    signs: Vec<String>,
    words: Vec<String>,
    after_comma: Vec<String>,
}

impl ClauseMarkers {
    fn parse(text: &str) -> ClauseMarkers {
        let mut markers = ClauseMarkers {
            signs: Vec::new(),
            words: Vec::new(),
            after_comma: Vec::new(),
        };
        for line in text.lines() {
            // A `#` opens a comment only at the start: `;` and `->` are markers.
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let marker = line.trim().to_ascii_lowercase();
            if let Some(word) = marker.strip_prefix(',') {
                markers.after_comma.push(word.trim().to_string());
            } else if marker.starts_with(char::is_alphanumeric) {
                markers.words.push(marker);
            } else {
                markers.signs.push(marker);
            }
        }
        markers
    }

    fn builtin() -> &'static ClauseMarkers {
        static READ: OnceLock<ClauseMarkers> = OnceLock::new();
        READ.get_or_init(|| ClauseMarkers::parse(CLAUSES))
    }
}

/// Where the clauses of a text after its first start, in byte offsets,
/// ascending: at each marker of `templates/inference/clauses.txt` and at
/// each line break.
fn clause_starts(text: &str) -> Vec<usize> {
    let markers = ClauseMarkers::builtin();
    // ASCII lowercase keeps every byte where it was.
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut starts: Vec<usize> = lower.match_indices('\n').map(|(at, _)| at).collect();
    for sign in &markers.signs {
        starts.extend(lower.match_indices(sign.as_str()).map(|(at, _)| at));
    }
    let whole = |at: usize, len: usize| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + len..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    };
    for word in &markers.words {
        starts.extend(
            lower
                .match_indices(word.as_str())
                .map(|(at, _)| at)
                .filter(|&at| whole(at, word.len())),
        );
    }
    for word in &markers.after_comma {
        starts.extend(
            lower
                .match_indices(word.as_str())
                .map(|(at, _)| at)
                .filter(|&at| {
                    whole(at, word.len())
                        && bytes[..at].iter().rev().find(|b| !b.is_ascii_whitespace())
                            == Some(&b',')
                }),
        );
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The competency a word's labelled wins all have, when there are at
/// least `least` of them.
fn owned_by(wins: &[f64], least: f64) -> Option<usize> {
    let mut labelled = wins.iter().enumerate().filter(|(_, n)| **n > 0.0);
    let (c, n) = labelled.next()?;
    (labelled.next().is_none() && *n >= least).then_some(c)
}

/// Whether `needle` occurs in `haystack`: `str::contains` for the few
/// words of a suggestion, without the setup of its searcher for long
/// texts (a suggestion compares each word it names with the others). A
/// match of UTF-8 bytes starts and ends on characters.
fn contains(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
}

/// The built-in corpus a framework of this name trains on, if any.
fn corpus_for(name: &str) -> Option<&'static str> {
    BUILTIN_CORPORA
        .iter()
        .find(|(corpus, _)| *corpus == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::framework::Framework;

    fn builtin() -> Framework {
        crate::domain::framework::Catalog::builtin()
            .get(crate::domain::framework::DEFAULT_FRAMEWORK)
            .unwrap()
            .clone()
    }

    #[test]
    fn built_in_frameworks_use_the_model_trained_at_build_time() {
        let catalog = crate::domain::framework::Catalog::builtin();
        for framework in catalog.all().unwrap() {
            let model = Model::for_framework(framework, None).unwrap();
            assert!(
                model.builtin,
                "{} is trained at every capture",
                framework.name
            );
            // Training it now gives the same counts the build embedded.
            let settings: toml::Value = toml::from_str(SETTINGS).unwrap();
            let described = toml::Value::try_from(framework).unwrap();
            let stop = StopWords::parse(STOP_WORDS);
            let now =
                train_framework(&described, &settings, corpus_for("ml-engineer"), &stop).unwrap();
            assert_eq!(now.write(), model.layers[0].body, "{}", framework.name);
        }
        let mut copy = builtin();
        copy.source = "/home/ada/.config/win/frameworks/ml-engineer.toml".into();
        assert!(!Model::for_framework(&copy, None).unwrap().builtin);
    }

    #[test]
    fn a_model_read_whole_suggests_what_a_searched_one_does() {
        // An import reads the counts into a map; a capture searches them.
        let framework = builtin();
        let searched = Model::for_framework(&framework, None).unwrap();
        let mut read = Model::for_framework(&framework, None).unwrap();
        read.read_all();
        for text in [
            "Deployed the feature store, p99 down from 240ms to 80ms",
            "mentored two new hires through their first on-call",
            "ran the pricing A/B test: +3% conversion, $120K a year",
            "had lunch",
        ] {
            let expected = searched.suggest(text, &Learned::default());
            assert!(!expected.is_empty() || text == "had lunch", "{text}");
            assert_eq!(read.suggest(text, &Learned::default()), expected, "{text}");
        }
    }

    fn custom() -> Framework {
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
        "#;
        Framework::parse(text, "test.toml").unwrap()
    }

    fn top(model: &Model, text: &str) -> Suggestion {
        model.suggest(text, &Learned::default()).remove(0)
    }

    #[test]
    fn the_built_in_model_is_found_by_binary_search() {
        let model = Model::for_framework(&builtin(), None).unwrap();
        let counts = &model.layers[0];
        let body = &counts.body[counts.body_start..];
        // Every feature line is found, first, last and all between.
        for line in body.lines().step_by(37).chain(body.lines().last()) {
            let name = line.split('\t').next().unwrap();
            assert!(counts.get(name).is_some(), "{name}");
        }
        assert!(counts.get("zzzz-not-a-feature").is_none());
        assert!(counts.get("").is_none());
    }

    #[test]
    fn a_framework_of_the_users_is_trained_from_its_lexicon() {
        let model = Model::for_framework(&custom(), None).unwrap();
        let ranked = model.suggest("Deployed the feature store, p99 down", &Learned::default());
        assert_eq!(ranked[0].key, "ops");
        assert!(
            ranked[0]
                .matched
                .iter()
                .any(|m| m.contains("feature store")),
            "{:?}",
            ranked[0].matched
        );
        assert_eq!(top(&model, "precision up 3 points").key, "model");
    }

    #[test]
    fn nothing_known_suggests_nothing() {
        let model = Model::for_framework(&builtin(), None).unwrap();
        assert!(model.suggest("had lunch", &Learned::default()).is_empty());
        assert!(model.suggest("", &Learned::default()).is_empty());
        assert!(model
            .suggest("with the and of", &Learned::default())
            .is_empty());
    }

    #[test]
    fn money_counts_for_the_business_and_latency_for_the_system() {
        let model = Model::for_framework(&builtin(), None).unwrap();
        let money = top(&model, "quantized the ranker to int8, saving $300k a year");
        let latency = top(
            &model,
            "quantized the ranker to int8, p99 latency 80ms -> 30ms",
        );
        assert_ne!(money.key, latency.key);
        assert!(
            money
                .matched
                .iter()
                .any(|m| m.contains('$') || m.contains("sav")),
            "{:?}",
            money.matched
        );
        assert!(
            latency
                .matched
                .iter()
                .any(|m| m.contains("latency") || m.contains("p99")),
            "{:?}",
            latency.matched
        );
    }

    #[test]
    fn a_users_corpus_blends_in() {
        let plain = Model::for_framework(&custom(), None).unwrap();
        let blended = Model::for_framework(
            &custom(),
            Some(("mine.tsv", "model\tkestrel retrained\nmodel\tkestrel v2\n")),
        )
        .unwrap();
        assert!(plain.suggest("kestrel", &Learned::default()).is_empty());
        assert_eq!(top(&blended, "kestrel").key, "model");
        let err = Model::for_framework(&custom(), Some(("mine.tsv", "nope\tkestrel\n")))
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("mine.tsv"), "{err:#}");
    }

    #[test]
    fn labelled_wins_teach_their_words_and_are_named() {
        let model = Model::for_framework(&builtin(), None).unwrap();
        let text = "tollgate failover drill";
        let mut learned = Learned::default();
        learned
            .totals
            .insert("mlops".into(), LearnedTotal { wins: 6, terms: 40 });
        learned
            .totals
            .insert("leadership".into(), LearnedTotal { wins: 6, terms: 40 });
        learned.terms.insert(
            "tollgat".into(),
            vec![LearnedTerm {
                competency: "mlops".into(),
                wins: 6,
                examples: vec![40, 12],
            }],
        );
        let ranked = model.suggest(text, &learned);
        assert_eq!(ranked[0].key, "mlops");
        assert_eq!(ranked[0].like, vec![40, 12]);
        assert!(
            ranked[0].matched.contains(&"tollgate".to_string()),
            "{:?}",
            ranked[0].matched
        );
    }

    /// What a journal learns from these labelled wins (as `store::learned`
    /// counts them: each distinct feature once per win), ids from 1.
    fn learned_from(model: &Model, wins: &[(&str, &str)]) -> Learned {
        let mut learned = Learned::default();
        for (id, (key, text)) in (1..).zip(wins) {
            let features = model.features(text);
            let total = learned.totals.entry((*key).to_string()).or_default();
            total.wins += 1;
            total.terms += features.len() as i64;
            for feature in features {
                let rows = learned.terms.entry(feature.name).or_default();
                match rows.iter_mut().find(|row| row.competency == *key) {
                    Some(row) => {
                        row.wins += 1;
                        row.examples.insert(0, id);
                    }
                    None => rows.push(LearnedTerm {
                        competency: (*key).to_string(),
                        wins: 1,
                        examples: vec![id],
                    }),
                }
            }
        }
        learned
    }

    #[test]
    fn a_word_all_of_whose_wins_agree_outweighs_the_corpus() {
        let model = Model::for_framework(&builtin(), None).unwrap();
        let text = "helped CS build health score dashboard";
        assert_eq!(top(&model, text).key, "mlops", "the corpus's view");
        let mut wins = vec![
            ("business-impact", "churn dashboard for the renewals team"),
            (
                "business-impact",
                "built the pipeline health dashboard for sales ops",
            ),
        ];
        // Two wins are not enough to make the word the user's.
        assert_eq!(
            model.suggest(text, &learned_from(&model, &wins))[0].key,
            "mlops"
        );
        wins.push(("business-impact", "exec revenue dashboard v2 shipped"));
        let ranked = model.suggest(text, &learned_from(&model, &wins));
        assert_eq!(ranked[0].key, "business-impact");
        assert!(
            ranked[0].matched.contains(&"dashboard".to_string()),
            "{:?}",
            ranked[0].matched
        );
        assert_eq!(ranked[0].like, vec![3, 2, 1]);
        // One win of another competency and the word is nobody's.
        wins.push(("mlops", "dashboard for the serving fleet's gpu usage"));
        assert_eq!(
            model.suggest(text, &learned_from(&model, &wins))[0].key,
            "mlops"
        );
    }

    #[test]
    fn a_near_twin_of_one_labelled_win_follows_it() {
        // A recurring note: one label is enough, through the words and
        // pairs the corpus lacks ("oncall rotation", "ppl"), even against a
        // cold model that is sure of another competency.
        let model = Model::for_framework(&builtin(), None).unwrap();
        let text = "ML platform oncall rotation: added 2 ppl, runbooks for top 20 alerts";
        let cold = top(&model, text);
        assert_eq!(cold.key, "mlops");
        assert!(cold.score > 0.9, "{}", cold.score);
        let learned = learned_from(
            &model,
            &[(
                "leadership",
                "redesigned ML platform oncall rotation: 6 ppl, runbooks for top 10 alerts",
            )],
        );
        let ranked = model.suggest(text, &learned);
        assert_eq!(ranked[0].key, "leadership");
        assert_eq!(ranked[0].like, vec![1]);
    }

    #[test]
    fn a_word_is_owned_by_the_one_competency_of_enough_wins() {
        assert_eq!(owned_by(&[0.0, 3.0, 0.0], 3.0), Some(1));
        assert_eq!(owned_by(&[0.0, 4.0, 0.0], 3.0), Some(1));
        assert_eq!(owned_by(&[0.0, 2.0, 0.0], 3.0), None, "too few");
        assert_eq!(owned_by(&[1.0, 3.0, 0.0], 3.0), None, "two competencies");
        assert_eq!(owned_by(&[0.0, 0.0, 0.0], 3.0), None);
        assert_eq!(owned_by(&[], 3.0), None);
    }

    #[test]
    fn the_built_in_calibration_is_read_and_sane() {
        let read: Calibration = toml::from_str(CALIBRATION).unwrap();
        assert_eq!(&read, Calibration::builtin());
        assert!(read.scores.scale > 0.0);
        assert!((0.0..=1.0).contains(&read.ask.threshold), "{read:?}");
        assert!((0.0..1.0).contains(&read.ask.margin), "{read:?}");
        assert!(read.learning.weight > 0.0);
        assert!(read.learning.own_wins >= 1.0 && read.learning.own_prior > 0.0);
        assert!(
            read.clauses.later > 0.0 && read.clauses.later <= 1.0,
            "{read:?}"
        );
        // A temperature is positive, even for a text of no known feature.
        assert!(read.temperature(0) > 0.0 && read.temperature(40) > 0.0);
    }

    fn suggestion(key: &str, score: f64) -> Suggestion {
        Suggestion {
            key: key.into(),
            score,
            matched: Vec::new(),
            like: Vec::new(),
            evidence: 3.0,
        }
    }

    #[test]
    fn clauses_start_at_their_markers_only() {
        let text = "Rebuilt the mart in dbt, saving $7k; next: docs, which whichever saving";
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(
            clause_starts(text),
            vec![at("saving"), at(";"), at("next"), at("which ")],
            "a comma's marker after a comma, words as whole words"
        );
        assert_eq!(clause_starts("impact\nnext step"), vec![6, 7]);
        assert!(clause_starts("Deployed the ranker to prod").is_empty());
        // Markers are matched without regard to case, and never split a
        // character.
        let text = "Ünïcode — Which";
        assert_eq!(
            clause_starts(text),
            vec![text.find('—').unwrap(), text.find('W').unwrap()]
        );
    }

    #[test]
    fn what_a_win_saved_counts_less_than_what_was_done() {
        // "saving $50k a year" is business language whatever saved it; the
        // work before it is MLOps.
        let mut model = Model::for_framework(&builtin(), None).unwrap();
        let text = "Migrated the training jobs to Kubernetes, saving $50k a year";
        assert_eq!(top(&model, text).key, "mlops");
        let mut flat = *model.calibration();
        flat.clauses.later = 1.0;
        model.set_calibration(flat);
        assert_eq!(
            top(&model, text).key,
            "business-impact",
            "every clause alike"
        );
    }

    #[test]
    fn a_capture_asks_when_the_best_is_unlikely_or_the_second_close() {
        let calibration = Calibration {
            ask: Ask {
                threshold: 0.7,
                margin: 0.2,
            },
            ..*Calibration::builtin()
        };
        let unsure = |scores: &[f64]| {
            let ranked: Vec<Suggestion> = scores
                .iter()
                .enumerate()
                .map(|(i, s)| suggestion(&format!("c{i}"), *s))
                .collect();
            calibration.unsure(&ranked)
        };
        assert!(!unsure(&[0.9, 0.05]));
        assert!(!unsure(&[0.75]));
        assert!(unsure(&[0.65, 0.2]), "below the threshold");
        assert!(unsure(&[0.72, 0.55]), "the second within the margin");
        assert!(!unsure(&[]), "nothing to be unsure of");
    }

    #[test]
    fn scores_follow_the_calibrated_temperature() {
        let mut model = Model::for_framework(&builtin(), None).unwrap();
        let text = "migrated the feature pipelines to dagster and cut p99 latency";
        let cold = |model: &Model| model.suggest(text, &Learned::default())[0].score;
        let shipped = cold(&model);
        // A hotter temperature makes the same choice less sure.
        let mut hotter = *model.calibration();
        hotter.scores.scale *= 4.0;
        model.set_calibration(hotter);
        assert!(cold(&model) < shipped, "{} !< {shipped}", cold(&model));
        let (logs, known) = model.log_likelihoods(text, &Learned::default());
        assert_eq!(logs.len(), model.keys.len());
        assert!(known > 3, "{known}");
    }

    #[test]
    fn labels_of_other_words_leave_a_texts_words_alone() {
        // Many labelled wins of one competency, none with this text's
        // words: the ranking is the cold one (a label never dilutes the
        // corpus's evidence for the words it does not have).
        let model = Model::for_framework(&builtin(), None).unwrap();
        let text = "mentored two new hires through their first on-call";
        let cold = model.suggest(text, &Learned::default());
        let mut learned = Learned::default();
        learned.totals.insert(
            "leadership".into(),
            LearnedTotal {
                wins: 40,
                terms: 900,
            },
        );
        assert_eq!(model.suggest(text, &learned), cold);
    }

    #[test]
    fn a_label_moves_a_word_the_corpus_lacks_more_than_one_it_knows() {
        let model = Model::for_framework(&builtin(), None).unwrap();
        let labelled = |term: &str| {
            let mut learned = Learned::default();
            learned
                .totals
                .insert("leadership".into(), LearnedTotal { wins: 2, terms: 30 });
            learned.terms.insert(
                term.into(),
                vec![LearnedTerm {
                    competency: "leadership".into(),
                    wins: 2,
                    examples: vec![1, 2],
                }],
            );
            learned
        };
        // How much further ahead of the others leadership gets.
        let ahead = |logs: &[f64]| {
            let c = model.index("leadership");
            let others = logs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != c)
                .map(|(_, l)| *l)
                .fold(f64::NEG_INFINITY, f64::max);
            logs[c] - others
        };
        let lift = |word: &str| {
            let term = model.features(word).remove(0).name;
            let (cold, _) = model.log_likelihoods(word, &Learned::default());
            let (warm, _) = model.log_likelihoods(word, &labelled(&term));
            let cold = if cold.iter().all(|l| *l == 0.0) {
                0.0
            } else {
                ahead(&cold)
            };
            ahead(&warm) - cold
        };
        // Two labelled wins with "latency" (the corpus has it often) move
        // leadership less than two with "tollgate" (it never saw it).
        let known = lift("latency");
        let unknown = lift("tollgate");
        assert!(known > 0.0 && unknown > 2.0 * known, "{known} vs {unknown}");
        // And a note about latency stays with MLOps.
        let text = "cut p99 latency of the scoring service";
        let term = model.features("latency").remove(0).name;
        assert_eq!(model.suggest(text, &labelled(&term))[0].key, "mlops");
    }
}
