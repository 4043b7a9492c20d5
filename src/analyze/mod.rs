//! Understanding rough notes, offline and deterministic: competency
//! inference, metric extraction, the note's words and the checker. Driven by the
//! framework and phrase files; no I/O, no clock.

pub(crate) mod check;
pub(crate) mod factcheck;
pub mod infer;
pub(crate) mod metrics;
pub(crate) mod mine;
pub(crate) mod note;
pub(crate) mod outcome;
pub(crate) mod scan;
pub(crate) mod text;
pub(crate) mod train;

use std::borrow::Cow;

use anyhow::Result;

pub use check::{Finding, Rules};
pub use infer::{Calibration, Learned, LearnedTerm, LearnedTotal, Suggestion, INFER_THRESHOLD};
pub use metrics::{Direction, Level, Metric};

use crate::domain::framework::Framework;

/// Analyses beyond this many bytes look at the start only: a win is a few
/// sentences, and pasted megabytes must not stall a capture.
const MAX_ANALYZED_BYTES: usize = 64 * 1024;

/// A data file of the user's that replaces a built-in one, already read by
/// the caller (analysis does no I/O).
#[derive(Debug, Clone)]
pub struct UserText {
    /// Its path, for errors.
    pub label: String,
    pub text: String,
}

/// The user's copies of the analysers' files (`templates/check.toml`); `None` keeps the built-in one. `corpus` is
/// their `templates/inference/FRAMEWORK.tsv`, which adds to the built-in
/// training corpus instead of replacing it.
#[derive(Debug, Clone, Default)]
pub struct UserFiles {
    pub check: Option<UserText>,
    pub corpus: Option<UserText>,
}

/// The analysers for one framework, built once and reused for every win.
/// The checker's rules are read on first use: a capture does not need them.
pub struct Analyzer {
    model: infer::Model,
    metric_lexicon: metrics::MetricLexicon,
    rules: std::sync::OnceLock<Rules>,
    check_file: Option<UserText>,
}

impl Analyzer {
    /// Analysers for any number of texts (import, demo, drafts).
    pub fn new(framework: &Framework, files: &UserFiles) -> Result<Analyzer> {
        Analyzer::build(framework, files, None)
    }

    /// Analysers for one win's words only (capture, edit): the lexicon terms
    /// that cannot occur in them are never prepared, which keeps `win add`
    /// close to the cost of a bare insert.
    pub fn for_text(
        framework: &Framework,
        files: &UserFiles,
        parts: &[Option<&str>],
    ) -> Result<Analyzer> {
        let joined: String = parts
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        Analyzer::build(
            framework,
            files,
            Some(&text::Prefilter::new(&bounded(&joined))),
        )
    }

    fn build(
        framework: &Framework,
        files: &UserFiles,
        only: Option<&text::Prefilter>,
    ) -> Result<Analyzer> {
        let mut model = infer::Model::for_framework(
            framework,
            files
                .corpus
                .as_ref()
                .map(|file| (file.label.as_str(), file.text.as_str())),
        )?;
        if only.is_none() {
            model.read_all();
        }
        Ok(Analyzer {
            model,
            metric_lexicon: metrics::MetricLexicon::new(framework, only),
            rules: std::sync::OnceLock::new(),
            check_file: files.check.clone(),
        })
    }

    /// Ranked competencies for a win's text, impact and next, from the
    /// model alone.
    pub fn suggest(&self, text: &str, impact: Option<&str>, next: Option<&str>) -> Vec<Suggestion> {
        self.suggest_learned(text, impact, next, &Learned::default())
    }

    /// Ranked competencies, with what the user's own labelled wins taught
    /// (see `learning_terms`) blended in.
    pub fn suggest_learned(
        &self,
        text: &str,
        impact: Option<&str>,
        next: Option<&str>,
        learned: &Learned,
    ) -> Vec<Suggestion> {
        let joined = join_parts(text, impact, next);
        self.model.suggest(&bounded(&joined), learned)
    }

    /// Ranked competencies (as `suggest_learned`) and the terms the win
    /// teaches the journal's learned counts (as `learning_terms`), from one
    /// reading of its words: an import needs both for every note.
    pub fn suggest_teaching(
        &self,
        text: &str,
        impact: Option<&str>,
        next: Option<&str>,
        learned: &Learned,
    ) -> (Vec<Suggestion>, Vec<String>) {
        let joined = join_parts(text, impact, next);
        let bounded = bounded(&joined);
        let features = self.model.features(&bounded);
        let suggestions = self.model.suggest_features(&bounded, &features, learned);
        let terms = features.into_iter().map(|feature| feature.name).collect();
        (suggestions, terms)
    }

