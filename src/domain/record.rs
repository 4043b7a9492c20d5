//! A win as it arrives from outside (import, the sample journal): the JSON
//! shape `--json` prints, where only `text` is required.

use anyhow::{bail, Result};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use super::analysis::Suggestion;
use super::metric::Metric;
use super::win::{
    derived_uid, non_empty, normalize_tags, rfc3339_in_opt, CompetencySource, Kind, NewWin,
    Provenance, Role, Stage, Status, Update,
};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinRecord {
    /// The id on the machine it came from; ids are local, so it is ignored.
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub uid: Option<String>,
    #[serde(default, deserialize_with = "rfc3339_in_opt")]
    pub occurred_at: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "rfc3339_in_opt")]
    pub created_at: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "rfc3339_in_opt")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    pub text: String,
    #[serde(default)]
    pub polished: Option<String>,
    /// The person's own statement, if they wrote one.
    #[serde(default)]
    pub statement: Option<String>,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub stage: Option<Stage>,
    #[serde(default)]
    pub starred: Option<bool>,
    #[serde(default)]
    pub competencies: Vec<String>,
    #[serde(default)]
    pub competency_source: Option<CompetencySource>,
    #[serde(default)]
    pub competency_unsure: Option<bool>,
    #[serde(default)]
    pub suggestions: Option<Vec<Suggestion>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub metrics: Option<Vec<Metric>>,
    #[serde(default)]
    pub updates: Vec<Update>,
    /// Accepted unless the record says it waits in the inbox.
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub provenance: Option<Provenance>,
}

impl WinRecord {
    /// A record with only its text, for importers to fill in.
    pub fn with_text(text: String) -> WinRecord {
        WinRecord {
            id: None,
            uid: None,
            occurred_at: None,
            created_at: None,
            updated_at: None,
            text,
            polished: None,
            statement: None,
            impact: None,
            next: None,
            kind: None,
            role: None,
            stage: None,
            starred: None,
            competencies: Vec::new(),
            competency_source: None,
            competency_unsure: None,
            suggestions: None,
            tags: Vec::new(),
            project: None,
            links: Vec::new(),
            metrics: None,
            updates: Vec::new(),
            status: None,
            provenance: None,
        }
    }

    /// A win ready to store; a missing time means `now`, a missing uid one
    /// derived from the time and text given (see `derived_uid`).
    pub fn into_new(self, now: DateTime<FixedOffset>) -> Result<NewWin> {
        let text = self.text.trim().to_string();
        if text.is_empty() {
            bail!("the win's text is empty");
        }
        // One spelling for one UUID (lowercase, hyphenated, as win writes
        // them): the same uid in capitals is the same win, not a second one.
        let uid = match self.uid.map(|u| u.trim().to_string()) {
            Some(uid) if uid.is_empty() => derived_uid(self.occurred_at.as_ref(), &text),
            Some(uid) => match uuid::Uuid::parse_str(&uid) {
                Ok(parsed) => parsed.hyphenated().to_string(),
                Err(_) => bail!("uid {uid:?} is not a UUID"),
            },
            None => derived_uid(self.occurred_at.as_ref(), &text),
        };
        let occurred_at = self.occurred_at.unwrap_or(now);
        let competencies: Vec<String> = self
            .competencies
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let competency_source = match self.competency_source {
            Some(source) => source,
            None if competencies.is_empty() => CompetencySource::None,
            None => CompetencySource::User,
        };
        let mut updates = self.updates;
        updates.sort_by_key(|u| u.at);
        Ok(NewWin {
            uid,
            occurred_at,
            created_at: self.created_at.unwrap_or(now),
            updated_at: self.updated_at.unwrap_or(now),
            text,
            polished: non_empty(self.polished),
            statement: non_empty(self.statement),
            impact: non_empty(self.impact),
            next: non_empty(self.next),
            kind: self.kind.unwrap_or(Kind::Other),
            role: self.role,
            stage: self.stage,
            starred: self.starred.unwrap_or(false),
            competencies,
            // Only an inferred competency can be an unsure one.
            competency_unsure: competency_source == CompetencySource::Inferred
                && self.competency_unsure.unwrap_or(false),
            competency_source,
            suggestions: self.suggestions.unwrap_or_default(),
            tags: normalize_tags(&self.tags),
            project: non_empty(self.project),
            links: self.links,
            metrics: self.metrics.unwrap_or_default(),
            updates,
            status: self.status.unwrap_or(Status::Accepted),
            provenance: self.provenance,
        })
    }

