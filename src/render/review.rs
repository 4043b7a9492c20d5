//! Builds the review context for a period: each win's entry with its
//! statement and findings, sections in framework order, cross-references,
//! months, highlights. Pure: wins, the framework, the checker, the phrase
//! engine and `now` come in as arguments.

use std::collections::HashMap;
use std::rc::Rc;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};

use super::statement::StatementEngine;
use crate::analyze::Rules;
use crate::domain::dates::{day, month_of};
use crate::domain::framework::Framework;
use crate::domain::metric::Level;
use crate::domain::review::*;
use crate::domain::text::{sentence_start, shorten};
use crate::domain::win::{Update, Win};

/// Builds the review context for wins inside `period`.
pub fn build(
    wins: &[Win],
    framework: &Framework,
    rules: &Rules,
    statements: &StatementEngine,
    period: ReviewPeriod,
    now: DateTime<FixedOffset>,
    options: &ReviewOptions,
) -> Result<ReviewContext> {
    let months = months_of(&period);
    let mut entries: Vec<Rc<WinEntry>> = Vec::with_capacity(wins.len());
    for win in wins {
        entries.push(Rc::new(entry(win, rules, statements, now, options)?));
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
    let gaps = gaps(&coverage, now);
    let pending: Vec<PendingEntry> = wins
        .iter()
        .filter(|w| crate::analyze::outcome::awaits_outcome(w))
        .map(|w| PendingEntry {
            id: w.id,
            date: day(&w.occurred_at),
            summary: sentence_start(&shorten(&w.text, 90)),
            waiting_days: crate::analyze::outcome::waiting_days(w, now),
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
            .filter(|w| {
                w.stage
                    .is_some_and(super::super::domain::win::Stage::is_deployed)
            })
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
            // Two of a win's competencies can map to one section: name it once.
            let Some(&i) = index_of.get(&other.key) else {
                continue;
            };
            if !sections[i].also.iter().any(|also| also.id == entry.id) {
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

/// One win as a draft shows it: its statement, metrics, timeline and findings.
pub fn entry(
    win: &Win,
    rules: &Rules,
    statements: &StatementEngine,
    now: DateTime<FixedOffset>,
    options: &ReviewOptions,
) -> Result<WinEntry> {
    let mut findings = rules.check_win(win, now);
    let metrics: Vec<MetricEntry> = win
        .metrics
        .iter()
        .map(|m| MetricEntry {
            metric: m.clone(),
            display: m.describe(),
        })
        .collect();
    let assessment = statements.assess(win);
    if assessment.is_unclear() {
        findings.extend(rules.unclear_statement(win.id));
    }
    let mut statement = assessment.statement;
    if let Some(limit) = options.max_chars {
        statement = statements.fit(win, statement, limit);
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
        competency_source: win.competency_source,
        competency_unsure: win.competency_unsure,
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
    if win
        .stage
        .is_some_and(super::super::domain::win::Stage::is_deployed)
    {
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