    /// A note's metrics (as `metrics`), suggestions and learning terms (as
    /// `suggest_teaching`): a note with no impact and no next, what an
    /// import mostly brings, has its words split once for all three.
    pub fn analyse(
        &self,
        text: &str,
        impact: Option<&str>,
        next: Option<&str>,
        learned: &Learned,
    ) -> (Vec<Metric>, Vec<Suggestion>, Vec<String>) {
        if impact.is_some() || next.is_some() {
            let metrics = self.metrics(text, impact);
            let (suggestions, terms) = self.suggest_teaching(text, impact, next, learned);
            return (metrics, suggestions, terms);
        }
        let bounded = bounded(text);
        let words = text::tokens(&bounded);
        let metrics = metrics::extract_words(&bounded, &words, &self.metric_lexicon);
        let features = self.model.features_of(words);
        let suggestions = self.model.suggest_features(&bounded, &features, learned);
        let terms = features.into_iter().map(|feature| feature.name).collect();
        (metrics, suggestions, terms)
    }

    /// Each competency's log-likelihood for a win's words and how many
    /// features the model knows (what `bench/infer_fit.rs` calibrates).
    pub fn log_likelihoods(
        &self,
        text: &str,
        impact: Option<&str>,
        next: Option<&str>,
        learned: &Learned,
    ) -> (Vec<f64>, usize) {
        let joined = join_parts(text, impact, next);
        self.model.log_likelihoods(&bounded(&joined), learned)
    }

    /// The calibration the scores are made with.
    pub fn calibration(&self) -> &Calibration {
        self.model.calibration()
    }

    /// Scores with another calibration (the fitting tool tries many).
    pub fn set_calibration(&mut self, calibration: Calibration) {
        self.model.set_calibration(calibration);
    }

    /// Metrics in the text and the impact, in that order.
    pub fn metrics(&self, text: &str, impact: Option<&str>) -> Vec<Metric> {
        let mut found = metrics::extract(&bounded(text), &self.metric_lexicon);
        if let Some(impact) = impact {
            found.extend(metrics::extract(&bounded(impact), &self.metric_lexicon));
        }
        found
    }

    /// The checker's rules (`templates/check.toml`), parsed on first use.
    pub fn rules(&self) -> Result<&Rules> {
        if let Some(rules) = self.rules.get() {
            return Ok(rules);
        }
        let rules = Rules::load(self.check_file.as_ref())?;
        Ok(self.rules.get_or_init(|| rules))
    }
}

/// The terms a win's words teach, or look up, in the journal's learned
/// counts: its distinct features, stop words left out.
pub fn learning_terms(text: &str, impact: Option<&str>, next: Option<&str>) -> Vec<String> {
    static STOP: std::sync::OnceLock<train::StopWords> = std::sync::OnceLock::new();
    let stop = STOP.get_or_init(|| train::StopWords::parse(infer::STOP_WORDS));
    let joined = join_parts(text, impact, next);
    train::features(&bounded(&joined), stop)
        .into_iter()
        .map(|feature| feature.name)
        .collect()
}

/// Names the way `learning_terms` reads words (its rules and the stop
/// words): counts made under another fingerprint are made again.
pub fn learning_fingerprint() -> String {
    /// Bumped whenever `train::features` changes what it extracts.
    const FEATURE_RULES: &str = "features-1";
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in FEATURE_RULES.bytes().chain(infer::STOP_WORDS.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{FEATURE_RULES}-{hash:016x}")
}

fn join_parts(text: &str, impact: Option<&str>, next: Option<&str>) -> String {
    let mut joined = text.to_string();
    for part in [impact, next].into_iter().flatten() {
        joined.push_str(".\n");
        joined.push_str(part);
    }
    joined
}

/// What analysis reads of a text: its first `MAX_ANALYZED_BYTES`, cut at a
/// character boundary, without terminal escape sequences (whose digits,
/// as in `ESC [41m` before "min", would otherwise read as metrics).
fn bounded(text: &str) -> Cow<'_, str> {
    let mut end = text.len().min(MAX_ANALYZED_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    crate::domain::text::without_controls(&text[..end], true)
}
