//! Turning what a person typed into an FTS5 query. A small syntax, and
//! nothing else is special:
//!
//! - `latency p99`: wins with all the words;
//! - `latency OR mentored`: with either (`OR` in capitals);
//! - `p99 -latency`: with p99 and without latency (`-"a phrase"` too; a
//!   dash before a digit, as in `-40%`, is part of the number);
//! - `"feature store"`: the words in this order;
//! - `retrain*`: any word that starts so.
//!
//! Every word reaches FTS5 inside double quotes and only this module writes
//! its operators, so no input (hyphens, colons, stray quotes, FTS5's own
//! keywords) is an FTS5 syntax error.

/// Why a query has nothing to look for.
#[derive(Debug, PartialEq, Eq)]
pub enum QueryError {
    /// No word at all.
    Empty,
    /// Only words to leave out (`-latency`): FTS5 needs one to find.
    OnlyExcluded,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QueryError::Empty => "give at least one word",
            QueryError::OnlyExcluded => {
                "-word only leaves wins out: give a word to find too, as in \"p99 -latency\""
            }
        })
    }
}

impl std::error::Error for QueryError {}

/// A word or phrase as typed, before quoting.
struct Term {
    text: String,
    excluded: bool,
    prefix: bool,
}

enum Token {
    Term(Term),
    Or,
}

/// The FTS5 expression for a query.
pub fn fts_query(input: &str) -> Result<String, QueryError> {
    let mut groups: Vec<Vec<String>> = vec![Vec::new()];
    let mut excluded: Vec<String> = Vec::new();
    for token in tokens(input) {
        match token {
            // An OR at either end, or twice, joins nothing: it is dropped.
            Token::Or => groups.push(Vec::new()),
            Token::Term(term) => {
                if !term.text.chars().any(char::is_alphanumeric) {
                    continue;
                }
                let mut quoted = format!("\"{}\"", term.text.replace('"', ""));
                if term.prefix {
                    quoted.push_str(" *");
                }
                if term.excluded {
                    excluded.push(quoted);
                } else if let Some(group) = groups.last_mut() {
                    group.push(quoted);
                }
            }
        }
    }
    let groups: Vec<String> = groups
        .into_iter()
        .filter(|group| !group.is_empty())
        .map(|group| group.join(" AND "))
        .collect();
    let found = match groups.len() {
        0 if excluded.is_empty() => return Err(QueryError::Empty),
        0 => return Err(QueryError::OnlyExcluded),
        1 => groups.join(""),
        _ => format!("({})", groups.join(") OR (")),
    };
    if excluded.is_empty() {
        Ok(found)
    } else {
        Ok(format!("({found}) NOT ({})", excluded.join(" OR ")))
    }
}

/// Splits the input into words, "phrases" and ORs. A stray quote is just a
/// character (it ends the word it is in).
fn tokens(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut excluded = false;
        if c == '-' {
            chars.next();
            match chars.peek() {
                Some(&next) if next.is_alphabetic() || next == '"' => excluded = true,
                // `-40%`: the dash belongs to the number.
                _ => {}
            }
        }
        let quoted = chars.peek() == Some(&'"') && {
            let rest: String = chars.clone().skip(1).collect();
            rest.contains('"')
        };
        if !quoted && chars.peek() == Some(&'"') {
            // A quote that closes nothing is dropped.
            chars.next();
            continue;
        }
        let mut text = String::new();
        if !excluded && c == '-' {
            text.push('-');
        }
        if quoted {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                text.push(c);
            }
        } else {
            // A quote inside a word ends it and may open a phrase.
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                chars.next();
                text.push(c);
            }
        }
        if !quoted && !excluded && text == "OR" {
            tokens.push(Token::Or);
            continue;
        }
        let prefix = !quoted && text.ends_with('*') && text.len() > 1;
        if prefix {
            text = text.trim_end_matches('*').to_string();
        }
        tokens.push(Token::Term(Term {
            text,
            excluded,
            prefix,
        }));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::{fts_query, QueryError};

    fn query(input: &str) -> String {
        fts_query(input).unwrap()
    }

    #[test]
    fn words_are_anded_and_quotes_make_phrases() {
        assert_eq!(query("tuning latency"), "\"tuning\" AND \"latency\"");
        assert_eq!(
            query("\"feature store\" drift"),
            "\"feature store\" AND \"drift\""
        );
    }

    #[test]
    fn or_either_word() {
        assert_eq!(
            query("latency OR mentored"),
            "(\"latency\") OR (\"mentored\")"
        );
        assert_eq!(
            query("p99 latency OR \"new hires\""),
            "(\"p99\" AND \"latency\") OR (\"new hires\")"
        );
        // Lower case is a word; a dangling OR joins nothing.
        assert_eq!(query("latency or"), "\"latency\" AND \"or\"");
        assert_eq!(query("OR latency OR OR"), "\"latency\"");
    }

    #[test]
    fn a_dash_leaves_out() {
        assert_eq!(query("p99 -latency"), "(\"p99\") NOT (\"latency\")");
        assert_eq!(
            query("drift -\"feature store\" -skew"),
            "(\"drift\") NOT (\"feature store\" OR \"skew\")"
        );
        assert_eq!(query("a OR b -c"), "((\"a\") OR (\"b\")) NOT (\"c\")");
        // A number keeps its sign; a dash inside a word is the word's.
        assert_eq!(query("tickets -40%"), "\"tickets\" AND \"-40%\"");
        assert_eq!(query("training-serving"), "\"training-serving\"");
        assert_eq!(fts_query("-latency"), Err(QueryError::OnlyExcluded));
    }

    #[test]
    fn a_star_ends_a_prefix() {
        assert_eq!(query("retrain*"), "\"retrain\" *");
        assert_eq!(query("col:umn*"), "\"col:umn\" *");
        assert_eq!(query("-retrain* drift"), "(\"drift\") NOT (\"retrain\" *)");
        // Inside quotes a star is a character, and a lone star no word.
        assert_eq!(query("\"a*\""), "\"a*\"");
        assert_eq!(fts_query("*"), Err(QueryError::Empty));
    }

    #[test]
    fn fts_keywords_and_punctuation_are_literal() {
        assert_eq!(query("p99: NOT AND"), "\"p99:\" AND \"NOT\" AND \"AND\"");
        assert_eq!(query("NEAR(a b)"), "\"NEAR(a\" AND \"b)\"");
        assert_eq!(query("it\"s 5\" x"), "\"it\" AND \"s 5\" AND \"x\"");
        assert_eq!(query("unclosed \"quote"), "\"unclosed\" AND \"quote\"");
        assert_eq!(query("^start +plus"), "\"^start\" AND \"+plus\"");
    }

    #[test]
    fn nothing_to_search_for() {
        assert_eq!(fts_query("  - : \" "), Err(QueryError::Empty));
        assert_eq!(fts_query(""), Err(QueryError::Empty));
        assert_eq!(fts_query("OR"), Err(QueryError::Empty));
    }
}
