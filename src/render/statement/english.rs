//! The English of statements that is grammar, not wording: articles,
//! capitals, joining words, and how an amount reads in a sentence. What a
//! user may want to reword is in `templates/statements/phrases.toml`.

use crate::domain::metric::{format_money, format_number};

pub(super) use crate::analyze::note::article::indefinite;
pub(super) use crate::analyze::note::article::PREPOSITIONS;
use crate::analyze::note::article::{self, Naming};

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "my", "their", "its", "this", "that", "these", "those", "all",
    "every", "each", "both", "some", "it",
];

/// A negated verb that opens a part with no subject ("didn't beat the
/// baseline"): the work is its subject.
pub(super) const NEGATED: &[&str] = &[
    "didn't", "didnt", "doesn't", "doesnt", "don't", "wasn't", "isn't", "couldn't", "won't",
    "can't", "never",
];
/// Words after an amount of time that do not make it a compound ("6 weeks
/// instead of 12", "3 days ago"), unlike "a 90-day window".
pub(super) const NOT_A_NOUN_AFTER_TIME: &[&str] = &[
    "instead", "ago", "later", "earlier", "early", "late", "sooner", "longer", "shorter", "each",
    "straight", "running", "total", "apart", "faster", "slower", "less", "more",
];
/// Verbs a sentence of a statement may carry that are no past form of
/// the vocabulary's (see `Composer::has_verb`).
pub(super) const FINITE: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "will", "can", "could", "would", "should",
    "does", "do", "did", "rose", "fell", "grew", "went", "got", "saw", "made", "took", "gave",
    "led", "ran", "won", "lost", "held", "kept", "left", "found", "beat", "hit", "set", "cut",
    "put", "read", "wrote", "says", "said", "uses", "use", "needs", "need", "shows", "showed",
    "caught", "brought", "became", "came", "chose", "spent", "sold", "built", "sent", "began",
    "drove", "meant", "reached", "saved", "plan", "runs", "run", "works", "owns", "wants", "likes",
    "asked", "thinks", "knows", "moved", "stayed", "stays", "let", "helps", "means",
];
/// Words that qualify an amount ("about 40%", "under 30 seconds"): they
/// travel with it into whatever phrase tells the change.
pub(super) const QUALIFIERS: &[&str] = &[
    "about",
    "approximately",
    "roughly",
    "nearly",
    "almost",
    "over",
    "under",
    "around",
    "just",
    "more than",
    "less than",
    "at least",
    "up to",
];

/// A noun phrase with the article it needs: "the drift monitor for …",
/// "a new feature set", "dbt models", "ranker v4" (see `note::article`).
pub(super) fn with_article(words: &str) -> String {
    article::with_article(words, Naming::Thing)
}

pub(super) fn join_words(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        // "p99 latency", "iOS": a name that opens lower case stays so.
        let word = text.split(' ').next().unwrap_or("");
        if word
            .chars()
            .skip(1)
            .any(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            return text.to_string();
        }
        first.to_uppercase().chain(chars).collect()
    })
}

/// "run" → "running" is not needed here: "learn" → "learning", "use" → "using".
pub(super) fn progressive(base: &str) -> String {
    let stem = base
        .strip_suffix('e')
        .filter(|s| !s.ends_with('e'))
        .unwrap_or(base);
    format!("{stem}ing")
}

