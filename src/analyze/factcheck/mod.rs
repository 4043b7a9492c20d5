//! The fact check of a statement someone else wrote for a win (the user's
//! own model, `win review draft --rewrite`): nothing reaches a draft unless
//! it passes. Pure: the answer, the win and its generated statement come in
//! as arguments.
//!
//! An answer passes when it is one paragraph in the first person, without
//! markup or control characters, within the length limit; every number in
//! it is a number of the win (as written, spelled as a word, scaled, or a
//! change the win's metrics imply, to the precision the answer writes it
//! in); every metric of the win is in it (its before and after, or its
//! change); and every name in it (a capitalised word inside a sentence,
//! or opening one when it is no common opener; an acronym; a word with a
//! digit) is one the win has.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use crate::domain::metric::Metric;
use crate::domain::win::Win;

#[cfg(test)]
mod tests;

/// Why an answer was refused; shown as "#12: the answer says 35%, which
/// the win does not".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    /// A control character (an escape sequence) or one that hides or
    /// reverses text on screen.
    Control,
    /// Markdown or HTML: what it is.
    Markup(String),
    Paragraphs,
    /// Words to the reader ("Here is…") instead of the statement.
    Preamble,
    TooLong {
        chars: usize,
        limit: usize,
    },
    NotFirstPerson,
    /// A number (or a word with a digit) the win does not have, as written.
    Number(String),
    /// A name the win does not have.
    Name(String),
    /// A metric of the win the answer leaves out, as the win shows it.
    Dropped(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Empty => f.write_str("the answer is empty"),
            Refusal::Control => f.write_str("the answer has a control character"),
            Refusal::Markup(what) => write!(f, "the answer has markup ({what})"),
            Refusal::Paragraphs => f.write_str("the answer is more than one paragraph"),
            Refusal::Preamble => {
                f.write_str("the answer talks about the statement instead of being it")
            }
            Refusal::TooLong { chars, limit } => {
                write!(f, "the answer is {chars} characters long (at most {limit})")
            }
            Refusal::NotFirstPerson => {
                f.write_str("the answer is not in the first person (no I, me or my)")
            }
            Refusal::Number(number) => {
                write!(f, "the answer says {number}, which the win does not")
            }
            Refusal::Name(name) => write!(f, "the answer names {name}, which the win does not"),
            Refusal::Dropped(metric) => write!(f, "the answer leaves out {metric}"),
        }
    }
}

/// Checks `answer` against `win` (whose generated statement is
/// `generated`); returns the statement to use: the answer on one line,
/// without surrounding quotes.
pub fn check(answer: &str, win: &Win, generated: &str, limit: usize) -> Result<String, Refusal> {
    if answer.chars().any(hides_text) {
        return Err(Refusal::Control);
    }
    let trimmed = answer.trim();
    if trimmed.is_empty() {
        return Err(Refusal::Empty);
    }
    if let Some(what) = markup(trimmed) {
        return Err(Refusal::Markup(what.to_string()));
    }
    if trimmed.lines().any(|line| line.trim().is_empty()) {
        return Err(Refusal::Paragraphs);
    }
    let statement = unquoted(&trimmed.split_whitespace().collect::<Vec<_>>().join(" "));
    if statement.is_empty() {
        return Err(Refusal::Empty);
    }
    if is_preamble(&statement) {
        return Err(Refusal::Preamble);
    }
    let chars = statement.chars().count();
    if chars > limit {
        return Err(Refusal::TooLong { chars, limit });
    }
    let tokens = tokens(&statement);
    let first_person = tokens.iter().any(|token| match token {
        Token::Word { text, .. } => {
            matches!(
                text.to_lowercase().as_str(),
                "i" | "me" | "my" | "myself" | "mine"
            )
        }
        Token::Number(_) => false,
    });
    if !first_person {
        return Err(Refusal::NotFirstPerson);
    }
    let facts = Facts::of(win, generated);
    let mut said: Vec<Candidate> = Vec::new();
    for token in &tokens {
        match token {
            Token::Number(number) => {
                if !number.candidates.iter().any(|c| facts.has(c)) {
                    return Err(Refusal::Number(number.written.clone()));
                }
                said.extend(number.candidates.iter().copied());
            }
            Token::Word { text, .. } if text.chars().any(|c| c.is_ascii_digit()) => {
                if !facts.words.contains(&text.to_lowercase()) {
                    return Err(Refusal::Number((*text).to_string()));
                }
            }
            Token::Word {
                text,
                sentence_start,
            } if is_name(text, *sentence_start) => {
                if !facts.words.contains(&text.to_lowercase()) {
                    return Err(Refusal::Name((*text).to_string()));
                }
            }
            // A capital that opens a sentence says nothing, but a word
            // there that is no common opener may be a name all the same
            // ("Snowflake costs fell too").
            Token::Word {
                text,
                sentence_start: true,
            } if text.starts_with(char::is_uppercase) && text.chars().count() > 1 => {
                let lower = text.to_lowercase();
                if !facts.words.contains(&lower) && !is_opener(&lower) {
                    return Err(Refusal::Name((*text).to_string()));
                }
            }
            Token::Word { .. } => {}
        }
    }
    for metric in &win.metrics {
        if !is_told(metric, &said) {
            return Err(Refusal::Dropped(metric.describe()));
        }
    }
    Ok(statement)
}

