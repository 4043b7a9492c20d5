//! Sync's rules, pure: the hybrid logical clock, the change records that
//! devices exchange, and how a record merges into a win.
//!
//! - Fields merge group by group: the write with the later clock wins,
//!   whichever device made it and in whatever order records arrive.
//! - The timeline of updates is a union: no follow-up is ever lost.
//! - A delete wins: once any device deletes a win, every device deletes
//!   it, and records for it made elsewhere (edits, follow-ups, even an
//!   import of the same uid) are ignored. A win is deleted on purpose,
//!   sometimes because it should never have been written down; bringing it
//!   back because a second machine had touched it would undo that.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::record::WinRecord;
use super::win::{NewWin, Update};

/// The version of the record format this build writes and reads.
pub const RECORD_FORMAT: u32 = 1;

/// A hybrid logical clock: wall-clock milliseconds, and a counter that
/// orders changes within one millisecond or while the wall clock lags
/// behind a clock already seen. Every change a device makes is later than
/// every change it has seen, even when machines' clocks disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u32,
}

impl Hlc {
    /// Earlier than every real clock: what a field nobody has written carries.
    pub const ZERO: Hlc = Hlc {
        millis: 0,
        counter: 0,
    };

    /// The clock of a change made now, after `last` (the latest clock this
    /// device issued or saw).
    pub fn tick(last: Hlc, now_millis: u64) -> Hlc {
        if now_millis > last.millis {
            Hlc {
                millis: now_millis,
                counter: 0,
            }
        } else if last.counter == u32::MAX {
            // Saturating: a clock at the very end stays there rather than
            // wrapping to zero (replay refuses clocks far ahead anyway).
            Hlc {
                millis: last.millis.saturating_add(1),
                counter: if last.millis == u64::MAX { u32::MAX } else { 0 },
            }
        } else {
            Hlc {
                millis: last.millis,
                counter: last.counter + 1,
            }
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.millis, self.counter)
    }
}

/// A clock in a change record that does not read as one (`12.x@laptop`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadClock(pub String);

impl fmt::Display for BadClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad clock \"{}\"", self.0)
    }
}

impl std::error::Error for BadClock {}

impl FromStr for Hlc {
    type Err = BadClock;

    fn from_str(text: &str) -> Result<Hlc, BadClock> {
        let bad = || BadClock(text.to_string());
        let (millis, counter) = text.split_once('.').ok_or_else(bad)?;
        Ok(Hlc {
            millis: millis.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Hlc, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// When and where a field was written: the clock, then the device, so two
/// writes never tie.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock {
    pub hlc: Hlc,
    pub device: String,
}

impl Clock {
    pub fn zero() -> Clock {
        Clock {
            hlc: Hlc::ZERO,
            device: String::new(),
        }
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.hlc, self.device)
    }
}

impl FromStr for Clock {
    type Err = BadClock;

    fn from_str(text: &str) -> Result<Clock, BadClock> {
        let (hlc, device) = text
            .split_once('@')
            .ok_or_else(|| BadClock(text.to_string()))?;
        Ok(Clock {
            hlc: hlc.parse().map_err(|_| BadClock(text.to_string()))?,
            device: device.to_string(),
        })
    }
}

/// What a change record does to a win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    Create,
    Edit,
    Update,
    Star,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Edit => "edit",
            Op::Update => "update",
            Op::Star => "star",
            Op::Delete => "delete",
        }
    }
}

/// A change record whose operation this win does not know (`"op": "merge"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChange(pub String);

impl fmt::Display for UnknownChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown change \"{}\"", self.0)
    }
}

impl std::error::Error for UnknownChange {}

impl FromStr for Op {
    type Err = UnknownChange;

    fn from_str(text: &str) -> Result<Op, UnknownChange> {
        Ok(match text {
            "create" => Op::Create,
            "edit" => Op::Edit,
            "update" => Op::Update,
            "star" => Op::Star,
            "delete" => Op::Delete,
            _ => return Err(UnknownChange(text.to_string())),
        })
    }
}

