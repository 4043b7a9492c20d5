//! The win: what a journal entry is, independent of how it is stored or shown.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::analysis::Suggestion;
use super::metric::Metric;

/// A word that is not one of a closed vocabulary's (`--stage shiped`),
/// with the words that are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    /// The vocabulary: "kind", "role", "stage" or "status".
    pub what: &'static str,
    pub text: String,
    pub expected: Vec<&'static str>,
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown {} \"{}\" (expected one of: {})",
            self.what,
            self.text,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownWord {}

/// Declares a closed vocabulary (kind, role, stage) once: its variants, their
/// spelling in JSON and wherever they are typed, and parsing with a helpful
/// error. (The command line and the MCP schemas describe them at their
/// edges: `cli.rs`, `commands/mcp/params.rs`.)
macro_rules! vocabulary {
    ($(#[doc = $about:literal])+ $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $about])+
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// What the vocabulary is (its doc comment, on one line).
            pub const ABOUT: &'static str = concat!($($about),+).trim_ascii();

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownWord;

            fn from_str(text: &str) -> Result<Self, UnknownWord> {
                let wanted = text.trim().to_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == wanted)
                    .ok_or_else(|| UnknownWord {
                        what: $what,
                        text: text.to_string(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect(),
                    })
            }
        }
    };
}

vocabulary! {
    /// What sort of win this is; it chooses the phrase bank of the draft.
    Kind, "kind" {
        Shipped => "shipped",
        Experiment => "experiment",
        NegativeResult => "negative-result",
        Leadership => "leadership",
        Learning => "learning",
        Other => "other",
    }
}

vocabulary! {
    /// The author's part in a shared result; the draft picks honest verbs for it.
    Role, "role" {
        Led => "led",
        Owned => "owned",
        CoLed => "co-led",
        Contributed => "contributed",
        Supported => "supported",
    }
}

vocabulary! {
    /// How far the work has travelled towards impact (the deployment boundary).
    Stage, "stage" {
        Idea => "idea",
        Experiment => "experiment",
        Shipped => "shipped",
        Measured => "measured",
        Adopted => "adopted",
    }
}

vocabulary! {
    /// Whether a win is in the journal, or waits in the inbox for its author
    /// to accept it (a win an agent proposed). Drafts, stats and the
    /// checker's coverage count accepted wins only.
    Status, "status" {
        Accepted => "accepted",
        Proposed => "proposed",
    }
}

/// Where a win came from, when its author did not type it: an agent over
/// MCP, or the miner of git history (`win mine`). `None` on a win typed at
/// the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// What proposed it: "agent" for a win added through `win mcp`.
    pub source: String,
    /// The program's own name for itself (from the MCP handshake), if it gave one.
    #[serde(default)]
    pub client: Option<String>,
    /// Why it was proposed, in the proposer's words.
    #[serde(default)]
    pub why: Option<String>,
    /// The repository `win mine` read it from: its folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// That repository's remote, without credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The commits it stands for, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<String>,
}

/// `Provenance::source` of a win added through `win mcp`.
pub const AGENT_SOURCE: &str = "agent";

/// `Provenance::source` of a win `win mine` read from git history.
pub const GIT_SOURCE: &str = "git";

impl Stage {
    /// Shipped or later: the work crossed the deployment boundary.
    pub fn is_deployed(self) -> bool {
        self >= Stage::Shipped
    }
}

/// Whether the competencies of a win were chosen by its author or inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CompetencySource {
    User,
    Inferred,
    #[default]
    None,
}

impl CompetencySource {
    pub fn as_str(self) -> &'static str {
        match self {
            CompetencySource::User => "user",
            CompetencySource::Inferred => "inferred",
            CompetencySource::None => "none",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "user" => CompetencySource::User,
            "inferred" => CompetencySource::Inferred,
            _ => CompetencySource::None,
        }
    }
}

