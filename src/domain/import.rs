//! Reading other journals: win's own json/jsonl, jrnl's JSON export, and
//! CSV with the export's header. Pure: text in, records out; a bad record
//! is an error naming its line, and nothing is returned.

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::Deserialize;

use super::dates::Now;
use super::record::WinRecord;
use super::win::{CompetencySource, Kind, Role, Stage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Win,
    Jrnl,
    Csv,
}

/// Guesses the format from the file name and the first character.
pub fn detect(name: &str, text: &str) -> Format {
    if name.to_lowercase().ends_with(".csv") {
        return Format::Csv;
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{')
        && trimmed
            .get(..200)
            .unwrap_or(trimmed)
            .contains("\"entries\"")
    {
        return Format::Jrnl;
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Format::Win;
    }
    if trimmed.to_lowercase().starts_with("id,")
        || trimmed.to_lowercase().starts_with("uid,")
        || trimmed.to_lowercase().starts_with("text,")
    {
        return Format::Csv;
    }
    Format::Win
}

/// A record and where it was in the file ("line 3", "entry 2").
pub type Located = (String, WinRecord);

/// Parses a whole file; `now`'s zone gives jrnl's naive dates their offset
/// (the one of their own date, daylight saving included).
pub fn parse(text: &str, format: Format, now: impl Into<Now>) -> Result<Vec<Located>> {
    let now = now.into();
    let text = text.trim_start_matches('\u{feff}');
    match format {
        Format::Win => parse_win(text),
        Format::Jrnl => parse_jrnl(text, now),
        Format::Csv => parse_csv(text),
    }
}

fn parse_win(text: &str) -> Result<Vec<Located>> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        // A JSON array: serde's error carries the line.
        let records: Vec<WinRecord> = serde_json::from_str(text)
            .map_err(|err| anyhow!("line {}: {}", err.line(), clean_serde(&err.to_string())))?;
        return Ok(records
            .into_iter()
            .enumerate()
            .map(|(i, r)| (format!("record {}", i + 1), r))
            .collect());
    }
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(record) = parse_win_line(line, index + 1)? {
            records.push((format!("line {}", index + 1), record));
        }
    }
    Ok(records)
}

/// One line of win's jsonl (`None` for a blank line); errors name the line.
pub fn parse_win_line(line: &str, number: usize) -> Result<Option<WinRecord>> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(line)
        .map(Some)
        .map_err(|err| anyhow!("line {number}: {}", clean_serde(&err.to_string())))
}

