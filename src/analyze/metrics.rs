//! Metric extraction: the numbers in a win, with units, before/after pairs,
//! the change, its direction, and where they sit in the impact chain.

use serde::{Deserialize, Serialize};

use super::text::{term_stems, tokens, Prefilter, Token};
use crate::domain::framework::Framework;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// Where a number sits in the impact chain: model → system → business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Model,
    System,
    Business,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Model => "model",
            Level::System => "system",
            Level::Business => "business",
        }
    }
}

/// One quantity found in a win, as in the JSON shape of DESIGN.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// The words it was read from.
    pub text: String,
    pub label: Option<String>,
    /// A lone quantity ("12 dashboards", "by 35%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub unit: Option<String>,
    /// Relative change in percent, units normalised first (7h → 50min is −88.1).
    pub change_pct: Option<f64>,
    pub direction: Option<Direction>,
    pub better: Option<bool>,
    pub level: Option<Level>,
}

impl Metric {
    /// A short human reading: "p99 latency 240ms → 80ms (−66.7%)".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(label) = &self.label {
            parts.push(label.clone());
        }
        let unit = self.unit.as_deref();
        match (self.before, self.after) {
            (Some(before), Some(after)) => {
                parts.push(format!(
                    "{} → {}",
                    format_amount(before, unit),
                    format_amount(after, unit)
                ));
            }
            (Some(before), None) => parts.push(format!("from {}", format_amount(before, unit))),
            _ => {
                if let Some(value) = self.value {
                    parts.push(format_amount(value, unit));
                }
            }
        }
        if let Some(change) = self.change_pct {
            parts.push(format!("({})", format_change(change)));
        }
        parts.join(" ")
    }
}

/// "78%", "$1.2M", "240ms", "4 points", "3×", "1 day", "12".
pub fn format_amount(value: f64, unit: Option<&str>) -> String {
    let one = (value - 1.0).abs() < f64::EPSILON;
    match unit {
        Some(symbol @ ("$" | "€" | "£")) => format!("{symbol}{}", format_money(value)),
        Some("%") => format!("{}%", format_number(value)),
        Some("×") => format!("{}×", format_number(value)),
        Some(unit) if is_compact_unit(unit) => format!("{}{unit}", format_number(value)),
        Some(unit) if one && unit.ends_with('s') => format!("1 {}", &unit[..unit.len() - 1]),
        Some(unit) => format!("{} {unit}", format_number(value)),
        None => format_number(value),
    }
}

fn is_compact_unit(unit: &str) -> bool {
    matches!(
        unit,
        "ms" | "s" | "min" | "h" | "d" | "pp" | "GB" | "TB" | "MB"
    )
}

/// A signed percentage with a real minus sign: "+16.7%", "−66.7%".
pub fn format_change(change: f64) -> String {
    let sign = if change < 0.0 { "−" } else { "+" };
    format!("{sign}{}%", format_number(change.abs()))
}

/// As written where possible: up to three decimals below 10 ("0.78"),
/// one above, no trailing zeros, thousands separated.
pub fn format_number(value: f64) -> String {
    let decimals = if value.abs() < 10.0 { 3 } else { 1 };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    group_thousands(&text)
}

fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (whole, fraction) = rest
        .split_once('.')
        .map_or((rest, None), |(w, f)| (w, Some(f)));
    if whole.len() <= 4 {
        return text.to_string();
    }
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// "$1.2M", "$450K", "$7K", "$800".
fn format_money(value: f64) -> String {
    let abs = value.abs();
    let (scaled, suffix) = if abs >= 1e9 {
        (value / 1e9, "B")
    } else if abs >= 1e6 {
        (value / 1e6, "M")
    } else if abs >= 1e3 {
        (value / 1e3, "K")
    } else {
        (value, "")
    };
    let number = format!("{scaled:.2}");
    let number = number.trim_end_matches('0').trim_end_matches('.');
    format!("{number}{suffix}")
}

/// A number found in the text, before it is given a meaning.
#[derive(Debug, Clone)]
struct Quantity {
    start: usize,
    end: usize,
    value: f64,
    unit: Option<&'static str>,
    /// For units of one dimension that convert (time, data size): the
    /// dimension and the size of one unit in its base (seconds, megabytes).
    scale: Option<(Dimension, f64)>,
    signed: Option<Direction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Time,
    Size,
}

fn word_number(word: &str) -> Option<f64> {
    let value = match word.to_lowercase().as_str() {
        "a" | "an" | "one" => 1.0,
        "half a" | "half an" => 0.5,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" | "a dozen" | "dozen" => 12.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "hundred" => 100.0,
        _ => return None,
    };
    Some(value)
}

