//! The review: a period of wins turned into a serializable context (what a
//! draft template sees, and what `--context` prints). Pure: wins, the
//! framework, the checker, the phrase engine and `now` come in as arguments.

use std::collections::HashMap;
use std::rc::Rc;

use anyhow::Result;
use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate};
use serde::Serialize;

use super::framework::Framework;
use super::win::{format_rfc3339, Kind, Role, Update, Win};
use crate::analyze::metrics::{format_amount, format_change};
use crate::analyze::{Finding, Level, Metric, Rules};
use crate::render::{PhraseEngine, Slots};

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
    #[serde(serialize_with = "as_rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[serde(serialize_with = "as_rfc3339")]
    pub end: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewContext {
    pub name: Option<String>,
    pub title: Option<String>,
    pub framework: FrameworkRef,
    pub period: ReviewPeriod,
    #[serde(serialize_with = "as_rfc3339")]
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

/// Builds the review context for wins inside `period`.
pub fn build(
    wins: &[Win],
    framework: &Framework,
    rules: &Rules,
    phrases: &PhraseEngine,
    period: ReviewPeriod,
    now: DateTime<FixedOffset>,
    options: &ReviewOptions,
) -> Result<ReviewContext> {
    let months = months_of(&period);
    let mut entries: Vec<Rc<WinEntry>> = Vec::with_capacity(wins.len());
    for win in wins {
        entries.push(Rc::new(entry(win, rules, phrases, now, options)?));
    }
    // Oldest first inside a section reads as a story through the period.
    entries.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));

    let section_of = |entry: &WinEntry| -> String {
        entry
            .competencies
            .first()
            .and_then(|key| framework.map_key(key))
            .map_or_else(|| "other".to_string(), |c| c.key.clone())
    };
    let mut sections: Vec<Section> = framework
        .competencies
        .iter()
        .map(|c| Section {
            key: c.key.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            wins: Vec::new(),
            also: Vec::new(),
        })
        .collect();
    sections.push(Section {
        key: "other".into(),
        title: "Other".into(),
        description: "Wins with no competency of this framework.".into(),
        wins: Vec::new(),
        also: Vec::new(),
    });
    let index_of: HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.clone(), i))
        .collect();

    let coverage = coverage(wins, framework, &months);
    let gaps = gaps(&coverage);
    let pending: Vec<PendingEntry> = wins
        .iter()
        .filter(|w| w.stage.is_some_and(|s| s.is_deployed()) && w.current_impact().is_none())
        .map(|w| PendingEntry {
            id: w.id,
            date: day(&w.occurred_at),
            summary: short(&w.text, 90),
            waiting_days: crate::analyze::check::waiting_days(w, now),
        })
        .collect();
    let counts = Counts {
        wins: entries.len(),
        starred: entries.iter().filter(|e| e.starred).count(),
        with_impact: entries.iter().filter(|e| e.impact.is_some()).count(),
        with_numbers: entries.iter().filter(|e| !e.metrics.is_empty()).count(),
        with_business_outcome: entries
            .iter()
            .filter(|e| {
                e.metrics
                    .iter()
                    .any(|m| m.metric.level == Some(Level::Business))
            })
            .count(),
        deployed: wins
            .iter()
            .filter(|w| w.stage.is_some_and(|s| s.is_deployed()))
            .count(),
        pending_impact: pending.len(),
        findings: entries.iter().map(|e| e.findings.len()).sum(),
    };
    let mut month_groups: Vec<MonthGroup> = Vec::new();
    for entry in &entries {
        match month_groups.last_mut() {
            Some(group) if group.month == entry.month => group.wins.push(Rc::clone(entry)),
            _ => month_groups.push(MonthGroup {
                month: entry.month.clone(),
                label: month_label(&entry.month),
                wins: vec![Rc::clone(entry)],
            }),
        }
    }
    let highlights: Vec<Rc<WinEntry>> = {
        let mut starred: Vec<Rc<WinEntry>> =
            entries.iter().filter(|e| e.starred).cloned().collect();
        starred.sort_by(|a, b| b.strength.total_cmp(&a.strength));
        starred
    };
    // Entries move into their sections; months and highlights share them.
    for entry in entries {
        let home = section_of(&entry);
        let home_index = index_of.get(&home).copied().unwrap_or(sections.len() - 1);
        for key in entry.competencies.iter().skip(1) {
            let Some(other) = framework.map_key(key) else {
                continue;
            };
            if other.key == home {
                continue;
            }
            if let Some(&i) = index_of.get(&other.key) {
                let home_title = sections[home_index].title.clone();
                sections[i].also.push(CrossReference {
                    id: entry.id,
                    date: entry.date.clone(),
                    summary: summary(&entry),
                    section: home_title,
                });
            }
        }
        sections[home_index].wins.push(entry);
    }
    if let Some(top) = options.top {
        for section in &mut sections {
            keep_strongest(&mut section.wins, top);
        }
    }
    Ok(ReviewContext {
        name: options.name.clone(),
        title: options.title.clone(),
        framework: FrameworkRef {
            name: framework.name.clone(),
            title: framework.title.clone(),
        },
        recency: recency(wins, &period),
        period,
        generated_at: now,
        counts,
        highlights,
        months: month_groups,
        sections: sections
            .into_iter()
            .filter(|s| s.key != "other" || !s.wins.is_empty())
            .collect(),
        coverage,
        gaps,
        pending,
    })
}

