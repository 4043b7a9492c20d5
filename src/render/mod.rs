//! Templates → text. Defaults are embedded in the binary; a file of the same
//! name under the user's `templates/` folder overrides one; `--template PATH`
//! renders any file. Rendering is sandboxed (minijinja has no file, network
//! or environment access), bounded by fuel, and errors name file and line.

pub(crate) mod review;
pub mod statement;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use minijinja::{AutoEscape, Environment, Value};
use serde::Serialize;

use crate::analyze::note::{Vocabulary, GLOSSARY_FILE, VERBS_FILE};
use crate::domain::limits;
use statement::{Phrases, PHRASES_FILE};

pub use statement::StatementEngine;

/// Every embedded template, by its path under `templates/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("check.toml", include_str!("../../templates/check.toml")),
    (
        "drafts/self-assessment.md",
        include_str!("../../templates/drafts/self-assessment.md"),
    ),
    (
        "drafts/brag-doc.md",
        include_str!("../../templates/drafts/brag-doc.md"),
    ),
    (
        "drafts/plain.txt",
        include_str!("../../templates/drafts/plain.txt"),
    ),
    (
        "drafts/llm-brief.txt",
        include_str!("../../templates/drafts/llm-brief.txt"),
    ),
    (
        "rewrite/prompt.txt",
        include_str!("../../templates/rewrite/prompt.txt"),
    ),
    (
        "notes/draft.md",
        include_str!("../../templates/notes/draft.md"),
    ),
    (
        "statements/glossary.toml",
        include_str!("../../templates/statements/glossary.toml"),
    ),
    (
        "statements/verbs.toml",
        include_str!("../../templates/statements/verbs.toml"),
    ),
    (
        "statements/phrases.toml",
        include_str!("../../templates/statements/phrases.toml"),
    ),
    (
        "mcp/claude-code.txt",
        include_str!("../../templates/mcp/claude-code.txt"),
    ),
    (
        "mcp/cursor.txt",
        include_str!("../../templates/mcp/cursor.txt"),
    ),
    (
        "mcp/claude-desktop.txt",
        include_str!("../../templates/mcp/claude-desktop.txt"),
    ),
    (
        "mcp/codex.txt",
        include_str!("../../templates/mcp/codex.txt"),
    ),
    (
        "mcp/generic.txt",
        include_str!("../../templates/mcp/generic.txt"),
    ),
    // Where the JSON of these clients goes, said on stderr: their stdout
    // is the JSON alone, to paste or redirect into the file.
    (
        "mcp/cursor.note.txt",
        include_str!("../../templates/mcp/cursor.note.txt"),
    ),
    (
        "mcp/claude-desktop.note.txt",
        include_str!("../../templates/mcp/claude-desktop.note.txt"),
    ),
    (
        "mcp/generic.note.txt",
        include_str!("../../templates/mcp/generic.note.txt"),
    ),
];

/// The draft a document format renders by default.
pub const DEFAULT_DRAFT: &str = "self-assessment";

/// The notes for a draft's author (`win review draft --notes`).
pub const DRAFT_NOTES: &str = "notes/draft.md";

/// Template steps a draft may take: far more than a year of wins needs,
/// far less than a runaway loop.
const FUEL: u64 = 50_000_000;

/// One template file: where it comes from and what it says.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateFile {
    /// Path under `templates/`, such as `drafts/brag-doc.md`.
    pub name: String,
    /// `built-in`, or the user's file that overrides or adds it.
    pub source: String,
    #[serde(skip)]
    pub text: String,
}

/// The templates in effect: built-ins layered under the user's folder.
pub struct TemplateSet {
    user_dir: Option<PathBuf>,
}

impl TemplateSet {
    pub fn new(user_dir: Option<PathBuf>) -> TemplateSet {
        TemplateSet { user_dir }
    }

    /// Built-in and user templates, the user's winning on a shared name.
    pub fn list(&self) -> Result<Vec<TemplateFile>> {
        let mut files: Vec<TemplateFile> = Vec::new();
        for (name, _) in BUILTIN {
            files.push(self.get(name)?);
        }
        if let Some(dir) = &self.user_dir {
            for path in user_files(dir)? {
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                if !files.iter().any(|f| f.name == name) {
                    files.push(read_file(&path, name)?);
                }
            }
        }
        Ok(files)
    }

    /// A template by its path under `templates/`, the user's copy first.
    pub fn get(&self, name: &str) -> Result<TemplateFile> {
        if let Some(file) = self.user_file(name)? {
            return Ok(file);
        }
        BUILTIN
            .iter()
            .find(|(builtin, _)| *builtin == name)
            .map(|(name, text)| TemplateFile {
                name: (*name).to_string(),
                source: "built-in".into(),
                text: (*text).into(),
            })
            .ok_or_else(|| anyhow!("no template \"{name}\" (see: win templates)"))
    }

    /// The user's copy of a file under `templates/`, if there is one.
    pub fn user_file(&self, name: &str) -> Result<Option<TemplateFile>> {
        let Some(dir) = &self.user_dir else {
            return Ok(None);
        };
        let path = dir.join(name);
        // Anything there but a regular file is refused, not passed over
        // for the built-in.
        let text = crate::input::read_text("the template", &path, limits::TEMPLATE_BYTES)?;
        Ok(text.map(|text| TemplateFile {
            name: name.to_string(),
            source: path.display().to_string(),
            text,
        }))
    }

