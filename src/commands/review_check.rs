//! `win review check`: what is weak or missing, per win and per competency.

use std::io::Write;
use std::rc::Rc;

use anyhow::{anyhow, Result};
use serde::Serialize;

use crate::analyze::check::RULE_IDS;
use crate::analyze::Rules;
use crate::app::App;
use crate::cli::{CheckArgs, ReportFormat};
use crate::domain::review::{
    CompetencyCoverage, Gaps, PendingEntry, Recency, ReviewOptions, ReviewPeriod, WinEntry,
};
use crate::output::{self, paint, BOLD, DIM, WARN};

/// What the checker found, as `--format json` prints it.
#[derive(Serialize)]
pub struct Report {
    period: ReviewPeriod,
    wins: Vec<Rc<WinEntry>>,
    competencies: Vec<CompetencyCoverage>,
    gaps: Gaps,
    recency: Recency,
    pending: Vec<PendingEntry>,
    /// How many wins were checked.
    #[serde(skip)]
    checked: usize,
}

pub fn run(app: &App, args: &CheckArgs) -> Result<()> {
    if let Some(rule) = &args.explain {
        return explain(&app.rules()?, rule, args.format);
    }
    let report = report(app, args)?;
    if args.format == ReportFormat::Json {
        return output::print_json(&report);
    }
    print(&report)
}

/// Checks the period's accepted wins (shared with `win mcp`): the wins with
/// findings, oldest first, and the coverage, gaps and recency of the period.
pub fn report(app: &App, args: &CheckArgs) -> Result<Report> {
    let rules = app.rules()?;
    let framework = app.framework()?;
    let (filter, period) = app.review_scope(&args.filter)?;
    let wins = app.open_store()?.list(&filter)?;
    let context = crate::render::review::build(
        &wins,
        framework,
        &rules,
        &app.templates().statement_engine()?,
        period,
        app.now,
        &ReviewOptions::default(),
    )?;
    let mut flagged: Vec<Rc<WinEntry>> = context
        .sections
        .iter()
        .flat_map(|s| s.wins.iter().cloned())
        .filter(|w| !w.findings.is_empty())
        .collect();
    flagged.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    Ok(Report {
        period: context.period,
        wins: flagged,
        competencies: context.coverage.by_competency,
        gaps: context.gaps,
        recency: context.recency,
        pending: context.pending,
        checked: wins.len(),
    })
}

fn print(report: &Report) -> Result<()> {
    let mut out = output::stdout();
    writeln!(
        out,
        "{} — {} checked, {} with findings",
        paint(BOLD, &report.period.label),
        output::count(report.checked, "win"),
        report.wins.len()
    )?;
    for win in &report.wins {
        writeln!(
            out,
            "\n{} {} {}",
            paint(output::ID, &format!("#{}", win.id)),
            paint(DIM, &win.date),
            crate::domain::text::shorten(&output::clean(&win.text, false), 90)
        )?;
        for finding in &win.findings {
            writeln!(
                out,
                "  {} {} ({}): {}",
                paint(WARN, "!"),
                finding.message,
                finding.rule,
                finding.suggestion
            )?;
        }
    }
    writeln!(out, "\n{}", paint(BOLD, "By competency"))?;
    for row in &report.competencies {
        let marker = if row.wins == 0 {
            paint(WARN, "  no wins")
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {:<34} {:>3} {:<5} {:>3} with numbers, {:>3} with impact{marker}",
            row.title,
            row.wins,
            format!("{},", output::plural(row.wins, "win")),
            row.with_numbers,
            row.with_impact
        )?;
    }
    if !report.gaps.months.is_empty() {
        writeln!(
            out,
            "\nMonths with no wins: {}",
            report.gaps.months.join(", ")
        )?;
    }
    if report.recency.flagged {
        writeln!(
            out,
            "\n{} {:.0}% of the wins fall in the last sixth of the period (recency bias): look back for earlier work.",
            paint(WARN, "!"),
            report.recency.last_sixth_share * 100.0
        )?;
    }
    Ok(())
}

fn explain(rules: &Rules, id: &str, format: ReportFormat) -> Result<()> {
    let rule = rules
        .rules
        .get(id)
        .ok_or_else(|| anyhow!("unknown rule \"{id}\" (rules: {})", RULE_IDS.join(", ")))?;
    if format == ReportFormat::Json {
        return output::print_json(rule);
    }
    let mut out = output::stdout();
    writeln!(out, "{}: {}", paint(BOLD, id), rule.message)?;
    writeln!(out, "  fix:    {}", rule.suggestion)?;
    writeln!(out, "  weak:   {}", rule.weak)?;
    writeln!(out, "  strong: {}", rule.strong)?;
    Ok(())
}