fn entry(
    win: &Win,
    rules: &Rules,
    phrases: &PhraseEngine,
    now: DateTime<FixedOffset>,
    options: &ReviewOptions,
) -> Result<WinEntry> {
    let findings = rules.check_win(win, now);
    let metrics: Vec<MetricEntry> = win
        .metrics
        .iter()
        .map(|m| MetricEntry {
            metric: m.clone(),
            display: m.describe(),
        })
        .collect();
    let mut statement = statement(win, phrases, None)?;
    if let Some(limit) = options.max_chars {
        statement = fit(win, phrases, statement, limit)?;
    }
    Ok(WinEntry {
        id: win.id,
        uid: win.uid.clone(),
        date: day(&win.occurred_at),
        month: month_of(&win.occurred_at),
        text: win.text.clone(),
        polished: win.polished.clone(),
        statement,
        impact: win.current_impact().map(str::to_string),
        next: win.next.clone(),
        kind: win.kind,
        role: win.role,
        stage: win.stage.map(|s| s.to_string()),
        starred: win.starred,
        competencies: win.competencies.clone(),
        tags: win.tags.clone(),
        project: win.project.clone(),
        links: win.links.clone(),
        strength: strength(win),
        metrics,
        updates: win.updates.iter().map(update_entry).collect(),
        findings,
    })
}

fn update_entry(update: &Update) -> UpdateEntry {
    UpdateEntry {
        date: day(&update.at),
        stage: update.stage.map(|s| s.to_string()),
        text: update.text.clone(),
        impact: update.impact.clone(),
        next: update.next.clone(),
    }
}

/// Which parts of a win a statement may use; dropped one by one to fit a limit.
#[derive(Clone, Copy)]
struct Parts {
    next: bool,
    impact: bool,
    pair: bool,
}

const ALL_PARTS: Parts = Parts {
    next: true,
    impact: true,
    pair: true,
};

