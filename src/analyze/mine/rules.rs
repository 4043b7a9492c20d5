//! Which commit subjects are housekeeping (`templates/mine/housekeeping.toml`).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::gitlog::conventional;

const BUILTIN: &str = include_str!("../../../templates/mine/housekeeping.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Housekeeping {
    win_types: Vec<String>,
    housekeeping_types: Vec<String>,
    starts: Vec<String>,
    words: Vec<String>,
    phrases: Vec<String>,
}

impl Housekeeping {
    /// The built-in rules, read once.
    pub fn builtin() -> &'static Housekeeping {
        static RULES: OnceLock<Housekeeping> = OnceLock::new();
        // A test reads the file: a broken one fails there, not here.
        RULES.get_or_init(|| toml::from_str(BUILTIN).unwrap_or_else(|_| Housekeeping::empty()))
    }

    fn empty() -> Housekeeping {
        Housekeeping {
            win_types: vec!["feat".into(), "perf".into()],
            housekeeping_types: Vec::new(),
            starts: Vec::new(),
            words: Vec::new(),
            phrases: Vec::new(),
        }
    }

    /// Whether a subject is housekeeping: a chore, docs, a typo or
    /// formatting fix, a dependency bump, a revert, a release commit.
    pub fn is_housekeeping(&self, subject: &str) -> bool {
        if let Some(parsed) = conventional(subject) {
            if self.housekeeping_types.contains(&parsed.kind) {
                return true;
            }
        }
        let lower = subject.to_lowercase();
        self.starts
            .iter()
            .any(|start| lower.starts_with(start.as_str()))
            || self
                .phrases
                .iter()
                .any(|phrase| lower.contains(phrase.as_str()))
            || lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| self.words.iter().any(|w| w == word))
    }

    /// Whether a subject is a conventional commit of a type that is a win
    /// by itself (`feat`, `perf`).
    pub fn is_win_type(&self, subject: &str) -> bool {
        conventional(subject).is_some_and(|parsed| self.win_types.contains(&parsed.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_file_parses() {
        let rules: Housekeeping = toml::from_str(BUILTIN).unwrap();
        assert!(rules.win_types.contains(&"feat".to_string()));
    }

    #[test]
    fn housekeeping_subjects() {
        let rules = Housekeeping::builtin();
        for subject in [
            "chore: tidy",
            "docs(readme): usage",
            "style: rustfmt",
            "test: cover the parser",
            "ci: cache cargo",
            "build(deps): bump serde from 1.0.1 to 1.0.2",
            "Bump tokio from 1.38 to 1.39",
            "fix typo in the docs",
            "Fix formatting",
            "Revert \"feat: stream answers\"",
            "Update Cargo.lock",
            "Update README",
            "Release v1.2.0",
            "fix(deps): update rust crate clap to 4.5",
        ] {
            assert!(rules.is_housekeeping(subject), "{subject}");
        }
        for subject in [
            "feat: stream answers",
            "fix: retry on timeouts",
            "cut p99 latency from 240ms to 80ms",
            "Add the flint parser",
            "refactor: split the scanner",
        ] {
            assert!(!rules.is_housekeeping(subject), "{subject}");
        }
        assert!(rules.is_win_type("feat(api): stream"));
        assert!(rules.is_win_type("perf!: batch"));
        assert!(!rules.is_win_type("fix: batch"));
    }
}