/// The units a win merges in: each is written whole, with one clock.
/// What is derived from one group travels with it (the polished sentence
/// with the text; a competency's source with the competencies). The
/// suggestions and metrics travel as one unit, `Analysis`; the metrics are
/// then measured again wherever a merge changes the words they come from
/// (see `Merged::remeasure`), since those can come from two devices. The
/// inbox status, the provenance (who proposed the win) and the person's
/// own statement travel too.
/// New groups go at the end: stored clocks are indexed by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Created,
    Occurred,
    Text,
    Impact,
    Next,
    Kind,
    Role,
    Stage,
    Starred,
    Competencies,
    Tags,
    Project,
    Links,
    Analysis,
    Updated,
    Status,
    Provenance,
    Statement,
}

impl Group {
    pub const ALL: &'static [Group] = &[
        Group::Created,
        Group::Occurred,
        Group::Text,
        Group::Impact,
        Group::Next,
        Group::Kind,
        Group::Role,
        Group::Stage,
        Group::Starred,
        Group::Competencies,
        Group::Tags,
        Group::Project,
        Group::Links,
        Group::Analysis,
        Group::Updated,
        Group::Status,
        Group::Provenance,
        Group::Statement,
    ];

    /// Copies this group's fields from `from` into `to`; says whether anything changed.
    fn copy(self, from: &NewWin, to: &mut NewWin) -> bool {
        fn set<T: PartialEq + Clone>(to: &mut T, from: &T) -> bool {
            if to == from {
                return false;
            }
            to.clone_from(from);
            true
        }
        match self {
            Group::Created => set(&mut to.created_at, &from.created_at),
            Group::Occurred => set(&mut to.occurred_at, &from.occurred_at),
            Group::Text => set(&mut to.text, &from.text) | set(&mut to.polished, &from.polished),
            Group::Impact => set(&mut to.impact, &from.impact),
            Group::Next => set(&mut to.next, &from.next),
            Group::Kind => set(&mut to.kind, &from.kind),
            Group::Role => set(&mut to.role, &from.role),
            Group::Stage => set(&mut to.stage, &from.stage),
            Group::Starred => set(&mut to.starred, &from.starred),
            Group::Competencies => {
                set(&mut to.competencies, &from.competencies)
                    | set(&mut to.competency_source, &from.competency_source)
                    | set(&mut to.competency_unsure, &from.competency_unsure)
            }
            Group::Tags => set(&mut to.tags, &from.tags),
            Group::Project => set(&mut to.project, &from.project),
            Group::Links => set(&mut to.links, &from.links),
            Group::Analysis => {
                set(&mut to.suggestions, &from.suggestions) | set(&mut to.metrics, &from.metrics)
            }
            Group::Updated => set(&mut to.updated_at, &from.updated_at),
            Group::Status => set(&mut to.status, &from.status),
            Group::Provenance => set(&mut to.provenance, &from.provenance),
            Group::Statement => set(&mut to.statement, &from.statement),
        }
    }

    /// Whether `a` and `b` differ in this group. Times compare as written
    /// (with their offsets), not only as instants.
    fn differs(self, a: &NewWin, b: &NewWin) -> bool {
        let time = |x: &DateTime<FixedOffset>, y: &DateTime<FixedOffset>| {
            x != y || x.offset() != y.offset()
        };
        match self {
            Group::Created => time(&a.created_at, &b.created_at),
            Group::Occurred => time(&a.occurred_at, &b.occurred_at),
            Group::Updated => time(&a.updated_at, &b.updated_at),
            _ => {
                let mut copy = a.clone();
                self.copy(b, &mut copy)
            }
        }
    }
}

