//! Questions asked on a terminal (dialoguer). Only called when stdin is a
//! terminal; pipes and CI never block here.

use anyhow::{bail, Context, Result};
use dialoguer::{theme::ColorfulTheme, Confirm, Editor, Input, Select};

use crate::domain::framework::Framework;

/// The answers of the capture prompt.
pub struct Answers {
    pub text: String,
    pub impact: Option<String>,
    pub next: Option<String>,
    /// `None`: let `win` infer it.
    pub competency: Option<String>,
    pub tags: Vec<String>,
}

pub fn ask_win(framework: &Framework) -> Result<Answers> {
    let theme = ColorfulTheme::default();
    let text: String = Input::with_theme(&theme)
        .with_prompt("What did you do?")
        .interact_text()
        .context("prompt cancelled")?;
    let optional = |prompt: &str| -> Result<Option<String>> {
        let answer: String = Input::with_theme(&theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text()
            .context("prompt cancelled")?;
        Ok(Some(answer.trim().to_string()).filter(|a| !a.is_empty()))
    };
    let impact = optional("What impact did it have? (enter to skip)")?;
    let next = optional("What did you learn, or what's next? (enter to skip)")?;
    let mut items = vec!["(infer from the text)".to_string()];
    items.extend(
        framework
            .competencies
            .iter()
            .map(|c| format!("{} — {}", c.key, c.title)),
    );
    let choice = Select::with_theme(&theme)
        .with_prompt("Competency")
        .items(&items)
        .default(0)
        .interact()
        .context("prompt cancelled")?;
    let competency = choice
        .checked_sub(1)
        .and_then(|i| framework.competencies.get(i))
        .map(|c| c.key.clone());
    let tags = optional("Tags, comma-separated (enter to skip)")?
        .map(|t| vec![t])
        .unwrap_or_default();
    Ok(Answers {
        text,
        impact,
        next,
        competency,
        tags,
    })
}

/// Opens `$VISUAL` / `$EDITOR` on a buffer; returns the saved text.
pub fn edit(buffer: &str) -> Result<String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let edited = Editor::new()
        .executable(&editor)
        .extension(".md")
        .require_save(false)
        .edit(buffer)
        .with_context(|| format!("cannot run the editor \"{editor}\" (set VISUAL or EDITOR)"))?;
    match edited {
        Some(text) => Ok(text),
        None => bail!("the editor exited without saving; nothing was recorded"),
    }
}

pub fn confirm(question: &str) -> Result<bool> {
    Confirm::with_theme(&ColorfulTheme::default())
        .with_prompt(question)
        .default(false)
        .interact()
        .context("prompt cancelled")
}
