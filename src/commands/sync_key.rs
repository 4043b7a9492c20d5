//! `win sync key show|import`: how the encryption key moves between machines.

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{anyhow, bail, Context, Result};

use crate::app::App;
use crate::cli::{SyncKeyArgs, SyncKeyCommand};
use crate::domain::limits;
use crate::input;
use crate::output;
use crate::prompt;
use crate::sync::crypt::{self, Key, Passphrases};
use crate::sync::{self, Paths};

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
                None => read_stdin("the key")?,
                Some(path) if path.as_os_str() == "-" => read_stdin("the key")?,
                Some(path) => input::read_text("the key file", path, limits::KEY_BYTES)?
                    .ok_or_else(|| anyhow!("there is no key file {}", path.display()))?,
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
        SyncKeyCommand::Passphrase {
            remove,
            passphrase_file,
        } => {
            let store = app.open_store()?;
            let mut source = PassphraseSource::new(app, passphrase_file.as_deref(), true);
            let changed = sync::set_passphrase(&store, &paths, *remove, &mut source, app.now)?;
            output::note(match (remove, changed) {
                (true, false) => "the sync repository holds no passphrase: nothing to remove",
                (true, true) => "passphrase removed (the next win sync sends this): joining needs the key itself again (win sync key show / import)",
                (false, _) => "passphrase set (the next win sync sends it): a new machine joins with win sync init REMOTE and this passphrase",
            });
            Ok(())
        }
    }
}

/// A key or a passphrase piped in: a few bytes of text, never more than
/// [`limits::KEY_BYTES`] read (`< /dev/zero` is refused, not read forever).
fn read_stdin(what: &str) -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limits::KEY_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} from stdin"))?;
    if bytes.len() as u64 > limits::KEY_BYTES {
        bail!(
            "{what} on stdin is over {}: give the key file win sync key show printed",
            limits::size(limits::KEY_BYTES)
        );
    }
    String::from_utf8(bytes).map_err(|_| anyhow!("{what} on stdin is not text (UTF-8)"))
}

/// Where a passphrase comes from, first found: `--passphrase-file FILE|-`,
/// `WIN_SYNC_PASSPHRASE`, or a question on the terminal (no echo).
pub(super) struct PassphraseSource<'a> {
    file: Option<&'a Path>,
    terminal: bool,
    /// How to give one when none was: the flags this command has.
    how: &'static str,
    tries: usize,
}

/// Wrong passphrases forgiven on a terminal before giving up.
const TRIES_ON_A_TERMINAL: usize = 3;

/// The environment variable a script gives the passphrase in.
const PASSPHRASE_VARIABLE: &str = "WIN_SYNC_PASSPHRASE";

impl<'a> PassphraseSource<'a> {
    pub(super) fn new(app: &App, file: Option<&'a Path>, has_file_flag: bool) -> Self {
        PassphraseSource {
            file,
            terminal: app.stdin_is_terminal && app.stderr_is_terminal,
            how: if has_file_flag {
                "run this on a terminal to type it, or give it in WIN_SYNC_PASSPHRASE or --passphrase-file FILE"
            } else {
                "run this on a terminal to type it, or give it in WIN_SYNC_PASSPHRASE"
            },
            tries: 0,
        }
    }

    /// The passphrase from a file or the environment, if one was given.
    fn given(&self) -> Result<Option<SecretString>> {
        if let Some(path) = self.file {
            let text = if path.as_os_str() == "-" {
                read_stdin("the passphrase")?
            } else {
                input::read_text("the passphrase file", path, limits::KEY_BYTES)?
                    .ok_or_else(|| anyhow!("there is no passphrase file {}", path.display()))?
            };
            let line = text.strip_suffix('\n').map_or(text.as_str(), |line| {
                line.strip_suffix('\r').unwrap_or(line)
            });
            if line.contains('\n') {
                bail!("the passphrase file holds more than one line: give the passphrase alone");
            }
            return Ok(Some(SecretString::from(line.to_string())));
        }
        Ok(std::env::var(PASSPHRASE_VARIABLE)
            .ok()
            .filter(|value| !value.is_empty())
            .map(SecretString::from))
    }
}

impl Passphrases for PassphraseSource<'_> {
    fn new_passphrase(&mut self) -> Result<SecretString> {
        let chosen = match self.given()? {
            Some(given) => given,
            None if self.terminal => loop {
                let first = SecretString::from(prompt::ask_secret(
                    "New passphrase for the sync key (not shown)",
                )?);
                if let Err(err) = crypt::check_new_passphrase(&first) {
                    output::note(&format!("{err:#}"));
                    continue;
                }
                let again = prompt::ask_secret("The same passphrase again")?;
                if again == first.expose_secret() {
                    break first;
                }
                output::note("the two passphrases differ: once more");
            },
            None => bail!("a passphrase is needed: {}", self.how),
        };
        crypt::check_new_passphrase(&chosen)?;
        Ok(chosen)
    }

    fn existing(&mut self, again: bool) -> Result<Option<SecretString>> {
        self.tries += 1;
        if let Some(given) = self.given()? {
            // A file or a variable gives one passphrase: no second try.
            return Ok((!again).then_some(given));
        }
        if !self.terminal {
            bail!(
                "this device has no sync key, and the repository holds it locked with a passphrase: {} (or import the key: win sync key import FILE)",
                self.how
            );
        }
        if self.tries > TRIES_ON_A_TERMINAL {
            return Ok(None);
        }
        if again {
            output::note("wrong passphrase: try again");
        }
        let typed = prompt::ask_secret("Passphrase of the sync key (not shown)")?;
        Ok(Some(SecretString::from(typed)))
    }

    fn skipped(&mut self, lockbox: &str, why: &str) {
        output::note(&format!(
            "win: skipped the passphrase lockbox {lockbox}, which cannot be used ({why}); the others were tried"
        ));
    }
}