/// The groups an edit changed, from the win before and after it.
pub fn changed_groups(before: &NewWin, after: &NewWin) -> Vec<Group> {
    Group::ALL
        .iter()
        .copied()
        .filter(|group| group.differs(before, after))
        .collect()
}

/// The groups a follow-up writes: what it carries onto the win, and when.
pub fn update_groups(update: &Update) -> Vec<Group> {
    let mut groups = Vec::new();
    if update.stage.is_some() {
        groups.push(Group::Stage);
    }
    if update.impact.is_some() {
        groups.push(Group::Impact);
    }
    if update.next.is_some() {
        groups.push(Group::Next);
    }
    groups.push(Group::Updated);
    groups
}

/// The clock of each group of one win. Stored as `{"*": base, group:
/// clock…}`, the base being the clock most groups share.
#[derive(Debug, Clone, PartialEq)]
pub struct Clocks {
    /// In the order of `Group::ALL`.
    by_group: Vec<Clock>,
}

impl Clocks {
    /// Every group written at once (a new win).
    pub fn uniform(clock: Clock) -> Clocks {
        Clocks {
            by_group: vec![clock; Group::ALL.len()],
        }
    }

    pub fn get(&self, group: Group) -> &Clock {
        &self.by_group[group as usize]
    }

    pub fn set(&mut self, group: Group, clock: Clock) {
        self.by_group[group as usize] = clock;
    }

    pub fn to_json(&self) -> String {
        // Most wins were written whole, once: one clock for every group.
        // (A clock is digits, dots, '@' and a device name of lowercase
        // letters, digits and dashes: nothing JSON would escape.)
        if self.by_group.iter().all(|clock| *clock == self.by_group[0]) {
            return format!(r#"{{"*":"{}"}}"#, self.by_group[0]);
        }
        let mut counts: BTreeMap<&Clock, usize> = BTreeMap::new();
        for clock in &self.by_group {
            *counts.entry(clock).or_default() += 1;
        }
        let base = counts
            .iter()
            .max_by_key(|(clock, count)| (**count, **clock))
            .map(|(clock, _)| *clock)
            .unwrap_or(&self.by_group[0]);
        let mut map = serde_json::Map::new();
        map.insert("*".into(), base.to_string().into());
        for (group, clock) in Group::ALL.iter().zip(&self.by_group) {
            if clock != base {
                if let Ok(serde_json::Value::String(name)) = serde_json::to_value(group) {
                    map.insert(name, clock.to_string().into());
                }
            }
        }
        serde_json::Value::Object(map).to_string()
    }

    pub fn from_json(text: &str) -> Result<Clocks> {
        let map: BTreeMap<String, String> = serde_json::from_str(text)?;
        let base = map
            .get("*")
            .ok_or_else(|| anyhow!("clocks without a base"))?
            .parse()?;
        let mut clocks = Clocks::uniform(base);
        for (name, clock) in &map {
            if name != "*" {
                let group: Group = serde_json::from_value(name.clone().into())?;
                clocks.set(group, clock.parse()?);
            }
        }
        Ok(clocks)
    }
}

/// One change, as written to a device's files and replayed by the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The record format (`RECORD_FORMAT`).
    pub v: u32,
    pub device: String,
    /// The device's own sequence: replay applies each (device, seq) once.
    pub seq: u64,
    pub hlc: Hlc,
    pub uid: String,
    pub op: Op,
    /// The groups this change wrote.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<Group>,
    /// The win as it stood (absent for a delete). Groups not in `set` are
    /// context; the timeline is always merged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "snapshot"
    )]
    pub win: Option<NewWin>,
}

impl Change {
    pub fn clock(&self) -> Clock {
        Clock {
            hlc: self.hlc,
            device: self.device.clone(),
        }
    }

