//! Words as the analysers see them: lowercased, split on punctuation, and
//! reduced to a rough stem so "deploy", "deployed" and "deploying" meet.

/// A word of the input with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stem: String,
    pub start: usize,
    pub end: usize,
}

/// Splits text into stemmed words. Currency signs are words of their own,
/// since they are strong evidence of business impact.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut lower = String::new();
    word_spans(text)
        .into_iter()
        .map(|(start, end)| {
            lower.clear();
            let word = &text[start..end];
            if word.is_ascii() {
                lower.extend(word.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            Token {
                stem: stem(&lower),
                start,
                end,
            }
        })
        .collect()
}

/// Byte spans of the words: runs of letters and digits, and currency signs.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (index, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(index);
            continue;
        }
        if let Some(begin) = start.take() {
            spans.push((begin, index));
        }
        if matches!(c, '$' | '€' | '£') {
            spans.push((index, index + c.len_utf8()));
        }
    }
    if let Some(begin) = start {
        spans.push((begin, text.len()));
    }
    spans
}

/// The first three characters of every word of a text. Stemming never
/// changes a word's first three characters, so a lexicon term whose first
/// word starts otherwise cannot match the text: a capture skips stemming
/// most of the lexicon this way.
pub struct Prefilter {
    prefixes: std::collections::HashSet<String>,
}

impl Prefilter {
    pub fn new(text: &str) -> Prefilter {
        let mut prefixes = std::collections::HashSet::new();
        for (start, end) in word_spans(text) {
            prefixes.insert(prefix(&text[start..end]));
        }
        Prefilter { prefixes }
    }

    /// Whether a lexicon term could match the text.
    pub fn admits(&self, term: &str) -> bool {
        word_spans(term)
            .first()
            .is_some_and(|&(start, end)| self.prefixes.contains(&prefix(&term[start..end])))
    }
}

fn prefix(word: &str) -> String {
    word.chars().take(3).flat_map(char::to_lowercase).collect()
}

/// Stems of a lexicon term, split the same way as text.
pub fn term_stems(term: &str) -> Vec<String> {
    tokens(term).into_iter().map(|t| t.stem).collect()
}

/// A light suffix-stripping stemmer. It needs to be consistent, not
/// linguistically right: the lexicon goes through the same function. It
/// edits one buffer in place, since every capture stems the whole lexicon.
pub fn stem(word: &str) -> String {
    let mut w = String::with_capacity(word.len() + 1);
    w.push_str(word);
    if w.chars().count() <= 3 || !w.chars().all(char::is_alphabetic) {
        return w;
    }
    if w.ends_with("ies") && w.len() >= 5 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && w.len() > 4
    {
        w.pop();
    }
    for suffix in ["ingly", "ing", "edly", "ed", "ment", "ments"] {
        if w.ends_with(suffix) {
            let base = &w[..w.len() - suffix.len()];
            if base.chars().count() >= 3 && base.chars().any(is_vowel) {
                w.truncate(base.len());
                undouble(&mut w);
                break;
            }
        }
    }
    if w.ends_with("ion") {
        let base = &w[..w.len() - 3];
        if base.chars().count() >= 4 && (base.ends_with('t') || base.ends_with('s')) {
            w.truncate(w.len() - 3);
        }
    }
    // "annotat(ed)" and "annot(ation)" meet at "annot".
    if w.ends_with("at") && w[..w.len() - 2].chars().count() >= 5 {
        w.truncate(w.len() - 2);
    }
    if w.ends_with('e') && w[..w.len() - 1].chars().count() >= 3 {
        w.pop();
    }
    if w.ends_with('y') {
        let base = &w[..w.len() - 1];
        if base.chars().count() >= 4 && !base.ends_with(is_vowel) {
            w.pop();
            w.push('i');
        }
    }
    w
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// "shipp" → "ship", "labell" → "label"; but "install" stays (ll after a
/// long base is part of the word too often: only strip after short bases).
fn undouble(word: &mut String) {
    let mut chars = word.chars().rev();
    let (Some(last), Some(before)) = (chars.next(), chars.next()) else {
        return;
    };
    if last == before && !matches!(last, 's' | 'z') && !is_vowel(last) {
        if last == 'l' && word.chars().count() > 6 {
            return;
        }
        word.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        assert_eq!(stem(a), stem(b), "{a} vs {b}");
    }

    #[test]
    fn word_forms_meet() {
        same("deploy", "deployed");
        same("deploy", "deploying");
        same("deploy", "deployment");
        same("mentored", "mentoring");
        same("mentor", "mentors");
        same("trained", "training");
        same("shipped", "ship");
        same("labelled", "labeling");
        same("migrated", "migration");
        same("annotated", "annotation");
        same("tuned", "tuning");
        same("released", "release");
        same("latency", "latencies");
        same("queries", "query");
        same("model", "models");
    }

    #[test]
    fn distinct_words_stay_apart() {
        assert_ne!(stem("model"), stem("mode"));
        assert_ne!(stem("data"), stem("date"));
    }

    #[test]
    fn tokens_split_punctuation_and_keep_currency() {
        let stems: Vec<String> = tokens("Saved $1.2M on A/B-tests; p99 ↓")
            .into_iter()
            .map(|t| t.stem)
            .collect();
        assert_eq!(
            stems,
            vec!["sav", "$", "1", "2m", "on", "a", "b", "test", "p99"]
        );
    }

    #[test]
    fn prefilter_admits_every_term_that_can_match() {
        let filter = Prefilter::new("Deployed the feature-store; saved $2M");
        for term in [
            "deploy",
            "deployment",
            "feature store",
            "$",
            "saved",
            "save",
        ] {
            assert!(filter.admits(term), "{term}");
        }
        for term in ["mentored", "latency", "€"] {
            assert!(!filter.admits(term), "{term}");
        }
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Réduit la latence";
        for token in tokens(text) {
            assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
        }
    }
}
