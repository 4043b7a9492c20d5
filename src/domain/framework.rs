//! Competency frameworks: data files, never Rust. This module reads them,
//! checks them, and answers "which competency did the user mean?".

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The frameworks shipped inside the binary, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "ml-engineer",
        include_str!("../../templates/frameworks/ml-engineer.toml"),
    ),
    (
        "data-scientist",
        include_str!("../../templates/frameworks/data-scientist.toml"),
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
        let mut framework: Framework = toml::from_str(source_text)
            .with_context(|| format!("invalid framework file {source}"))?;
        framework.source = source.to_string();
        framework
            .validate()
            .with_context(|| format!("invalid framework file {source}"))?;
        Ok(framework)
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

    pub fn competency(&self, key: &str) -> Option<&Competency> {
        self.competencies.iter().find(|c| c.key == key)
    }

    /// Position of a competency in framework order (drafts follow it).
    pub fn position(&self, key: &str) -> Option<usize> {
        self.competencies.iter().position(|c| c.key == key)
    }

    /// Finds the competency a user meant by a key, title or alias.
    pub fn resolve(&self, input: &str) -> Option<&Competency> {
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
/// user's `frameworks/*.toml` in the config folder.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
}

impl Catalog {
    /// Loads the built-ins and the user's folder (which may not exist).
    pub fn load(user_dir: Option<&Path>) -> Result<Catalog> {
        let mut frameworks = Vec::new();
        for (name, text) in BUILTIN {
            frameworks.push(Framework::parse(text, &format!("built-in {name}.toml"))?);
        }
        if let Some(dir) = user_dir {
            for path in toml_files(dir)? {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read framework file {}", path.display()))?;
                let mut framework = Framework::parse(&text, &path.display().to_string())?;
                // The file name is the framework's name, so an override is a
                // file of the same name as the built-in.
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    framework.name = stem.to_string();
                }
                match frameworks.iter_mut().find(|f| f.name == framework.name) {
                    Some(existing) => *existing = framework,
                    None => frameworks.push(framework),
                }
            }
        }
        Ok(Catalog { frameworks })
    }

    pub fn get(&self, name: &str) -> Result<&Framework> {
        if let Some(found) = self.frameworks.iter().find(|f| f.name == name) {
            return Ok(found);
        }
        let hint = did_you_mean(name, self.frameworks.iter().map(|f| f.name.as_str()))
            .map(|n| format!("did you mean \"{n}\"? "))
            .unwrap_or_default();
        bail!("unknown framework \"{name}\" ({hint}see: win frameworks)")
    }
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read folder {}", dir.display()))
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    Ok(files)
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
        Catalog::load(None).unwrap()
    }

    #[test]
    fn builtin_frameworks_parse_and_have_lexicons() {
        let catalog = builtin();
        assert_eq!(catalog.frameworks.len(), BUILTIN.len());
        for framework in &catalog.frameworks {
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

    #[test]
    fn user_files_override_and_extend() {
        let dir = tempfile::tempdir().unwrap();
        let custom = "name = \"x\"\ntitle = \"Mine\"\n[[competencies]]\nkey = \"craft\"\ntitle = \"Craft\"\n";
        std::fs::write(dir.path().join("ml-engineer.toml"), custom).unwrap();
        std::fs::write(dir.path().join("staff.toml"), custom).unwrap();
        let catalog = Catalog::load(Some(dir.path())).unwrap();
        assert_eq!(catalog.get("ml-engineer").unwrap().title, "Mine");
        assert_eq!(catalog.get("staff").unwrap().competencies[0].key, "craft");
        assert!(catalog.get("data-scientist").is_ok());
    }

    #[test]
    fn broken_user_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.toml"),
            "name = \"bad\"\ncompetencies = 3\n",
        )
        .unwrap();
        let err = format!("{:#}", Catalog::load(Some(dir.path())).unwrap_err());
        assert!(err.contains("bad.toml"), "{err}");
        let dup = "name='d'\ntitle='D'\n[[competencies]]\nkey='a'\ntitle='A'\n[[competencies]]\nkey='a'\ntitle='B'\n";
        std::fs::write(dir.path().join("bad.toml"), dup).unwrap();
        let err = format!("{:#}", Catalog::load(Some(dir.path())).unwrap_err());
        assert!(err.contains("appears twice"), "{err}");
    }
}
