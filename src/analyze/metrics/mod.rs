//! Metric extraction: the numbers in a win, with units, before/after pairs,
//! the change, its direction, and where they sit in the impact chain.

mod label;
mod pairs;
mod quantity;

pub use crate::domain::metric::{Direction, Level, Metric};
pub use label::MetricLexicon;

use super::text::{tokens, Token};
use label::*;
use pairs::*;
use quantity::*;

/// Extracts every metric of a text.
pub fn extract(text: &str, lexicon: &MetricLexicon) -> Vec<Metric> {
    extract_words(text, &tokens(text), lexicon)
}

/// `extract`, with the text's words already split (`text::tokens`).
pub fn extract_words(text: &str, words: &[Token], lexicon: &MetricLexicon) -> Vec<Metric> {
    let mut quantities = find_quantities(text);
    drop_versions(text, &mut quantities, lexicon);
    // A win has a handful of numbers; past this many, the text is not a win
    // (a pasted log, a table) and each further number would cost a pass
    // over its clause. The bound keeps any input linear.
    quantities.truncate(MAX_QUANTITIES);
    let labels = lexicon.find(words);
    let mut metrics = Vec::new();
    let mut index = 0;
    while index < quantities.len() {
        let current = &quantities[index];
        let next = quantities.get(index + 1);
        let clause_start = clause_start(text, current.start);
        let pair = next.and_then(|next| {
            let between = &text[current.end..next.start];
            if between.len() > 24 || !compatible(current, next) {
                return None;
            }
            match joint(between, &text[clause_start..current.start])? {
                Joint::Forward => Some((current.clone(), next.clone())),
                Joint::Backward => Some((next.clone(), current.clone())),
            }
        });
        let metric = match pair {
            Some((before, after)) => {
                index += 2;
                let span = (current.start, quantities[index - 1].end);
                pair_metric(text, span, &before, &after, words, &labels, lexicon)
            }
            // "a 10-day test": how long, not what came of it.
            None if current.attributive => {
                index += 1;
                continue;
            }
            None => {
                index += 1;
                single_metric(text, current, words, &labels, lexicon)
            }
        };
        metrics.push(metric);
    }
    metrics.extend(word_changes(text, &metrics, words, &labels, lexicon));
    metrics
}

/// Whether `text` states a number as a result: not a date, a time of day
/// or a modifier ("a 10-day test"). "now used by 9 models" does: a
/// follow-up that says it is an outcome (`analyze::outcome`).
pub fn states_a_number(text: &str) -> bool {
    skip_dates(text, find_quantities(text))
        .iter()
        .any(|quantity| !quantity.attributive)
}

/// Drops the numbers that are versions of a named tool: "Airflow 2.7",
/// "upgraded to Java 17", "bumped torch to 2.3", and the second of a pair of
/// versions ("Python 3.11 -> 3.12", "Airflow 1.10 to 2.7"). A number with a
/// unit or a sign is a result whatever precedes it.
fn drop_versions(text: &str, quantities: &mut Vec<Quantity>, lexicon: &MetricLexicon) {
    let mut last_version: Option<usize> = None;
    quantities.retain(|q| {
        if q.unit.is_some() || q.signed.is_some() {
            return true;
        }
        let after_version = last_version.is_some_and(|end| {
            matches!(
                text[end..q.start].trim(),
                "->" | "→" | "=>" | "to" | "-" | "–"
            )
        });
        let mut before = text[..q.start].split_whitespace().rev();
        let named = |word: Option<&str>| word.is_some_and(|w| lexicon.is_versioned(w));
        let version = after_version
            || match before.next() {
                Some(word) if lexicon.is_versioned(word) => true,
                // "bumped torch to 2.3", but not "scaled Kafka to 12 brokers".
                Some("to" | "from" | "version") => {
                    text[q.start..q.end].contains('.') && named(before.next())
                }
                _ => false,
            };
        if version {
            last_version = Some(q.end);
        }
        !version
    });
}

/// At most this many quantities are read from one text.
const MAX_QUANTITIES: usize = 48;
/// How far around a number its verb and label are looked for, in bytes.
const NEAR: usize = 160;

