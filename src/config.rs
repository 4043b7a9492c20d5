//! The user's files in the config folder: `config.toml` and the competency
//! frameworks under `frameworks/` (templates are read by `render`).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;

use crate::domain::framework::UserFile;
use crate::domain::limits;
use crate::input;

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
    /// How wins from coding agents (`win mcp`) are taken in.
    #[serde(default)]
    pub agents: AgentSettings,
    /// The user's own model, for `--rewrite`.
    #[serde(default)]
    pub rewrite: RewriteSettings,
}

/// `[rewrite]` in config.toml: the program that rewrites statements
/// (`win review draft --rewrite`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewriteSettings {
    /// The program and its arguments, as typed in a shell (never run by
    /// one): it reads the prompt on stdin and writes one statement on stdout.
    pub command: Option<String>,
    /// How long one answer may take: "60s" (the default), "2m", "500ms".
    pub timeout: Option<String>,
    /// Names of environment variables passed on to the program besides
    /// the clean environment's (PATH, HOME…), e.g. ["OLLAMA_HOST"].
    #[serde(default)]
    pub env: Vec<String>,
}

/// `[agents]` in config.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSettings {
    /// `true`: an agent's win goes straight into the journal; `false` (the
    /// default): it waits in the inbox until its author accepts it.
    #[serde(default)]
    pub auto_accept: bool,
}

impl Config {
    /// Reads `config.toml` from the folder; a missing file is an empty config.
    /// Errors say where the mistake is, never what the file holds: it may
    /// be a link to a file that is nobody's business.
    pub fn load(config_dir: Option<&Path>) -> Result<Config> {
        let Some(dir) = config_dir else {
            return Ok(Config::default());
        };
        let path = dir.join("config.toml");
        let Some(text) = input::read_text("the config file", &path, limits::CONFIG_BYTES)? else {
            return Ok(Config::default());
        };
        toml::from_str(&text).map_err(|err| {
            let at = err.span().map_or_else(String::new, |span| {
                crate::domain::toml_file::location(&text, span.start)
            });
            anyhow!(
                "invalid config file {}{at}: it takes framework, name and title, each a quoted string (e.g. framework = \"data-scientist\"), [agents] auto_accept = true or false, and [rewrite] command, timeout (quoted strings) and env (a list of names)",
                path.display()
            )
        })
    }
}

/// The user's framework files, `frameworks/*.toml` in the config folder, in
/// name order (the folder may not exist).
pub fn framework_files(config_dir: Option<&Path>) -> Result<Vec<UserFile>> {
    let Some(dir) = config_dir else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for path in toml_files(&dir.join("frameworks"))? {
        // Gone since the folder was listed: nothing to read.
        let Some(text) = input::read_text("the framework file", &path, limits::FRAMEWORK_BYTES)?
        else {
            continue;
        };
        files.push(UserFile {
            name: path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string(),
            label: path.display().to_string(),
            text,
        });
    }
    Ok(files)
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
