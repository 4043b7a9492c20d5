//! The arguments of each MCP tool: their JSON Schema (from the doc comments,
//! which agents read to fill them in) and their conversion to the command
//! line's own argument types, so a tool runs exactly what the CLI runs.

use anyhow::{bail, Result};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::cli::{
    CheckArgs, FilterArgs, ListArgs, ListFormat, PendingArgs, ReportFormat, ScopeArgs, SearchArgs,
    SearchFormat, StatementArgs, UpdateArgs, WinFields,
};
use crate::domain::win::{Kind, Role, Stage};

/// The domain's closed vocabularies as JSON Schema string enums, described
/// by their doc comment (`Kind::ABOUT`): the domain itself knows no schema.
macro_rules! vocabulary_schema {
    ($($name:ident),+) => {$(
        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let words: Vec<&str> = $name::ALL.iter().map(|word| word.as_str()).collect();
                schemars::json_schema!({
                    "description": $name::ABOUT,
                    "type": "string",
                    "enum": words,
                })
            }
        }
    )+};
}

vocabulary_schema!(Kind, Role, Stage);

/// What a listing returns when the agent sets no `limit`: enough to see the
/// recent work, not a whole journal in the context window.
pub const DEFAULT_LIMIT: usize = 50;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddParams {
    /// What the user did, in their words, first person, with the numbers:
    /// "cut p99 scoring latency from 240ms to 80ms by batching features".
    pub text: String,
    /// The outcome it had on the system or the business, when known
    /// ("support tickets about slow pages -40%").
    pub impact: Option<String>,
    /// What was learned, or what comes next.
    pub next: Option<String>,
    /// Competency keys, titles or aliases of the user's framework. Leave it
    /// out to let win infer them from the text.
    #[serde(default)]
    pub competencies: Vec<String>,
    /// Short tags, such as the component or the initiative.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The project's name.
    pub project: Option<String>,
    /// What sort of win it is.
    pub kind: Option<Kind>,
    /// The user's part in it: led, owned, co-led, contributed or supported.
    pub role: Option<Role>,
    /// How far it has travelled towards impact.
    pub stage: Option<Stage>,
    /// When it happened: 2026-03-04, yesterday, friday, "3 days ago". Default: now.
    pub date: Option<String>,
    /// Links to the PR, the dashboard or the doc.
    #[serde(default)]
    pub links: Vec<String>,
    /// Why this is worth recording: the user reads it in their inbox when
    /// deciding whether to accept the win.
    pub why: Option<String>,
}

impl AddParams {
    pub fn fields(&self) -> WinFields {
        WinFields {
            impact: self.impact.clone(),
            next: self.next.clone(),
            competencies: self.competencies.clone(),
            tags: self.tags.clone(),
            project: self.project.clone(),
            date: self.date.clone(),
            kind: self.kind,
            role: self.role,
            stage: self.stage,
            links: self.links.clone(),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateParams {
    /// The win's number (its `id`).
    pub id: i64,
    /// What happened since, in a sentence.
    pub text: Option<String>,
    /// The stage it has reached (measured once the impact is known).
    pub stage: Option<Stage>,
    /// The impact, now that it is known ("conversion +1.8pp in the A/B test").
    pub impact: Option<String>,
    /// What comes next.
    pub next: Option<String>,
    /// When it happened. Default: now.
    pub date: Option<String>,
    /// Why you report it, in a sentence: the user reads it in their inbox.
    pub why: Option<String>,
}

impl UpdateParams {
    pub fn args(self) -> UpdateArgs {
        UpdateArgs {
            id: self.id,
            text: self.text.into_iter().collect(),
            stage: self.stage,
            impact: self.impact,
            next: self.next,
            date: self.date,
            json: true,
        }
    }
}

// Which wins, as `win list`, `win search` and `win review check` choose them
// (a plain comment: a doc comment would become each tool's description).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ScopeParams {
    /// From this date: 2026-03-01, 90d, "last monday", 2026-Q1.
    pub since: Option<String>,
    /// Up to and including this date.
    pub until: Option<String>,
    /// A period instead of since/until: 2026, 2026-Q1, 2026-H1, 2026-03, last-quarter, this-year.
    pub period: Option<String>,
    /// Only wins with any of these competencies.
    #[serde(default)]
    pub competencies: Vec<String>,
    /// Only wins with any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only wins of this project.
    pub project: Option<String>,
    /// Only wins at these stages.
    #[serde(default)]
    pub stages: Vec<Stage>,
    /// Only wins of these kinds.
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// Only starred wins.
    #[serde(default)]
    pub starred: bool,
}

impl ScopeParams {
    fn args(self) -> Result<ScopeArgs> {
        if self.period.is_some() && (self.since.is_some() || self.until.is_some()) {
            bail!("give a period, or since and until, not both");
        }
        Ok(ScopeArgs {
            since: self.since,
            until: self.until,
            period: self.period,
            competencies: self.competencies,
            tags: self.tags,
            project: self.project,
            stages: self.stages,
            kinds: self.kinds,
            starred: self.starred,
        })
    }

    /// With a limit: `DEFAULT_LIMIT` unless the agent gave one.
    fn filter(self, limit: Option<usize>) -> Result<FilterArgs> {
        if limit == Some(0) {
            bail!("limit 0 would list nothing: give 1 or more, or leave it out");
        }
        Ok(FilterArgs {
            scope: self.args()?,
            limit: Some(limit.unwrap_or(DEFAULT_LIMIT)),
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// At most this many wins (default 50).
    pub limit: Option<usize>,
    /// List the wins proposed by agents that wait in the user's inbox instead.
    #[serde(default)]
    pub proposed: bool,
}

impl ListParams {
    pub fn args(self) -> Result<ListArgs> {
        Ok(ListArgs {
            filter: self.scope.filter(self.limit)?,
            format: Some(ListFormat::Json),
            proposed: self.proposed,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchParams {
    /// Words to find (all of them); "quoted words" find a phrase. Stemmed:
    /// "tuning" finds "tuned".
    pub query: String,
    #[serde(flatten)]
    pub scope: ScopeParams,
    /// At most this many wins (default 50).
    pub limit: Option<usize>,
}

impl SearchParams {
    pub fn args(self) -> Result<SearchArgs> {
        Ok(SearchArgs {
            query: vec![self.query],
            filter: self.scope.filter(self.limit)?,
            format: Some(SearchFormat::Json),
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct IdParams {
    /// The win's number (its `id`).
    pub id: i64,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PendingParams {
    /// Only wins that have waited at least this long: 14d, 6w, 2m.
    pub older_than: Option<String>,
}

impl PendingParams {
    pub fn args(self) -> PendingArgs {
        PendingArgs {
            older_than: self.older_than,
            json: true,
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CheckParams {
    #[serde(flatten)]
    pub scope: ScopeParams,
}

impl CheckParams {
    pub fn args(self) -> Result<CheckArgs> {
        Ok(CheckArgs {
            filter: self.scope.args()?,
            format: ReportFormat::Json,
            explain: None,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StatementParams {
    /// The win's number (its `id`).
    pub id: i64,
    /// Shorten the statement to at most this many characters (40 or more),
    /// keeping its numbers: for review forms with a length limit.
    pub max_chars: Option<u16>,
}

impl StatementParams {
    pub fn args(self) -> Result<StatementArgs> {
        if let Some(max) = self.max_chars.filter(|max| *max < 40) {
            bail!("max_chars is {max}: a statement needs at least 40 characters");
        }
        Ok(StatementArgs {
            id: self.id,
            max_chars: self.max_chars,
            json: true,
            rewrite: None,
        })
    }
}
