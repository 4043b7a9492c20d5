//! Labels: the metric a number measures, from the framework lexicon or the
//! words around it, and the verbs that give its direction.

use super::*;
use crate::analyze::text::{term_stems, Prefilter};
use crate::domain::framework::Framework;

/// The compiled metric lexicon of a framework: labels, levels and polarity.
pub struct MetricLexicon {
    labels: Vec<(Vec<String>, String, Option<Level>)>,
    /// The indexes of `labels` by their first stem, in `labels`' order.
    by_first_stem: std::collections::HashMap<String, Vec<usize>>,
    lower_is_better: Vec<Vec<String>>,
    /// Names whose following number is a version (`templates/metrics/versioned.txt`).
    versioned: Vec<&'static str>,
}

/// Tools, languages and formats whose following number is a version.
const VERSIONED: &str = include_str!("../../../templates/metrics/versioned.txt");

impl MetricLexicon {
    /// The lexicon of a framework; with a prefilter, only the terms that
    /// could occur in that one text.
    pub fn new(framework: &Framework, only: Option<&Prefilter>) -> MetricLexicon {
        let lexicon = &framework.metrics;
        let mut labels: Vec<(Vec<String>, String, Option<Level>)> = Vec::new();
        for (list, level) in [
            (&lexicon.model, Level::Model),
            (&lexicon.system, Level::System),
            (&lexicon.business, Level::Business),
        ] {
            for term in list {
                if only.is_some_and(|filter| !filter.admits(term)) {
                    continue;
                }
                let stems = term_stems(term);
                if stems.is_empty() || labels.iter().any(|(s, _, _)| *s == stems) {
                    continue;
                }
                labels.push((stems, term.clone(), Some(level)));
            }
        }
        let admitted = |term: &&String| only.is_none_or(|filter| filter.admits(term));
        for term in lexicon.lower_is_better.iter().filter(admitted) {
            let stems = term_stems(term);
            if !stems.is_empty() && !labels.iter().any(|(s, _, _)| *s == stems) {
                labels.push((stems, term.clone(), None));
            }
        }
        labels.sort_by_key(|(stems, _, _)| std::cmp::Reverse(stems.len()));
        let mut by_first_stem: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (index, (stems, _, _)) in labels.iter().enumerate() {
            by_first_stem
                .entry(stems[0].clone())
                .or_default()
                .push(index);
        }
        let lower_is_better = lexicon
            .lower_is_better
            .iter()
            .filter(admitted)
            .map(|t| term_stems(t))
            .filter(|s| !s.is_empty())
            .collect();
        let versioned = VERSIONED
            .lines()
            .map(|line| line.split('#').next().unwrap_or_default().trim())
            .filter(|name| !name.is_empty() && only.is_none_or(|filter| filter.admits(name)))
            .collect();
        MetricLexicon {
            labels,
            by_first_stem,
            lower_is_better,
            versioned,
        }
    }

    /// Label terms found in tokens: (first token, last token + 1, label index).
    pub(super) fn find(&self, words: &[Token]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let mut position = 0;
        while position < words.len() {
            // Only the labels that start with this word can match here: the
            // longest first, as in `labels`.
            let rest = &words[position..];
            let hit = self.by_first_stem.get(&rest[0].stem).and_then(|indexes| {
                indexes.iter().copied().find(|&index| {
                    let stems = &self.labels[index].0;
                    stems.len() <= rest.len() && stems.iter().zip(rest).all(|(s, w)| *s == w.stem)
                })
            });
            match hit {
                Some(index) => {
                    let length = self.labels[index].0.len();
                    found.push((position, position + length, index));
                    position += length;
                }
                None => position += 1,
            }
        }
        found
    }

    /// Whether a number right after this word is its version ("Airflow 2.7").
    pub(super) fn is_versioned(&self, word: &str) -> bool {
        let word = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        self.versioned.iter().any(|name| *name == word)
    }

    pub(super) fn lower_is_better(&self, label: &str) -> bool {
        let stems = term_stems(label);
        self.lower_is_better.iter().any(|term| {
            stems
                .windows(term.len())
                .any(|window| window == term.as_slice())
        })
    }
}

/// Past tenses that end the label search ("brought deploys from 45 to 5").
pub(super) const IRREGULAR_PAST: &[&str] = &[
    "brought", "got", "made", "took", "kept", "drove", "built", "ran", "set", "won", "put", "led",
    "grew", "sent", "shrank", "sped", "rebuilt", "rewrote", "wrote", "gave", "held", "spent",
];

/// Verbs that claim the change was good, whichever way the number moved.
pub(super) const GOOD_WORDS: &[&str] = &[
    "improv", "better", "optimiz", "boost", "recover", "sav", "faster",
];