/// A dated follow-up on a win: the outcome of ML work arrives months later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// To the millisecond when it has one: follow-ups recorded within one
    /// second (a script, an agent) keep the order they were made in, on
    /// every device the timeline syncs to.
    #[serde(serialize_with = "rfc3339_precise", deserialize_with = "rfc3339_in")]
    pub at: DateTime<FixedOffset>,
    #[serde(default)]
    pub stage: Option<Stage>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub next: Option<String>,
}

/// A stored win: its number in this journal and its content, in the JSON
/// shape shared by `--json`, export and import (`id` first, then the rest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Win {
    pub id: i64,
    #[serde(flatten)]
    pub entry: NewWin,
}

impl std::ops::Deref for Win {
    type Target = NewWin;

    fn deref(&self) -> &NewWin {
        &self.entry
    }
}

impl std::ops::DerefMut for Win {
    fn deref_mut(&mut self) -> &mut NewWin {
        &mut self.entry
    }
}

/// A win's content: everything but the number the journal gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewWin {
    pub uid: String,
    #[serde(serialize_with = "rfc3339")]
    pub occurred_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: DateTime<FixedOffset>,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polished: Option<String>,
    /// The person's own statement of the win (`win edit ID --statement`):
    /// drafts, `review statement` and agents use it over the generated one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    pub impact: Option<String>,
    pub next: Option<String>,
    pub kind: Kind,
    pub role: Option<Role>,
    pub stage: Option<Stage>,
    pub starred: bool,
    pub competencies: Vec<String>,
    pub competency_source: CompetencySource,
    /// An inferred competency the model was unsure of (the best score was
    /// low, or the second close behind): the capture asked, and `review
    /// check` lists it until the person confirms one (`win edit ID -c`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub competency_unsure: bool,
    pub suggestions: Vec<Suggestion>,
    pub tags: Vec<String>,
    pub project: Option<String>,
    pub links: Vec<String>,
    pub metrics: Vec<Metric>,
    pub updates: Vec<Update>,
    pub status: Status,
    pub provenance: Option<Provenance>,
}

impl NewWin {
    /// A blank win with a fresh time-ordered uid, occurring and created `now`.
    pub fn new(text: String, now: DateTime<FixedOffset>) -> Self {
        NewWin {
            uid: new_uid(now),
            occurred_at: now,
            created_at: now,
            updated_at: now,
            text,
            polished: None,
            statement: None,
            impact: None,
            next: None,
            kind: Kind::Other,
            role: None,
            stage: None,
            starred: false,
            competencies: Vec::new(),
            competency_source: CompetencySource::None,
            competency_unsure: false,
            suggestions: Vec::new(),
            tags: Vec::new(),
            project: None,
            links: Vec::new(),
            metrics: Vec::new(),
            updates: Vec::new(),
            status: Status::Accepted,
            provenance: None,
        }
    }

    /// What `--dry-run` shows: the win as it would be stored, without an id.
    pub fn preview(&self) -> Win {
        self.clone().into_win(0)
    }

    pub fn into_win(self, id: i64) -> Win {
        Win { id, entry: self }
    }

    /// Every field the analysis reads: the text, impact and next step, and
    /// each follow-up's text and impact (metrics are measured from them all,
    /// so an analyser prepared for the text alone would miss a unit only a
    /// follow-up uses).
    pub fn analysed_words(&self) -> Vec<Option<&str>> {
        let mut parts = vec![
            Some(self.text.as_str()),
            self.impact.as_deref(),
            self.next.as_deref(),
        ];
        for later in &self.updates {
            parts.push(later.text.as_deref());
            parts.push(later.impact.as_deref());
        }
        parts
    }

    /// The recorded impact, if any (`win update --impact` keeps it current).
    pub fn current_impact(&self) -> Option<&str> {
        self.impact
            .as_deref()
            .filter(|text| !text.trim().is_empty())
    }
}