/// The canonical unit, and its scale when it converts to others.
fn canonical_unit(raw: &str, currency: bool) -> Option<(&'static str, Option<(Dimension, f64)>)> {
    use Dimension::{Size, Time};
    let unit = match raw.to_lowercase().as_str() {
        "%" => ("%", None),
        "pp" | "percentage point" | "percentage points" => ("pp", None),
        "point" | "points" | "pt" | "pts" => ("points", None),
        "bps" | "basis points" => ("bps", None),
        "ms" | "msec" | "millisecond" | "milliseconds" => ("ms", Some((Time, 0.001))),
        "s" | "sec" | "secs" | "second" | "seconds" => ("s", Some((Time, 1.0))),
        "min" | "mins" | "minute" | "minutes" => ("min", Some((Time, 60.0))),
        "h" | "hr" | "hrs" | "hour" | "hours" => ("h", Some((Time, 3600.0))),
        "d" | "day" | "days" => ("days", Some((Time, 86_400.0))),
        "w" | "wk" | "wks" | "week" | "weeks" => ("weeks", Some((Time, 604_800.0))),
        "mo" | "mos" | "month" | "months" => ("months", Some((Time, 2_629_800.0))),
        "y" | "yr" | "yrs" | "year" | "years" => ("years", Some((Time, 31_557_600.0))),
        "x" | "×" => ("×", None),
        "gb" => ("GB", Some((Size, 1024.0))),
        "tb" => ("TB", Some((Size, 1_048_576.0))),
        "mb" => ("MB", Some((Size, 1.0))),
        _ => return None,
    };
    if currency && unit.1.is_some_and(|(dimension, _)| dimension == Time) {
        return None;
    }
    Some(unit)
}

fn find_quantities(text: &str) -> Vec<Quantity> {
    let mut found = Vec::new();
    for raw in super::scan::scan(text) {
        let currency = raw.currency;
        let raw_number = raw.number;
        let is_word = raw_number.chars().next().is_some_and(char::is_alphabetic);
        // The number must start a word: not "p99", "F1", "NDCG@10" or "gpt-4".
        let first = if raw.sign.is_some() || currency.is_some() {
            raw.start
        } else {
            raw.number_start
        };
        let before = text[..first].chars().next_back();
        if before
            .is_some_and(|c| c.is_alphanumeric() || c == '@' || c == '_' || c == '.' || c == '/')
        {
            continue;
        }
        if let Some((sign_start, _)) = raw.sign {
            let before_sign = text[..sign_start].chars().next_back();
            if before_sign.is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
        }
        let end = raw.end;
        // "3rd", "5xx", "4k8": a number glued to other letters is not a quantity.
        if text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric())
        {
            continue;
        }
        // Word numbers count only before a spelled-out unit: "two weeks",
        // never "an" + "d" in "and".
        if is_word {
            let unit_len = raw.unit.map_or(0, str::len);
            let spaced = text[raw.number_end..].starts_with(char::is_whitespace);
            if !spaced || unit_len < 2 {
                continue;
            }
        }
        let mut value = if is_word {
            match word_number(raw_number) {
                Some(v) => v,
                None => continue,
            }
        } else {
            match raw_number.replace(',', "").parse::<f64>() {
                Ok(v) => v,
                Err(_) => continue,
            }
        };
        let magnitude = raw.magnitude;
        let unit_text = raw.unit;
        // "5m" after a currency is millions; alone it is minutes.
        let (magnitude, unit_text) = match (magnitude, unit_text, currency) {
            (Some(m), None, None) if m.eq_ignore_ascii_case("m") && m == "m" => (None, Some("min")),
            other => (other.0, other.1),
        };
        if let Some(magnitude) = magnitude {
            value *= match magnitude.to_lowercase().as_str() {
                "k" | "thousand" => 1e3,
                "m" | "mm" | "million" => 1e6,
                _ => 1e9,
            };
        }
        let unit = unit_text.and_then(|u| canonical_unit(u, currency.is_some()));
        if is_word && unit.is_none() {
            continue;
        }
        if unit_text.is_some() && unit.is_none() {
            continue;
        }
        // Bare years ("in 2025") are dates, not quantities.
        if unit.is_none()
            && currency.is_none()
            && magnitude.is_none()
            && raw_number.len() == 4
            && (1990.0..=2100.0).contains(&value)
            && !raw_number.contains('.')
        {
            continue;
        }
        let signed = raw.sign.map(|(_, s)| {
            if s == "+" {
                Direction::Up
            } else {
                Direction::Down
            }
        });
        let unit_name = match (currency, unit) {
            (Some("$"), _) => Some("$"),
            (Some("€"), _) => Some("€"),
            (Some("£"), _) => Some("£"),
            (_, Some((name, _))) => Some(name),
            _ => None,
        };
        found.push(Quantity {
            start: raw.start,
            end,
            value,
            unit: unit_name,
            scale: unit.and_then(|(_, scale)| scale),
            signed,
        });
    }
    skip_dates(text, found)
}