/// Control characters but the line breaks and tabs of ordinary text, and
/// the invisible ones that hide, join or reverse text on screen.
fn hides_text(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The Markdown or HTML in an answer, named, if there is any.
fn markup(text: &str) -> Option<&'static str> {
    if text.contains("](") {
        return Some("a link");
    }
    if text.contains('*') || text.contains("__") {
        return Some("emphasis");
    }
    if text.contains('`') {
        return Some("code");
    }
    let tag = text.as_bytes().windows(2).any(|pair| {
        pair[0] == b'<' && (pair[1].is_ascii_alphabetic() || pair[1] == b'/' || pair[1] == b'!')
    });
    if tag {
        return Some("an HTML tag");
    }
    for line in text.lines().map(str::trim_start) {
        if line.starts_with('#') {
            return Some("a heading");
        }
        if line.starts_with("> ") {
            return Some("a quotation block");
        }
        let numbered = line
            .find(|c: char| !c.is_ascii_digit())
            .filter(|&end| end > 0)
            .is_some_and(|end| line[end..].starts_with(". ") || line[end..].starts_with(") "));
        if numbered || ["- ", "+ ", "• "].iter().any(|b| line.starts_with(b)) {
            return Some("a list");
        }
    }
    None
}

/// Without one pair of quotes around the whole answer.
fn unquoted(text: &str) -> String {
    for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\'')] {
        if let Some(inner) = text
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close))
        {
            if !inner.contains(open) && !inner.contains(close) {
                return inner.trim().to_string();
            }
        }
    }
    text.to_string()
}

/// Words to the person reading the answer rather than the statement.
fn is_preamble(statement: &str) -> bool {
    let lower = statement.to_lowercase();
    const OPENINGS: &[&str] = &[
        "here is",
        "here's",
        "here are",
        "sure",
        "certainly",
        "of course",
        "okay",
        "rewritten",
        "revised",
        "statement:",
        "as an ai",
    ];
    const ASIDES: &[&str] = &[
        "let me know",
        "i hope this",
        "as an ai",
        "rewritten statement",
    ];
    OPENINGS.iter().any(|o| lower.starts_with(o)) || ASIDES.iter().any(|a| lower.contains(a))
}

/// A capitalised word inside a sentence, or one with a capital after its
/// first letter (an acronym, "PyTorch"): a name, which the win must have.
fn is_name(word: &str, sentence_start: bool) -> bool {
    let mut letters = word.chars();
    let Some(first) = letters.next() else {
        return false;
    };
    if word.chars().count() < 2 {
        return false;
    }
    letters.any(char::is_uppercase) || (first.is_uppercase() && !sentence_start)
}

/// Words that open a sentence of a statement without being names: the
/// stop words of inference, a few adverbs and connectives, and verb forms
/// ("Working with…", "Asked to…", "Ultimately…").
fn is_opener(lower: &str) -> bool {
    static STOP_WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    const OPENERS: &[&str] = &[
        "across",
        "additionally",
        "afterwards",
        "along",
        "alongside",
        "although",
        "beyond",
        "building",
        "despite",
        "finally",
        "first",
        "following",
        "here",
        "later",
        "meanwhile",
        "moreover",
        "next",
        "overall",
        "previously",
        "since",
        "so",
        "still",
        "than",
        "thanks",
        "that",
        "then",
        "there",
        "these",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "today",
        "together",
        "upon",
        "when",
        "where",
        "whereas",
        "while",
        "within",
        "without",
        "yet",
    ];
    let stop_words = STOP_WORDS.get_or_init(|| {
        crate::analyze::infer::STOP_WORDS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    });
    stop_words.contains(lower)
        || OPENERS.contains(&lower)
        || ["ing", "ed", "ly"].iter().any(|end| lower.ends_with(end))
}

