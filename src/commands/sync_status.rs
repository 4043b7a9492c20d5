//! `win sync status`: this device, the remote, and the others seen.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::output;
use crate::sync::{self, Paths};

pub fn run(app: &App) -> Result<()> {
    let paths = Paths::new(&app.db_path, app.config_dir.as_deref())?;
    let store = app.open_store()?;
    let status = sync::status(&store, &paths)?;
    let mut out = output::stdout();
    writeln!(out, "device:      {}", status.device)?;
    writeln!(
        out,
        "remote:      {}",
        status.remote.as_deref().unwrap_or("none (local only)")
    )?;
    let encrypted = match (status.encrypted, status.has_key) {
        (false, _) => "no (records are readable JSON lines)".to_string(),
        (true, true) => format!("yes, key in {}", status.key.display()),
        (true, false) if status.passphrase => format!(
            "yes, but this device has no key in {} (win sync asks for the passphrase)",
            status.key.display()
        ),
        (true, false) => format!(
            "yes, but this device has no key in {} (win sync key import)",
            status.key.display()
        ),
    };
    writeln!(out, "encrypted:   {encrypted}")?;
    if status.manifest_differs {
        writeln!(
            out,
            "warning:     the repository's sync.json says {}: win sync refuses it until it is put back",
            if status.encrypted {
                "not encrypted"
            } else {
                "encrypted"
            }
        )?;
    }
    if status.encrypted {
        let line = if status.passphrase {
            "on (the repository holds the key locked with it)"
        } else if status.lockboxes == 0 {
            "off (win sync key passphrase sets one)"
        } else {
            "unusable: the repository holds no lockbox a passphrase can open, so a new device cannot join with the passphrase (lock the key again: win sync key passphrase, then win sync)"
        };
        writeln!(out, "passphrase:  {line}")?;
        for (lockbox, why) in &status.unusable_lockboxes {
            writeln!(
                out,
                "warning:     the passphrase lockbox {lockbox} cannot be used: {why}"
            )?;
        }
    }
    writeln!(out, "sync folder: {}", status.tree.display())?;
    writeln!(
        out,
        "last sync:   {}",
        status.last_sync.as_deref().unwrap_or("never")
    )?;
    writeln!(out, "not yet sent: {} change(s)", status.unpublished)?;
    if status.peers.is_empty() {
        writeln!(out, "other devices: none seen yet")?;
    }
    for peer in &status.peers {
        writeln!(
            out,
            "other device: {} ({} change(s) received)",
            peer.device, peer.applied_seq
        )?;
    }
    for missing in &status.missing {
        writeln!(out, "missing:     {}", super::sync::missing_line(missing))?;
    }
    Ok(())
}