/// Drops numbers inside ISO dates and clock times such as 2026-03-04 or 10:30.
fn skip_dates(text: &str, quantities: Vec<Quantity>) -> Vec<Quantity> {
    let spans = super::scan::date_spans(text);
    quantities
        .into_iter()
        .filter(|q| !spans.iter().any(|(s, e)| q.start < *e && q.end > *s))
        .collect()
}

/// "cut … in half", "halved", "doubled", "tripled", "quadrupled", as byte spans.
fn change_phrases(words: &[Token]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for (index, word) in words.iter().enumerate() {
        match word.stem.as_str() {
            "halv" | "doubl" | "tripl" | "quadrupl" => spans.push((word.start, word.end)),
            "cut" => {
                let window = &words[index + 1..words.len().min(index + 8)];
                if let Some(pair) = window
                    .windows(2)
                    .position(|w| w[0].stem == "in" && w[1].stem == "half")
                {
                    spans.push((word.start, window[pair + 1].end));
                }
            }
            _ => {}
        }
    }
    spans
}

/// Words that join two quantities into a before → after pair.
enum Joint {
    /// "from A to B", "A -> B", "A → B"
    Forward,
    /// "B, up from A", "B instead of A"
    Backward,
}

fn joint(between: &str, before_first: &str) -> Option<Joint> {
    let between = between.trim().to_lowercase();
    let between = between.trim_matches(|c: char| c == ',' || c == '(' || c.is_whitespace());
    let arrow = matches!(
        between,
        "->" | "→" | "=>" | "-->" | "⟶" | ">" | "—>" | "–>" | "➝"
    );
    let from_before = ends_with_word(before_first, "from");
    if arrow
        || (between == "to"
            || between == "down to"
            || between == "up to"
            || between == "all the way to")
            && from_before
    {
        return Some(Joint::Forward);
    }
    if between == "to" || between == "down to" {
        return Some(Joint::Forward);
    }
    // "from a 2-day manual process to a 3-hour job"
    let trimmed = between
        .trim_end_matches(" a")
        .trim_end_matches(" an")
        .trim_end_matches(" the");
    if from_near(before_first)
        && (trimmed.ends_with(" to") || trimmed == "to")
        && trimmed.split_whitespace().count() <= 4
    {
        return Some(Joint::Forward);
    }
    let backward = [
        "up from",
        "down from",
        "from",
        "instead of",
        "rather than",
        "compared to",
        "compared with",
        "vs",
        "vs.",
        "versus",
        "previously",
        "was",
        "before",
        "(was",
        "formerly",
        "against",
        "from a baseline of",
        "from a previous",
        "over a baseline of",
        "over",
    ];
    if backward.contains(&between) {
        return Some(Joint::Backward);
    }
    None
}

/// "from", "from a", "from the": a pair's start is announced.
fn from_near(before_first: &str) -> bool {
    let words: Vec<String> = before_first
        .split_whitespace()
        .rev()
        .take(2)
        .map(str::to_lowercase)
        .collect();
    words.first().is_some_and(|w| w == "from")
        || (words.len() == 2
            && words[1] == "from"
            && ["a", "an", "the"].contains(&words[0].as_str()))
}

fn ends_with_word(text: &str, word: &str) -> bool {
    let lower = text.trim_end().to_lowercase();
    lower.ends_with(word)
        && lower[..lower.len() - word.len()]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

fn compatible(a: &Quantity, b: &Quantity) -> bool {
    match (a.unit, b.unit) {
        (None, _) | (_, None) => true,
        (Some(x), Some(y)) if x == y => true,
        _ => matches!((a.scale, b.scale), (Some((x, _)), Some((y, _))) if x == y),
    }
}

impl Quantity {
    fn is_time(&self) -> bool {
        matches!(self.scale, Some((Dimension::Time, _)))
    }
}

/// The compiled metric lexicon of a framework: labels, levels and polarity.
pub struct MetricLexicon {
    labels: Vec<(Vec<String>, String, Option<Level>)>,
    lower_is_better: Vec<Vec<String>>,
}

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
        let lower_is_better = lexicon
            .lower_is_better
            .iter()
            .filter(admitted)
            .map(|t| term_stems(t))
            .filter(|s| !s.is_empty())
            .collect();
        MetricLexicon {
            labels,
            lower_is_better,
        }
    }

    /// Label terms found in tokens: (first token, last token + 1, label index).
    fn find(&self, words: &[Token]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let mut position = 0;
        while position < words.len() {
            let hit = self.labels.iter().enumerate().find(|(_, (stems, _, _))| {
                stems.len() <= words.len() - position
                    && stems
                        .iter()
                        .zip(&words[position..])
                        .all(|(s, w)| *s == w.stem)
            });
            match hit {
                Some((index, (stems, _, _))) => {
                    found.push((position, position + stems.len(), index));
                    position += stems.len();
                }
                None => position += 1,
            }
        }
        found
    }

    fn lower_is_better(&self, label: &str) -> bool {
        let stems = term_stems(label);
        self.lower_is_better.iter().any(|term| {
            stems
                .windows(term.len())
                .any(|window| window == term.as_slice())
        })
    }
}

