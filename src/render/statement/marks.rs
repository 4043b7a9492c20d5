//! A win's numbers are read once, by `analyze::metrics`. Before a note is
//! split into parts, the words of each of its metrics are replaced by a
//! mark (a private-use character and a letter), so no later step reads a
//! number again; the statement tells each mark from its `Metric`: its
//! amounts and units, and the way it moved.

use crate::domain::metric::{Direction, Metric};

use super::english::{amount as amount_of, count, join_words, QUALIFIERS};

/// Opens a mark; the letter after it says which metric.
pub(super) const MARK: char = crate::analyze::note::KEEP;
/// One letter per mark: past this many metrics in one win, the rest stay words.
const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// The metrics of a win, each at most once, in the order their marks were given.
#[derive(Default)]
pub(super) struct Marks<'w> {
    pool: Vec<&'w Metric>,
    marked: Vec<&'w Metric>,
}

/// What a metric says, for wording it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reading {
    /// A before → after pair.
    Pair,
    /// A change with no starting point ("+3.4%", "by 28%", "3x").
    Change,
    /// A level or a count ("12 dashboards", "F1 0.88").
    Level,
}

impl<'w> Marks<'w> {
    pub(super) fn new(metrics: &'w [Metric]) -> Marks<'w> {
        Marks {
            pool: metrics.iter().collect(),
            marked: Vec::new(),
        }
    }

    /// `field` with the words of each of its metrics replaced by a mark.
    pub(super) fn mark(&mut self, field: &str) -> String {
        let mut text = field.to_string();
        let mut index = 0;
        while index < self.pool.len() {
            if self.marked.len() >= LETTERS.len() {
                break;
            }
            let words = self.pool[index].text.trim();
            match find_words(&text, words) {
                Some(at) if !words.is_empty() => {
                    let metric = self.pool.remove(index);
                    let letter = LETTERS[self.marked.len()] as char;
                    self.marked.push(metric);
                    let before = text[..at].chars().next_back();
                    let after = text[at + words.len()..].chars().next();
                    let mut mark = String::new();
                    // "~40%", "<30s": the qualifier is a word of its own, to be spelled.
                    if before
                        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '~' | '≈' | '<' | '>'))
                    {
                        mark.push(' ');
                    }
                    mark.push(MARK);
                    mark.push(letter);
                    // "⟨$41K⟩ /mo": what follows is a word of its own, to be spelled.
                    if after.is_some_and(char::is_alphanumeric) {
                        mark.push(' ');
                    }
                    text.replace_range(at..at + words.len(), &mark);
                }
                _ => index += 1,
            }
        }
        text
    }

    /// The metric a word marks, if it is a mark.
    pub(super) fn metric(&self, word: &str) -> Option<&'w Metric> {
        let letter = mark_letter(word)?;
        let index = LETTERS.iter().position(|l| *l as char == letter)?;
        self.marked.get(index).copied()
    }
}

/// Where `words` stand in `text` as whole words ("6" is not the 6 of "16").
fn find_words(text: &str, words: &str) -> Option<usize> {
    text.match_indices(words).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + words.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == MARK)
            && !after.is_some_and(|c| {
                c.is_ascii_digit() || c == '.' && words.ends_with(|d: char| d.is_ascii_digit())
            })
    })
}

/// The letter of a mark, with any punctuation around the word.
fn mark_letter(word: &str) -> Option<char> {
    let start = word.find(MARK)?;
    word[start + MARK.len_utf8()..].chars().next()
}

pub(super) fn has_mark(text: &str) -> bool {
    text.contains(MARK)
}

pub(super) fn reading(metric: &Metric) -> Reading {
    if !metric.text.chars().any(|c| c.is_ascii_digit()) {
        // "doubled", "halved": a change in words stays the note's word.
        return Reading::Level;
    }
    match (metric.before, metric.after) {
        (Some(_), Some(_)) => Reading::Pair,
        _ if metric.direction.is_some() && metric.before.is_none() => Reading::Change,
        _ => Reading::Level,
    }
}

/// "71% vs 73%": two amounts set side by side, not a change over time;
/// told as the first against the second.
pub(super) fn compared(metric: &Metric) -> bool {
    reading(metric) == Reading::Pair
        && metric.text.split_whitespace().any(|word| {
            matches!(
                word.trim_end_matches('.').to_lowercase().as_str(),
                "vs" | "versus" | "against"
            )
        })
}

/// Whether the metric tells a change (a pair, or a change by an amount).
pub(super) fn is_change(metric: &Metric) -> bool {
    reading(metric) != Reading::Level
}

/// An amount of this metric as a sentence says it.
fn amount(metric: &Metric, value: f64, unit: Option<&str>) -> String {
    match unit {
        None => count(value, &metric.text),
        Some("%") => format!("{}%", count(value, &metric.text)),
        Some(_) => amount_of(value, unit),
    }
}

