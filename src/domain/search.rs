//! Turning what a person typed into an FTS5 query: plain words are AND-ed,
//! "quoted words" are a phrase, and everything else (hyphens, colons, stray
//! quotes, FTS operators) is taken literally, so no input is a syntax error.

/// The FTS5 expression for a query, or `None` when it has no words.
pub fn fts_query(input: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find('"') {
        let (before, after) = rest.split_at(start);
        terms.extend(before.split_whitespace().map(str::to_string));
        let after = &after[1..];
        match after.find('"') {
            Some(end) => {
                terms.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            // A stray quote is just a character.
            None => rest = after,
        }
    }
    terms.extend(rest.split_whitespace().map(str::to_string));
    let quoted: Vec<String> = terms
        .into_iter()
        .filter(|term| term.chars().any(char::is_alphanumeric))
        .map(|term| format!("\"{}\"", term.replace('"', "")))
        .collect();
    (!quoted.is_empty()).then(|| quoted.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn words_are_anded_and_quotes_make_phrases() {
        assert_eq!(
            fts_query("tuning latency").as_deref(),
            Some("\"tuning\" \"latency\"")
        );
        assert_eq!(
            fts_query("\"feature store\" drift").as_deref(),
            Some("\"feature store\" \"drift\"")
        );
    }

    #[test]
    fn operators_and_punctuation_are_literal() {
        assert_eq!(
            fts_query("training-serving skew").as_deref(),
            Some("\"training-serving\" \"skew\"")
        );
        assert_eq!(
            fts_query("p99: OR NOT").as_deref(),
            Some("\"p99:\" \"OR\" \"NOT\"")
        );
        assert_eq!(
            fts_query("it\"s 5\" x").as_deref(),
            Some("\"it\" \"s 5\" \"x\"")
        );
        assert_eq!(
            fts_query("unclosed \"quote").as_deref(),
            Some("\"unclosed\" \"quote\"")
        );
        assert_eq!(fts_query("col:umn*").as_deref(), Some("\"col:umn*\""));
    }

    #[test]
    fn nothing_to_search_for() {
        assert_eq!(fts_query("  - : \" "), None);
        assert_eq!(fts_query(""), None);
    }
}