/// Extracts every metric of a text.
pub fn extract(text: &str, lexicon: &MetricLexicon) -> Vec<Metric> {
    let mut quantities = find_quantities(text);
    // A win has a handful of numbers; past this many, the text is not a win
    // (a pasted log, a table) and each further number would cost a pass
    // over its clause. The bound keeps any input linear.
    quantities.truncate(MAX_QUANTITIES);
    let words = tokens(text);
    let labels = lexicon.find(&words);
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
                pair_metric(text, span, &before, &after, &words, &labels, lexicon)
            }
            None => {
                index += 1;
                single_metric(text, current, &words, &labels, lexicon)
            }
        };
        metrics.push(metric);
    }
    metrics.extend(word_changes(text, &metrics, &words, &labels, lexicon));
    metrics
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
    // Show both ends in the unit written last, so "7h -> 50min" reads in minutes.
    let (before_value, after_value, shown_unit) = match (before.scale, after.scale) {
        (Some((_, sb)), Some((_, sa))) if (sb - sa).abs() > f64::EPSILON => {
            (round1(before.value * sb / sa), after.value, after.unit)
        }
        _ => (before.value, after.value, unit),
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
        level: level.or_else(|| default_level(unit, timed)),
    }
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
        || (quantity.unit == Some("%") && verb_direction.is_some());
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
        level: level.or_else(|| default_level(quantity.unit, quantity.is_time())),
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

/// Past tenses that end the label search ("brought deploys from 45 to 5").
const IRREGULAR_PAST: &[&str] = &[
    "brought", "got", "made", "took", "kept", "drove", "built", "ran", "set", "won", "put", "led",
    "grew", "sent", "shrank", "sped", "rebuilt", "rewrote", "wrote", "gave", "held", "spent",
];

/// Verbs that claim the change was good, whichever way the number moved.
const GOOD_WORDS: &[&str] = &[
    "improv", "better", "optimiz", "boost", "recover", "sav", "faster",
];

/// Whether a label was found after the span (or none at all).
fn label_after(text: &str, span: (usize, usize), label: Option<&str>) -> bool {
    label.is_none_or(|label| text[span.1..].to_lowercase().contains(label))
}

fn faster_or_smaller(text: &str, at: usize) -> bool {
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

fn verb_direction(lead: &[Token], tail: &[Token]) -> Option<Direction> {
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

fn ends_with_phrase<'a>(text: &str, phrases: &[&'a str]) -> Option<&'a str> {
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

/// The metric label nearest to a span: a lexicon term in the same clause,
/// before it ("p99 latency from 240ms") or just after ("4 points of precision").
fn label_near(
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
    let Some((first, last, index, _)) = best else {
        return (None, None);
    };
    // Adjacent label terms form one label: "p99" + "latency".
    let mut first = first;
    let mut last = last;
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
fn fallback_label(text: &str, at: usize) -> Option<String> {
    let lead = &text[near_before(text, clause_start(text, at), at)..at];
    let lower = lead.to_lowercase();
    let lead = lower.trim_end().strip_suffix("from")?;
    let stop = [
        "i", "we", "the", "our", "my", "a", "an", "its", "their", "by", "and", "of", "on", "in",
        "for", "to", "with",
    ];
    let mut picked: Vec<&str> = Vec::new();
    for word in lead.split_whitespace().rev() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if word.is_empty() || stop.contains(&word) || picked.len() == 3 {
            break;
        }
        let stem = super::text::stem(word);
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
fn counted_noun(text: &str, at: usize) -> Option<String> {
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

    fn extract_all(text: &str) -> Vec<Metric> {
        let catalog = Catalog::load(None).unwrap();
        let lexicon = MetricLexicon::new(catalog.get(DEFAULT_FRAMEWORK).unwrap(), None);
        extract(text, &lexicon)
    }

    fn one(text: &str) -> Metric {
        let metrics = extract_all(text);
        assert_eq!(metrics.len(), 1, "{text}: {metrics:?}");
        metrics.into_iter().next().unwrap()
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
