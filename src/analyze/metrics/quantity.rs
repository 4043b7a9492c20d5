//! Finding quantities: numbers with their units, word numbers and changes
//! written in words, before they are given a meaning.

use super::*;

/// A number found in the text, before it is given a meaning.
#[derive(Debug, Clone)]
pub(super) struct Quantity {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: f64,
    pub(super) unit: Option<&'static str>,
    /// For units of one dimension that convert (time, data size): the
    /// dimension and the size of one unit in its base (seconds, megabytes).
    pub(super) scale: Option<(Dimension, f64)>,
    pub(super) signed: Option<Direction>,
    /// Written as a modifier with its unit ("a 3-week spike", "from a
    /// 2-day process to a 3-hour job"): a result only as one end of a change.
    pub(super) attributive: bool,
}

impl Quantity {
    pub(super) fn is_time(&self) -> bool {
        matches!(self.scale, Some((Dimension::Time, _)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dimension {
    Time,
    Size,
}

pub(super) fn word_number(word: &str) -> Option<f64> {
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
pub(super) fn canonical_unit(
    raw: &str,
    currency: bool,
) -> Option<(&'static str, Option<(Dimension, f64)>)> {
    use Dimension::{Size, Time};
    let unit = match raw.to_lowercase().as_str() {
        "%" => ("%", None),
        "pp" | "percentage point" | "percentage points" => ("pp", None),
        "point" | "points" | "pt" | "pts" => ("points", None),
        "bps" | "basis points" => ("bps", None),
        "us" | "µs" | "μs" | "microsecond" | "microseconds" => ("µs", Some((Time, 0.000_001))),
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
        // Rates: queries, requests, frames, transactions a second.
        "qps" => ("QPS", None),
        "rps" => ("RPS", None),
        "fps" => ("FPS", None),
        "tps" => ("TPS", None),
        _ => return None,
    };
    if currency && unit.1.is_some_and(|(dimension, _)| dimension == Time) {
        return None;
    }
    Some(unit)
}

pub(super) fn find_quantities(text: &str) -> Vec<Quantity> {
    let mut found = Vec::new();
    for raw in crate::analyze::scan::scan(text) {
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
        // "#4312" is an id, and the "1" of "3.5.1" is part of a version.
        if before.is_some_and(|c| {
            c.is_alphanumeric() || c == '@' || c == '_' || c == '.' || c == '/' || c == '#'
        }) {
            continue;
        }
        if names_not_measures(text, &raw) {
            continue;
        }
        // "52/48 split", "30/60/90 plans": a ratio or a series, not a measure.
        let mut after = text[raw.number_end..].chars();
        if after.next() == Some('/') && after.next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let attributive = {
            let mut after = text[raw.number_end..].chars();
            matches!(after.next(), Some('-' | '\u{2011}'))
                && after.next().is_some_and(char::is_alphabetic)
        };
        // "p=0.02", "p < 0.05", "p-value of 0.01": a test statistic, not a metric of the win.
        if is_p_value(&text[..first]) {
            continue;
        }
        if let Some((sign_start, _)) = raw.sign {
            let before_sign = text[..sign_start].chars().next_back();
            if before_sign.is_some_and(char::is_alphanumeric) {
                continue;
            }
        }
        let end = raw.end;
        // "3rd", "5xx", "4k8": a number glued to other letters is not a quantity.
        if text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
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
        let mut signed = raw.sign.map(|(_, s)| {
            if s == "+" {
                Direction::Up
            } else {
                Direction::Down
            }
        });
        // "elasticity est around -1.3", "coefficient of -0.4": a negative
        // value, not a fall.
        if signed == Some(Direction::Down) && unit.is_none() && currency.is_none() {
            let previous = text[..raw.start]
                .split_whitespace()
                .next_back()
                .map(|w| w.trim_end_matches([':', '=']).to_lowercase());
            if previous.is_some_and(|w| VALUE_BEFORE.contains(&w.as_str()))
                || text[..raw.start].trim_end().ends_with(['=', '~'])
            {
                signed = None;
                value = -value;
            }
        }
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
            attributive,
        });
    }
    skip_dates(text, found)
}

/// Words after which a number with a minus sign is a negative value:
/// "estimated at -1.3", "a coefficient of -0.4".
const VALUE_BEFORE: &[&str] = &[
    "around",
    "about",
    "approx",
    "approximately",
    "roughly",
    "est",
    "estimate",
    "estimated",
    "at",
    "of",
    "is",
    "was",
    "=",
    "~",
    "elasticity",
    "coefficient",
    "coef",
    "correlation",
    "corr",
];

/// Numbers that name a thing rather than measure a result: a compound
/// modifier ("2-stage retrieval", "4-bit", "5-fold CV"), a
/// dotted version ("3.5.1"), a model's size class ("the 7B model") and
/// "24/7".
fn names_not_measures(text: &str, raw: &crate::analyze::scan::RawQuantity<'_>) -> bool {
    let after_number = &text[raw.number_end..];
    let mut rest = after_number.chars();
    let compound = match (rest.next(), rest.next()) {
        // A modifier of a unit ("3-week") is kept, marked attributive.
        (Some('-' | '\u{2011}'), Some(c)) => c.is_alphabetic() && raw.unit.is_none(),
        (Some('.'), Some(c)) => c.is_ascii_digit(),
        (Some(c), Some('-')) if "kKmMbB".contains(c) => {
            after_number[2..].starts_with(char::is_alphabetic)
        }
        _ => false,
    };
    if compound {
        return true;
    }
    // "1:1s", "16:9", "9:30": a meeting, a ratio or a time of day.
    let before_number = &text[..raw.number_end - raw.number.len()];
    if after_number.starts_with(':') && after_number[1..].starts_with(|c: char| c.is_ascii_digit())
        || before_number.ends_with(':')
            && before_number[..before_number.len() - 1].ends_with(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    if raw.number == "24" && (after_number.starts_with("/7") || after_number.starts_with("x7")) {
        return true;
    }
    let billions = raw
        .magnitude
        .is_some_and(|m| m.eq_ignore_ascii_case("b") || m.eq_ignore_ascii_case("bn"));
    if billions && raw.currency.is_none() {
        let next = text[raw.end..]
            .trim_start_matches([' ', '-'])
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_lowercase();
        return matches!(
            next.as_str(),
            "model" | "models" | "param" | "params" | "parameter" | "parameters" | "llm" | "llms"
        );
    }
    false
}

/// Whether the text before a number ends in a p-value's name: "p=", "p <", "p-value of".
/// (Compared in any case where it ends, without lowercasing all of it:
/// every number of every analysed note asks.)
fn is_p_value(before: &str) -> bool {
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || "=<>≤≥:".contains(c));
    let trimmed = strip_suffix_any_case(trimmed, " of").unwrap_or(trimmed);
    let named = strip_suffix_any_case(trimmed, "p-value")
        .or_else(|| strip_suffix_any_case(trimmed, "p value"));
    let head = named.or_else(|| strip_suffix_any_case(trimmed, "p"));
    head.is_some_and(|h| !h.ends_with(|c: char| c.is_alphanumeric()))
        && trimmed.len() < before.len()
}

/// `text` without `suffix` (ASCII, lower case) at its end in any case.
fn strip_suffix_any_case<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let at = text.len().checked_sub(suffix.len())?;
    (text.is_char_boundary(at) && text[at..].eq_ignore_ascii_case(suffix)).then(|| &text[..at])
}

/// Drops numbers inside ISO dates and clock times such as 2026-03-04 or 10:30.
pub(super) fn skip_dates(text: &str, quantities: Vec<Quantity>) -> Vec<Quantity> {
    let spans = crate::analyze::scan::date_spans(text);
    quantities
        .into_iter()
        .filter(|q| !spans.iter().any(|(s, e)| q.start < *e && q.end > *s))
        .collect()
}

/// "cut … in half", "halved", "doubled", "tripled", "quadrupled", as byte spans.
pub(super) fn change_phrases(words: &[Token]) -> Vec<(usize, usize)> {
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
