//! Pairs: the words that join two quantities into a before → after change.

use super::*;

/// Words that join two quantities into a before → after pair.
pub(super) enum Joint {
    /// "from A to B", "A -> B", "A → B"
    Forward,
    /// "B, up from A", "B instead of A"
    Backward,
}

pub(super) fn joint(between: &str, before_first: &str) -> Option<Joint> {
    let between = between.trim().to_lowercase();
    let mut between = between.trim_matches(|c: char| c == ',' || c == '(' || c.is_whitespace());
    // "$41K/mo -> $23K/mo", "9/wk → 1": the first amount's rate unit.
    if let Some(rate) = between.strip_prefix('/') {
        between = rate
            .trim_start_matches(|c: char| c.is_alphabetic())
            .trim_start();
    }
    // "15 min → <30s", "-> ~1": how close the second amount is.
    if let Some(close) = between
        .strip_suffix(['<', '>', '~', '≈', '≤', '≥'])
        .filter(|rest| rest.ends_with(char::is_whitespace))
    {
        between = close.trim_end();
    }
    for word in [
        " about",
        " under",
        " over",
        " approx",
        " approximately",
        " roughly",
        " nearly",
        " almost",
    ] {
        if let Some(rest) = between.strip_suffix(word) {
            between = rest.trim_end();
        }
    }
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
pub(super) fn from_near(before_first: &str) -> bool {
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

pub(super) fn ends_with_word(text: &str, word: &str) -> bool {
    let lower = text.trim_end().to_lowercase();
    lower.ends_with(word)
        && lower[..lower.len() - word.len()]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

pub(super) fn compatible(a: &Quantity, b: &Quantity) -> bool {
    match (a.unit, b.unit) {
        (None, _) | (_, None) => true,
        (Some(x), Some(y)) if x == y => true,
        _ => matches!((a.scale, b.scale), (Some((x, _)), Some((y, _))) if x == y),
    }
}