/// An amount as a sentence says it: "240 ms", "6 hours", "45 minutes",
/// "$18K", "28%", "3 points", "1.8 percentage points".
pub(super) fn amount(value: f64, unit: Option<&str>) -> String {
    let number = format_number(value);
    let one = (value - 1.0).abs() < f64::EPSILON;
    let word =
        |singular: &str, plural: &str| format!("{number} {}", if one { singular } else { plural });
    match unit {
        None => number,
        // "$0.002 an item": less than a cent keeps its digits.
        Some(symbol @ ("$" | "€" | "£"))
            if value.abs() < 1.0 && ((value * 100.0).round() - value * 100.0).abs() > 1e-9 =>
        {
            format!("{symbol}{}", format_number(value))
        }
        // "$14.20": cents as a price is written.
        Some(symbol @ ("$" | "€" | "£")) if value.abs() < 1000.0 && value.fract() != 0.0 => {
            format!("{symbol}{value:.2}")
        }
        Some(symbol @ ("$" | "€" | "£")) => format!("{symbol}{}", format_money(value)),
        Some("%") => format!("{number}%"),
        Some("×") => format!("{number}×"),
        Some("pp") => word("percentage point", "percentage points"),
        Some("points") => word("point", "points"),
        Some("bps") => word("basis point", "basis points"),
        Some("ms") => format!("{number} ms"),
        Some("µs") => format!("{number} µs"),
        Some("s") => word("second", "seconds"),
        Some("min") => word("minute", "minutes"),
        Some("h") => word("hour", "hours"),
        Some(unit @ ("days" | "weeks" | "months" | "years")) => word(&unit[..unit.len() - 1], unit),
        Some(unit) => format!("{number} {unit}"),
    }
}

/// An amount of time that describes a noun: "90-day" (window), "2-hour"
/// (job). `None` for other units.
pub(super) fn compound_amount(value: f64, unit: &str) -> Option<String> {
    let word = match unit {
        "s" => "second",
        "min" => "minute",
        "h" => "hour",
        "days" => "day",
        "weeks" => "week",
        "months" => "month",
        "years" => "year",
        _ => return None,
    };
    (value > 0.0).then(|| format!("{}-{word}", format_number(value)))
}

/// A count as the note wrote it: "8K", "3.4M" when it was written with a
/// magnitude ("8k", "3.4M"), else in full ("1,200").
pub(super) fn count(value: f64, written: &str) -> String {
    let magnitude = written.as_bytes().windows(2).any(|pair| {
        pair[0].is_ascii_digit() && matches!(pair[1], b'k' | b'K' | b'm' | b'M' | b'b' | b'B')
    });
    if magnitude && value.abs() >= 1000.0 {
        return format_money(value);
    }
    // "0.60", "1,200": the digits as the note wrote them, where they are there.
    for decimals in 0..=4 {
        let plain = format!("{value:.decimals$}");
        for candidate in [plain.clone(), group(&plain)] {
            if written_as(written, &candidate) {
                return candidate;
            }
        }
    }
    format_number(value)
}

/// "1200" → "1,200".
fn group(plain: &str) -> String {
    let (whole, fraction) = plain
        .split_once('.')
        .map_or((plain, None), |(w, f)| (w, Some(f)));
    let digits: Vec<char> = whole.chars().collect();
    let mut out = String::new();
    for (index, digit) in digits.iter().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) && digit.is_ascii_digit() {
            out.push(',');
        }
        out.push(*digit);
    }
    match fraction {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

/// Whether `number` stands in `written` as a whole number, not inside a longer one.
fn written_as(written: &str, number: &str) -> bool {
    written.match_indices(number).any(|(at, _)| {
        let before = written[..at].chars().next_back();
        let after = written[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',')
            && !after.is_some_and(|c| {
                c.is_ascii_digit()
                    || (c == '.' || c == ',')
                        && written[at + number.len() + 1..]
                            .starts_with(|d: char| d.is_ascii_digit())
            })
    })
}

/// Words that make a clause of what follows them ("we were …", "it is …"):
/// no metric's label holds one.
const CLAUSE_WORDS: &[&str] = &[
    "i", "we", "they", "he", "she", "it", "you", "is", "are", "was", "were", "has", "have", "had",
    "will", "would", "can", "could", "should", "did", "does", "do", "been", "being", "need",
    "needs", "takes", "take", "gets", "get", "shows", "says", "makes",
];

/// Words that open a clause but are no noun: "so …", "what …", "the …".
/// ":(", ":-)", ";)", ":/": a face typed in a note, not a word.
pub(super) fn is_emoticon(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some(':' | ';'))
        && (2..=4).contains(&word.chars().count())
        && chars.all(|c| {
            matches!(
                c,
                '(' | ')' | '/' | '\\' | '|' | '-' | 'D' | 'P' | 'p' | '[' | ']'
            )
        })
}

