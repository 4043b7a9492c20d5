//! Which wins a command works on: the shared filters, already resolved.

use chrono::{DateTime, FixedOffset};

use super::win::{Kind, Stage};

/// Filters shared by list, search, export, stats and review, after dates and
/// competency names have been resolved. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WinFilter {
    /// Inclusive start.
    pub since: Option<DateTime<FixedOffset>>,
    /// Exclusive end.
    pub until: Option<DateTime<FixedOffset>>,
    /// Stored competency keys to match (a competency's key and its aliases,
    /// so journals captured under another framework still match).
    pub competencies: Vec<String>,
    /// A win matches when it has any of these tags.
    pub tags: Vec<String>,
    pub project: Option<String>,
    pub stages: Vec<Stage>,
    pub kinds: Vec<Kind>,
    pub starred: bool,
    pub limit: Option<usize>,
    pub oldest_first: bool,
    pub status: StatusFilter,
}

/// Which wins a command sees, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// The journal proper: what lists, drafts, stats and the checker show.
    #[default]
    Accepted,
    /// The inbox: wins proposed by an agent, waiting for their author.
    Proposed,
    /// Both (export, so a backup keeps the inbox too).
    Any,
}
