//! `win sync init [REMOTE]`: set up sync on this device.

use anyhow::Result;

use crate::app::App;
use crate::cli::SyncInitArgs;
use crate::output;
use crate::sync::{self, crypt, InitOptions, Paths};

use super::sync_key::PassphraseSource;

pub fn run(app: &App, args: &SyncInitArgs) -> Result<()> {
    let paths = Paths::new(&app.db_path, app.config_dir.as_deref())?;
    let encrypt = match (args.encrypt, args.no_encrypt) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let options = InitOptions {
        remote: args.remote.clone(),
        encrypt,
        device: args.device.clone(),
        passphrase: args.passphrase || args.passphrase_file.is_some(),
    };
    let mut passphrases = PassphraseSource::new(app, args.passphrase_file.as_deref(), true);
    let mut store = app.create_store()?;
    let (device, encrypted, report) = sync::init(
        &mut store,
        &paths,
        options,
        &mut passphrases,
        app.now,
        &mut super::sync::measurer(app),
    )?;
    let how = if !encrypted {
        "records are readable JSON lines (not encrypted)".to_string()
    } else if crypt::lockboxes(&paths.tree)?.is_empty() {
        format!(
            "encrypted with the key in {} (move it to your other machines with win sync key show / import)",
            paths.key.display()
        )
    } else {
        format!(
            "encrypted with the key in {}, which the repository also holds locked with your passphrase (another machine joins with win sync init REMOTE and the passphrase)",
            paths.key.display()
        )
    };
    output::note(&format!(
        "sync set up: this device is {device}; {how}; sync folder {}",
        paths.tree.display()
    ));
    super::sync::tell(&report)
}