pub(super) fn is_function_word(word: &str) -> bool {
    DETERMINERS.contains(&word)
        || matches!(
            word,
            "so" | "and"
                | "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "ten"
                | "but"
                | "then"
                | "what"
                | "which"
                | "when"
                | "if"
                | "as"
                | "no"
                | "not"
                | "also"
                | "now"
                | "still"
                | "only"
                | "both"
                | "each"
                | "everyone"
                | "nobody"
                | "everything"
                | "nothing"
        )
}

pub(super) fn is_clause_word(word: &str) -> bool {
    CLAUSE_WORDS.contains(&word.to_lowercase().as_str())
}

/// Common words a note may shout ("went UP", "NOT shipping", "ONE
/// definition"): a statement says them plainly.
const SHOUTED: &[&str] = &[
    "up", "down", "not", "one", "no", "all", "only", "never", "their", "our", "them", "every",
    "none", "more", "less", "and", "or", "the", "is", "was", "were", "very", "really", "huge",
    "big", "way", "any", "done", "live", "finally", "before", "after", "new", "first",
];

/// A word as a statement says it: a shouted common word in lower case.
pub(super) fn unshout(word: &str) -> String {
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
    let shouted = bare.len() > 1 && bare.chars().all(|c| c.is_ascii_uppercase());
    if shouted && SHOUTED.contains(&bare.to_lowercase().as_str()) {
        return word.replace(bare, &bare.to_lowercase());
    }
    word.to_string()
}

/// Collapses doubled punctuation a join may produce ("…%.," or " ,").
pub(super) fn tidy(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("..", "."),
        (".,", ","),
        (".;", ";"),
        (";.", "."),
        (" ,", ","),
        (",,", ","),
        (",.", "."),
        ("?.", "?"),
        ("!.", "!"),
        ("( ", "("),
        (" )", ")"),
        ("()", ""),
    ] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    // "40 seconds /ticket": a rate's unit after an amount.
    while let Some(at) = out
        .find(" /")
        .filter(|at| out[at + 2..].starts_with(char::is_alphabetic))
    {
        out.replace_range(at..at + 2, " per ");
    }
    balanced(&out)
}

/// `text` without the parentheses that close nothing or are never closed
/// ("by 3.2%) after launch": the part that opened it was not told).
fn balanced(text: &str) -> String {
    let mut open: Vec<usize> = Vec::new();
    let mut drop: Vec<usize> = Vec::new();
    for (at, c) in text.char_indices() {
        match c {
            '(' => open.push(at),
            ')' if open.pop().is_none() => drop.push(at),
            _ => {}
        }
    }
    drop.extend(open);
    drop.sort_unstable();
    let mut depth = 0usize;
    let mut kept = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if drop.binary_search(&at).is_ok() {
            continue;
        }
        match c {
            // "(Q3 slipped (hiring))" → "(Q3 slipped, hiring)".
            '(' if depth > 0 => {
                depth += 1;
                kept.push_str(", ");
            }
            '(' => {
                depth += 1;
                kept.push(c);
            }
            ')' if depth > 1 => depth -= 1,
            ')' => {
                depth = depth.saturating_sub(1);
                kept.push(c);
            }
            _ => kept.push(c),
        }
    }
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace("(, ", "(")
}

/// The numbers in a statement, as written ("40%", "240ms", "$1.2M").
pub(super) fn numbers(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| {
            word.trim_start_matches(['(', '"', '“'])
                .trim_end_matches(['.', ',', ';', ':', ')', '"', '”', '…'])
        })
        .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// The units `amount` writes as words of their own.