    /// A draft template chosen by `--template`: a name (`brag-doc`), a
    /// name with extension, or a path to any file.
    pub fn draft(&self, choice: &str) -> Result<TemplateFile> {
        let path = Path::new(choice);
        // Whatever is there by that name (a pipe, a device, a link to
        // nowhere) is read as a file, and refused for what it is.
        if choice.contains('/') || (crate::input::something_at(path) && !path.is_dir()) {
            return read_file(path, choice.to_string());
        }
        let drafts: Vec<String> = self
            .list()?
            .into_iter()
            .filter(|f| f.name.starts_with("drafts/"))
            .map(|f| f.name)
            .collect();
        let wanted = drafts.iter().find(|name| {
            let file = name.trim_start_matches("drafts/");
            file == choice || file.split('.').next() == Some(choice)
        });
        match wanted {
            Some(name) => self.get(name),
            None => {
                let names: Vec<&str> = drafts
                    .iter()
                    .map(|n| n.trim_start_matches("drafts/"))
                    .collect();
                bail!(
                    "no draft template \"{choice}\" (available: {}; or give a file path)",
                    names.join(", ")
                )
            }
        }
    }

    /// The statement engine: the built-in vocabulary extended by the
    /// user's glossary and verb files, and the phrase file (the user's
    /// replaces the built-in one).
    pub fn statement_engine(&self) -> Result<StatementEngine> {
        let mut vocabulary = Vocabulary::builtin()?;
        if let Some(file) = self.user_file(GLOSSARY_FILE)? {
            vocabulary.extend_glossary(&file.text, &file.source)?;
        }
        if let Some(file) = self.user_file(VERBS_FILE)? {
            vocabulary.extend_verbs(&file.text, &file.source)?;
        }
        let phrases = match self.user_file(PHRASES_FILE)? {
            Some(file) => Phrases::from_toml(&file.text, &file.source)?,
            None => Phrases::builtin()?,
        };
        Ok(StatementEngine::new(vocabulary, phrases))
    }
}

fn read_file(path: &Path, name: String) -> Result<TemplateFile> {
    let text = crate::input::read_text("the template", path, limits::TEMPLATE_BYTES)?
        .ok_or_else(|| anyhow!("there is no template file {}", path.display()))?;
    Ok(TemplateFile {
        name,
        source: path.display().to_string(),
        text,
    })
}

/// How deep folders under the user's templates are followed: a link to a
/// folder is followed, and one that loops back ends here.
const FOLDER_DEPTH: usize = 8;

/// Every file under the user's templates folder, except folders: a pipe or
/// a link to nowhere is listed, so that reading it names the problem.
fn user_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = pending.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("cannot read the folder {}", folder.display()))
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                found.push(path);
            } else if depth < FOLDER_DEPTH {
                pending.push((path, depth + 1));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The auto-escape of Markdown templates (see `render`).
const MARKDOWN: &str = "markdown";

/// Renders a draft template with a context. Win text is only ever data.
pub fn render<T: Serialize>(template: &TemplateFile, context: &T) -> Result<String> {
    let mut env = Environment::new();
    env.set_debug(true);
    env.set_fuel(Some(FUEL));
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|err| anyhow!("template syntax settings: {err}"))?;
    env.set_syntax(syntax);
    // Win text is data in every format: HTML is escaped as HTML, and in
    // Markdown what could link, fetch or run (`<script>`, `[x](javascript:…)`,
    // `![](http://…)`) is escaped as Markdown. Text is left as it is.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if !matches!(state.auto_escape(), AutoEscape::Custom(name) if name == MARKDOWN) {
            return minijinja::escape_formatter(out, state, value);
        }
        // Numbers, safe strings and the rest print as they would unescaped.
        let written = match value.as_str().filter(|_| !value.is_safe()) {
            Some(text) => out.write_str(&crate::domain::text::markdown_literal(text)),
            None => write!(out, "{value}"),
        };
        written.map_err(minijinja::Error::from)
    });
    env.add_filter("wrap", wrap);
    env.add_template_owned(template.name.clone(), template.text.clone())
        .map_err(|err| explain(err, template))?;
    let compiled = env
        .get_template(&template.name)
        .map_err(|err| explain(err, template))?;
    let value = Value::from(minijinja::value::Serde(context));
    let text = compiled
        .render(value.clone())
        .map_err(|err| explain(err, template));
    // A draft is rendered once, just before the process exits.
    crate::error::leave_to_exit(value);
    text
}

/// "template drafts/mine.md line 3: unknown filter `shout`".
fn explain(err: minijinja::Error, template: &TemplateFile) -> anyhow::Error {
    let line = err.line().map(|l| format!(" line {l}")).unwrap_or_default();
    let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
    let kind = match err.kind() {
        minijinja::ErrorKind::OutOfFuel => "ran too long (a loop that never ends?)".to_string(),
        kind => format!("{kind}{detail}"),
    };
    anyhow!(
        "template {}{line}: {kind} [{}]",
        template.name,
        template.source
    )
}

/// Wraps text at `width` columns, for plain-text drafts.
fn wrap(text: &str, width: Option<usize>) -> String {
    let width = width.unwrap_or(80).max(20);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines.join("\n")
}
