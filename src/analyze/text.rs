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
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let flush = |tokens: &mut Vec<Token>, start: usize, end: usize| {
        let word = text[start..end].to_lowercase();
        tokens.push(Token {
            stem: stem(&word),
            start,
            end,
        });
    };
    for (index, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(index);
            continue;
        }
        if let Some(begin) = start.take() {
            flush(&mut tokens, begin, index);
        }
        if matches!(c, '$' | '€' | '£') {
            tokens.push(Token {
                stem: c.to_string(),
                start: index,
                end: index + c.len_utf8(),
            });
        }
    }
    if let Some(begin) = start {
        flush(&mut tokens, begin, text.len());
    }
    tokens
}

/// Stems of a lexicon term, split the same way as text.
pub fn term_stems(term: &str) -> Vec<String> {
    tokens(term).into_iter().map(|t| t.stem).collect()
}

/// A light suffix-stripping stemmer. It needs to be consistent, not
/// linguistically right: the lexicon goes through the same function.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    if w.chars().count() <= 3 || !w.chars().all(char::is_alphabetic) {
        return w;
    }
    if let Some(base) = w.strip_suffix("'s") {
        w = base.to_string();
    }
    if let Some(base) = w.strip_suffix("ies").filter(|b| b.len() >= 2) {
        w = format!("{base}y");
    } else if let Some(base) = w.strip_suffix("sses") {
        w = format!("{base}ss");
    } else if w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && w.len() > 4
    {
        w.pop();
    }
    for suffix in ["ingly", "ing", "edly", "ed", "ment", "ments"] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.chars().count() >= 3 && base.chars().any(is_vowel) {
                w = undouble(base);
                break;
            }
        }
    }
    if let Some(base) = w.strip_suffix("ion") {
        if base.chars().count() >= 4 && (base.ends_with('t') || base.ends_with('s')) {
            w = base.to_string();
        }
    }
    if let Some(base) = w.strip_suffix("at").filter(|b| b.chars().count() >= 5) {
        // "annotat(ed)" and "annot(ation)" meet at "annot".
        w = base.to_string();
    }
    if let Some(base) = w.strip_suffix('e').filter(|b| b.chars().count() >= 3) {
        w = base.to_string();
    }
    if let Some(base) = w
        .strip_suffix('y')
        .filter(|b| b.chars().count() >= 4 && !b.ends_with(is_vowel))
    {
        w = format!("{base}i");
    }
    w
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// "shipp" → "ship", "labell" → "label"; but "install" stays (ll after a
/// long base is part of the word too often: only strip after short bases).
fn undouble(base: &str) -> String {
    let chars: Vec<char> = base.chars().collect();
    let n = chars.len();
    if n >= 2
        && chars[n - 1] == chars[n - 2]
        && !matches!(chars[n - 1], 's' | 'z')
        && !is_vowel(chars[n - 1])
    {
        if chars[n - 1] == 'l' && n > 6 {
            return base.to_string();
        }
        return chars[..n - 1].iter().collect();
    }
    base.to_string()
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
    fn spans_point_into_the_text() {
        let text = "Réduit la latence";
        for token in tokens(text) {
            assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
        }
    }
}