/// The start of the part of `[from, at)` within `NEAR` bytes of `at`.
fn near_before(text: &str, from: usize, at: usize) -> usize {
    let mut start = from.max(at.saturating_sub(NEAR));
    while !text.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// The end of the part of `[at, to)` within `NEAR` bytes of `at`.
fn near_after(text: &str, at: usize, to: usize) -> usize {
    let mut end = to.min(at + NEAR);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn clause_start(text: &str, at: usize) -> usize {
    text[..at]
        .rfind(['.', ';', '\n', '!', '?'])
        .map_or(0, |i| i + 1)
}

fn clause_end(text: &str, at: usize) -> usize {
    text[at..]
        .find(['.', ';', '\n', '!', '?', ','])
        .map_or(text.len(), |i| at + i)
}

fn pair_metric(
    text: &str,
    span: (usize, usize),
    before: &Quantity,
    after: &Quantity,
    words: &[Token],
    labels: &[(usize, usize, usize)],
    lexicon: &MetricLexicon,
) -> Metric {
    // A unit written on one side only ("from 78 to 91%") applies to both.
    let unit = after.unit.or(before.unit);
    let (b, a) = match (before.scale, after.scale) {
        (Some((_, sb)), Some((_, sa))) => (before.value * sb, after.value * sa),
        _ => (before.value, after.value),
    };
    let change_pct = if b.abs() > f64::EPSILON {
        Some(round1((a - b) / b * 100.0))
    } else {
        None
    };
    let direction = if a > b {
        Some(Direction::Up)
    } else if a < b {
        Some(Direction::Down)
    } else {
        None
    };
    let (label, level) = label_near(text, span, words, labels, lexicon);
    let label = label.or_else(|| fallback_label(text, span.0));
    let timed = before.is_time() || after.is_time();
    let lower_better = label.as_deref().map_or(timed, |l| {
        lexicon.lower_is_better(l) || (timed && !time_is_good(l))
    });
    let better = direction.map(|d| (d == Direction::Down) == lower_better);
    // Show both ends in the unit written last, so "7h -> 50min" reads in
    // minutes; a sentence tells the first end as it was written ("7 hours").
    let (before_value, after_value, shown_unit, written_before) = match (before.scale, after.scale)
    {
        (Some((_, sb)), Some((_, sa))) if (sb - sa).abs() > f64::EPSILON => (
            round1(before.value * sb / sa),
            after.value,
            after.unit,
            Some(crate::domain::metric::Amount {
                value: before.value,
                unit: before.unit.map(str::to_string),
            }),
        ),
        _ => (before.value, after.value, unit, None),
    };
    Metric {
        text: text[span.0..span.1].trim().to_string(),
        label,
        value: None,
        before: Some(before_value),
        after: Some(after_value),
        unit: shown_unit.map(str::to_string),
        change_pct,
        direction,
        better,
        level: money_level(unit)
            .or(level)
            .or_else(|| default_level(unit, timed)),
        written_before,
    }
}

/// Money is a business outcome, whatever the label ("GPU bill", "infra spend").
fn money_level(unit: Option<&str>) -> Option<Level> {
    matches!(unit, Some("$" | "€" | "£")).then_some(Level::Business)
}

/// Durations are usually costs; some are not ("watch time", "uptime").
fn time_is_good(label: &str) -> bool {
    let lower = label.to_lowercase();
    ["watch", "uptime", "time spent", "session", "retention"]
        .iter()
        .any(|w| lower.contains(w))
}

fn default_level(unit: Option<&str>, timed: bool) -> Option<Level> {
    match unit {
        Some("$" | "€" | "£") => Some(Level::Business),
        _ if timed => Some(Level::System),
        _ => None,
    }
}

const DOWN_WORDS: &[&str] = &[
    "reduc", "cut", "lower", "decreas", "drop", "down", "fewer", "less", "shrank", "shrunk",
    "shrink", "eliminat", "sav", "slash", "trim", "halv", "fell", "fall", "declin", "minimiz",
    "remov", "shorten", "compress", "faster", "sped", "spe",
];
const UP_WORDS: &[&str] = &[
    "increas",
    "rais",
    "boost",
    "grew",
    "grow",
    "gain",
    "lift",
    "up",
    "more",
    "improv",
    "doubl",
    "tripl",
    "expand",
    "higher",
    "climb",
    "ros",
    "rise",
    "accelerat",
    "recover",
    "add",
    "generat",
    "unlock",
    "driv",
    "won",
];

fn single_metric(
    text: &str,
    quantity: &Quantity,
    words: &[Token],
    labels: &[(usize, usize, usize)],
    lexicon: &MetricLexicon,
) -> Metric {
    let span = (quantity.start, quantity.end);
    let speedup = quantity.unit == Some("×") && faster_or_smaller(text, quantity.end);
    let (mut label, level) = label_near(text, span, words, labels, lexicon);
    let mut level = level;
    if speedup && label_after(text, span, label.as_deref()) {
        // "2x faster training": the label is what got faster.
        let words: Vec<&str> = text[quantity.end..].split_whitespace().take(2).collect();
        label = Some(
            words
                .join(" ")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase(),
        );
        level = None;
    }
    let lead = &text
        [near_before(text, clause_start(text, quantity.start), quantity.start)..quantity.start];
    let lead_words: Vec<Token> = tokens(lead);
    let tail = &text[quantity.end..near_after(text, quantity.end, clause_end(text, quantity.end))];
    let verb_direction = verb_direction(&lead_words, &tokens(tail));
    let up_from = ends_with_phrase(lead, &["up from", "down from", "from"]);
    let is_change = quantity.signed.is_some()
        || ends_with_word(lead, "by")
        || matches!(quantity.unit, Some("×" | "pp" | "points" | "bps"))
        || (quantity.unit == Some("%") && verb_direction.is_some())
        // "fraud losses down $410K", "handle time down ~40s": a stated change.
        || ends_with_word(lead.trim_end().trim_end_matches(['~', '≈']), "down")
        // ("set up 3 dashboards" is no change: "up" counts before an amount with a unit).
        || (quantity.unit.is_some()
            && ends_with_word(lead.trim_end().trim_end_matches(['~', '≈']), "up"));
    let direction = quantity
        .signed
        .or(verb_direction)
        .or(if matches!(quantity.unit, Some("×")) {
            Some(Direction::Up)
        } else {
            None
        });
    if label.is_none() && quantity.unit.is_none() {
        label = counted_noun(text, quantity.end);
    }
    let lower_better = label.as_deref().is_some_and(|l| lexicon.lower_is_better(l))
        || (label.is_none() && quantity.is_time());
    let mut metric = Metric {
        text: text[span.0..span.1].trim().to_string(),
        label,
        value: Some(quantity.value),
        before: None,
        after: None,
        unit: quantity.unit.map(str::to_string),
        change_pct: None,
        direction: None,
        better: None,
        level: money_level(quantity.unit)
            .or(level)
            .or_else(|| default_level(quantity.unit, quantity.is_time())),
        written_before: None,
    };
    if let Some(which) = up_from {
        // "up from 73%": only the starting point is known.
        metric.before = Some(quantity.value);
        metric.value = None;
        metric.direction = Some(if which == "down from" {
            Direction::Down
        } else {
            Direction::Up
        });
    } else if is_change {
        metric.direction = direction;
        if quantity.unit == Some("%") {
            metric.change_pct = direction.map(|d| {
                if d == Direction::Down {
                    -quantity.value
                } else {
                    quantity.value
                }
            });
        } else if quantity.unit == Some("×") {
            let factor = quantity.value;
            let shrinking =
                direction == Some(Direction::Down) || faster_or_smaller(text, quantity.end);
            metric.change_pct = Some(round1(if shrinking {
                (1.0 / factor - 1.0) * 100.0
            } else {
                (factor - 1.0) * 100.0
            }));
            if shrinking {
                metric.direction = Some(Direction::Down);
            }
        }
    }
    let claimed_good = lead_words
        .iter()
        .rev()
        .take(8)
        .any(|w| GOOD_WORDS.contains(&w.stem.as_str()));
    if claimed_good && metric.change_pct.is_some() && quantity.unit == Some("%") {
        // "improved latency by 30%": the good direction of that metric.
        let direction = if lower_better {
            Direction::Down
        } else {
            Direction::Up
        };
        metric.direction = Some(direction);
        metric.change_pct = metric
            .change_pct
            .map(|c| if lower_better { -c.abs() } else { c.abs() });
    }
    if let Some(direction) = metric.direction {
        metric.better = Some(if claimed_good || metric.unit.as_deref() == Some("×") {
            true
        } else if metric.label.is_some() {
            (direction == Direction::Down) == lower_better
        } else {
            // Unlabelled: "reduced by 30%" in a self-assessment reports good news.
            true
        });
    }
    metric
}

/// "cut in half", "halved", "doubled", "tripled": changes written in words.
fn word_changes(
    text: &str,
    found: &[Metric],
    words: &[Token],
    labels: &[(usize, usize, usize)],
    lexicon: &MetricLexicon,
) -> Vec<Metric> {
    let mut metrics = Vec::new();
    for (start, end) in change_phrases(words).into_iter().take(MAX_QUANTITIES) {
        let phrase = text[start..end].to_lowercase();
        if found
            .iter()
            .any(|metric| metric.text.to_lowercase().contains(&phrase))
        {
            continue;
        }
        let (change, direction) = if phrase.ends_with("in half") || phrase == "halved" {
            (-50.0, Direction::Down)
        } else if phrase == "doubled" {
            (100.0, Direction::Up)
        } else if phrase == "tripled" {
            (200.0, Direction::Up)
        } else {
            (300.0, Direction::Up)
        };
        let (label, level) = label_near(text, (start, end), words, labels, lexicon);
        let lower_better = label.as_deref().is_some_and(|l| lexicon.lower_is_better(l));
        metrics.push(Metric {
            text: text[start..end].to_string(),
            better: Some(label.is_none() || (direction == Direction::Down) == lower_better),
            label,
            value: None,
            before: None,
            after: None,
            unit: None,
            change_pct: Some(change),
            direction: Some(direction),
            level,
            written_before: None,
        });
    }
    metrics
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::framework::{Catalog, DEFAULT_FRAMEWORK};
    use crate::domain::metric::{format_amount, format_change};

    fn extract_all(text: &str) -> Vec<Metric> {
        let catalog = Catalog::builtin();
        let lexicon = MetricLexicon::new(catalog.get(DEFAULT_FRAMEWORK).unwrap(), None);
        extract(text, &lexicon)
    }

    fn one(text: &str) -> Metric {
        let metrics = extract_all(text);
        assert_eq!(metrics.len(), 1, "{text}: {metrics:?}");
        metrics.into_iter().next().unwrap()
    }

    /// The numbers of a text's metrics, as their spans show them.
    fn spans(text: &str) -> Vec<String> {
        extract_all(text).into_iter().map(|m| m.text).collect()
    }

    #[test]
    fn a_negative_value_is_not_a_fall_and_rates_keep_their_unit() {
        let elasticity = one("elasticity est around -1.3");
        assert_eq!(elasticity.value, Some(-1.3));
        assert_eq!(elasticity.direction, None);
        // A minus sign alone is still a fall.
        assert_eq!(one("churn -1.3").direction, Some(Direction::Down));
        let fps = one("47fps→112fps");
        assert_eq!((fps.before, fps.after), (Some(47.0), Some(112.0)));
        assert_eq!(fps.unit.as_deref(), Some("FPS"));
    }

    #[test]
    fn modifiers_versions_sizes_and_ids_are_not_results() {
        for text in [
            "2-stage retrieval",
            "a 5-fold CV",
            "a 10-day test",
            "after a 3-week spike",
            "the 7B model",
            "a 70b-parameter model",
            "Spark 3.5.1",
            "moved to Airflow 2.7",
            "upgraded to Java 17",
            "bumped torch to 2.3",
            "Python 3.11 -> 3.12",
            "Airflow 1.10 to 2.7 migration",
            "PR #4312 merged",
            "24/7 on-call",
        ] {
            assert_eq!(spans(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn results_beside_versions_and_modifiers_stay() {
        assert_eq!(spans("Spark 3.5 jobs 40% faster"), ["40%"]);
        assert_eq!(spans("scaled Kafka to 12 brokers"), ["12"]);
        assert_eq!(
            spans("latency 240ms -> 80ms on Postgres 16"),
            ["240ms -> 80ms"]
        );
        assert_eq!(spans("served 1B requests a day"), ["1B"]);
        assert_eq!(
            spans("retraining from a 2-day manual process to a 3-hour job"),
            ["2-day manual process to a 3-hour"]
        );
        assert_eq!(spans("cut infra spend by $1.2M/yr"), ["$1.2M"]);
    }

    #[test]
    fn a_cost_that_fell_is_better_and_business_level() {
        let m = one("GPU bill down from $30K to $18K a month");
        assert_eq!(
            (m.before, m.after, m.direction, m.better, m.level),
            (
                Some(30_000.0),
                Some(18_000.0),
                Some(Direction::Down),
                Some(true),
                Some(Level::Business)
            )
        );
    }

    #[test]
    fn a_p_value_is_not_a_metric() {
        for text in [
            "+2.3% d7 retention, p=0.01",
            "no signal (p = 0.41)",
            "p<0.05 on 240K users",
            "a p-value of 0.03",
        ] {
            let metrics = extract_all(text);
            assert!(
                metrics
                    .iter()
                    .all(|m| ![0.01, 0.41, 0.05, 0.03].contains(&m.value.unwrap_or(-1.0))),
                "{text}: {metrics:?}"
            );
        }
        assert_eq!(one("top-5 acc 0.74").value, Some(0.74));
    }

    #[test]
    fn pairs_in_every_common_form() {
        for text in [
            "from 78% to 91%",
            "78% -> 91%",
            "78%→91%",
            "91%, up from 78%",
            "78 to 91%",
        ] {
            let m = one(&format!("accuracy {text}"));
            assert_eq!(
                (m.before, m.after, m.unit.as_deref()),
                (Some(78.0), Some(91.0), Some("%")),
                "{text}"
            );
            assert_eq!(m.change_pct, Some(16.7), "{text}");
            assert_eq!(
                (m.direction, m.better),
                (Some(Direction::Up), Some(true)),
                "{text}"
            );
            assert_eq!(m.level, Some(Level::Model));
        }
        let m = one("nightly scoring 7h -> 50min");
        assert_eq!(
            (m.before, m.after, m.unit.as_deref(), m.change_pct),
            (Some(420.0), Some(50.0), Some("min"), Some(-88.1))
        );
        assert_eq!(
            one("brought deploys from 45 minutes down to 5")
                .label
                .as_deref(),
            Some("deploys")
        );
        let m = one("retraining takes 2 hours instead of 2 weeks");
        assert_eq!(
            (m.before, m.after, m.unit.as_deref()),
            (Some(336.0), Some(2.0), Some("h"))
        );
        let m = one("AUC 0.81 -> 0.88");
        assert_eq!((m.before, m.after, m.unit), (Some(0.81), Some(0.88), None));
    }

    #[test]
    fn changes_by_sign_verb_and_words() {
        let m = one("reduced fraud losses by 35%");
        assert_eq!(
            (m.change_pct, m.direction, m.better, m.level),
            (
                Some(-35.0),
                Some(Direction::Down),
                Some(true),
                Some(Level::Business)
            )
        );
        assert_eq!(one("conversion +4.2%").change_pct, Some(4.2));
        assert_eq!(one("cloud costs -30%").change_pct, Some(-30.0));
        let m = one("cut review time in half");
        assert_eq!(
            (m.change_pct, m.direction),
            (Some(-50.0), Some(Direction::Down))
        );
        let m = one("2x faster training");
        assert_eq!(
            (m.value, m.unit.as_deref(), m.better),
            (Some(2.0), Some("×"), Some(true))
        );
        let m = one("improved p99 latency by 30%");
        assert_eq!(
            (m.direction, m.change_pct, m.better),
            (Some(Direction::Down), Some(-30.0), Some(true))
        );
        assert_eq!(
            one("doubled the experiments per quarter").change_pct,
            Some(100.0)
        );
    }

    #[test]
    fn units_money_and_counts() {
        let m = one("saved $1.2M a year");
        assert_eq!(
            (m.value, m.unit.as_deref(), m.level),
            (Some(1_200_000.0), Some("$"), Some(Level::Business))
        );
        assert_eq!(one("€450K in new bookings").value, Some(450_000.0));
        let m = one("saved the team two weeks per release");
        assert_eq!((m.value, m.unit.as_deref()), (Some(2.0), Some("weeks")));
        let m = one("mentored 3 engineers");
        assert_eq!(
            (m.value, m.label.as_deref()),
            (Some(3.0), Some("engineers"))
        );
        assert_eq!(
            one("recovered 4 points of precision").unit.as_deref(),
            Some("points")
        );
        assert_eq!(one("+3 pp conversion").unit.as_deref(), Some("pp"));
    }

    #[test]
    fn names_dates_and_words_are_not_quantities() {
        for text in [
            "improved NDCG@10 and F1",
            "moved to GPT-4 and p99 dashboards",
            "shipped on 2026-03-04 at 10:30",
            "planned for Q3 2026",
            "and then",
            "the 3rd attempt on the 5xx errors",
        ] {
            assert!(
                extract_all(text).is_empty(),
                "{text}: {:?}",
                extract_all(text)
            );
        }
    }

    #[test]
    fn hostile_input_is_handled_in_linear_time() {
        let junk: String = (0..200_000u32)
            .map(|i| char::from_u32(i % 0x2FFF + 1).unwrap_or('x'))
            .collect();
        let _ = extract_all(&junk);
        let digits = "9".repeat(100_000);
        let _ = extract_all(&digits);
        // Inputs that once took a minute: every number in one huge clause.
        let many = extract_all(&"1 ".repeat(40_000));
        assert_eq!(many.len(), MAX_QUANTITIES);
        let labelled = extract_all(&"latency 5ms ".repeat(6_000));
        assert!(labelled
            .iter()
            .all(|m| m.label.as_deref() == Some("latency")));
        let _ = extract_all("مرحبا 🚀 latency from 240ms to 80ms 🚀 שלום");
        assert_eq!(format_change(-66.66), "−66.7%");
        assert_eq!(format_amount(1_200_000.0, Some("$")), "$1.2M");
        assert_eq!(format_amount(12_500.0, None), "12,500");
    }
}
