//! A hand-written scanner for quantities ("−$1.2M", "240 ms", "two weeks",
//! "3x"). It replaces a regular expression whose compilation alone cost
//! more than the rest of `win add` (see bench/): it reads left to right,
//! once, and allocates nothing.

/// The parts of one quantity, as byte spans into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawQuantity<'t> {
    pub start: usize,
    pub end: usize,
    /// '+', '-' or '−' and where it stands.
    pub sign: Option<(usize, &'t str)>,
    pub currency: Option<&'t str>,
    pub number: &'t str,
    pub number_start: usize,
    pub number_end: usize,
    pub magnitude: Option<&'t str>,
    pub unit: Option<&'t str>,
}

const WORD_NUMBERS: &[&str] = &[
    "a dozen", "half an", "half a", "dozen", "one", "two", "three", "four", "five", "six", "seven",
    "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "hundred",
];

/// Tried in this order; each must end at a word boundary.
const MAGNITUDES: &[&str] = &["k", "mm", "m", "bn", "b", "thousand", "million", "billion"];

const UNITS: &[&str] = &[
    "percentage points",
    "percentage point",
    "basis points",
    "pp",
    "points",
    "point",
    "pts",
    "pt",
    "bps",
    "microseconds",
    "microsecond",
    "µs",
    "μs",
    "us",
    "ms",
    "milliseconds",
    "millisecond",
    "msec",
    "seconds",
    "second",
    "secs",
    "sec",
    "s",
    "minutes",
    "minute",
    "mins",
    "min",
    "hours",
    "hour",
    "hrs",
    "hr",
    "h",
    "days",
    "day",
    "d",
    "weeks",
    "week",
    "wks",
    "wk",
    "w",
    "months",
    "month",
    "mos",
    "mo",
    "years",
    "year",
    "yrs",
    "yr",
    "y",
    "x",
    "gb",
    "tb",
    "mb",
    "qps",
    "rps",
    "fps",
    "tps",
];

/// Every quantity in the text, left to right, not overlapping.
pub fn scan(text: &str) -> Vec<RawQuantity<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let c = text[at..].chars().next().unwrap_or_default();
        if !may_start(c) {
            at += c.len_utf8();
            continue;
        }
        match quantity_at(text, at) {
            Some(quantity) => {
                at = quantity.end.max(at + 1);
                found.push(quantity);
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// Whether a quantity could start with this character: a sign, a currency
/// sign, a digit or the dot of ".5", or the first letter of a spelled-out
/// number. Most characters of a note cannot, and are passed over at once.
fn may_start(c: char) -> bool {
    matches!(
        c.to_ascii_lowercase(),
        '+' | '-' | '−' | '$' | '€' | '£' | '.' | '0'
            ..='9' | 'a' | 'd' | 'e' | 'f' | 'h' | 'n' | 'o' | 's' | 't'
    )
}

fn quantity_at(text: &str, start: usize) -> Option<RawQuantity<'_>> {
    let mut at = start;
    let mut sign = None;
    if let Some(c) = text[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '+' | '-' | '−'))
    {
        sign = Some((at, &text[at..at + c.len_utf8()]));
        at += c.len_utf8();
    }
    let mut currency = None;
    if let Some(c) = text[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '$' | '€' | '£'))
    {
        currency = Some(&text[at..at + c.len_utf8()]);
        at += c.len_utf8();
        if text[at..].starts_with(' ') {
            at += 1;
        }
    }
    let (number_start, number_end) = if let Some(end) = digits_number(text, at) {
        (at, end)
    } else if sign.is_none() && currency.is_none() && word_start(text, at) {
        (at, word_number(text, at)?)
    } else {
        return None;
    };
    let mut end = number_end;
    let mut magnitude = None;
    let after_space = skip_one(text, end, ' ');
    if let Some((word, word_end)) = ascii_word(text, after_space) {
        if let Some(found) = MAGNITUDES.iter().find(|m| word.eq_ignore_ascii_case(m)) {
            magnitude = Some(&text[after_space..after_space + found.len()]);
            end = word_end;
        }
    }
    let mut unit = None;
    for gap in [' ', '-'] {
        let unit_start = skip_one(text, end, gap);
        if let Some(symbol) = text[unit_start..]
            .chars()
            .next()
            .filter(|c| matches!(c, '%' | '×'))
        {
            unit = Some(&text[unit_start..unit_start + symbol.len_utf8()]);
            end = unit_start + symbol.len_utf8();
            break;
        }
        if let Some(unit_end) = unit_word(text, unit_start) {
            unit = Some(&text[unit_start..unit_end]);
            end = unit_end;
            break;
        }
    }
    Some(RawQuantity {
        start,
        end,
        sign,
        currency,
        number: &text[number_start..number_end],
        number_start,
        number_end,
        magnitude,
        unit,
    })
}

/// "1,234.5", "12.5", "12", ".5": where the number ends, if one starts here.
fn digits_number(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let run = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let leading = run(at);
    if leading == 0 {
        // ".5"
        if bytes.get(at) == Some(&b'.') && run(at + 1) > 0 {
            return Some(at + 1 + run(at + 1));
        }
        return None;
    }
    let mut end = at + leading;
    // Thousands groups ("1,234,567") only after one to three digits.
    if leading <= 3 {
        let mut grouped = end;
        while bytes.get(grouped) == Some(&b',')
            && run(grouped + 1) == 3
            && !bytes.get(grouped + 4).is_some_and(u8::is_ascii_digit)
        {
            grouped += 4;
        }
        end = grouped;
    }
    if bytes.get(end) == Some(&b'.') && run(end + 1) > 0 {
        end += 1 + run(end + 1);
    }
    Some(end)
}