/// The metric's amounts as a phrase: "from 6 hours to 45 minutes", "by
/// about 28%", "by a factor of 3", "12". `qualifier` ("about") goes before
/// the first amount; `from_said`: the note already wrote "from".
pub(super) fn span(metric: &Metric, qualifier: &str, from_said: bool) -> String {
    let unit = metric.unit.as_deref();
    if !metric.text.chars().any(|c| c.is_ascii_digit()) || has_words(metric) {
        // "doubled", "halved": a change in words is said so again; so is
        // "a 2-day manual process to a 3-hour": its numbers describe nouns.
        let from = if from_said || !has_words(metric) || reading(metric) != Reading::Pair {
            ""
        } else {
            "from a"
        };
        return join_words(&[from, qualifier, metric.text.trim()]);
    }
    match reading(metric) {
        Reading::Pair => {
            let before = match &metric.written_before {
                Some(written) => amount(metric, written.value, written.unit.as_deref()),
                None => amount(metric, metric.before.unwrap_or_default(), unit),
            };
            let after = amount(metric, metric.after.unwrap_or_default(), unit);
            if compared(metric) {
                return join_words(&[qualifier, &after, "against", &before]);
            }
            let from = if from_said { "" } else { "from" };
            join_words(&[from, qualifier, &before, "to", &after])
        }
        Reading::Change => {
            let value = metric.value.or(metric.before).unwrap_or_default();
            if unit == Some("×") {
                return join_words(&["by a factor of", qualifier, &amount(metric, value, None)]);
            }
            if metric.value.is_none() {
                // "up from 73%": only where it started is known.
                return join_words(&["from", qualifier, &amount(metric, value, unit)]);
            }
            join_words(&["by", qualifier, &amount(metric, value.abs(), unit)])
        }
        Reading::Level => join_words(&[
            qualifier,
            &amount(
                metric,
                metric
                    .value
                    .or(metric.after)
                    .or(metric.before)
                    .unwrap_or_default(),
                unit,
            ),
        ]),
    }
}

/// Whether the metric's words hold more than amounts and the words that
/// join them ("2-day manual process to a 3-hour").
fn has_words(metric: &Metric) -> bool {
    metric.text.split_whitespace().any(|word| {
        let word = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        word.chars().filter(|c| c.is_alphabetic()).count() > 3
            && !word.chars().any(|c| c.is_ascii_digit())
            && !matches!(
                word.as_str(),
                "from"
                    | "instead"
                    | "compared"
                    | "versus"
                    | "than"
                    | "before"
                    | "previously"
                    | "days"
                    | "hours"
                    | "minutes"
                    | "mins"
                    | "weeks"
                    | "months"
                    | "years"
                    | "seconds"
                    | "secs"
                    | "points"
                    | "percent"
                    | "week"
                    | "month"
                    | "year"
                    | "hour"
                    | "minute"
                    | "second"
                    | "point"
                    | "basis"
            )
    })
}

/// A pair with the new amount first: "10 days instead of 14 days".
pub(super) fn instead(metric: &Metric, qualifier: &str) -> String {
    let unit = metric.unit.as_deref();
    let before = match &metric.written_before {
        Some(written) => amount(metric, written.value, written.unit.as_deref()),
        None => amount(metric, metric.before.unwrap_or_default(), unit),
    };
    let after = amount(metric, metric.after.unwrap_or_default(), unit);
    join_words(&[qualifier, &after, "instead of", &before])
}

/// Whether a unit is one of time.
pub(super) fn is_time(unit: &str) -> bool {
    matches!(
        unit,
        "µs" | "ms" | "s" | "min" | "h" | "days" | "weeks" | "months" | "years"
    )
}

/// Which way the metric moved, if it moved.
pub(super) fn direction(metric: &Metric) -> Option<Direction> {
    let by_change = match metric.change_pct {
        Some(change) if change > 0.0 => Some(Direction::Up),
        Some(change) if change < 0.0 => Some(Direction::Down),
        _ => None,
    };
    metric.direction.or(by_change)
}

/// The qualifier that ends `words` ("about"), if any, and the words before it.
pub(super) fn split_qualifier(words: &str) -> (&str, &'static str) {
    let trimmed = words.trim_end();
    for qualifier in QUALIFIERS {
        if let Some(rest) = trimmed.strip_suffix(qualifier) {
            if rest.is_empty() || rest.ends_with(' ') {
                return (rest.trim_end(), qualifier);
            }
        }
    }
    (trimmed, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(text: &str) -> Metric {
        Metric {
            text: text.into(),
            label: None,
            value: None,
            before: Some(360.0),
            after: Some(45.0),
            unit: Some("min".into()),
            change_pct: Some(-87.5),
            direction: Some(Direction::Down),
            better: Some(true),
            level: None,
            written_before: Some(crate::domain::metric::Amount {
                value: 6.0,
                unit: Some("h".into()),
            }),
        }
    }

    #[test]
    fn a_pair_is_told_in_the_units_it_was_written_in() {
        let m = metric("6h→45m");
        assert_eq!(span(&m, "", false), "from 6 hours to 45 minutes");
        assert_eq!(span(&m, "about", true), "about 6 hours to 45 minutes");
    }

    #[test]
    fn marks_replace_whole_words_only() {
        let metrics = vec![metric("6h→45m")];
        let mut marks = Marks::new(&metrics);
        let marked = marks.mark("was 16h→45m, feat compute 6h→45m");
        assert!(marked.starts_with("was 16h→45m, "), "{marked}");
        assert!(
            marked.ends_with(&format!("feat compute {MARK}a")),
            "{marked}"
        );
        assert!(marks.metric(&format!("{MARK}a,")).is_some());
        assert!(marks.metric("word").is_none());
    }

    #[test]
    fn a_qualifier_is_split_off_the_words_before_a_mark() {
        assert_eq!(
            split_qualifier("variance down about"),
            ("variance down", "about")
        );
        assert_eq!(split_qualifier("bill"), ("bill", ""));
    }
}
