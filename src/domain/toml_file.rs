//! A user's TOML file (a framework, phrase bank, glossary, verb list,
//! check or polish rules) read with errors that say where the mistake is
//! and what kind it is, never what the file holds: it may be a link to
//! something private, and toml's own message quotes the line.

use anyhow::{anyhow, Result};
use serde::de::DeserializeOwned;

/// Parses `text`; an error names `what` (e.g. "framework file /path"), the
/// line and column, and toml's message with quoted values left out.
pub fn parse<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    toml::from_str(text).map_err(|err| {
        let at = err
            .span()
            .map_or_else(String::new, |span| location(text, span.start));
        anyhow!("invalid {what}{at}: {}", without_values(err.message()))
    })
}

/// " at line L, column C" of a byte offset into `text`.
pub fn location(text: &str, offset: usize) -> String {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(" at line {line}, column {column}")
}

/// toml's message on one line, with anything it quotes from the file
/// (serde's `invalid type: string "…"`) replaced by `"…"`.
fn without_values(message: &str) -> String {
    let mut kept = String::new();
    let mut quoted = false;
    for c in message.trim().chars() {
        match c {
            '"' => {
                if !quoted {
                    kept.push_str("\"…\"");
                }
                quoted = !quoted;
            }
            '\n' | '\r' if !quoted => kept.push_str("; "),
            _ if quoted => {}
            c => kept.push(c),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Sample {
        name: Vec<String>,
    }

    #[test]
    fn errors_say_where_but_never_what_the_file_holds() {
        for text in [
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n",
            "name = \"hunter2-secret\"\n",
            "\n\nname = [1, \"x\"] secret",
        ] {
            let err = parse::<Sample>(text, "framework file f.toml")
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("invalid framework file f.toml at line "),
                "{err}"
            );
            assert!(
                !err.contains("wJalrX") && !err.contains("hunter2") && !err.contains("secret"),
                "{err}"
            );
            assert!(!err.contains('\n'), "{err}");
        }
        assert_eq!(location("a\néb", 4), " at line 2, column 2");
        // Inside a character: where it starts.
        assert_eq!(location("a\néb", 3), " at line 2, column 1");
    }
}