/// serde's messages end with " at line 1 column 40" for one-line records.
fn clean_serde(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[derive(Deserialize)]
struct JrnlExport {
    entries: Vec<JrnlEntry>,
}

#[derive(Deserialize)]
struct JrnlEntry {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    date: String,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    starred: bool,
}

fn parse_jrnl(text: &str, now: Now) -> Result<Vec<Located>> {
    let export: JrnlExport = serde_json::from_str(text).map_err(|err| {
        anyhow!(
            "line {}: not a jrnl JSON export: {}",
            err.line(),
            clean_serde(&err.to_string())
        )
    })?;
    let mut records = Vec::new();
    for (index, entry) in export.entries.into_iter().enumerate() {
        let at = || format!("jrnl entry {}", index + 1);
        let day = NaiveDate::parse_from_str(entry.date.trim(), "%Y-%m-%d")
            .with_context(|| format!("{}: bad date \"{}\"", at(), entry.date))?;
        let time = match entry
            .time
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(time) => NaiveTime::parse_from_str(time, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S"))
                .with_context(|| format!("{}: bad time \"{time}\"", at()))?,
            None => NaiveTime::MIN,
        };
        let occurred_at = now.zone.moment(day.and_time(time)).ok_or_else(|| {
            anyhow!(
                "{}: {} {} does not exist in your time zone (the clocks skip it when daylight saving starts)",
                at(),
                entry.date.trim(),
                time.format("%H:%M")
            )
        })?;
        let text = [entry.title.trim(), entry.body.trim()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        if text.is_empty() {
            bail!("{}: the entry has no text", at());
        }
        // Its identity is what the file says (the wall-clock time as
        // written, and the text), not the moment it means in the zone of
        // the machine reading it: the same export imported again after
        // travel or on another machine finds the same wins.
        let as_written = day.and_time(time).and_utc().fixed_offset();
        let uid = super::win::derived_uid(Some(&as_written), text.trim());
        records.push((
            at(),
            WinRecord {
                uid: Some(uid),
                occurred_at: Some(occurred_at),
                tags: entry
                    .tags
                    .iter()
                    .map(|t| t.trim_start_matches(['@', '#']).to_string())
                    .collect(),
                starred: Some(entry.starred),
                ..WinRecord::with_text(text)
            },
        ));
    }
    Ok(records)
}

fn parse_csv(text: &str) -> Result<Vec<Located>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .context("line 1: cannot read the CSV header")?
        .clone();
    let known = super::record::CSV_HEADER;
    if let Some(unknown) = headers.iter().find(|h| !known.contains(h)) {
        bail!(
            "line 1: unknown column \"{unknown}\" (expected: {})",
            known.join(", ")
        );
    }
    if !headers.iter().any(|h| h == "text") {
        bail!("line 1: the CSV has no \"text\" column");
    }
    let mut records = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = row.map_err(|err| anyhow!("line {line}: {err}"))?;
        let field = |name: &str| -> Option<String> {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .map(|cell| super::record::csv_cell_text(cell).to_string())
                .filter(|v| !v.trim().is_empty())
        };
        let list = |name: &str| -> Vec<String> {
            field(name)
                .map(|v| super::record::csv_list_items(&v))
                .unwrap_or_default()
        };
        let time = |name: &str| -> Result<Option<DateTime<FixedOffset>>> {
            field(name)
                .map(|v| {
                    DateTime::parse_from_rfc3339(v.trim()).map_err(|_| {
                        anyhow!("line {line}: {name}: {}", super::win::describe_bad_time(&v))
                    })
                })
                .transpose()
        };
        let parse_enum = |name: &str| field(name).map(|v| (name.to_string(), v));
        let kind = parse_enum("kind")
            .map(|(_, v)| v.parse::<Kind>())
            .transpose()
            .map_err(|e| anyhow!("line {line}: {e}"))?;
        let role = parse_enum("role")
            .map(|(_, v)| v.parse::<Role>())
            .transpose()
            .map_err(|e| anyhow!("line {line}: {e}"))?;
        let stage = parse_enum("stage")
            .map(|(_, v)| v.parse::<Stage>())
            .transpose()
            .map_err(|e| anyhow!("line {line}: {e}"))?;
        let starred = match field("starred").as_deref().map(str::trim) {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(other) => bail!("line {line}: starred must be true or false, not \"{other}\""),
        };
        let text = field("text").ok_or_else(|| anyhow!("line {line}: the win's text is empty"))?;
        records.push((
            format!("line {line}"),
            WinRecord {
                uid: field("uid"),
                occurred_at: time("occurred_at")?,
                created_at: time("created_at")?,
                updated_at: time("updated_at")?,
                polished: field("polished"),
                impact: field("impact"),
                next: field("next"),
                kind,
                role,
                stage,
                starred: Some(starred),
                competencies: list("competencies"),
                competency_source: field("competency_source").map(|s| CompetencySource::parse(&s)),
                tags: list("tags"),
                project: field("project"),
                ..WinRecord::with_text(text)
            },
        ));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap()
    }

    #[test]
    fn detects_formats() {
        assert_eq!(detect("x.csv", "anything"), Format::Csv);
        assert_eq!(detect("-", "{\"tags\": {}, \"entries\": []}"), Format::Jrnl);
        assert_eq!(detect("-", "{\"text\": \"a\"}\n"), Format::Win);
        assert_eq!(detect("-", " [ ]"), Format::Win);
        assert_eq!(detect("-", "id,uid,occurred_at\n"), Format::Csv);
    }

    #[test]
    fn win_jsonl_errors_name_the_line_and_key() {
        let err = parse(
            "{\"text\": \"a\"}\n\n{\"text\": \"b\", \"colour\": 1}\n",
            Format::Win,
            now(),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("line 3: unknown field `colour`"),
            "{message}"
        );
        let err = parse("{\"impact\": \"a\"}\n", Format::Win, now()).unwrap_err();
        assert!(err.to_string().contains("missing field `text`"), "{err}");
    }

    #[test]
    fn jrnl_entries_become_wins() {
        let export = r#"{"tags": {"@ml": 1}, "entries": [
            {"title": "Shipped the ranker.", "body": "CTR +3%", "date": "2026-03-04", "time": "09:30", "tags": ["@ml"], "starred": true}
        ]}"#;
        let records = parse(export, Format::Jrnl, now()).unwrap();
        assert_eq!(records.len(), 1);
        let record = &records[0].1;
        assert_eq!(record.text, "Shipped the ranker.\nCTR +3%");
        assert_eq!(record.tags, vec!["ml"]);
        assert_eq!(record.starred, Some(true));
        assert_eq!(
            record.occurred_at,
            Some(DateTime::parse_from_rfc3339("2026-03-04T09:30:00+01:00").unwrap())
        );
    }

    #[test]
    fn csv_rows_split_lists_and_check_values() {
        let csv = "text,tags,competencies,stage,starred\n\"a, b\",x;y,mlops,shipped,true\n";
        let records = parse(csv, Format::Csv, now()).unwrap();
        assert_eq!(records[0].1.text, "a, b");
        assert_eq!(records[0].1.tags, vec!["x", "y"]);
        assert_eq!(records[0].1.stage, Some(Stage::Shipped));
        let err = parse("text,stage\na,launched\n", Format::Csv, now()).unwrap_err();
        assert!(
            err.to_string().starts_with("line 2: unknown stage"),
            "{err}"
        );
        let err = parse("text,colour\na,red\n", Format::Csv, now()).unwrap_err();
        assert!(
            err.to_string().contains("unknown column \"colour\""),
            "{err}"
        );
    }
}