impl Win {
    pub fn into_new(self) -> NewWin {
        self.entry
    }
}

/// win's own namespace for name-based uids.
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5f1c_9a4e_2b7d_4c1a_9e3f_6d8b_0a2c_4e71);

/// The uid of a piece of work `win mine` found: from the repository (its
/// first commit, the same in every clone) and the commit that stands for
/// the work, so mining again, anywhere, finds the same proposal.
pub fn mined_uid(first_commit: &str, work: &str) -> String {
    let name = format!("git\n{first_commit}\n{work}");
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// A UUID v7: time-ordered, so journals from two machines merge cleanly.
pub fn new_uid(now: DateTime<FixedOffset>) -> String {
    let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
    let nanos = now.timestamp_subsec_nanos();
    let stamp = uuid::Timestamp::from_unix(uuid::NoContext, seconds, nanos);
    // The clock may be fixed (WIN_NOW), so the random tail keeps uids unique.
    uuid::Uuid::new_v7(stamp).to_string()
}

/// The uid of a record that came without one (a jrnl entry, a CSV row):
/// derived from when it happened and what it says (a name-based UUID), so
/// importing the same file twice finds the same wins instead of adding them
/// again. Two entries with the same time and text are the same win.
pub fn derived_uid(occurred_at: Option<&DateTime<FixedOffset>>, text: &str) -> String {
    let when = occurred_at
        .map(|at| format!("{}.{:09}", at.timestamp(), at.timestamp_subsec_nanos()))
        .unwrap_or_default();
    let name = format!("{when}\n{text}");
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// Normalises tags: split comma lists, trim, lowercase, drop empties and repeats.
pub fn normalize_tags<I, S>(raw: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut tags: Vec<String> = Vec::new();
    // Seen tags in a set: a list searched for each one is quadratic, and
    // a pasted list of thousands would stall before any limit is checked.
    let mut seen = std::collections::HashSet::new();
    for item in raw {
        for part in item.as_ref().split(',') {
            let tag = part.trim().trim_start_matches('#').trim().to_lowercase();
            if !tag.is_empty() && seen.insert(tag.clone()) {
                tags.push(tag);
            }
        }
    }
    tags
}

/// Trims text and turns an empty answer into "not given".
pub fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// RFC 3339 to the second, `Z` for UTC: the one way win writes a time.
pub fn format_rfc3339(at: &DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// RFC 3339 with milliseconds when the time has any ("…T10:04:23.120Z"),
/// else to the second like [`format_rfc3339`].
pub fn format_rfc3339_precise(at: &DateTime<FixedOffset>) -> String {
    if at.timestamp_subsec_millis() == 0 {
        format_rfc3339(at)
    } else {
        at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// `serialize_with` for a time to the millisecond ([`format_rfc3339_precise`]).
pub fn rfc3339_precise<S: Serializer>(
    at: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_rfc3339_precise(at))
}

/// `serialize_with` for a time, as RFC 3339 with the offset it was recorded in.
pub fn rfc3339<S: Serializer>(
    at: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_rfc3339(at))
}

/// Reads an RFC 3339 time: the strict form first, which chrono parses many
/// times faster (an import reads three a win), then chrono's relaxed one,
/// which also takes a space for the `T`.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).or_else(|_| text.parse())
}

/// Why `text` is not a time win can store, and how to write it: a time
/// without an offset (or a bare date) is named as such, with the form that
/// works, instead of chrono's "premature end of input". The value is shown
/// escaped, so an unprintable one is not shown as "".
pub fn describe_bad_time(text: &str) -> String {
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| chrono::NaiveDateTime::parse_from_str(text.trim(), format).ok());
    if let Some(naive) = naive {
        let written = naive.format("%Y-%m-%dT%H:%M:%S");
        return format!(
            "time {text:?} has no UTC offset: add one, as in {written}+01:00, or write it in UTC as {written}Z"
        );
    }
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return format!(
            "time {text:?} is a date without a time and offset: write it as in {day}T00:00:00+01:00, or in UTC as {day}T00:00:00Z"
        );
    }
    match parse_rfc3339(text).map_err(|err| err.kind()) {
        Err(
            chrono::format::ParseErrorKind::OutOfRange | chrono::format::ParseErrorKind::Impossible,
        ) => {
            format!("time {text:?} is not a real date and time")
        }
        _ => format!("time {text:?} is not an RFC 3339 time such as 2026-11-21T17:05:00+01:00"),
    }
}