    /// Whether the analysis fields came with the record (an export of win)
    /// or must be derived (a hand-written or foreign record).
    pub fn has_analysis(&self) -> bool {
        self.metrics.is_some() && self.suggestions.is_some()
    }
}

/// The CSV header: the win's fields, multi-valued ones joined with ";".
pub const CSV_HEADER: [&str; 17] = [
    "id",
    "uid",
    "occurred_at",
    "created_at",
    "updated_at",
    "text",
    "polished",
    "impact",
    "next",
    "kind",
    "role",
    "stage",
    "starred",
    "competencies",
    "competency_source",
    "tags",
    "project",
];

/// What a spreadsheet reads as the start of a formula (OWASP's CSV
/// injection list): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell that no spreadsheet runs as a formula: a cell that would start
/// one gets a leading `'`, which spreadsheets show as "text follows". So
/// that [`csv_cell_text`] can tell the two apart, a cell that already starts
/// with quotes before a formula character gets one more.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.trim_start_matches('\'').starts_with(FORMULA_START) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The text a [`csv_cell`] was made from: one leading `'` before quotes and
/// a formula character is removed; anything else is kept as it is.
pub fn csv_cell_text(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// A list (tags, competencies) as one CSV cell: items joined by `;`, with
/// a `;` or `\` inside an item escaped by a `\`, so that [`csv_list_items`]
/// gives back exactly the items written (a tag "a;b" used to come back as
/// two tags).
pub fn csv_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| item.replace('\\', "\\\\").replace(';', "\\;"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The items of a [`csv_list`] cell, trimmed, empty ones left out. A `\`
/// before anything but `;` or `\` is kept as it is, so a hand-written cell
/// with a lone backslash reads as typed.
pub fn csv_list_items(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(';' | '\\')) => {
                item.extend(chars.next());
            }
            ';' => items.push(std::mem::take(&mut item)),
            c => item.push(c),
        }
    }
    items.push(item);
    items
        .into_iter()
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_in_a_csv_cell_read_back_exactly() {
        let lists: [&[&str]; 6] = [
            &["a;b", "c"],
            &["x\\", ";"],
            &["back\\slash", "semi;colon;", "\\;"],
            &["plain"],
            &[],
            &["p99", "ml-ops"],
        ];
        for list in lists {
            let items: Vec<String> = list.iter().map(|s| (*s).to_string()).collect();
            assert_eq!(csv_list_items(&csv_list(&items)), items, "{list:?}");
        }
        // Cells written by hand (or by an older win) read as before.
        assert_eq!(csv_list_items("x; y ;;z"), ["x", "y", "z"]);
        assert_eq!(csv_list_items(r"C:\temp;a\b"), [r"C:\temp", r"a\b"]);
    }

    #[test]
    fn formula_cells_are_neutralised_and_read_back_exactly() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(csv_cell("-40% tickets"), "'-40% tickets");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("shipped it"), "shipped it");
        assert_eq!(csv_cell("it's =fine"), "it's =fine");
        for text in [
            "=1+1", "+1", "-", "@", "\t=", "\r\n", "'=1+1", "''-x", "'", "''", "'plain", "",
            "plain", "a=b", " =1",
        ] {
            assert_eq!(csv_cell_text(&csv_cell(text)), text, "{text:?}");
            // What reaches a spreadsheet never starts a formula.
            assert!(!csv_cell(text).starts_with(FORMULA_START), "{text:?}");
        }
    }
}