/// Whether a label was found after the span (or none at all).
pub(super) fn label_after(text: &str, span: (usize, usize), label: Option<&str>) -> bool {
    label.is_none_or(|label| text[span.1..].to_lowercase().contains(label))
}

pub(super) fn faster_or_smaller(text: &str, at: usize) -> bool {
    let rest = text[at..].trim_start().to_lowercase();
    [
        "faster",
        "quicker",
        "smaller",
        "cheaper",
        "fewer",
        "less",
        "lower",
        "reduction",
        "speedup",
        "speed-up",
        "speed up",
    ]
    .iter()
    .any(|w| rest.starts_with(w))
}

pub(super) fn verb_direction(lead: &[Token], tail: &[Token]) -> Option<Direction> {
    let near_lead = lead.iter().rev().take(8);
    let near_tail = tail.iter().take(3);
    for word in near_lead.chain(near_tail) {
        let stem = word.stem.as_str();
        if DOWN_WORDS
            .iter()
            .any(|w| stem == *w || (w.len() >= 4 && stem.starts_with(w)))
        {
            return Some(Direction::Down);
        }
        if UP_WORDS
            .iter()
            .any(|w| stem == *w || (w.len() >= 4 && stem.starts_with(w)))
        {
            return Some(Direction::Up);
        }
    }
    None
}