    /// Reads one record, checking what the format alone cannot.
    pub fn parse(line: &str) -> Result<Change> {
        let change: Change = serde_json::from_str(line)?;
        if change.v != RECORD_FORMAT {
            bail!(
                "record format {} is not one this win reads (it reads {RECORD_FORMAT}): upgrade win",
                change.v
            );
        }
        check_device_id(&change.device)?;
        match (&change.win, change.op) {
            (None, Op::Delete) => {}
            (None, _) => bail!("a {} record without the win", change.op.as_str()),
            (Some(win), _) if win.uid != change.uid => {
                bail!("the record's uid and its win's differ")
            }
            (Some(_), _) => {}
        }
        Ok(change)
    }
}

fn snapshot<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NewWin>, D::Error> {
    let Some(record) = Option::<WinRecord>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if record.uid.is_none()
        || record.occurred_at.is_none()
        || record.created_at.is_none()
        || record.updated_at.is_none()
    {
        return Err(serde::de::Error::custom(
            "the win lacks its uid or one of its times",
        ));
    }
    // Every time is present, so the fallback clock is never used.
    let fallback = DateTime::<FixedOffset>::default();
    record
        .into_new(fallback)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// A device's name in the sync repository: a folder name anyone can read.
pub fn check_device_id(device: &str) -> Result<()> {
    let ok = !device.is_empty()
        && device.len() <= 40
        && device
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !device.starts_with('-');
    if !ok {
        bail!("device name \"{device}\" must be 1 to 40 lowercase letters, digits or dashes");
    }
    Ok(())
}

/// What merging a record did to a win.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Merged {
    /// Whether the win changed at all.
    pub changed: bool,
    /// Whether the metrics must be measured again from the merged win, as
    /// the device that wrote its words measures them: the words they come
    /// from (the text, the impact, the timeline) changed, or a later
    /// analysis came with other words than the merged win's (the text
    /// from one device, the impact from another: neither device's metrics
    /// are right for the merged win). When the merged words are exactly
    /// the ones the winning analysis came with, its metrics are kept as
    /// their device wrote them, measured or imported.
    pub remeasure: bool,
    /// Whether the metrics now are exactly those that came with the merged
    /// words: whatever earlier records asked, nothing is to be measured.
    pub exact: bool,
}

/// Merges a record into a win this device has. Each group the record
/// wrote replaces ours if its clock is later; timelines are unioned.
pub fn merge(win: &mut NewWin, clocks: &mut Clocks, change: &Change) -> Merged {
    let Some(theirs) = &change.win else {
        return Merged::default();
    };
    let clock = change.clock();
    let mut merged = Merged::default();
    let mut words_changed = false;
    let mut analysis_won = false;
    for &group in &change.set {
        if clock > *clocks.get(group) {
            if group.copy(theirs, win) {
                merged.changed = true;
                words_changed |= matches!(group, Group::Text | Group::Impact);
            }
            analysis_won |= group == Group::Analysis;
            clocks.set(group, clock.clone());
        }
    }
    if union_timeline(&mut win.updates, &theirs.updates) {
        merged.changed = true;
        words_changed = true;
    }
    merged.exact = analysis_won && same_words(win, theirs);
    merged.remeasure = (words_changed || analysis_won) && !merged.exact;
    merged
}

/// Whether two versions of a win hold the words its metrics come from:
/// the same text, impact and follow-ups (in any order).
fn same_words(a: &NewWin, b: &NewWin) -> bool {
    a.text == b.text
        && a.impact == b.impact
        && a.updates.len() == b.updates.len()
        && a.updates
            .iter()
            .all(|x| b.updates.iter().any(|y| same_update(x, y)))
}

/// A win this device first hears of: the groups the record wrote carry its
/// clock; the rest carry none, so any real write of them wins.
pub fn adopt(change: &Change) -> Option<(NewWin, Clocks)> {
    let win = change.win.clone()?;
    let clock = change.clock();
    let clocks = if Group::ALL.iter().all(|g| change.set.contains(g)) {
        Clocks::uniform(clock)
    } else {
        let mut clocks = Clocks::uniform(Clock::zero());
        for &group in &change.set {
            clocks.set(group, clock.clone());
        }
        clocks
    };
    Some((win, clocks))
}

