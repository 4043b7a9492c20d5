//! `win sync init [REMOTE]`: set up sync on this device.

use anyhow::Result;

use crate::app::App;
use crate::cli::SyncInitArgs;
use crate::output;
use crate::sync::{self, Paths};

pub fn run(app: &App, args: &SyncInitArgs) -> Result<()> {
    let paths = Paths::new(&app.db_path, app.config_dir.as_deref())?;
    let encrypt = match (args.encrypt, args.no_encrypt) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let mut store = app.create_store()?;
    let (device, encrypted, report) = sync::init(
        &mut store,
        &paths,
        args.remote.as_deref(),
        encrypt,
        args.device.clone(),
        app.now,
    )?;
    let how = if encrypted {
        format!(
            "encrypted with the key in {} (move it to your other machines with win sync key show / import)",
            paths.key.display()
        )
    } else {
        "records are readable JSON lines (not encrypted)".to_string()
    };
    output::note(&format!(
        "sync set up: this device is {device}; {how}; sync folder {}",
        paths.tree.display()
    ));
    super::sync::tell(&report)
}
