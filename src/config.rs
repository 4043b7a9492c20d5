//! The user's config file (`config.toml` in the config folder).

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// Settings a user may keep instead of typing flags.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The default competency framework.
    pub framework: Option<String>,
    /// The name shown at the top of a draft.
    pub name: Option<String>,
    /// The job title shown at the top of a draft.
    pub title: Option<String>,
}

impl Config {
    /// Reads `config.toml` from the folder; a missing file is an empty config.
    pub fn load(config_dir: Option<&Path>) -> Result<Config> {
        let Some(dir) = config_dir else {
            return Ok(Config::default());
        };
        let path = dir.join("config.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("invalid config file {}", path.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(err) => {
                Err(err).with_context(|| format!("cannot read the config file {}", path.display()))
            }
        }
    }
}