/// One value a written number may stand for, and how far from it a number
/// of the win may be for the two to be the same (the answer's rounding).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    value: f64,
    tolerance: f64,
}

#[derive(Debug)]
struct Number {
    /// As written, with its currency sign, unit letters or percent sign.
    written: String,
    /// "45m" is 45 minutes or 45 million: each is a candidate.
    candidates: Vec<Candidate>,
}

#[derive(Debug)]
enum Token<'a> {
    Word { text: &'a str, sentence_start: bool },
    Number(Number),
}

/// Number words, as a statement spells small numbers. "one" is left out:
/// it is far more often a pronoun ("one of the") than a count.
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("dozen", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
];

/// Letters written right after a number that make it a quantity (a unit or
/// a multiplier), not a name such as "3D" or "2nd".
const UNITS: &[&str] = &[
    "k", "m", "b", "bn", "x", "ms", "s", "sec", "secs", "min", "mins", "h", "hr", "hrs", "d", "w",
    "wk", "wks", "mo", "y", "yr", "yrs", "kb", "mb", "gb", "tb", "pb", "pp", "pt", "pts", "qps",
    "rps", "us", "ns",
];

/// The words and numbers of a text, in order; a word knows whether it
/// opens a sentence.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut sentence_start = true;
    let mut at = 0;
    while at < text.len() {
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        if !c.is_alphanumeric() {
            if matches!(c, '.' | '!' | '?' | ':') {
                sentence_start = true;
            }
            at += c.len_utf8();
            continue;
        }
        let end = text[at..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(text.len(), |n| at + n);
        if c.is_ascii_digit() {
            match number_at(text, at) {
                Some((number, next)) => {
                    tokens.push(Token::Number(number));
                    at = next;
                }
                // Digits joined to letters that are no unit: "3D", "2nd".
                None => {
                    tokens.push(Token::Word {
                        text: &text[at..end],
                        sentence_start,
                    });
                    at = end;
                }
            }
        } else {
            let word = &text[at..end];
            let lower = word.to_lowercase();
            match NUMBER_WORDS.iter().find(|(name, _)| *name == lower) {
                Some((_, value)) => tokens.push(Token::Number(Number {
                    written: word.to_string(),
                    candidates: vec![Candidate {
                        value: *value,
                        tolerance: 0.0,
                    }],
                })),
                None => tokens.push(Token::Word {
                    text: word,
                    sentence_start,
                }),
            }
            at = end;
        }
        sentence_start = false;
    }
    tokens
}

/// The number starting at byte `start` (a digit) and where reading goes
/// on after it; `None` when letters that are no unit follow its digits.
fn number_at(text: &str, start: usize) -> Option<(Number, usize)> {
    let bytes = text.as_bytes();
    let mut end = start;
    let mut digits = String::new();
    let mut decimals: Option<i32> = None;
    while end < bytes.len() {
        let b = bytes[end];
        if b.is_ascii_digit() {
            digits.push(b as char);
            if let Some(d) = decimals.as_mut() {
                *d += 1;
            }
            end += 1;
            continue;
        }
        let digit_follows = bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        // "1,200,000": a comma followed by exactly three digits.
        let thousands = b == b','
            && decimals.is_none()
            && bytes.len() >= end + 4
            && bytes[end + 1..end + 4].iter().all(u8::is_ascii_digit)
            && !bytes.get(end + 4).is_some_and(u8::is_ascii_digit);
        if thousands {
            end += 1;
            continue;
        }
        if b == b'.' && decimals.is_none() && digit_follows {
            digits.push('.');
            decimals = Some(0);
            end += 1;
            continue;
        }
        break;
    }
    let suffix_end = text[end..]
        .find(|c: char| !c.is_alphabetic())
        .map_or(text.len(), |n| end + n);
    let suffix = &text[end..suffix_end];
    let lower = suffix.to_lowercase();
    if !suffix.is_empty() && !UNITS.contains(&lower.as_str()) {
        return None;
    }
    let value = digits.parse::<f64>().ok()?;
    let mut written_end = suffix_end;
    if text[written_end..].starts_with('%') {
        written_end += 1;
    }
    let prefix_start = text[..start]
        .chars()
        .next_back()
        .filter(|c| matches!(c, '$' | '€' | '£' | '~' | '+' | '−'))
        .map_or(start, |c| start - c.len_utf8());
    // A scale written as a word after it: "1.2 million".
    let next_word = text[written_end..]
        .trim_start()
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    let scales: Vec<f64> = match (suffix, lower.as_str(), next_word.as_str()) {
        (_, _, "thousand") | (_, "k", _) => vec![1e3],
        (_, _, "million") | ("M", _, _) => vec![1e6],
        (_, _, "billion") | (_, "b" | "bn", _) => vec![1e9],
        // "45m": minutes, or millions.
        (_, "m", _) => vec![1.0, 1e6],
        _ => vec![1.0],
    };
    let step = 0.5 * 10f64.powi(-decimals.unwrap_or(0));
    let number = Number {
        written: text[prefix_start..written_end].to_string(),
        candidates: scales
            .into_iter()
            .map(|scale| Candidate {
                value: value * scale,
                tolerance: step * scale,
            })
            .collect(),
    };
    Some((number, suffix_end))
}

