//! `win stats`: coverage by competency and month, and recency bias.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, Table};

use crate::app::App;
use crate::cli::{StatsArgs, StatsFormat};
use crate::domain::review::{self, RECENCY_LIMIT};
use crate::output::{self, paint, BOLD, WARN};

pub fn run(app: &App, args: &StatsArgs) -> Result<()> {
    let framework = app.framework()?;
    let (filter, period) = app.review_scope(&args.filter)?;
    let wins = app.open_store()?.list(&filter)?;
    let stats = review::stats(&wins, framework, period, app.now);
    if args.format == StatsFormat::Json {
        return output::print_json(&stats);
    }
    if stats.wins == 0 {
        // Percentages and a table of zeros would only say the same thing.
        output::note(&format!(
            "nothing to count yet: no wins in {} (capture one with win add \"…\", or widen --since / --period)",
            stats.period.label
        ));
        return Ok(());
    }
    let mut table = Table::new();
    table.load_preset(if app.stdout_is_terminal {
        presets::UTF8_HORIZONTAL_ONLY
    } else {
        presets::NOTHING
    });
    let mut header = vec!["competency".to_string()];
    header.extend(
        stats
            .coverage
            .by_month
            .iter()
            .map(|m| m.month[2..].to_string()),
    );
    header.extend(["total".to_string(), "trend".to_string()]);
    table.set_header(header);
    for row in &stats.coverage.by_competency {
        let mut cells = vec![row.key.clone()];
        cells.extend(row.by_month.iter().map(|n| {
            if *n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            }
        }));
        cells.push(row.wins.to_string());
        cells.push(sparkline(&row.by_month));
        table.add_row(cells);
    }
    let mut totals = vec!["all".to_string()];
    totals.extend(stats.coverage.by_month.iter().map(|m| m.wins.to_string()));
    totals.push(stats.wins.to_string());
    totals.push(sparkline(
        &stats
            .coverage
            .by_month
            .iter()
            .map(|m| m.wins)
            .collect::<Vec<_>>(),
    ));
    table.add_row(totals);
    let mut out = output::stdout();
    writeln!(
        out,
        "{} — {}",
        paint(BOLD, &stats.period.label),
        output::count(stats.wins, "win")
    )?;
    writeln!(out, "{table}")?;
    if stats.coverage.by_month.len() == review::MAX_MONTHS
        && stats.coverage.by_month.first().map(|m| m.month.as_str())
            > Some(stats.period.start.format("%Y-%m").to_string().as_str())
    {
        writeln!(
            out,
            "the table shows the last {} months of the period; the totals count all of it",
            review::MAX_MONTHS
        )?;
    }
    let share = stats.recency.last_sixth_share * 100.0;
    if stats.recency.flagged {
        writeln!(out, "{} recency bias: {share:.0}% of the wins fall in the last sixth of the period (over {:.0}%)", paint(WARN, "!"), RECENCY_LIMIT * 100.0)?;
    } else {
        writeln!(
            out,
            "recency: {share:.0}% of the wins fall in the last sixth of the period"
        )?;
    }
    if !stats.gaps.competencies.is_empty() {
        writeln!(
            out,
            "{} no wins for: {}",
            paint(WARN, "!"),
            stats.gaps.competencies.join(", ")
        )?;
    }
    Ok(())
}

/// ▁▂▃▄▅▆▇█ scaled to the busiest month.
fn sparkline(counts: &[usize]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&n| {
            if n == 0 || max == 0 {
                ' '
            } else {
                BARS[((n * 7) / max).min(7)]
            }
        })
        .collect()
}