fn word_start(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// A spelled-out number at `at` ("two", "a dozen"), ending at a word boundary.
fn word_number(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let first = rest.as_bytes().first()?.to_ascii_lowercase();
    // Only the words that start with this letter (every letter of a note
    // that starts a word comes here).
    WORD_NUMBERS
        .iter()
        .filter(|word| word.as_bytes()[0] == first)
        .find_map(|word| {
            let candidate = rest.get(..word.len())?;
            (candidate.eq_ignore_ascii_case(word) && boundary(text, at + word.len()))
                .then_some(at + word.len())
        })
}

/// A unit word at `at` ("ms", "percentage points"), ending at a word boundary.
fn unit_word(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let first = rest.as_bytes().first()?.to_ascii_lowercase();
    UNITS
        .iter()
        .filter(|unit| unit.as_bytes()[0] == first)
        .find_map(|unit| {
            let candidate = rest.get(..unit.len())?;
            (candidate.eq_ignore_ascii_case(unit) && boundary(text, at + unit.len()))
                .then_some(at + unit.len())
        })
}

/// An ASCII word at `at`, and where it ends.
fn ascii_word(text: &str, at: usize) -> Option<(&str, usize)> {
    let length = text.as_bytes()[at..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    (length > 0 && boundary(text, at + length)).then(|| (&text[at..at + length], at + length))
}

/// No ASCII letter, digit or underscore follows.
fn boundary(text: &str, at: usize) -> bool {
    text.as_bytes()
        .get(at)
        .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
}

fn skip_one(text: &str, at: usize, c: char) -> usize {
    if text[at..].starts_with(c) {
        at + c.len_utf8()
    } else {
        at
    }
}

/// Spans of ISO dates ("2026-03-04", "2026-03") and clock times ("10:30").
pub fn date_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let run = |from: usize| {
        bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let mut spans = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let digits = run(at);
        if digits == 0 {
            at += 1;
            continue;
        }
        let end = at + digits;
        if digits == 4 && bytes.get(end) == Some(&b'-') && run(end + 1) == 2 {
            let mut span_end = end + 3;
            if bytes.get(span_end) == Some(&b'-') && run(span_end + 1) == 2 {
                span_end += 3;
            }
            spans.push((at, span_end));
            at = span_end;
            continue;
        }
        if digits <= 2 && bytes.get(end) == Some(&b':') && run(end + 1) == 2 {
            spans.push((at, end + 3));
            at = end + 3;
            continue;
        }
        at = end;
    }
    spans
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_spelled_out_number_may_start_a_quantity() {
        for word in super::WORD_NUMBERS {
            let first = word.chars().next().unwrap();
            assert!(super::may_start(first), "{word}");
            assert!(super::may_start(first.to_ascii_uppercase()), "{word}");
        }
    }

    use super::*;

    /// (sign, currency, number, magnitude, unit)
    type Parts<'t> = (
        Option<&'t str>,
        Option<&'t str>,
        &'t str,
        Option<&'t str>,
        Option<&'t str>,
    );

    fn parts(text: &str) -> Vec<Parts<'_>> {
        scan(text)
            .into_iter()
            .map(|q| {
                (
                    q.sign.map(|s| s.1),
                    q.currency,
                    q.number,
                    q.magnitude,
                    q.unit,
                )
            })
            .collect()
    }

    #[test]
    fn reads_every_part() {
        assert_eq!(
            parts("−$1.2M"),
            vec![(Some("−"), Some("$"), "1.2", Some("M"), None)]
        );
        assert_eq!(parts("240 ms"), vec![(None, None, "240", None, Some("ms"))]);
        assert_eq!(
            parts("1,200,000 rows"),
            vec![(None, None, "1,200,000", None, None)]
        );
        assert_eq!(
            parts("two weeks"),
            vec![(None, None, "two", None, Some("weeks"))]
        );
        assert_eq!(parts("3x"), vec![(None, None, "3", None, Some("x"))]);
        assert_eq!(
            parts("+4.2%"),
            vec![(Some("+"), None, "4.2", None, Some("%"))]
        );
        assert_eq!(
            parts("4 percentage points"),
            vec![(None, None, "4", None, Some("percentage points"))]
        );
        assert_eq!(
            parts("5 million users"),
            vec![(None, None, "5", Some("million"), None)]
        );
        assert_eq!(
            parts("a 2-day job"),
            vec![(None, None, "2", None, Some("day"))]
        );
        assert_eq!(
            parts("€ 450K"),
            vec![(None, Some("€"), "450", Some("K"), None)]
        );
    }

    #[test]
    fn boundaries_hold() {
        assert_eq!(parts("5 sessions"), vec![(None, None, "5", None, None)]);
        assert_eq!(parts("5kg"), vec![(None, None, "5", None, None)]);
        assert!(parts("often and none").is_empty());
        assert_eq!(
            parts("12,5"),
            vec![
                (None, None, "12", None, None),
                (None, None, "5", None, None)
            ]
        );
    }

    #[test]
    fn finds_dates_and_times() {
        assert_eq!(
            date_spans("on 2026-03-04 at 10:30, in 2026-07"),
            vec![(3, 13), (17, 22), (27, 34)]
        );
    }
}