/// The three-part statement of a win, through its kind's and role's banks.
fn statement(win: &Win, phrases: &PhraseEngine, parts: Option<Parts>) -> Result<String> {
    let parts = parts.unwrap_or(ALL_PARTS);
    let did = did_phrase(win);
    let role_bank = format!("role/{}", win.role.map_or("owned", Role::as_str));
    let mut impact = win
        .current_impact()
        .filter(|_| parts.impact)
        .map(clause)
        .unwrap_or_default();
    let mut did = did;
    let mut slots = Slots::default();
    if parts.pair {
        if let Some(metric) = headline_pair(&win.metrics) {
            let unit = metric.unit.as_deref();
            let change = metric.change_pct.map(format_change).unwrap_or_default();
            // A pair already in the words gets its change beside it, not repeated.
            if let Some(annotated) = annotate(&did, &metric.text, &change) {
                did = annotated;
            } else if let Some(annotated) = annotate(&impact, &metric.text, &change) {
                impact = annotated;
            } else {
                slots.metric = metric.label.clone().unwrap_or_else(|| "the metric".into());
                slots.before = metric
                    .before
                    .map(|v| format_amount(v, unit))
                    .unwrap_or_default();
                slots.after = metric
                    .after
                    .map(|v| format_amount(v, unit))
                    .unwrap_or_default();
                slots.change = change;
            }
        }
    }
    slots.did = did.clone();
    // Roles qualify claimed outcomes ("I led the work that cut…"); the
    // author's own actions ("I interviewed…") are told as they are.
    slots.what = if phrases.claims_outcome(&did) {
        phrases.render(&role_bank, &slots, &win.uid)?
    } else {
        format!("I {did}")
    };
    slots.impact = impact;
    if let Some(business) = win
        .metrics
        .iter()
        .find(|m| m.level == Some(Level::Business))
    {
        slots.business = business.describe();
    }
    if parts.next {
        slots.next = win.next.as_deref().map(clause).unwrap_or_default();
    }
    let kind_bank = format!("kind/{}", win.kind.as_str());
    let text = phrases.render(&kind_bank, &slots, &win.uid)?;
    Ok(tidy(&text))
}

/// Shortens a statement to `limit` characters: drop what's next, then the
/// impact, then the pair's detail; cut words last, never numbers.
fn fit(win: &Win, phrases: &PhraseEngine, full: String, limit: usize) -> Result<String> {
    if full.chars().count() <= limit {
        return Ok(full);
    }
    let has_pair = headline_pair(&win.metrics).is_some();
    let attempts = [
        Parts {
            next: false,
            impact: true,
            pair: true,
        },
        Parts {
            next: false,
            impact: !has_pair,
            pair: true,
        },
        Parts {
            next: false,
            impact: false,
            pair: true,
        },
    ];
    let mut best = full;
    for parts in attempts {
        let candidate = statement(win, phrases, Some(parts))?;
        if candidate.chars().count() < best.chars().count() {
            best = candidate;
        }
        if best.chars().count() <= limit {
            return Ok(best);
        }
    }
    Ok(cut_keeping_numbers(&best, limit))
}

/// Cuts words from the end, keeping every word with a digit in it.
fn cut_keeping_numbers(text: &str, limit: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let numbers: usize = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(|w| w.chars().count() + 1)
        .sum();
    let mut kept: Vec<&str> = Vec::new();
    let mut length = numbers + 1;
    for word in &words {
        let has_digit = word.chars().any(|c| c.is_ascii_digit());
        if has_digit {
            kept.push(word);
            continue;
        }
        if length + word.chars().count() + 1 > limit {
            continue;
        }
        length += word.chars().count() + 1;
        kept.push(word);
    }
    let mut cut = kept.join(" ");
    cut = cut.trim_end_matches([',', ';', ':']).to_string();
    if !cut.ends_with('.') {
        cut.push('…');
    }
    cut
}

/// "from 240ms to 80ms" → "from 240ms to 80ms (−66.7%)", if the text has it.
fn annotate(text: &str, span: &str, change: &str) -> Option<String> {
    if span.is_empty() || !text.contains(span) {
        return None;
    }
    if change.is_empty() {
        return Some(text.to_string());
    }
    Some(text.replacen(span, &format!("{span} ({change})"), 1))
}

/// The polished sentence as a verb phrase: "cut p99 latency from …".
fn did_phrase(win: &Win) -> String {
    let sentence = win.polished.clone().unwrap_or_else(|| win.text.clone());
    let sentence = sentence.trim().trim_end_matches('.').to_string();
    for subject in ["I ", "We "] {
        if let Some(rest) = sentence.strip_prefix(subject) {
            return rest.to_string();
        }
    }
    lower_first(&sentence)
}

