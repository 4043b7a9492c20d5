//! A win as it arrives from outside (import, the sample journal): the JSON
//! shape of DESIGN.md, where only `text` is required.

use anyhow::{bail, Result};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use super::analysis::Suggestion;
use super::metric::Metric;
use super::win::{
    new_uid, non_empty, normalize_tags, rfc3339_in_opt, CompetencySource, Kind, NewWin, Role,
    Stage, Update,
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
            impact: None,
            next: None,
            kind: None,
            role: None,
            stage: None,
            starred: None,
            competencies: Vec::new(),
            competency_source: None,
            suggestions: None,
            tags: Vec::new(),
            project: None,
            links: Vec::new(),
            metrics: None,
            updates: Vec::new(),
        }
    }

    /// A win ready to store; a missing time means `now`, a missing uid a new one.
    pub fn into_new(self, now: DateTime<FixedOffset>) -> Result<NewWin> {
        let text = self.text.trim().to_string();
        if text.is_empty() {
            bail!("the win's text is empty");
        }
        let occurred_at = self.occurred_at.unwrap_or(now);
        let uid = match self.uid.map(|u| u.trim().to_string()) {
            Some(uid) if uuid::Uuid::parse_str(&uid).is_ok() => uid,
            Some(uid) if !uid.is_empty() => bail!("uid \"{uid}\" is not a UUID"),
            _ => new_uid(occurred_at),
        };
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
            impact: non_empty(self.impact),
            next: non_empty(self.next),
            kind: self.kind.unwrap_or(Kind::Other),
            role: self.role,
            stage: self.stage,
            starred: self.starred.unwrap_or(false),
            competencies,
            competency_source,
            suggestions: self.suggestions.unwrap_or_default(),
            tags: normalize_tags(&self.tags),
            project: non_empty(self.project),
            links: self.links,
            metrics: self.metrics.unwrap_or_default(),
            updates,
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