pub(super) fn ends_with_phrase<'a>(text: &str, phrases: &[&'a str]) -> Option<&'a str> {
    let lower = text
        .trim_end()
        .trim_end_matches(['(', ','])
        .trim_end()
        .to_lowercase();
    phrases.iter().copied().find(|p| {
        lower.ends_with(p)
            && lower[..lower.len() - p.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Words that start a phrase describing the label before them ("tickets
/// about slow pages").
const DESCRIBING: &[&str] = &["about", "on", "of", "for", "across", "in"];

/// The metric label nearest to a span: a lexicon term in the same clause,
/// before it ("p99 latency from 240ms") or just after ("4 points of precision").
pub(super) fn label_near(
    text: &str,
    span: (usize, usize),
    words: &[Token],
    labels: &[(usize, usize, usize)],
    lexicon: &MetricLexicon,
) -> (Option<String>, Option<Level>) {
    let clause = (clause_start(text, span.0), clause_end(text, span.1));
    let mut best: Option<(usize, usize, usize, (bool, usize))> = None;
    for &(first, last, index) in labels {
        let (start, end) = (words[first].start, words[last - 1].end);
        if start < clause.0 || end > clause.1 {
            continue;
        }
        // Only words near the number can name it (and counting words over a
        // long clause for every label would be quadratic).
        if end + NEAR < span.0 || start > span.1 + NEAR {
            continue;
        }
        // A currency sign inside the amount is its unit, not its label.
        if start >= span.0 && end <= span.1 {
            continue;
        }
        let distance = if end <= span.0 {
            text[end..span.0].split_whitespace().count()
        } else if start >= span.1 {
            text[span.1..start].split_whitespace().count() + 1
        } else {
            0
        };
        // A comma between label and number weakens the link.
        let between = if end <= span.0 {
            &text[end..span.0]
        } else if start >= span.1 {
            &text[span.1..start]
        } else {
            ""
        };
        // "31h → 19h w/ mixed precision": what comes after "with", "after"
        // or "using" is how the change was made, not what it measures.
        if start >= span.1
            && between.split_whitespace().any(|w| {
                matches!(
                    w.to_lowercase().as_str(),
                    "w/" | "with" | "after" | "using" | "via" | "by" | "from" | "+"
                )
            })
        {
            continue;
        }
        let distance = distance + if between.contains(',') { 4 } else { 0 };
        if distance > 9 {
            continue;
        }
        // Metric names (with a level) beat words that only carry polarity.
        let rank = (lexicon.labels[index].2.is_none(), distance);
        if best.is_none_or(|b| rank < b.3) {
            best = Some((first, last, index, rank));
        }
    }
    let Some((mut first, mut last, mut index, _)) = best else {
        return (None, None);
    };
    // "support tickets about slow pages -40%", "latency of the ranking
    // pages": a label that a preposition ties to an earlier one describes
    // it; the earlier one names what the number measures.
    if words[last - 1].end <= span.0 {
        let head = labels
            .iter()
            .filter(|&&(f, l, i)| {
                let (start, end) = (words[f].start, words[l - 1].end);
                if start < clause.0 || end > words[first].start {
                    return false;
                }
                let between = &text[end..words[first].start];
                lexicon.labels[i].2.is_some()
                    && !between.contains(|c: char| c.is_ascii_digit() || c == ',')
                    && between
                        .split_whitespace()
                        .next()
                        .is_some_and(|word| DESCRIBING.contains(&word.to_lowercase().as_str()))
            })
            .max_by_key(|&&(_, l, _)| l);
        if let Some(&(f, l, i)) = head {
            (first, last, index) = (f, l, i);
        }
    }
    // Adjacent label terms form one label: "p99" + "latency".
    let only_space =
        |from: usize, to: usize| from <= to && text[from..to].chars().all(char::is_whitespace);
    for &(f, l, _) in labels {
        let inside = words[f].start >= span.0 && words[l - 1].end <= span.1;
        if inside {
            continue;
        }
        if l == first && only_space(words[l - 1].end, words[first].start) {
            first = f;
        }
        if f == last && only_space(words[last - 1].end, words[f].start) {
            last = l;
        }
    }
    let label = text[words[first].start..words[last - 1].end].to_string();
    let level = labels
        .iter()
        .filter(|(f, l, _)| *f >= first && *l <= last)
        .filter_map(|(_, _, i)| lexicon.labels[*i].2)
        .max()
        .or(lexicon.labels[index].2);
    (Some(label), level)
}

/// "cut scoring time from 7h": the words before "from", minus the verb.
pub(super) fn fallback_label(text: &str, at: usize) -> Option<String> {
    let lead = &text[near_before(text, clause_start(text, at), at)..at];
    let lower = lead.to_lowercase();
    // "speech model training 31h → 19h": the words just before a change
    // name it too, when nothing stands between.
    let adjacent = lower.ends_with(' ')
        && lower.trim_end().ends_with(|c: char| c.is_alphabetic())
        && !lower.trim_end().ends_with("from");
    let lead = if adjacent {
        lower.trim_end()
    } else {
        lower.trim_end().strip_suffix("from")?
    };
    let stop = [
        "i", "we", "the", "our", "my", "a", "an", "its", "their", "by", "and", "of", "on", "in",
        "for", "to", "with",
    ];
    let mut picked: Vec<&str> = Vec::new();
    for raw in lead.split_whitespace().rev() {
        // "det: alerts 200 → 15": a label does not reach over punctuation.
        if !picked.is_empty() && raw.ends_with([':', ',', ';', ')', '.']) {
            break;
        }
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if word.is_empty() || stop.contains(&word) || picked.len() == 3 {
            break;
        }
        let stem = crate::analyze::text::stem(word);
        if DOWN_WORDS.contains(&stem.as_str())
            || UP_WORDS.contains(&stem.as_str())
            || word.ends_with("ed")
            || IRREGULAR_PAST.contains(&word)
        {
            break;
        }
        picked.push(word);
    }
    picked.reverse();
    (!picked.is_empty()).then(|| picked.join(" "))
}

/// "12 dashboards" → "dashboards"; "40 new behavioural features" → all three.
pub(super) fn counted_noun(text: &str, at: usize) -> Option<String> {
    let skip = [
        "of", "and", "to", "in", "the", "a", "an", "for", "with", "on", "by", "or", "at", "per",
        "from", "than", "into",
    ];
    let mut words = Vec::new();
    for raw in text[at..].split_whitespace().take(3) {
        let word: String = raw
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '-')
            .collect();
        if word.chars().count() < 2 || skip.contains(&word.to_lowercase().as_str()) {
            break;
        }
        words.push(word.to_lowercase());
        // Punctuation after a word ends the noun phrase.
        if word.len() < raw.len() {
            break;
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::framework::Catalog;

    #[test]
    fn labels_are_found_by_their_first_word_as_by_trying_them_all() {
        let catalog = Catalog::builtin();
        for framework in catalog.all().unwrap() {
            let lexicon = MetricLexicon::new(framework, None);
            for text in [
                "cut p99 scoring latency from 240ms to 80ms, saving $120K in GPU cost",
                "raised recall at 10 and click-through rate; fewer support tickets",
                "the feature store serves 3x more QPS at lower error rate",
            ] {
                let words = tokens(text);
                // Every label in order, at every position: what `find` did.
                let mut all = Vec::new();
                let mut position = 0;
                while position < words.len() {
                    let hit = lexicon.labels.iter().position(|(stems, _, _)| {
                        stems.len() <= words.len() - position
                            && stems
                                .iter()
                                .zip(&words[position..])
                                .all(|(s, w)| *s == w.stem)
                    });
                    match hit {
                        Some(index) => {
                            let length = lexicon.labels[index].0.len();
                            all.push((position, position + length, index));
                            position += length;
                        }
                        None => position += 1,
                    }
                }
                assert!(!all.is_empty(), "{text}");
                assert_eq!(lexicon.find(&words), all, "{} {text}", framework.name);
            }
        }
    }
}