/// `deserialize_with` for a required time.
pub fn rfc3339_in<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<FixedOffset>, D::Error> {
    deserializer.deserialize_str(Rfc3339Visitor)
}

/// `deserialize_with` for a time that may be null or missing (with
/// `#[serde(default)]`).
pub fn rfc3339_in_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    deserializer.deserialize_option(OptionalRfc3339)
}

struct Rfc3339Visitor;

struct OptionalRfc3339;

impl<'de> de::Visitor<'de> for Rfc3339Visitor {
    type Value = DateTime<FixedOffset>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an RFC 3339 time such as 2026-11-21T17:05:00+01:00")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse_rfc3339(text).map_err(|_| E::custom(describe_bad_time(text)))
    }
}

impl<'de> de::Visitor<'de> for OptionalRfc3339 {
    type Value = Option<DateTime<FixedOffset>>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an RFC 3339 time or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        rfc3339_in(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_without_uid_gets_the_same_uid_every_time() {
        let at = DateTime::parse_from_rfc3339("2026-03-04T09:30:00+01:00").unwrap();
        let same_instant = DateTime::parse_from_rfc3339("2026-03-04T08:30:00Z").unwrap();
        let uid = derived_uid(Some(&at), "cut p99 latency");
        assert_eq!(uid, derived_uid(Some(&same_instant), "cut p99 latency"));
        assert!(uuid::Uuid::parse_str(&uid).is_ok());
        assert_ne!(uid, derived_uid(Some(&at), "cut p95 latency"));
        assert_ne!(uid, derived_uid(None, "cut p99 latency"));
        assert_eq!(derived_uid(None, "x"), derived_uid(None, "x"));
    }

    #[test]
    fn vocabularies_parse_their_own_spelling_and_reject_others() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>().unwrap(), *kind);
        }
        assert_eq!(
            "Negative-Result".parse::<Kind>().unwrap(),
            Kind::NegativeResult
        );
        let err = "shiped".parse::<Stage>().unwrap_err();
        assert_eq!((err.what, err.text.as_str()), ("stage", "shiped"));
        assert_eq!(err.expected.len(), Stage::ALL.len());
        let err = err.to_string();
        assert!(err.contains("unknown stage \"shiped\""), "{err}");
        assert!(err.contains("shipped"), "{err}");
    }

    #[test]
    fn a_vocabulary_is_described_by_its_doc_comment_on_one_line() {
        assert_eq!(
            Kind::ABOUT,
            "What sort of win this is; it chooses the phrase bank of the draft."
        );
        assert!(Status::ABOUT.starts_with("Whether a win is in the journal"));
        assert!(!Status::ABOUT.contains('\n') && !Status::ABOUT.contains("  "));
    }

    #[test]
    fn stages_are_ordered_along_the_deployment_boundary() {
        assert!(!Stage::Experiment.is_deployed());
        assert!(Stage::Shipped.is_deployed());
        assert!(Stage::Adopted.is_deployed());
    }

    #[test]
    fn tags_split_trim_lowercase_and_dedupe() {
        let tags = normalize_tags(["Ranker, scoring", " #ranker", "", "latency,,"]);
        assert_eq!(tags, vec!["ranker", "scoring", "latency"]);
    }

    #[test]
    fn uids_are_unique_under_a_fixed_clock() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap();
        assert_ne!(new_uid(now), new_uid(now));
    }
}
