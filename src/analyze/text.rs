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
    word_spans(text)
        .map(|(start, end)| {
            // Lowercased into the string that becomes the stem: one
            // allocation a word (every analysed note's words come here).
            let word = &text[start..end];
            let mut lower = String::with_capacity(word.len() + 1);
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            stem_in_place(&mut lower);
            Token {
                stem: lower,
                start,
                end,
            }
        })
        .collect()
}

/// Byte spans of the words: runs of letters and digits, and currency signs.
fn word_spans(text: &str) -> WordSpans<'_> {
    WordSpans {
        end: text.len(),
        chars: text.char_indices(),
        start: None,
        queued: None,
    }
}

/// The iterator behind `word_spans`: a lexicon term's first word is found
/// without splitting the rest of it.
struct WordSpans<'t> {
    end: usize,
    chars: std::str::CharIndices<'t>,
    start: Option<usize>,
    /// A currency sign right after a word, given on the next call.
    queued: Option<(usize, usize)>,
}

impl Iterator for WordSpans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        if let Some(span) = self.queued.take() {
            return Some(span);
        }
        for (index, c) in self.chars.by_ref() {
            if c.is_alphanumeric() {
                self.start.get_or_insert(index);
                continue;
            }
            let currency = matches!(c, '$' | '€' | '£').then(|| (index, index + c.len_utf8()));
            if let Some(begin) = self.start.take() {
                self.queued = currency;
                return Some((begin, index));
            }
            if currency.is_some() {
                return currency;
            }
        }
        self.start.take().map(|begin| (begin, self.end))
    }
}

/// The first three characters of every word of a text. Stemming never
/// changes a word's first three characters, so a lexicon term whose first
/// word starts otherwise cannot match the text: a capture skips stemming
/// most of the lexicon this way.
pub struct Prefilter {
    prefixes: std::collections::HashSet<Prefix>,
}

impl Prefilter {
    pub fn new(text: &str) -> Prefilter {
        let prefixes = word_spans(text)
            .map(|(start, end)| prefix(&text[start..end]))
            .collect();
        Prefilter { prefixes }
    }

    /// Whether a lexicon term could match the text.
    pub fn admits(&self, term: &str) -> bool {
        word_spans(term)
            .next()
            .is_some_and(|(start, end)| self.prefixes.contains(&prefix(&term[start..end])))
    }
}

/// A word's first three characters, lowercased, in a fixed-size key (no
/// allocation: a capture checks every lexicon term against the text).
type Prefix = [char; 6];

fn prefix(word: &str) -> Prefix {
    let mut key = ['\0'; 6];
    let lower = word.chars().take(3).flat_map(char::to_lowercase);
    for (slot, c) in key.iter_mut().zip(lower) {
        *slot = c;
    }
    key
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
    stem_in_place(&mut w);
    w
}

/// `stem`, on the word's own string.
fn stem_in_place(w: &mut String) {
    if w.chars().count() <= 3 || !w.chars().all(char::is_alphabetic) {
        return;
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
                undouble(w);
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
    fn words_and_currency_signs_are_split_apart() {
        let text = "saved $2M€, £ 5 — Réduit";
        let words: Vec<&str> = super::word_spans(text).map(|(s, e)| &text[s..e]).collect();
        assert_eq!(words, ["saved", "$", "2M", "€", "£", "5", "Réduit"]);
        assert_eq!(super::word_spans("").count(), 0);
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Réduit la latence";
        for token in tokens(text) {
            assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
        }
    }
}
