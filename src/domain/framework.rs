//! Competency frameworks: data files, never Rust. This module reads them,
//! checks them, and answers "which competency did the user mean?".

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The frameworks shipped inside the binary, by file name: the files under
/// `templates/frameworks/`, turned into JSON by `build.rs`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "ml-engineer",
        include_str!(concat!(env!("OUT_DIR"), "/ml-engineer.json")),
    ),
    (
        "data-scientist",
        include_str!(concat!(env!("OUT_DIR"), "/data-scientist.json")),
    ),
];

pub const DEFAULT_FRAMEWORK: &str = "ml-engineer";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub competencies: Vec<Competency>,
    #[serde(default)]
    pub metrics: MetricLexicon,
    /// Where the framework came from: `built-in` or a file path.
    #[serde(skip_deserializing, default)]
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub lexicon: Lexicon,
}

/// Terms that point at a competency, in three tiers of evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    #[serde(default)]
    pub strong: Vec<String>,
    #[serde(default)]
    pub common: Vec<String>,
    #[serde(default)]
    pub weak: Vec<String>,
}

/// How the numbers in a win are read: their level in the impact chain, and
/// for which labels a decrease is the good news.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricLexicon {
    #[serde(default)]
    pub model: Vec<String>,
    #[serde(default)]
    pub system: Vec<String>,
    #[serde(default)]
    pub business: Vec<String>,
    #[serde(default)]
    pub lower_is_better: Vec<String>,
}

impl Framework {
    /// Parses and checks a framework file; errors name the file.
    pub fn parse(source_text: &str, source: &str) -> Result<Framework> {
        let framework: Framework =
            super::toml_file::parse(source_text, &format!("framework file {source}"))?;
        framework.checked(source)
    }

    /// A built-in framework, from the JSON `build.rs` made of its file.
    pub fn parse_builtin(json: &str, source: &str) -> Result<Framework> {
        let framework: Framework = serde_json::from_str(json)
            .with_context(|| format!("invalid framework file {source}"))?;
        framework.checked(source)
    }

    fn checked(mut self, source: &str) -> Result<Framework> {
        self.source = source.to_string();
        self.validate()
            .with_context(|| format!("invalid framework file {source}"))?;
        Ok(self)
    }

    fn validate(&self) -> Result<()> {
        if self.competencies.is_empty() {
            bail!("framework \"{}\" has no competencies", self.name);
        }
        let mut seen = HashSet::new();
        for competency in &self.competencies {
            let key = competency.key.trim();
            if key.is_empty() || key != competency.key || key.contains(char::is_whitespace) {
                bail!(
                    "competency key \"{}\" must be one word without spaces",
                    competency.key
                );
            }
            if !seen.insert(key.to_lowercase()) {
                bail!("competency key \"{key}\" appears twice");
            }
        }
        Ok(())
    }

    /// Finds the competency a user meant by a key, title or alias.
    pub fn resolve(&self, input: &str) -> Option<&Competency> {
        // Stored wins hold keys as written: no need to simplify every name.
        if let Some(exact) = self.competencies.iter().find(|c| c.key == input) {
            return Some(exact);
        }
        let wanted = simplify(input);
        if wanted.is_empty() {
            return None;
        }
        self.competencies
            .iter()
            .find(|c| simplify(&c.key) == wanted)
            .or_else(|| {
                self.competencies.iter().find(|c| {
                    simplify(&c.title) == wanted
                        || c.aliases.iter().any(|alias| simplify(alias) == wanted)
                })
            })
    }

    /// Like `resolve`, but an unknown name is an error with a suggestion.
    pub fn resolve_or_suggest(&self, input: &str) -> Result<&Competency> {
        if let Some(found) = self.resolve(input) {
            return Ok(found);
        }
        let names = self.competencies.iter().flat_map(|c| {
            std::iter::once(c.key.as_str()).chain(c.aliases.iter().map(String::as_str))
        });
        let hint = match did_you_mean(input, names) {
            Some(name) => {
                let key = self.resolve(name).map_or(name, |c| c.key.as_str());
                format!("did you mean \"{key}\"? ")
            }
            None => String::new(),
        };
        bail!(
            "unknown competency \"{input}\" in framework \"{}\" ({hint}see: win frameworks)",
            self.name
        )
    }