const UNIT_WORDS: &[&str] = &[
    "ms",
    "µs",
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "point",
    "points",
    "percentage",
    "basis",
    "GB",
    "TB",
    "MB",
];

/// Cuts words from the end, keeping every word with a digit in it (and the
/// unit after it).
pub(super) fn cut_keeping_numbers(text: &str, limit: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let has_digit = |w: &str| w.chars().any(|c| c.is_ascii_digit());
    // "240 ms", "6 hours": an amount keeps its unit.
    let forced: Vec<bool> = words
        .iter()
        .enumerate()
        .map(|(index, word)| {
            has_digit(word)
                || (index > 0
                    && has_digit(words[index - 1])
                    && UNIT_WORDS.contains(&word.trim_end_matches(['.', ',', ';'])))
        })
        .collect();
    let reserved: usize = words
        .iter()
        .zip(&forced)
        .filter(|(_, forced)| **forced)
        .map(|(word, _)| word.chars().count() + 1)
        .sum();
    let mut kept: Vec<&str> = Vec::new();
    let mut length = reserved + 1;
    for (word, forced) in words.iter().zip(&forced) {
        if *forced {
            kept.push(word);
            continue;
        }
        if length + word.chars().count() + 1 > limit {
            continue;
        }
        length += word.chars().count() + 1;
        kept.push(word);
    }
    let mut cut = kept.join(" ");
    cut = cut.trim_end_matches([',', ';', ':']).to_string();
    if !cut.ends_with('.') {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_words_with_their_units() {
        assert_eq!(amount(6.0, Some("h")), "6 hours");
        assert_eq!(amount(1.0, Some("h")), "1 hour");
        assert_eq!(amount(45.0, Some("min")), "45 minutes");
        assert_eq!(amount(90.0, Some("s")), "90 seconds");
        assert_eq!(amount(18_000.0, Some("$")), "$18K");
        assert_eq!(amount(1.8, Some("pp")), "1.8 percentage points");
        assert_eq!(amount(0.71, None), "0.71");
        assert_eq!(amount(14.2, Some("$")), "$14.20");
        // Less than a cent is not rounded away.
        assert_eq!(amount(0.002, Some("$")), "$0.002");
        assert_eq!(amount(0.25, Some("$")), "$0.25");
    }

    #[test]
    fn articles_follow_the_head_noun() {
        assert_eq!(with_article("feature store"), "the feature store");
        assert_eq!(with_article("dbt models"), "dbt models");
        assert_eq!(with_article("new feature set"), "a new feature set");
        assert_eq!(indefinite("F1"), "an");
        assert_eq!(indefinite("recall"), "a");
        assert_eq!(indefinite("8-week"), "an");
        assert_eq!(indefinite("18-month"), "an");
        assert_eq!(indefinite("90-day"), "a");
    }

    #[test]
    fn time_before_a_noun_is_a_compound() {
        assert_eq!(compound_amount(90.0, "days").as_deref(), Some("90-day"));
        assert_eq!(compound_amount(2.0, "h").as_deref(), Some("2-hour"));
        assert_eq!(compound_amount(3.0, "%"), None);
    }

    #[test]
    fn faces_are_not_words() {
        assert!(is_emoticon(":("));
        assert!(is_emoticon(":-)"));
        assert!(!is_emoticon(":"));
        assert!(!is_emoticon("p99:"));
    }

    #[test]
    fn tidy_mends_the_punctuation_of_joins() {
        assert_eq!(tidy("cut it ( by 4% ) ,. Next"), "cut it (by 4%). Next");
        assert_eq!(tidy("raised it by 3.2%) after"), "raised it by 3.2% after");
        assert_eq!(tidy("kept (a (b) c"), "kept a (b) c");
        assert_eq!(
            tidy("as planned (Q3 slipped (hiring))."),
            "as planned (Q3 slipped, hiring)."
        );
    }
}