/// What the win says: its words (lowercased) and its numbers.
struct Facts {
    words: HashSet<String>,
    numbers: Vec<f64>,
}

impl Facts {
    fn of(win: &Win, generated: &str) -> Facts {
        let mut texts: Vec<&str> = vec![win.text.as_str(), generated];
        texts.extend(win.impact.as_deref());
        texts.extend(win.next.as_deref());
        for update in &win.updates {
            texts.extend(update.text.as_deref());
            texts.extend(update.impact.as_deref());
            texts.extend(update.next.as_deref());
        }
        texts.extend(win.project.as_deref());
        texts.extend(win.tags.iter().map(String::as_str));
        texts.extend(win.metrics.iter().filter_map(|m| m.label.as_deref()));
        let mut facts = Facts {
            words: HashSet::new(),
            numbers: Vec::new(),
        };
        for text in texts {
            for token in tokens(text) {
                match token {
                    Token::Word { text, .. } => {
                        facts.words.insert(text.to_lowercase());
                    }
                    Token::Number(number) => {
                        facts.words.insert(number.written.to_lowercase());
                        facts
                            .numbers
                            .extend(number.candidates.iter().map(|c| c.value));
                    }
                }
            }
        }
        for metric in &win.metrics {
            facts.numbers.extend(
                [metric.value, metric.before, metric.after]
                    .into_iter()
                    .flatten(),
            );
            facts
                .numbers
                .extend(metric.written_before.as_ref().map(|w| w.value));
            facts.numbers.extend(changes(metric));
        }
        facts
    }

    fn has(&self, candidate: &Candidate) -> bool {
        self.numbers.iter().any(|&n| close(candidate, n))
    }
}

/// Whether a written number can be `value` of the win, rounded.
fn close(candidate: &Candidate, value: f64) -> bool {
    let slack = 1e-9 * candidate.value.abs().max(1.0);
    (candidate.value - value.abs()).abs() <= candidate.tolerance + slack
}

/// The changes a metric implies, as positive numbers: its relative change
/// (as stored, and exact), the difference and the ratio of its pair.
fn changes(metric: &Metric) -> Vec<f64> {
    let mut found: Vec<f64> = metric.change_pct.map(f64::abs).into_iter().collect();
    if let (Some(before), Some(after)) = (metric.before, metric.after) {
        if before != 0.0 {
            found.push(((after - before) / before * 100.0).abs());
        }
        found.push((after - before).abs());
        let (low, high) = if before < after {
            (before, after)
        } else {
            (after, before)
        };
        if low > 0.0 {
            found.push(high / low);
        }
    }
    found
}

/// Whether the numbers an answer says tell a metric: its pair, its
/// change, or its value.
fn is_told(metric: &Metric, said: &[Candidate]) -> bool {
    let says = |value: f64| said.iter().any(|c| close(c, value));
    let before = metric.before.is_some_and(says)
        || metric
            .written_before
            .as_ref()
            .is_some_and(|w| says(w.value));
    let pair = match (metric.before, metric.after) {
        (Some(_), Some(after)) => before && says(after),
        (Some(_), None) => before,
        (None, Some(after)) => says(after),
        (None, None) => false,
    };
    let nothing_to_tell =
        metric.value.is_none() && metric.before.is_none() && metric.after.is_none();
    nothing_to_tell
        || pair
        || metric.value.is_some_and(says)
        || changes(metric).into_iter().any(says)
}