    /// Maps a key stored under any framework onto this one (through keys and
    /// aliases); `None` means the draft shows it under "Other".
    pub fn map_key(&self, stored_key: &str) -> Option<&Competency> {
        self.resolve(stored_key)
    }
}

/// The frameworks available: built-in ones, overridden or extended by the
/// user's `frameworks/*.toml` in the config folder. Each file is parsed on
/// first use, so a command pays only for the framework it uses.
pub struct Catalog {
    sources: Vec<Source>,
    parsed: Vec<OnceLock<Framework>>,
}

struct Source {
    /// The file name without `.toml`: the framework's name.
    name: String,
    /// `built-in NAME.toml` or the user's path, for errors.
    label: String,
    text: Cow<'static, str>,
    /// Built-ins come as JSON (see `BUILTIN`); the user's files are TOML.
    builtin: bool,
}

/// A framework file of the user's, already read from their config folder.
pub struct UserFile {
    /// The file name without `.toml`: the framework's name.
    pub name: String,
    /// Its path, for errors.
    pub label: String,
    pub text: String,
}

impl Catalog {
    /// The built-in frameworks only.
    pub fn builtin() -> Catalog {
        Catalog::with_user_files(Vec::new())
    }

    /// The built-ins, overridden (same name) or extended by the user's files.
    pub fn with_user_files(user_files: Vec<UserFile>) -> Catalog {
        let mut sources: Vec<Source> = BUILTIN
            .iter()
            .map(|(name, text)| Source {
                name: (*name).to_string(),
                label: format!("built-in {name}.toml"),
                text: Cow::Borrowed(*text),
                builtin: true,
            })
            .collect();
        for file in user_files {
            let source = Source {
                name: file.name,
                label: file.label,
                text: Cow::Owned(file.text),
                builtin: false,
            };
            // A file named like a built-in replaces it.
            match sources.iter_mut().find(|s| s.name == source.name) {
                Some(existing) => *existing = source,
                None => sources.push(source),
            }
        }
        let parsed = sources.iter().map(|_| OnceLock::new()).collect();
        Catalog { sources, parsed }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.name.as_str())
    }

    pub fn get(&self, name: &str) -> Result<&Framework> {
        match self.sources.iter().position(|s| s.name == name) {
            Some(index) => self.parse(index),
            None => {
                let hint = did_you_mean(name, self.names())
                    .map(|n| format!("did you mean \"{n}\"? "))
                    .unwrap_or_default();
                bail!("unknown framework \"{name}\" ({hint}see: win frameworks)")
            }
        }
    }

    /// Every framework, parsed.
    pub fn all(&self) -> Result<Vec<&Framework>> {
        (0..self.sources.len())
            .map(|index| self.parse(index))
            .collect()
    }

    fn parse(&self, index: usize) -> Result<&Framework> {
        if let Some(framework) = self.parsed[index].get() {
            return Ok(framework);
        }
        let source = &self.sources[index];
        let mut framework = if source.builtin {
            Framework::parse_builtin(&source.text, &source.label)?
        } else {
            Framework::parse(&source.text, &source.label)?
        };
        // The file name is the framework's name (what --framework takes).
        framework.name.clone_from(&source.name);
        Ok(self.parsed[index].get_or_init(|| framework))
    }
}

