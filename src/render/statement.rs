//! A win's statement: what I did → the impact it had → what's next, through
//! its kind's and role's phrase banks, fitted to a length without losing a
//! number.

use anyhow::Result;

use super::{PhraseEngine, Slots};
use crate::domain::metric::{format_amount, format_change, Level, Metric};
use crate::domain::win::{Role, Win};

#[derive(Clone, Copy)]
struct Parts {
    next: bool,
    impact: bool,
    pair: bool,
}

const ALL_PARTS: Parts = Parts {
    next: true,
    impact: true,
    pair: true,
};

/// The three-part statement of a win, through its kind's and role's banks.
pub fn statement(win: &Win, phrases: &PhraseEngine) -> Result<String> {
    compose(win, phrases, ALL_PARTS)
}

fn compose(win: &Win, phrases: &PhraseEngine, parts: Parts) -> Result<String> {
    let did = did_phrase(win);
    let role_bank = format!("role/{}", win.role.map_or("owned", Role::as_str));
    let mut impact = win
        .current_impact()
        .filter(|_| parts.impact)
        .map(clause)
        .unwrap_or_default();
    let mut did = did;
    let mut slots = Slots::default();
    if parts.pair {
        if let Some(metric) = headline_pair(&win.metrics) {
            let unit = metric.unit.as_deref();
            let change = metric.change_pct.map(format_change).unwrap_or_default();
            // A pair already in the words gets its change beside it, not repeated.
            if let Some(annotated) = annotate(&did, &metric.text, &change) {
                did = annotated;
            } else if let Some(annotated) = annotate(&impact, &metric.text, &change) {
                impact = annotated;
            } else {
                slots.metric = metric.label.clone().unwrap_or_else(|| "the metric".into());
                slots.before = metric
                    .before
                    .map(|v| format_amount(v, unit))
                    .unwrap_or_default();
                slots.after = metric
                    .after
                    .map(|v| format_amount(v, unit))
                    .unwrap_or_default();
                slots.change = change;
            }
        }
    }
    slots.did = did.clone();
    // Roles qualify claimed outcomes ("I led the work that cut…"); the
    // author's own actions ("I interviewed…") are told as they are.
    slots.what = if phrases.claims_outcome(&did) {
        phrases.render(&role_bank, &slots, &win.uid)?
    } else {
        format!("I {did}")
    };
    slots.impact = impact;
    if let Some(business) = win
        .metrics
        .iter()
        .find(|m| m.level == Some(Level::Business))
    {
        slots.business = business.describe();
    }
    if parts.next {
        slots.next = win.next.as_deref().map(clause).unwrap_or_default();
    }
    let kind_bank = format!("kind/{}", win.kind.as_str());
    let text = phrases.render(&kind_bank, &slots, &win.uid)?;
    Ok(tidy(&text))
}

/// Shortens a statement to `limit` characters: drop what's next, then the
/// impact, then the pair's detail; cut words last, never numbers.
pub fn fit(win: &Win, phrases: &PhraseEngine, full: String, limit: usize) -> Result<String> {
    if full.chars().count() <= limit {
        return Ok(full);
    }
    let has_pair = headline_pair(&win.metrics).is_some();
    let attempts = [
        Parts {
            next: false,
            impact: true,
            pair: true,
        },
        Parts {
            next: false,
            impact: !has_pair,
            pair: true,
        },
        Parts {
            next: false,
            impact: false,
            pair: true,
        },
    ];
    // A shorter version may leave out words, never a number: the impact's
    // "-40%" is not the pair's "240ms to 80ms".
    let wanted: Vec<String> = numbers(&full).into_iter().map(str::to_string).collect();
    let mut best = full;
    for parts in attempts {
        let candidate = compose(win, phrases, parts)?;
        let keeps_numbers = {
            let kept = numbers(&candidate);
            wanted.iter().all(|n| kept.contains(&n.as_str()))
        };
        if keeps_numbers && candidate.chars().count() < best.chars().count() {
            best = candidate;
        }
        if best.chars().count() <= limit {
            return Ok(best);
        }
    }
    Ok(cut_keeping_numbers(&best, limit))
}

/// The numbers in a statement, as written ("-40%", "240ms", "$1.2M").
fn numbers(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| {
            word.trim_start_matches(['(', '"', '“'])
                .trim_end_matches(['.', ',', ';', ':', ')', '"', '”', '…'])
        })
        .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// Cuts words from the end, keeping every word with a digit in it.
fn cut_keeping_numbers(text: &str, limit: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let numbers: usize = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(|w| w.chars().count() + 1)
        .sum();
    let mut kept: Vec<&str> = Vec::new();
    let mut length = numbers + 1;
    for word in &words {
        let has_digit = word.chars().any(|c| c.is_ascii_digit());
        if has_digit {
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

/// "from 240ms to 80ms" → "from 240ms to 80ms (−66.7%)", if the text has it.
fn annotate(text: &str, span: &str, change: &str) -> Option<String> {
    if span.is_empty() || !text.contains(span) {
        return None;
    }
    if change.is_empty() {
        return Some(text.to_string());
    }
    Some(text.replacen(span, &format!("{span} ({change})"), 1))
}

/// The polished sentence as a verb phrase: "cut p99 latency from …".
fn did_phrase(win: &Win) -> String {
    let sentence = win.polished.clone().unwrap_or_else(|| win.text.clone());
    let sentence = sentence.trim().trim_end_matches('.').to_string();
    for subject in ["I ", "We "] {
        if let Some(rest) = sentence.strip_prefix(subject) {
            return rest.to_string();
        }
    }
    lower_first(&sentence)
}

/// An impact or next note made to sit inside a sentence.
fn clause(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    lower_first(text.trim().trim_end_matches(['.', ';']))
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    // Keep acronyms and names: "NPS", "MLflow", "Q3".
    let word = text.split_whitespace().next().unwrap_or("");
    if word
        .chars()
        .skip(1)
        .any(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return text.to_string();
    }
    format!("{}{}", first.to_lowercase(), chars.as_str())
}

/// Collapses doubled punctuation a pattern may produce ("…%.." or " ,").
fn tidy(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("..", "."),
        (".;", ";"),
        (";.", "."),
        (" ,", ","),
        (",.", "."),
        ("?.", "?"),
        ("!.", "!"),
    ] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// The pair to headline: business first, then system, then model.
fn headline_pair(metrics: &[Metric]) -> Option<&Metric> {
    metrics
        .iter()
        .filter(|m| m.before.is_some() && m.after.is_some() && m.label.is_some())
        .max_by_key(|m| m.level.map_or(0, |l| l as u8 + 1))
}
