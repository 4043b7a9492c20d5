//! A number found in a win, as stored and shown: its value or before/after
//! pair, unit, change, direction and place in the impact chain.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// Where a number sits in the impact chain: model → system → business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Model,
    System,
    Business,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Model => "model",
            Level::System => "system",
            Level::Business => "business",
        }
    }
}

/// One quantity found in a win, as in the JSON shape `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// The words it was read from.
    pub text: String,
    pub label: Option<String>,
    /// A lone quantity ("12 dashboards", "by 35%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub unit: Option<String>,
    /// Relative change in percent, units normalised first (7h → 50min is −88.1).
    pub change_pct: Option<f64>,
    pub direction: Option<Direction>,
    pub better: Option<bool>,
    pub level: Option<Level>,
    /// `before` as the note wrote it, when that was in another unit than
    /// `unit` ("6h" of "6h → 45m", whose `before` is 360 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_before: Option<Amount>,
}

/// A number and its unit, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub value: f64,
    pub unit: Option<String>,
}

impl Metric {
    /// A short human reading: "p99 latency 240ms → 80ms (−66.7%)".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(label) = &self.label {
            parts.push(label.clone());
        }
        let unit = self.unit.as_deref();
        match (self.before, self.after) {
            (Some(before), Some(after)) => {
                parts.push(format!(
                    "{} → {}",
                    format_amount(before, unit),
                    format_amount(after, unit)
                ));
            }
            (Some(before), None) => parts.push(format!("from {}", format_amount(before, unit))),
            _ => {
                // "+2.3%" is a change and nothing else: said once, as
                // "conversion +2.3%", not "conversion 2.3% (+2.3%)".
                if let (Some(value), Some(change)) = (self.value, self.change_pct) {
                    if unit == Some("%") && (value.abs() - change.abs()).abs() < 1e-9 {
                        parts.push(format_change(change));
                        return parts.join(" ");
                    }
                }
                if let Some(value) = self.value {
                    parts.push(format_amount(value, unit));
                }
            }
        }
        if let Some(change) = self.change_pct {
            parts.push(format!("({})", format_change(change)));
        }
        parts.join(" ")
    }
}

/// "78%", "$1.2M", "240ms", "4 points", "3×", "1 day", "12".
pub fn format_amount(value: f64, unit: Option<&str>) -> String {
    let one = (value - 1.0).abs() < f64::EPSILON;
    match unit {
        Some(symbol @ ("$" | "€" | "£")) => format!("{symbol}{}", format_money(value)),
        Some("%") => format!("{}%", format_number(value)),
        Some("×") => format!("{}×", format_number(value)),
        Some(unit) if is_compact_unit(unit) => format!("{}{unit}", format_number(value)),
        Some(unit) if one && unit.ends_with('s') => format!("1 {}", &unit[..unit.len() - 1]),
        Some(unit) => format!("{} {unit}", format_number(value)),
        None => format_number(value),
    }
}

fn is_compact_unit(unit: &str) -> bool {
    matches!(
        unit,
        "µs" | "ms" | "s" | "min" | "h" | "d" | "pp" | "GB" | "TB" | "MB"
    )
}

/// A signed percentage with a real minus sign: "+16.7%", "−66.7%".
pub fn format_change(change: f64) -> String {
    let sign = if change < 0.0 { "−" } else { "+" };
    format!("{sign}{}%", format_number(change.abs()))
}

/// As written where possible: up to three decimals below 10 ("0.78"),
/// one above, no trailing zeros, thousands separated.
pub fn format_number(value: f64) -> String {
    let decimals = if value.abs() < 10.0 { 3 } else { 1 };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    group_thousands(&text)
}

fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (whole, fraction) = rest
        .split_once('.')
        .map_or((rest, None), |(w, f)| (w, Some(f)));
    if whole.len() <= 4 {
        return text.to_string();
    }
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// "$1.2M", "$450K", "$7K", "$800".
pub fn format_money(value: f64) -> String {
    let abs = value.abs();
    let (scaled, suffix) = if abs >= 1e9 {
        (value / 1e9, "B")
    } else if abs >= 1e6 {
        (value / 1e6, "M")
    } else if abs >= 1e3 {
        (value / 1e3, "K")
    } else {
        (value, "")
    };
    let number = format!("{scaled:.2}");
    let number = number.trim_end_matches('0').trim_end_matches('.');
    format!("{number}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::Metric;

    fn metric(
        value: Option<f64>,
        before: Option<f64>,
        after: Option<f64>,
        change: Option<f64>,
    ) -> Metric {
        Metric {
            label: Some("conversion".into()),
            value,
            before,
            after,
            unit: Some("%".into()),
            change_pct: change,
            text: String::new(),
            direction: None,
            better: None,
            level: None,
            written_before: None,
        }
    }

    #[test]
    fn a_change_alone_is_said_once() {
        assert_eq!(
            metric(Some(2.3), None, None, Some(2.3)).describe(),
            "conversion +2.3%"
        );
        assert_eq!(
            metric(Some(40.0), None, None, Some(-40.0)).describe(),
            "conversion −40%"
        );
        // A level with a change beside it, and a pair, keep both numbers.
        assert_eq!(
            metric(Some(12.0), None, None, Some(4.0)).describe(),
            "conversion 12% (+4%)"
        );
        assert_eq!(
            metric(None, Some(2.0), Some(3.0), Some(50.0)).describe(),
            "conversion 2% → 3% (+50%)"
        );
    }
}