/// Lowercase, with spaces, underscores and slashes read as hyphens.
fn simplify(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The closest known name, if it is close enough to be a typo.
pub fn did_you_mean<'a>(input: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = simplify(input);
    names
        .map(|name| (strsim::jaro_winkler(&wanted, &simplify(name)), name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Catalog {
        Catalog::builtin()
    }

    #[test]
    fn the_built_in_json_says_what_the_toml_files_say() {
        let files = [
            include_str!("../../templates/frameworks/ml-engineer.toml"),
            include_str!("../../templates/frameworks/data-scientist.toml"),
        ];
        assert_eq!(files.len(), BUILTIN.len());
        for ((name, json), toml) in BUILTIN.iter().zip(files) {
            let from_json = Framework::parse_builtin(json, name).unwrap();
            let from_toml = Framework::parse(toml, name).unwrap();
            assert_eq!(
                serde_json::to_value(&from_json).unwrap(),
                serde_json::to_value(&from_toml).unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn builtin_frameworks_parse_and_have_lexicons() {
        let catalog = builtin();
        let all = catalog.all().unwrap();
        assert_eq!(all.len(), BUILTIN.len());
        for framework in all {
            assert!(framework.competencies.len() >= 5, "{}", framework.name);
            for competency in &framework.competencies {
                assert!(
                    competency.lexicon.strong.len() >= 20,
                    "{} {}",
                    framework.name,
                    competency.key
                );
            }
            assert!(!framework.metrics.lower_is_better.is_empty());
        }
    }

    #[test]
    fn resolves_keys_titles_and_aliases() {
        let catalog = builtin();
        let ml = catalog.get(DEFAULT_FRAMEWORK).unwrap();
        let first = &ml.competencies[0];
        assert_eq!(ml.resolve(&first.key).unwrap().key, first.key);
        assert_eq!(
            ml.resolve(&first.title.to_uppercase()).unwrap().key,
            first.key
        );
        assert_eq!(ml.resolve(&first.aliases[0]).unwrap().key, first.key);
        assert!(ml.resolve("").is_none());
    }

    #[test]
    fn unknown_competency_suggests_the_nearest() {
        let catalog = builtin();
        let ml = catalog.get(DEFAULT_FRAMEWORK).unwrap();
        let key = &ml.competencies[1].key;
        let typo = &key[..key.len() - 1];
        let err = ml.resolve_or_suggest(typo).unwrap_err().to_string();
        assert!(err.contains(&format!("did you mean \"{key}\"")), "{err}");
        let err = ml
            .resolve_or_suggest("basket weaving")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("did you mean"), "{err}");
        assert!(err.contains("see: win frameworks"), "{err}");
    }

    #[test]
    fn every_ml_key_maps_onto_the_data_scientist_framework() {
        let catalog = builtin();
        let ml = catalog.get("ml-engineer").unwrap();
        let ds = catalog.get("data-scientist").unwrap();
        for competency in &ml.competencies {
            assert!(
                ds.map_key(&competency.key).is_some(),
                "{} has no home",
                competency.key
            );
        }
        for competency in &ds.competencies {
            assert!(
                ml.map_key(&competency.key).is_some(),
                "{} has no home",
                competency.key
            );
        }
    }

    fn user_file(name: &str, text: &str) -> UserFile {
        UserFile {
            name: name.to_string(),
            label: format!("/config/frameworks/{name}.toml"),
            text: text.to_string(),
        }
    }

    #[test]
    fn user_files_override_and_extend() {
        let custom = "name = \"x\"\ntitle = \"Mine\"\n[[competencies]]\nkey = \"craft\"\ntitle = \"Craft\"\n";
        let catalog = Catalog::with_user_files(vec![
            user_file("ml-engineer", custom),
            user_file("staff", custom),
        ]);
        assert_eq!(catalog.get("ml-engineer").unwrap().title, "Mine");
        assert_eq!(catalog.get("staff").unwrap().competencies[0].key, "craft");
        assert!(catalog.get("data-scientist").is_ok());
    }

    #[test]
    fn broken_user_file_names_itself() {
        let catalog =
            Catalog::with_user_files(vec![user_file("bad", "name = \"bad\"\ncompetencies = 3\n")]);
        assert!(
            catalog.get(DEFAULT_FRAMEWORK).is_ok(),
            "a broken file does not break the others"
        );
        let err = format!("{:#}", catalog.get("bad").unwrap_err());
        assert!(err.contains("bad.toml"), "{err}");
        let dup = "name='d'\ntitle='D'\n[[competencies]]\nkey='a'\ntitle='A'\n[[competencies]]\nkey='a'\ntitle='B'\n";
        let catalog = Catalog::with_user_files(vec![user_file("bad", dup)]);
        let err = format!("{:#}", catalog.get("bad").unwrap_err());
        assert!(err.contains("appears twice"), "{err}");
    }
}
