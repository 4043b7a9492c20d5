//! The embedded sample journal behind `win demo`.

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};

use crate::analyze::Analyzer;
use crate::capture;
use crate::domain::record::WinRecord;
use crate::domain::win::NewWin;

pub const JOURNAL: &str = include_str!("../templates/sample/journal.jsonl");

/// The demo's clock, fixed so the demo reads the same on every run.
pub const DEMO_NOW: &str = "2026-11-20T18:00:00+01:00";

pub fn demo_now() -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(DEMO_NOW).context("the demo clock is not RFC 3339")
}

/// The sample wins, analysed as if captured with `win add`.
pub fn wins(analyzer: &Analyzer, now: DateTime<FixedOffset>) -> Result<Vec<NewWin>> {
    JOURNAL
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let record: WinRecord = serde_json::from_str(line)
                .with_context(|| format!("sample journal line {}", index + 1))?;
            let mut win = record.into_new(now)?;
            // A fixed uid per sample win keeps the demo's phrasing stable.
            win.uid = sample_uid(&win, index);
            win.created_at = win.occurred_at;
            win.updated_at = win.updates.last().map_or(win.occurred_at, |u| u.at);
            capture::enrich(&mut win, analyzer, &crate::analyze::Learned::default());
            Ok(win)
        })
        .collect()
}

/// A UUID v7 from the win's date and its line number, the same on every run.
fn sample_uid(win: &NewWin, index: usize) -> String {
    let millis = u64::try_from(win.occurred_at.timestamp_millis()).unwrap_or(0);
    let mut tail = [0u8; 10];
    for (slot, byte) in tail
        .iter_mut()
        .zip(index.to_be_bytes().iter().rev().chain(win.text.as_bytes()))
    {
        *slot = *byte;
    }
    uuid::Builder::from_unix_timestamp_millis(millis, &tail)
        .into_uuid()
        .to_string()
}
