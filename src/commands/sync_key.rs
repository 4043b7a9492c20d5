//! `win sync key show|import`: how the encryption key moves between machines.

use std::io::{Read, Write};

use anyhow::{bail, Context, Result};

use crate::app::App;
use crate::cli::{SyncKeyArgs, SyncKeyCommand};
use crate::output;
use crate::prompt;
use crate::sync::crypt::{self, Key};
use crate::sync::Paths;

pub fn run(app: &App, args: &SyncKeyArgs) -> Result<()> {
    let paths = Paths::new(&app.db_path, app.config_dir.as_deref())?;
    match &args.command {
        SyncKeyCommand::Show => {
            let Some(key) = crypt::load(&paths.key)? else {
                bail!(
                    "no sync key in {} yet: win sync init makes one for an encrypted repository, or import one with win sync key import FILE",
                    paths.key.display()
                );
            };
            write!(output::stdout(), "{}", key.to_file_text())?;
            if app.stdout_is_terminal {
                output::note("keep this key secret: anyone with it can read your synced wins");
            }
            Ok(())
        }
        SyncKeyCommand::Import { file } => {
            let text = match file.as_deref() {
                None => read_stdin()?,
                Some(path) if path.as_os_str() == "-" => read_stdin()?,
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the key file {}", path.display()))?,
            };
            let key = Key::parse(&text)?;
            if let Some(current) = crypt::load(&paths.key)? {
                if current.public() == key.public() {
                    output::note("this key is already installed");
                    return Ok(());
                }
                let replace = app.yes
                    || (app.stdin_is_terminal
                        && file.is_some()
                        && prompt::confirm(
                            "Replace this device's sync key with the imported one?",
                        )?);
                if !replace {
                    bail!(
                        "this device already has another sync key ({}); add --yes to replace it (wins encrypted only with the old key could then no longer be read here)",
                        paths.key.display()
                    );
                }
            }
            crypt::save(&paths.key, &key)?;
            output::note(&format!(
                "sync key installed in {} (public key {})",
                paths.key.display(),
                key.public()
            ));
            Ok(())
        }
    }
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the key from stdin (is it text?)")?;
    Ok(text)
}