/// Adds their follow-ups that ours lacks. The journal lists a timeline in
/// one canonical order, so the order of arrival does not matter. A union of
/// multisets: a follow-up recorded twice (the same words in the same
/// millisecond, by a script or a double Enter) stays twice on every
/// device, as it is on the one that recorded it.
fn union_timeline(ours: &mut Vec<Update>, theirs: &[Update]) -> bool {
    let mut changed = false;
    for (index, update) in theirs.iter().enumerate() {
        let copies = theirs[..=index]
            .iter()
            .filter(|other| same_update(other, update))
            .count();
        let held = ours.iter().filter(|mine| same_update(mine, update)).count();
        if held < copies {
            ours.push(update.clone());
            changed = true;
        }
    }
    changed
}

fn same_update(a: &Update, b: &Update) -> bool {
    a == b && a.at.offset() == b.at.offset()
}

/// Whether a git remote is a path on this machine (a USB disk, a NAS
/// mount), rather than a host: encryption is on by default for hosts.
pub fn is_local_remote(remote: &str) -> bool {
    let remote = remote.trim();
    if remote.starts_with("file://") {
        return true;
    }
    if remote.contains("://") {
        return false;
    }
    if remote.starts_with('/')
        || remote.starts_with("./")
        || remote.starts_with("../")
        || remote.starts_with('~')
        || remote == "."
        || remote == ".."
    {
        return true;
    }
    // git reads `host:path` as ssh when the colon comes before any slash.
    match remote.find(':') {
        Some(colon) => remote[..colon].contains('/'),
        None => true,
    }
}