/// An impact or next note made to sit inside a sentence.
fn clause(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    lower_first(text.trim().trim_end_matches(['.', ';']))
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    // Keep acronyms and names: "NPS", "MLflow", "Q3".
    let word = text.split_whitespace().next().unwrap_or("");
    if word
        .chars()
        .skip(1)
        .any(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return text.to_string();
    }
    format!("{}{}", first.to_lowercase(), chars.as_str())
}

/// Collapses doubled punctuation a pattern may produce ("…%.." or " ,").
fn tidy(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("..", "."),
        (".;", ";"),
        (";.", "."),
        (" ,", ","),
        (",.", "."),
        ("?.", "?"),
        ("!.", "!"),
    ] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// The pair to headline: business first, then system, then model.
fn headline_pair(metrics: &[Metric]) -> Option<&Metric> {
    metrics
        .iter()
        .filter(|m| m.before.is_some() && m.after.is_some() && m.label.is_some())
        .max_by_key(|m| m.level.map_or(0, |l| l as u8 + 1))
}

/// Evidence strength: stars, impact, numbers, business outcomes, deployment.
fn strength(win: &Win) -> f64 {
    let mut score = 0.0;
    if win.starred {
        score += 3.0;
    }
    if win.current_impact().is_some() {
        score += 2.0;
    }
    if win.metrics.iter().any(|m| m.level == Some(Level::Business)) {
        score += 2.0;
    }
    score += 1.5
        * win
            .metrics
            .iter()
            .filter(|m| m.before.is_some() && m.after.is_some())
            .count()
            .min(2) as f64;
    score += 0.5 * win.metrics.len().min(4) as f64;
    if win.stage.is_some_and(|s| s.is_deployed()) {
        score += 1.0;
    }
    score
}

fn keep_strongest(wins: &mut Vec<Rc<WinEntry>>, top: usize) {
    if wins.len() <= top {
        return;
    }
    let mut ranked: Vec<(usize, f64)> = wins
        .iter()
        .enumerate()
        .map(|(i, w)| (i, w.strength))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let keep: Vec<usize> = ranked.into_iter().take(top).map(|(i, _)| i).collect();
    let mut index = 0;
    wins.retain(|_| {
        let kept = keep.contains(&index);
        index += 1;
        kept
    });
}

/// Wins per competency (every competency a win shows) and per month.
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

pub fn stats(wins: &[Win], framework: &Framework, period: ReviewPeriod) -> Stats {
    let months = months_of(&period);
    let coverage = coverage(wins, framework, &months);
    Stats {
        wins: wins.len(),
        gaps: gaps(&coverage),
        recency: recency(wins, &period),
        coverage,
        period,
    }
}

fn gaps(coverage: &Coverage) -> Gaps {
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
            .filter(|m| m.wins == 0)
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

/// The calendar months a period touches, oldest first (at most 120).
pub fn months_of(period: &ReviewPeriod) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let start = period.start.date_naive();
    let Some(mut month) = NaiveDate::from_ymd_opt(start.year(), start.month(), 1) else {
        return months;
    };
    let end = period.end;
    while months.len() < 120 {
        let month_start = super::dates::start_of_day(month, period.start);
        if month_start >= end {
            break;
        }
        months.push(month);
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    months
}

fn recency(wins: &[Win], period: &ReviewPeriod) -> Recency {
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

fn month_label(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_string(), |d| d.format("%B %Y").to_string())
}

fn summary(entry: &WinEntry) -> String {
    short(&entry.text, 80)
}

fn short(text: &str, width: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= width {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// "2026-03", as `%Y-%m` would print it.
fn month_of(at: &DateTime<FixedOffset>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

fn day(at: &DateTime<FixedOffset>) -> String {
    // NaiveDate displays as %Y-%m-%d without parsing a format string.
    at.date_naive().to_string()
}

fn as_rfc3339<S: serde::Serializer>(
    at: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_rfc3339(at))
}
