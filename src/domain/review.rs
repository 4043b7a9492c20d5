//! The review as data: the serializable context a draft template sees (and
//! `--context` prints), and the pure rules over a period's wins: coverage by
//! competency and month, gaps, recency, stats. Building the context, which
//! needs the checker and the statements, is `render::review`.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate};
use serde::Serialize;

use super::analysis::Finding;
use super::dates::month_of;
use super::framework::Framework;
use super::metric::Metric;
use super::text::shorten;
use super::win::{rfc3339, CompetencySource, Kind, Role, Win};

/// What the person asked for.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    pub name: Option<String>,
    pub title: Option<String>,
    /// Per competency, keep the N wins with the strongest evidence.
    pub top: Option<usize>,
    /// Shorten each statement to fit a form's character limit.
    pub max_chars: Option<usize>,
}

/// The time the review covers, `[start, end)`.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPeriod {
    pub label: String,
    #[serde(serialize_with = "rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[serde(serialize_with = "rfc3339")]
    pub end: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewContext {
    pub name: Option<String>,
    pub title: Option<String>,
    pub framework: FrameworkRef,
    pub period: ReviewPeriod,
    #[serde(serialize_with = "rfc3339")]
    pub generated_at: DateTime<FixedOffset>,
    pub counts: Counts,
    pub highlights: Vec<Rc<WinEntry>>,
    pub sections: Vec<Section>,
    /// Every win by calendar month, oldest first (the brag document's order).
    pub months: Vec<MonthGroup>,
    pub coverage: Coverage,
    pub gaps: Gaps,
    pub pending: Vec<PendingEntry>,
    pub recency: Recency,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkRef {
    pub name: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub wins: usize,
    pub starred: usize,
    pub with_impact: usize,
    pub with_numbers: usize,
    pub with_business_outcome: usize,
    pub deployed: usize,
    pub pending_impact: usize,
    pub findings: usize,
}

/// A competency's part of the draft, in framework order; `key` is "other"
/// for wins whose competency the framework does not know.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub description: String,
    pub wins: Vec<Rc<WinEntry>>,
    /// Wins that live in another section but also show this competency.
    pub also: Vec<CrossReference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthGroup {
    /// "2026-03"
    pub month: String,
    /// "March 2026"
    pub label: String,
    /// The same entries as the sections', shared, not copied.
    pub wins: Vec<Rc<WinEntry>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CrossReference {
    pub id: i64,
    pub date: String,
    pub summary: String,
    pub section: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WinEntry {
    pub id: i64,
    pub uid: String,
    pub date: String,
    pub month: String,
    pub text: String,
    pub polished: Option<String>,
    /// The three-part statement: what I did → impact → what's next.
    pub statement: String,
    pub impact: Option<String>,
    pub next: Option<String>,
    pub kind: Kind,
    pub role: Option<Role>,
    pub stage: Option<String>,
    pub starred: bool,
    pub competencies: Vec<String>,
    /// Whether the person chose the competencies ("user") or `win`
    /// inferred them ("inferred"; "none" when there are none).
    pub competency_source: CompetencySource,
    /// An inferred competency the model was unsure of, never confirmed.
    pub competency_unsure: bool,
    pub tags: Vec<String>,
    pub project: Option<String>,
    pub links: Vec<String>,
    pub metrics: Vec<MetricEntry>,
    pub updates: Vec<UpdateEntry>,
    pub findings: Vec<Finding>,
    /// How strong the evidence is; `--top` keeps the strongest.
    pub strength: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricEntry {
    #[serde(flatten)]
    pub metric: Metric,
    /// Formatted the same way everywhere: "p99 latency 240ms → 80ms (−66.7%)".
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateEntry {
    pub date: String,
    pub stage: Option<String>,
    pub text: Option<String>,
    pub impact: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub by_competency: Vec<CompetencyCoverage>,
    pub by_month: Vec<MonthCoverage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompetencyCoverage {
    pub key: String,
    pub title: String,
    pub wins: usize,
    pub with_numbers: usize,
    pub with_impact: usize,
    /// Wins per month of the period, oldest first (for sparklines).
    pub by_month: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCoverage {
    pub month: String,
    pub wins: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gaps {
    pub competencies: Vec<String>,
    pub months: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PendingEntry {
    pub id: i64,
    pub date: String,
    pub summary: String,
    pub waiting_days: i64,
}

/// Recency bias: memory over-weights the end of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Recency {
    /// Share of the period's wins in its last sixth.
    pub last_sixth_share: f64,
    pub flagged: bool,
}

/// Above this share of wins in the last sixth of a period, recency bias is flagged.
pub const RECENCY_LIMIT: f64 = 0.4;

pub fn coverage(wins: &[Win], framework: &Framework, months: &[NaiveDate]) -> Coverage {
    let month_keys: Vec<String> = months
        .iter()
        .map(|m| m.format("%Y-%m").to_string())
        .collect();
    let position: HashMap<&str, usize> = month_keys
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut by_month = vec![0usize; months.len()];
    let mut per_competency: HashMap<String, CompetencyCoverage> = HashMap::new();
    for win in wins {
        let month = month_of(&win.occurred_at);
        let month_index = position.get(month.as_str()).copied();
        if let Some(i) = month_index {
            by_month[i] += 1;
        }
        let mut keys: Vec<&str> = win
            .competencies
            .iter()
            .filter_map(|k| framework.map_key(k))
            .map(|c| c.key.as_str())
            .collect();
        // Two of a win's competencies may map to one key (aliases): the win
        // counts once there.
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let slot =
                per_competency
                    .entry(key.to_string())
                    .or_insert_with(|| CompetencyCoverage {
                        key: key.to_string(),
                        title: String::new(),
                        wins: 0,
                        with_numbers: 0,
                        with_impact: 0,
                        by_month: vec![0; months.len()],
                    });
            slot.wins += 1;
            slot.with_numbers += usize::from(!win.metrics.is_empty());
            slot.with_impact += usize::from(win.current_impact().is_some());
            if let Some(i) = month_index {
                slot.by_month[i] += 1;
            }
        }
    }
    let by_competency = framework
        .competencies
        .iter()
        .map(|c| {
            let mut row = per_competency.remove(&c.key).unwrap_or(CompetencyCoverage {
                key: c.key.clone(),
                title: String::new(),
                wins: 0,
                with_numbers: 0,
                with_impact: 0,
                by_month: vec![0; months.len()],
            });
            row.title = c.title.clone();
            row
        })
        .collect();
    Coverage {
        by_competency,
        by_month: month_keys
            .into_iter()
            .zip(by_month)
            .map(|(month, wins)| MonthCoverage { month, wins })
            .collect(),
    }
}

/// Coverage, gaps and recency for `win stats`, without rendering statements.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub period: ReviewPeriod,
    pub wins: usize,
    pub coverage: Coverage,
    pub gaps: Gaps,
    pub recency: Recency,
}

pub fn stats(
    wins: &[Win],
    framework: &Framework,
    period: ReviewPeriod,
    now: DateTime<FixedOffset>,
) -> Stats {
    let months = months_of(&period);
    let coverage = coverage(wins, framework, &months);
    Stats {
        wins: wins.len(),
        gaps: gaps(&coverage, now),
        recency: recency(wins, &period),
        coverage,
        period,
    }
}

/// Competencies with no wins, and the months with none that have begun by
/// `now`: a period that runs on (this year, this quarter) has no gap in a
/// month that has not come yet.
pub fn gaps(coverage: &Coverage, now: DateTime<FixedOffset>) -> Gaps {
    let this_month = month_of(&now);
    Gaps {
        competencies: coverage
            .by_competency
            .iter()
            .filter(|c| c.wins == 0)
            .map(|c| c.title.clone())
            .collect(),
        months: coverage
            .by_month
            .iter()
            .filter(|m| m.wins == 0 && m.month <= this_month)
            .map(|m| m.month.clone())
            .collect(),
    }
}

/// The period a review covers: the one asked for, else the last 12 months.
pub fn period_for(
    since: Option<DateTime<FixedOffset>>,
    until: Option<DateTime<FixedOffset>>,
    label: Option<String>,
    now: DateTime<FixedOffset>,
) -> ReviewPeriod {
    let today = now.date_naive();
    let default_start = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|first| first.checked_sub_months(Months::new(11)))
        .map_or(now, |first| super::dates::start_of_day(first, now));
    let default_end = super::dates::start_of_day(today.succ_opt().unwrap_or(today), now);
    let start = since.unwrap_or(default_start);
    let end = until.unwrap_or(default_end);
    let label = label.unwrap_or_else(|| match (since, until) {
        (None, None) => format!(
            "the last 12 months ({} to {})",
            start.format("%B %Y"),
            now.format("%B %Y")
        ),
        _ => format!(
            "{} to {}",
            start.format("%Y-%m-%d"),
            (end - chrono::Duration::seconds(1)).format("%Y-%m-%d")
        ),
    });
    ReviewPeriod { label, start, end }
}

/// The most months a grid shows: ten years.
pub const MAX_MONTHS: usize = 120;

/// The calendar months a period touches, oldest first. A period longer than
/// [`MAX_MONTHS`] keeps its newest months: the recent ones matter most.
pub fn months_of(period: &ReviewPeriod) -> Vec<NaiveDate> {
    let first_of = |day: NaiveDate| NaiveDate::from_ymd_opt(day.year(), day.month(), 1);
    let (Some(first), Some(mut month)) = (
        first_of(period.start.date_naive()),
        // The end is exclusive: its last moment is a second before.
        first_of((period.end - chrono::TimeDelta::seconds(1)).date_naive()),
    ) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    while months.len() < MAX_MONTHS && month >= first && period.end > period.start {
        months.push(month);
        match month.checked_sub_months(Months::new(1)) {
            Some(previous) => month = previous,
            None => break,
        }
    }
    months.reverse();
    months
}

pub fn recency(wins: &[Win], period: &ReviewPeriod) -> Recency {
    let span = period.end - period.start;
    let last_sixth_start = period.end - span / 6;
    let in_last = wins
        .iter()
        .filter(|w| w.occurred_at >= last_sixth_start)
        .count();
    let share = if wins.is_empty() {
        0.0
    } else {
        in_last as f64 / wins.len() as f64
    };
    Recency {
        last_sixth_share: (share * 1000.0).round() / 1000.0,
        flagged: wins.len() >= 3 && share > RECENCY_LIMIT,
    }
}

pub fn month_label(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_string(), |d| d.format("%B %Y").to_string())
}

pub fn summary(entry: &WinEntry) -> String {
    shorten(&entry.text, 80)
}
