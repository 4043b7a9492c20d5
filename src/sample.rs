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
            win.created_at = win.occurred_at;
            win.updated_at = win.updates.last().map_or(win.occurred_at, |u| u.at);
            capture::enrich(&mut win, analyzer);
            Ok(win)
        })
        .collect()
}