/// The file of one batch of a device's records, written once and never
/// changed: `devices/<device>/<yyyy-mm>/<first seq>.jsonl` (`.age`
/// encrypted). A file a sync, not a file a month appended to: git stores
/// each version of a changed file whole, so appending to one file would
/// make every sync cost as much as the month's history.
pub fn batch_file(
    device: &str,
    at: DateTime<FixedOffset>,
    first_seq: u64,
    encrypted: bool,
) -> String {
    let month = at.naive_utc().format("%Y-%m");
    let extension = if encrypted { "age" } else { "jsonl" };
    format!("devices/{device}/{month}/{first_seq:012}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_records_are_read_back_to_the_last_digit() {
        // serde_json's default parser may be one ulp off (float_roundtrip).
        let text = "1795624822.5161273";
        let read: f64 = serde_json::from_str(text).unwrap();
        assert_eq!(read.to_bits(), text.parse::<f64>().unwrap().to_bits());
    }
    use crate::domain::win::{Kind, Stage};

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn win(text: &str) -> NewWin {
        let mut win = NewWin::new(text.into(), at("2026-11-21T17:05:00+01:00"));
        win.uid = "0193a6b0-0000-7000-8000-000000000001".into();
        win
    }

    fn change(device: &str, millis: u64, op: Op, set: &[Group], win: &NewWin) -> Change {
        Change {
            v: RECORD_FORMAT,
            device: device.into(),
            seq: millis,
            hlc: Hlc { millis, counter: 0 },
            uid: win.uid.clone(),
            op,
            set: set.to_vec(),
            win: Some(win.clone()),
        }
    }

    #[test]
    fn clocks_tick_past_everything_seen() {
        let last = Hlc {
            millis: 100,
            counter: 3,
        };
        assert_eq!(
            Hlc::tick(last, 200),
            Hlc {
                millis: 200,
                counter: 0
            }
        );
        assert_eq!(
            Hlc::tick(last, 50),
            Hlc {
                millis: 100,
                counter: 4
            },
            "a wall clock behind the last clock seen still moves forward"
        );
        let full = Hlc {
            millis: 7,
            counter: u32::MAX,
        };
        assert!(Hlc::tick(full, 0) > full);
        let end = Hlc {
            millis: u64::MAX,
            counter: u32::MAX,
        };
        assert_eq!(Hlc::tick(end, 5), end, "never wraps to zero");
        let clock: Clock = "1764000000000.12@laptop".parse().unwrap();
        assert_eq!(clock.to_string(), "1764000000000.12@laptop");
        assert!(clock > "1764000000000.11@zzz".parse().unwrap());
        assert!(
            clock < "1764000000000.12@mac".parse().unwrap(),
            "ties break by device"
        );
        assert_eq!(
            "12@laptop".parse::<Clock>(),
            Err(BadClock("12@laptop".to_string()))
        );
        assert_eq!(
            "merge".parse::<Op>(),
            Err(UnknownChange("merge".to_string()))
        );
    }

    #[test]
    fn clocks_round_trip_through_json() {
        let mut clocks = Clocks::uniform("5.0@a".parse().unwrap());
        clocks.set(Group::Text, "9.1@b".parse().unwrap());
        clocks.set(Group::Tags, "5.0@a".parse().unwrap());
        let json = clocks.to_json();
        assert_eq!(json, r#"{"*":"5.0@a","text":"9.1@b"}"#);
        let uniform = Clocks::uniform("5.0@a".parse().unwrap());
        assert_eq!(uniform.to_json(), r#"{"*":"5.0@a"}"#);
        assert_eq!(Clocks::from_json(&uniform.to_json()).unwrap(), uniform);
        assert_eq!(Clocks::from_json(&json).unwrap(), clocks);
    }

    #[test]
    fn records_round_trip_and_damaged_ones_are_refused() {
        let mut original = win("cut p99 latency from 240ms to 80ms");
        original.kind = Kind::Shipped;
        original.updates.push(Update {
            at: at("2026-11-22T09:00:00+01:00"),
            stage: Some(Stage::Measured),
            text: None,
            impact: Some("-40% tickets".into()),
            next: None,
        });
        let record = change("laptop", 1, Op::Create, Group::ALL, &original);
        let line = serde_json::to_string(&record).unwrap();
        assert_eq!(Change::parse(&line).unwrap(), record);

        let delete = Change {
            op: Op::Delete,
            set: Vec::new(),
            win: None,
            ..record.clone()
        };
        let line = serde_json::to_string(&delete).unwrap();
        assert!(!line.contains("\"win\""), "{line}");
        assert_eq!(Change::parse(&line).unwrap(), delete);

        let truncated = &serde_json::to_string(&record).unwrap()[..40];
        assert!(Change::parse(truncated).is_err());
        let future = serde_json::to_string(&record)
            .unwrap()
            .replace("\"v\":1", "\"v\":9");
        assert!(Change::parse(&future)
            .unwrap_err()
            .to_string()
            .contains("upgrade win"));
        let odd_device = serde_json::to_string(&record)
            .unwrap()
            .replace("laptop", "../etc");
        assert!(Change::parse(&odd_device).is_err());
        let no_win = serde_json::to_string(&Change {
            win: None,
            ..record
        })
        .unwrap();
        assert!(Change::parse(&no_win).is_err());
    }

    #[test]
    fn edits_merge_field_by_field_whatever_the_order() {
        let base = win("tuned the ranker");
        let create = change("a", 10, Op::Create, Group::ALL, &base);
        let mut on_a = base.clone();
        on_a.text = "tuned the ranker's features".into();
        let edit_a = change("a", 20, Op::Edit, &[Group::Text, Group::Updated], &on_a);
        let mut on_b = base.clone();
        on_b.impact = Some("+3 points NDCG".into());
        on_b.tags = vec!["ranker".into()];
        let edit_b = change("b", 15, Op::Edit, &[Group::Impact, Group::Tags], &on_b);
        let mut late_b = base.clone();
        late_b.text = "tuned the ranker (late)".into();
        let text_b = change("b", 30, Op::Edit, &[Group::Text], &late_b);

        let records = [create, edit_a, edit_b, text_b];
        let orders: [[usize; 4]; 4] = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]];
        let mut results = Vec::new();
        for order in orders {
            let (mut merged, mut clocks) = adopt(&records[order[0]]).unwrap();
            for &index in &order[1..] {
                merge(&mut merged, &mut clocks, &records[index]);
            }
            results.push((merged, clocks.to_json()));
        }
        for result in &results[1..] {
            assert_eq!(result, &results[0]);
        }
        let merged = &results[0].0;
        assert_eq!(
            merged.text, "tuned the ranker (late)",
            "the later clock wins"
        );
        assert_eq!(merged.impact.as_deref(), Some("+3 points NDCG"));
        assert_eq!(merged.tags, vec!["ranker"]);
    }

    #[test]
    fn timelines_are_a_union() {
        let base = win("shipped the churn model");
        let follow_up = |day: &str, impact: &str| Update {
            at: at(day),
            stage: None,
            text: None,
            impact: Some(impact.into()),
            next: None,
        };
        let mut on_a = base.clone();
        on_a.updates.push(follow_up("2026-11-22T09:00:00Z", "a"));
        on_a.impact = Some("a".into());
        let mut on_b = base.clone();
        on_b.updates.push(follow_up("2026-11-23T09:00:00Z", "b"));
        on_b.impact = Some("b".into());
        let (mut merged, mut clocks) =
            adopt(&change("a", 5, Op::Update, &[Group::Impact], &on_a)).unwrap();
        let first = merge(
            &mut merged,
            &mut clocks,
            &change("b", 4, Op::Update, &[Group::Impact], &on_b),
        );
        assert!(first.changed && first.remeasure, "{first:?}");
        assert_eq!(merged.updates.len(), 2, "no follow-up is lost");
        assert_eq!(
            merged.impact.as_deref(),
            Some("a"),
            "the later clock's impact"
        );
        assert_eq!(
            merge(
                &mut merged,
                &mut clocks,
                &change("b", 4, Op::Update, &[Group::Impact], &on_b)
            ),
            Merged::default(),
            "replaying a record again changes nothing"
        );
    }

    #[test]
    fn metrics_are_measured_again_only_when_their_words_change() {
        let base = win("cut p99 latency from 240ms to 80ms");
        let (mut merged, mut clocks) =
            adopt(&change("a", 1, Op::Create, Group::ALL, &base)).unwrap();
        let mut starred = base.clone();
        starred.starred = true;
        let star = merge(
            &mut merged,
            &mut clocks,
            &change("b", 2, Op::Star, &[Group::Starred], &starred),
        );
        assert!(star.changed && !star.remeasure, "{star:?}");
        let mut edited = base.clone();
        edited.text = "cut p99 latency from 240ms to 60ms".into();
        edited.polished = Some("Cut p99 latency from 240ms to 60ms.".into());
        let edit = merge(
            &mut merged,
            &mut clocks,
            &change("a", 3, Op::Edit, &[Group::Text], &edited),
        );
        assert!(edit.remeasure, "{edit:?}");
        assert_eq!(
            merged.polished, edited.polished,
            "the polished sentence travels with its text"
        );
    }

    #[test]
    fn metrics_that_came_with_exactly_the_merged_words_are_kept() {
        let mut base = win("cut p99 latency");
        base.metrics = Vec::new();
        let (mut merged, mut clocks) =
            adopt(&change("a", 1, Op::Create, Group::ALL, &base)).unwrap();
        // An import elsewhere: a new impact, and the metrics its file had.
        let mut imported = base.clone();
        imported.impact = Some("tickets -38%".into());
        let whole = merge(
            &mut merged,
            &mut clocks,
            &change("b", 2, Op::Create, Group::ALL, &imported),
        );
        assert!(whole.exact && !whole.remeasure, "{whole:?}");
        assert_eq!(merged.metrics, imported.metrics);
        // A later analysis of other words than the merged win's: measured.
        let mut other = base.clone();
        other.text = "cut p99 latency again".into();
        let partial = merge(
            &mut merged,
            &mut clocks,
            &change("a", 3, Op::Edit, &[Group::Analysis], &other),
        );
        assert!(!partial.exact && partial.remeasure, "{partial:?}");
    }

    #[test]
    fn the_inbox_status_and_provenance_merge_like_any_field() {
        use crate::domain::win::{Provenance, Status};
        let mut proposed = win("drafted the eval plan");
        proposed.status = Status::Proposed;
        proposed.provenance = Some(Provenance {
            source: "agent".into(),
            client: Some("claude-code".into()),
            why: Some("from the session".into()),
            ..Provenance::default()
        });
        let (mut merged, mut clocks) =
            adopt(&change("a", 1, Op::Create, Group::ALL, &proposed)).unwrap();
        assert_eq!(merged.provenance, proposed.provenance);
        let mut accepted = proposed.clone();
        accepted.status = Status::Accepted;
        merge(
            &mut merged,
            &mut clocks,
            &change("b", 2, Op::Edit, &[Group::Status], &accepted),
        );
        assert_eq!(merged.status, Status::Accepted);
        assert_eq!(merged.provenance, proposed.provenance, "provenance stays");
    }

    #[test]
    fn a_partial_record_for_an_unknown_win_loses_to_any_real_write() {
        let base = win("wrote the migration plan");
        let mut starred = base.clone();
        starred.starred = true;
        let (mut merged, mut clocks) =
            adopt(&change("b", 9, Op::Star, &[Group::Starred], &starred)).unwrap();
        let mut created = base.clone();
        created.text = "wrote the migration plan, v2".into();
        merge(
            &mut merged,
            &mut clocks,
            &change("a", 3, Op::Create, Group::ALL, &created),
        );
        assert!(merged.starred);
        assert_eq!(merged.text, "wrote the migration plan, v2");
    }

    #[test]
    fn edits_name_the_groups_they_change() {
        let before = win("a");
        let mut after = before.clone();
        after.text = "b".into();
        after.tags = vec!["x".into()];
        after.updated_at = at("2026-11-21T18:00:00+01:00");
        assert_eq!(
            changed_groups(&before, &after),
            vec![Group::Text, Group::Tags, Group::Updated]
        );
        let mut moved = before.clone();
        moved.occurred_at = at("2026-11-21T16:05:00Z");
        assert_eq!(
            changed_groups(&before, &moved),
            vec![Group::Occurred],
            "same instant, another offset"
        );
    }

    #[test]
    fn remotes_on_this_machine_are_told_from_hosts() {
        for local in [
            "/mnt/usb/wins.git",
            "./wins.git",
            "../w",
            "~/sync.git",
            "file:///srv/w.git",
            "wins.git",
            "C/x:y",
        ] {
            assert!(is_local_remote(local), "{local}");
        }
        for host in [
            "git@github.com:me/wins.git",
            "https://example.com/w.git",
            "ssh://nas/w.git",
            "nas:wins.git",
        ] {
            assert!(!is_local_remote(host), "{host}");
        }
    }

    #[test]
    fn device_names_are_safe_folder_names() {
        assert!(check_device_id("laptop-2").is_ok());
        for bad in ["", "Laptop", "a/b", "..", "-x", &"x".repeat(41)] {
            assert!(check_device_id(bad).is_err(), "{bad}");
        }
        assert_eq!(
            batch_file("laptop", at("2026-12-01T00:30:00+01:00"), 42, true),
            "devices/laptop/2026-11/000000000042.age"
        );
    }
}
