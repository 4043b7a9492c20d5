//! `win sync`: exchange changes with the other devices through git.

use anyhow::{bail, Result};

use crate::analyze::Analyzer;
use crate::app::App;
use crate::capture;
use crate::cli::{SyncArgs, SyncCommand};
use crate::domain::win::NewWin;
use crate::output;
use crate::sync::{self, Missing, Paths, Report};

pub fn run(app: &App, args: &SyncArgs) -> Result<()> {
    match &args.command {
        Some(SyncCommand::Init(init)) => super::sync_init::run(app, init),
        Some(SyncCommand::Status) => super::sync_status::run(app),
        Some(SyncCommand::Key(key)) => super::sync_key::run(app, key),
        None => {
            let paths = Paths::new(&app.db_path, app.config_dir.as_deref())?;
            // A new device joins by syncing: it starts its journal.
            let mut store = app.create_store()?;
            // A device that lost its key gets it back with the passphrase.
            let mut passphrases = super::sync_key::PassphraseSource::new(app, None, false);
            if store.sync_device()?.is_some() && sync::unlock_missing_key(&paths, &mut passphrases)?
            {
                output::note(&format!(
                    "sync key unlocked with the passphrase and saved in {}",
                    paths.key.display()
                ));
            }
            let report = sync::run(&mut store, &paths, app.now, &mut measurer(app))?;
            tell(&report)
        }
    }
}

/// Measures a merged win's metrics again, as `win update` does on the
/// device that wrote them. The analyser is made once, on first use: most
/// syncs merge no words.
pub(super) fn measurer(app: &App) -> impl FnMut(&mut NewWin) -> Result<()> + '_ {
    let mut analyzer: Option<Analyzer> = None;
    move |win: &mut NewWin| {
        if analyzer.is_none() {
            analyzer = Some(Analyzer::new(app.framework()?, &app.analysis_files()?)?);
        }
        if let Some(analyzer) = &analyzer {
            capture::measure(win, analyzer);
        }
        Ok(())
    }
}

/// Says what a sync did, on stderr; an unreachable remote is an error
/// (after the local work is done, so the next sync pushes it).
pub(super) fn tell(report: &Report) -> Result<()> {
    for lock in &report.stale_locks {
        output::note(&format!(
            "win: removed {}, a lock file left by a git that was stopped halfway",
            lock.display()
        ));
    }
    for (file, records) in &report.sent_again {
        output::note(&format!(
            "win: {file} was cut, changed or removed on the remote: its {records} record{} sent again",
            if *records == 1 { " was" } else { "s were" }
        ));
    }
    for damaged in &report.damaged {
        output::note(&format!(
            "win: skipped a damaged record batch, {damaged} (the other records were replayed)"
        ));
    }
    for missing in &report.missing {
        output::note(&format!("win: {}", missing_line(missing)));
    }
    for (lockbox, why) in &report.unusable_lockboxes {
        output::note(&format!(
            "win: the passphrase lockbox {lockbox} cannot be used ({why}): a new device cannot join with the passphrase; lock the key again with win sync key passphrase"
        ));
    }
    let replayed = &report.replayed;
    let sent = if report.published == 0 && !report.sent_earlier.is_empty() {
        format!(
            "sent what was committed before ({})",
            report.sent_earlier.join(", ")
        )
    } else {
        format!("{} sent", output::count(report.published, "change"))
    };
    let mut line = format!("synced: {sent}, {} received", replayed.applied);
    if replayed.ignored_deleted > 0 {
        line.push_str(&format!(
            " ({} for wins deleted on a device, ignored)",
            replayed.ignored_deleted
        ));
    }
    if !report.has_remote {
        line.push_str(" (no remote: committed in the sync folder only)");
    }
    if let Some(why) = &report.unreachable {
        bail!(
            "{why}; this device's changes are committed in the sync folder and the next win sync sends them"
        );
    }
    output::note(&line);
    Ok(())
}

/// Says which records of another device the repository lacks, and how
/// they come back.
pub(super) fn missing_line(missing: &Missing) -> String {
    let Missing {
        device,
        found,
        written,
        removed,
    } = missing;
    let files = match removed.as_slice() {
        [] => String::new(),
        [file] => file.clone(),
        [first, ..] => format!("{} batch files (the first, {first})", removed.len()),
    };
    let (what, why) = match (found < written, removed.is_empty()) {
        (true, true) => (
            records(*found, *written),
            "a batch of its removed or damaged on the remote".to_string(),
        ),
        (true, false) => (
            records(*found, *written),
            format!("removed on the remote: {files}"),
        ),
        _ => (
            format!("the records of {files}"),
            "removed on the remote".to_string(),
        ),
    };
    format!(
        "{what} of device {device} are missing from the sync repository ({why}), so this journal lacks them: they come back once {device} runs win sync, which sends them again"
    )
}

/// The records after `found`, up to `written`.
fn records(found: u64, written: u64) -> String {
    if found + 1 == written {
        format!("record {written}")
    } else {
        format!("records {}-{written}", found + 1)
    }
}
