//! Dates as people type them, resolved against a given `now` (no clock here).
//!
//! Points in time (`-d`, `--since`, `--until`): ISO dates and date-times,
//! `today`, `yesterday`, weekday names (the most recent one, today included),
//! `last monday` (strictly before today), `N days/weeks/months/years ago`, and
//! the short forms `90d`, `6w`, `2m`, `1y`, which always mean *ago*.
//!
//! Periods (`--period`, and also accepted by `--since`/`--until`, and by
//! `-d`, which takes a period's first day): `2026`,
//! `2026-Q1`, `Q1` (this year), `2026-H1`, `H1`, `2026-03`, `this-month`,
//! `last-month`, `this-quarter`, `last-quarter`, `this-year`, `last-year`,
//! `this-week`/`last-week` (calendar weeks from Monday: "last week" is the
//! week before this one, not the last seven days) and `past-30-days`,
//! `last-2-weeks` (back from today). A leading `since` is dropped.
//!
//! Calendar arithmetic happens in the offset of `now`, which is the user's.

use std::fmt;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Weekday,
};
use jiff::tz::AmbiguousOffset;

use super::win::format_rfc3339;

/// A few of the points in time `win` reads, for errors: one short line.
/// Every one works wherever a point is read (`-d`, `--since`, `--until`,
/// `--older-than`): a period stands for its first day (its end for
/// `--until`).
pub const POINT_EXAMPLES: &str =
    "2026-03-04, yesterday, friday, last monday, 3 days ago, 90d, last week, last month, 2026-Q1";

/// A few of the periods `win` reads, for errors: one short line.
pub const PERIOD_EXAMPLES: &str =
    "2026, 2026-Q1, H1, 2026-03, last-month, this-week, last week, past 30 days";

/// A date the user typed that could not be used, with the forms that work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    Unparseable {
        input: String,
        period: bool,
    },
    Future {
        input: String,
        resolved: String,
    },
    /// A wall-clock time that the zone skips (spring forward).
    Skipped {
        input: String,
    },
    /// Before [`EARLIEST`]: a slip ("300000 weeks ago"), never a win.
    TooEarly {
        input: String,
        resolved: String,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Unparseable {
                input,
                period: false,
            } => {
                write!(
                    f,
                    "cannot read the date \"{input}\" (try: {POINT_EXAMPLES})"
                )
            }
            DateError::Unparseable {
                input,
                period: true,
            } => {
                write!(
                    f,
                    "cannot read the period \"{input}\" (try: {PERIOD_EXAMPLES})"
                )
            }
            DateError::Skipped { input } => write!(
                f,
                "the time \"{input}\" does not exist in your time zone: the clocks skip it when daylight saving starts (give a later time, or an offset such as +02:00)"
            ),
            DateError::Future { input, resolved } => write!(
                f,
                "the date \"{input}\" ({resolved}) is in the future (give today or an earlier date)"
            ),
            DateError::TooEarly { input, resolved } => write!(
                f,
                "the date \"{input}\" ({resolved}) is before {EARLIEST_YEAR}, the earliest a win may be dated (check the number)"
            ),
        }
    }
}

impl std::error::Error for DateError {}

/// What a date expression means: a whole calendar day, or an exact moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Day(NaiveDate),
    Moment(DateTime<FixedOffset>),
}

/// A half-open range of time `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// The user's time zone: how a date and time on the wall clock becomes a
/// moment. With daylight saving, the offset depends on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// One offset all year (`WIN_NOW` without `TZ`, and tests).
    Fixed(FixedOffset),
    /// A zone with its rules (`TZ`, else the system's), read once by the
    /// caller (jiff's `tz`) and kept for the process.
    Rules(&'static jiff::tz::TimeZone),
}

impl Zone {
    /// `naive` on this zone's wall clock. `None` for a time that a change to
    /// daylight saving skips; a time that happens twice is the first one.
    pub fn moment(self, naive: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        let at = |offset: FixedOffset| offset.from_local_datetime(&naive).single();
        let Zone::Rules(rules) = self else {
            return at(self.offset_at(naive.and_utc()));
        };
        let Some(civil) = civil(naive) else {
            // Beyond the years the zone database knows: its offset today.
            return at(self.offset_at(chrono::Utc::now()));
        };
        match rules.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => at(fixed(offset)),
            AmbiguousOffset::Gap { .. } => None,
            // Of the two readings of a time that happens twice, the earlier
            // moment (compared as instants).
            AmbiguousOffset::Fold { before, after } => at(fixed(before)).min(at(fixed(after))),
        }
    }

    /// The offset this zone has at a moment.
    pub fn offset_at(self, moment: DateTime<chrono::Utc>) -> FixedOffset {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Rules(rules) => jiff::Timestamp::from_second(moment.timestamp())
                .map_or(UTC, |at| fixed(rules.to_offset(at))),
        }
    }

    /// Like `moment`, for a time win chose itself (midnight, the time of day
    /// of now): one that was skipped moves past the gap.
    fn moment_or_later(self, naive: NaiveDateTime) -> DateTime<FixedOffset> {
        (0..=3)
            .find_map(|hours| self.moment(naive + chrono::TimeDelta::hours(hours)))
            .unwrap_or_else(|| {
                FixedOffset::east_opt(0).map_or_else(
                    || naive.and_utc().fixed_offset(),
                    |utc| utc.from_utc_datetime(&naive),
                )
            })
    }
}

const UTC: FixedOffset = match FixedOffset::east_opt(0) {
    Some(utc) => utc,
    None => unreachable!(),
};

/// jiff's offset as chrono's (both are whole seconds within a day).
fn fixed(offset: jiff::tz::Offset) -> FixedOffset {
    FixedOffset::east_opt(offset.seconds()).unwrap_or(UTC)
}

/// chrono's wall-clock time as jiff's, within the years jiff knows.
fn civil(naive: NaiveDateTime) -> Option<jiff::civil::DateTime> {
    let narrow = |n: u32| i8::try_from(n).ok();
    jiff::civil::DateTime::new(
        i16::try_from(naive.year()).ok()?,
        narrow(naive.month())?,
        narrow(naive.day())?,
        narrow(naive.hour())?,
        narrow(naive.minute())?,
        narrow(naive.second())?,
        i32::try_from(naive.nanosecond().min(999_999_999)).ok()?,
    )
    .ok()
}

/// The clock that relative dates are read against, and the zone that
/// turns a wall-clock time into a moment. A bare `DateTime` is a clock in
/// a zone of its own fixed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub at: DateTime<FixedOffset>,
    pub zone: Zone,
}

impl From<DateTime<FixedOffset>> for Now {
    fn from(at: DateTime<FixedOffset>) -> Now {
        Now {
            at,
            zone: Zone::Fixed(*at.offset()),
        }
    }
}

/// The earliest year a win may be dated. Nobody's working life starts
/// earlier, and every zone keeps whole-minute offsets from then on, so a
/// stored date always reads back as written. Far earlier dates come from a
/// slip ("300000 weeks ago") and could not be read back at all.
pub const EARLIEST_YEAR: i32 = 1970;

/// Refuses a win's date before [`EARLIEST_YEAR`].
fn check_earliest(at: DateTime<FixedOffset>, input: &str) -> Result<(), DateError> {
    if at.year() < EARLIEST_YEAR {
        return Err(DateError::TooEarly {
            input: input.to_string(),
            resolved: describe(at),
        });
    }
    Ok(())
}

/// Refuses a date before [`EARLIEST_YEAR`] (a synced record's: unlike
/// [`check_imported`], the same answer on every device whatever its clock).
pub fn check_not_too_early(at: DateTime<FixedOffset>) -> Result<(), DateError> {
    check_earliest(at, &format_rfc3339(&at))
}

/// How far after now an imported win may be dated: another machine's clock,
/// or a naive date read in a zone up to 26 hours away, can put a win made
/// today into tomorrow. Anything later is a mistake, such as 9999-12-31.
pub const IMPORT_SKEW_HOURS: i64 = 26;

/// Refuses an imported date that lies more than [`IMPORT_SKEW_HOURS`] after now.
pub fn check_imported(
    at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> Result<(), DateError> {
    if at > now + chrono::TimeDelta::hours(IMPORT_SKEW_HOURS) {
        return Err(DateError::Future {
            input: format_rfc3339(&at),
            resolved: describe(at),
        });
    }
    check_earliest(at, &format_rfc3339(&at))
}

/// When a win happened (`win add -d`): a day keeps the current time of day,
/// so entries of one day stay in the order they were made. Never the future.
pub fn parse_occurred(
    input: &str,
    now: impl Into<Now>,
) -> Result<DateTime<FixedOffset>, DateError> {
    let now = now.into();
    // A period names its first day: `-d "last month"` is the 1st of last
    // month, `-d 2026-Q1` is 2026-01-01, as `--since` reads them.
    let when = parse_when(input, now).or_else(|err| {
        parse_period(input, now)
            .map(|period| When::Day(period.start.date_naive()))
            .map_err(|_| err)
    })?;
    let at = match when {
        When::Day(day) => now.zone.moment_or_later(day.and_time(now.at.time())),
        When::Moment(moment) => moment,
    };
    if at > now.at {
        return Err(DateError::Future {
            input: input.to_string(),
            resolved: describe(at),
        });
    }
    check_earliest(at, input)?;
    Ok(at)
}

/// The inclusive start of a `--since` filter: a day or period starts at midnight.
pub fn parse_since(input: &str, now: impl Into<Now>) -> Result<DateTime<FixedOffset>, DateError> {
    let now = now.into();
    let start = match parse_when(input, now) {
        Ok(When::Day(day)) => start_of_day(day, now),
        Ok(When::Moment(moment)) => moment,
        Err(err) => parse_period(input, now)
            .map(|period| period.start)
            .map_err(|_| err)?,
    };
    if start > now.at {
        return Err(DateError::Future {
            input: input.to_string(),
            resolved: describe(start),
        });
    }
    Ok(start)
}

/// The exclusive end of an `--until` filter: a day or period is included whole.
/// Unlike `--since`, a future end is allowed ("until the end of the year").
pub fn parse_until(input: &str, now: impl Into<Now>) -> Result<DateTime<FixedOffset>, DateError> {
    let now = now.into();
    match parse_when(input, now) {
        Ok(When::Day(day)) => Ok(start_of_day(next_day(day), now)),
        Ok(When::Moment(moment)) => Ok(moment),
        Err(err) => parse_period(input, now)
            .map(|period| period.end)
            .map_err(|_| err),
    }
}

/// Reads a point in time, relative forms resolved against `now`.
pub fn parse_when(input: &str, now: impl Into<Now>) -> Result<When, DateError> {
    let now = now.into();
    // "since monday" says what --since already says.
    let text = normalize(input);
    let text = text.strip_prefix("since ").unwrap_or(&text).to_string();
    let today = now.at.date_naive();
    let unparseable = || DateError::Unparseable {
        input: input.trim().to_string(),
        period: false,
    };

    if text.is_empty() {
        return Err(unparseable());
    }
    if let Ok(day) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Ok(When::Day(day));
    }
    if let Ok(moment) = DateTime::parse_from_rfc3339(&text.to_uppercase()) {
        return Ok(When::Moment(moment));
    }
    for format in [
        "%Y-%m-%dt%H:%M:%S",
        "%Y-%m-%dt%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&text, format) {
            return now
                .zone
                .moment(naive)
                .map(When::Moment)
                .ok_or_else(|| DateError::Skipped {
                    input: input.trim().to_string(),
                });
        }
    }
    match text.as_str() {
        "today" | "now" => return Ok(When::Day(today)),
        // Read, so that `-d tomorrow` is told it is in the future rather
        // than that it cannot be read; `--until tomorrow` is fine.
        "tomorrow" => {
            return today
                .checked_add_days(Days::new(1))
                .map(When::Day)
                .ok_or_else(unparseable)
        }
        "yesterday" => {
            return today
                .checked_sub_days(Days::new(1))
                .map(When::Day)
                .ok_or_else(unparseable)
        }
        _ => {}
    }
    if let Some(weekday) = parse_weekday(&text) {
        return Ok(When::Day(previous_weekday(today, weekday, true)));
    }
    if let Some(rest) = text.strip_prefix("last ") {
        if let Some(weekday) = parse_weekday(rest) {
            return Ok(When::Day(previous_weekday(today, weekday, false)));
        }
    }
    if let Some(rest) = text.strip_prefix("next ") {
        if let Some(weekday) = parse_weekday(rest) {
            let ahead =
                (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
            let ahead = if ahead == 0 { 7 } else { ahead };
            return Ok(When::Day(today + Days::new(u64::from(ahead))));
        }
    }
    if let Some((count, unit)) = parse_amount_ago(&text) {
        return shift_back(today, count, unit)
            .map(When::Day)
            .ok_or_else(unparseable);
    }
    Err(unparseable())
}

/// Reads a named period such as `2026-Q1` or `last-quarter`.
pub fn parse_period(input: &str, now: impl Into<Now>) -> Result<Period, DateError> {
    let now = now.into();
    let text = normalize(input);
    let text = text
        .strip_prefix("since ")
        .unwrap_or(&text)
        .replace(' ', "-");
    let unparseable = || DateError::Unparseable {
        input: input.trim().to_string(),
        period: true,
    };
    if let Some(period) = parse_days_period(&text, &now) {
        return Ok(period);
    }
    let year = now.at.year();
    let month = now.at.month();
    let quarter = (month - 1) / 3 + 1;

    let (label, first, months) = match text.as_str() {
        "this-year" => (year.to_string(), ymd(year, 1), 12),
        "last-year" => ((year - 1).to_string(), ymd(year - 1, 1), 12),
        "this-quarter" => (
            format!("{year}-Q{quarter}"),
            ymd(year, (quarter - 1) * 3 + 1),
            3,
        ),
        "last-quarter" => {
            let (y, q) = if quarter == 1 {
                (year - 1, 4)
            } else {
                (year, quarter - 1)
            };
            (format!("{y}-Q{q}"), ymd(y, (q - 1) * 3 + 1), 3)
        }
        "this-month" => (format!("{year}-{month:02}"), ymd(year, month), 1),
        "last-month" => {
            let (y, m) = if month == 1 {
                (year - 1, 12)
            } else {
                (year, month - 1)
            };
            (format!("{y}-{m:02}"), ymd(y, m), 1)
        }
        _ => parse_named_period(&text, year).ok_or_else(unparseable)?,
    };
    let first = first.ok_or_else(unparseable)?;
    let after = first
        .checked_add_months(Months::new(months))
        .ok_or_else(unparseable)?;
    Ok(Period {
        label,
        start: start_of_day(first, now),
        end: start_of_day(after, now),
    })
}

/// Periods counted in days: `this-week` and `last-week` (Monday to
/// Sunday), and `past-30-days`, `last-2-weeks`, `past-3-months` (back from
/// today, today included).
fn parse_days_period(text: &str, now: &Now) -> Option<Period> {
    let today = now.at.date_naive();
    let monday = previous_weekday(today, Weekday::Mon, true);
    let (label, first, after) = match text {
        "this-week" => (
            format!("the week of {monday}"),
            monday,
            monday.checked_add_days(Days::new(7))?,
        ),
        "last-week" => {
            let first = monday.checked_sub_days(Days::new(7))?;
            (format!("the week of {first}"), first, monday)
        }
        _ => {
            let rest = text
                .strip_prefix("past-")
                .or_else(|| text.strip_prefix("last-"))?;
            let (count, unit) = rest.split_once('-')?;
            let count = parse_count(count)?;
            let first = shift_back(today, count, parse_unit(unit)?)?;
            (
                format!("the past {}", rest.replace('-', " ")),
                first,
                today.succ_opt()?,
            )
        }
    };
    Some(Period {
        label,
        start: start_of_day(first, *now),
        end: start_of_day(after, *now),
    })
}

/// `2026`, `2026-q1`, `q1`, `2026-h2`, `h2`, `2026-03`: label, first day, length in months.
fn parse_named_period(text: &str, this_year: i32) -> Option<(String, Option<NaiveDate>, u32)> {
    let (year, rest) = match text.split_once('-') {
        Some((year, rest)) => (parse_year(year)?, rest),
        None if text.starts_with('q') || text.starts_with('h') => (this_year, text),
        None => return Some((text.to_string(), ymd(parse_year(text)?, 1), 12)),
    };
    if let Some(q) = rest.strip_prefix('q') {
        let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        return Some((format!("{year}-Q{q}"), ymd(year, (q - 1) * 3 + 1), 3));
    }
    if let Some(h) = rest.strip_prefix('h') {
        let h: u32 = h.parse().ok().filter(|h| (1..=2).contains(h))?;
        return Some((format!("{year}-H{h}"), ymd(year, (h - 1) * 6 + 1), 6));
    }
    if rest.len() == 2 {
        let month: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
        return Some((format!("{year}-{month:02}"), ymd(year, month), 1));
    }
    None
}

fn parse_year(text: &str) -> Option<i32> {
    if text.len() != 4 {
        return None;
    }
    text.parse().ok().filter(|y| (1970..=9999).contains(y))
}

fn ymd(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// `3 days ago`, `a week ago`, `two months ago`, and the short `90d`/`6w`/`2m`/`1y`.
fn parse_amount_ago(text: &str) -> Option<(u32, Unit)> {
    let (number, unit) = if let Some(words) = text.strip_suffix(" ago") {
        let (number, unit) = words.split_once(' ')?;
        (parse_count(number)?, parse_unit(unit.trim())?)
    } else {
        let split = text.find(|c: char| !c.is_ascii_digit())?;
        let (digits, unit) = text.split_at(split);
        (digits.parse().ok()?, parse_unit(unit.trim())?)
    };
    Some((number, unit))
}

fn parse_count(word: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    match word {
        "a" | "an" => Some(1),
        _ => word.parse().ok().or_else(|| {
            WORDS
                .iter()
                .position(|w| *w == word)
                .and_then(|i| u32::try_from(i).ok())
        }),
    }
}

fn parse_unit(word: &str) -> Option<Unit> {
    match word {
        "d" | "day" | "days" => Some(Unit::Day),
        "w" | "wk" | "wks" | "week" | "weeks" => Some(Unit::Week),
        "m" | "mo" | "month" | "months" => Some(Unit::Month),
        "y" | "yr" | "yrs" | "year" | "years" => Some(Unit::Year),
        _ => None,
    }
}

fn shift_back(today: NaiveDate, count: u32, unit: Unit) -> Option<NaiveDate> {
    match unit {
        Unit::Day => today.checked_sub_days(Days::new(u64::from(count))),
        Unit::Week => today.checked_sub_days(Days::new(u64::from(count) * 7)),
        Unit::Month => today.checked_sub_months(Months::new(count)),
        Unit::Year => today.checked_sub_months(Months::new(count.checked_mul(12)?)),
    }
}

fn parse_weekday(text: &str) -> Option<Weekday> {
    let weekday = match text {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    };
    Some(weekday)
}

/// The most recent `weekday` on or before `today` (strictly before, for "last").
fn previous_weekday(today: NaiveDate, weekday: Weekday, include_today: bool) -> NaiveDate {
    let mut back =
        (7 + today.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    if back == 0 && !include_today {
        back = 7;
    }
    today - Days::new(u64::from(back))
}

fn normalize(input: &str) -> String {
    input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

/// Midnight of `day` in the zone of `now` (or the first moment of the day,
/// where a daylight-saving change skips midnight).
pub fn start_of_day(day: NaiveDate, now: impl Into<Now>) -> DateTime<FixedOffset> {
    now.into()
        .zone
        .moment_or_later(day.and_time(NaiveTime::MIN))
}

fn describe(at: DateTime<FixedOffset>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// A human "how long ago": `3 days`, `5 weeks`, `4 months`.
pub fn age(from: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    let days = (now - from).num_days().max(0);
    match days {
        0 => "today".to_string(),
        1 => "1 day".to_string(),
        2..=13 => format!("{days} days"),
        14..=59 => format!("{} weeks", days / 7),
        _ => format!("{} months", days / 30),
    }
}

/// The day of a time, in the offset it was recorded with: "2026-03-04".
pub fn day(at: &DateTime<FixedOffset>) -> String {
    // NaiveDate displays as %Y-%m-%d without parsing a format string.
    at.date_naive().to_string()
}

/// The month of a time, as `%Y-%m` would print it: "2026-03".
pub fn month_of(at: &DateTime<FixedOffset>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central European time with its rules, as `TZ` spells it.
    fn paris() -> Zone {
        let rules = jiff::tz::TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        Zone::Rules(Box::leak(Box::new(rules)))
    }

    fn wall(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_zone_with_rules_reads_summer_winter_the_gap_and_the_fold() {
        let zone = paris();
        let at = |text: &str| zone.moment(wall(text)).map(|m| m.to_rfc3339());
        assert_eq!(at("2026-07-01 10:00").unwrap(), "2026-07-01T10:00:00+02:00");
        assert_eq!(at("2026-01-15 10:00").unwrap(), "2026-01-15T10:00:00+01:00");
        // Skipped when the clocks go forward.
        assert_eq!(at("2026-03-29 02:30"), None);
        // Twice when they go back: the first one.
        assert_eq!(at("2026-10-25 02:30").unwrap(), "2026-10-25T02:30:00+02:00");
        let noon = DateTime::parse_from_rfc3339("2026-07-01T10:00:00Z").unwrap();
        assert_eq!(zone.offset_at(noon.to_utc()).local_minus_utc(), 7200);
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    // 2026-11-23 is a Monday.
    const NOW: &str = "2026-11-23T10:30:00+01:00";

    #[test]
    fn iso_dates_and_datetimes() {
        let now = at(NOW);
        assert_eq!(
            parse_when("2026-03-04", now).unwrap(),
            When::Day(date("2026-03-04"))
        );
        assert_eq!(
            parse_when("2026-03-04T09:30", now).unwrap(),
            When::Moment(at("2026-03-04T09:30:00+01:00"))
        );
        assert_eq!(
            parse_when("2026-03-04 09:30:15", now).unwrap(),
            When::Moment(at("2026-03-04T09:30:15+01:00"))
        );
        assert_eq!(
            parse_when("2026-03-04T09:30:00-05:00", now).unwrap(),
            When::Moment(at("2026-03-04T09:30:00-05:00"))
        );
        assert_eq!(
            parse_when("2026-03-04t08:00:00z", now).unwrap(),
            When::Moment(at("2026-03-04T08:00:00Z"))
        );
    }

    /// The examples an error proposes must all work where it proposes
    /// them: `-d "last week"` and `-d 2026-Q1` were proposed and refused.
    #[test]
    fn every_example_an_error_gives_is_read() {
        let now = at(NOW);
        for example in POINT_EXAMPLES.split(", ") {
            assert!(parse_occurred(example, now).is_ok(), "-d {example}");
            assert!(parse_since(example, now).is_ok(), "--since {example}");
            assert!(parse_until(example, now).is_ok(), "--until {example}");
        }
        for example in PERIOD_EXAMPLES.split(", ") {
            assert!(parse_period(example, now).is_ok(), "--period {example}");
        }
    }

    #[test]
    fn a_period_given_as_a_date_is_its_first_day() {
        let now = at(NOW);
        let day = |input: &str| parse_occurred(input, now).unwrap().date_naive();
        assert_eq!(day("last month"), date("2026-10-01"));
        assert_eq!(day("this month"), date("2026-11-01"));
        assert_eq!(day("last week"), date("2026-11-16"));
        assert_eq!(day("2026-Q1"), date("2026-01-01"));
        assert_eq!(day("last quarter"), date("2026-07-01"));
        assert_eq!(day("2026"), date("2026-01-01"));
        // The time of day is now's, as for any day.
        assert_eq!(
            parse_occurred("last month", now).unwrap().time(),
            now.time()
        );
        // A period that starts after today is still in the future.
        assert!(matches!(
            parse_occurred("2027-Q1", now),
            Err(DateError::Future { .. })
        ));
        // Still unreadable: the examples, which all work.
        let err = parse_occurred("the other day", now)
            .unwrap_err()
            .to_string();
        assert!(err.contains(POINT_EXAMPLES), "{err}");
    }

    #[test]
    fn relative_days_and_weekdays() {
        let now = at(NOW);
        assert_eq!(
            parse_when("today", now).unwrap(),
            When::Day(date("2026-11-23"))
        );
        assert_eq!(
            parse_when(" Yesterday ", now).unwrap(),
            When::Day(date("2026-11-22"))
        );
        assert_eq!(
            parse_when("monday", now).unwrap(),
            When::Day(date("2026-11-23"))
        );
        assert_eq!(
            parse_when("last monday", now).unwrap(),
            When::Day(date("2026-11-16"))
        );
        assert_eq!(
            parse_when("friday", now).unwrap(),
            When::Day(date("2026-11-20"))
        );
        assert_eq!(
            parse_when("last  Fri", now).unwrap(),
            When::Day(date("2026-11-20"))
        );
        assert_eq!(
            parse_when("3 days ago", now).unwrap(),
            When::Day(date("2026-11-20"))
        );
        assert_eq!(
            parse_when("two weeks ago", now).unwrap(),
            When::Day(date("2026-11-09"))
        );
        assert_eq!(
            parse_when("a month ago", now).unwrap(),
            When::Day(date("2026-10-23"))
        );
        assert_eq!(
            parse_when("90d", now).unwrap(),
            When::Day(date("2026-08-25"))
        );
        assert_eq!(
            parse_when("6w", now).unwrap(),
            When::Day(date("2026-10-12"))
        );
        assert_eq!(
            parse_when("2m", now).unwrap(),
            When::Day(date("2026-09-23"))
        );
        assert_eq!(
            parse_when("1y", now).unwrap(),
            When::Day(date("2025-11-23"))
        );
    }

    #[test]
    fn month_and_year_edges_and_leap_days() {
        let end_of_march = at("2026-03-31T12:00:00+00:00");
        // One month before 31 March clamps to the last day of February.
        assert_eq!(
            parse_when("1m", end_of_march).unwrap(),
            When::Day(date("2026-02-28"))
        );
        let leap = at("2028-02-29T12:00:00+00:00");
        assert_eq!(
            parse_when("1y", leap).unwrap(),
            When::Day(date("2027-02-28"))
        );
        assert_eq!(
            parse_when("yesterday", at("2028-03-01T00:10:00+00:00")).unwrap(),
            When::Day(date("2028-02-29"))
        );
        assert_eq!(
            parse_when("yesterday", at("2027-01-01T09:00:00+00:00")).unwrap(),
            When::Day(date("2026-12-31"))
        );
        assert!(
            parse_when("2026-02-29", leap).is_err(),
            "2026 is not a leap year"
        );
        assert_eq!(
            parse_when("2028-02-29", leap).unwrap(),
            When::Day(date("2028-02-29"))
        );
    }

    #[test]
    fn periods() {
        let now = at(NOW);
        let q1 = parse_period("2026-Q1", now).unwrap();
        assert_eq!(
            (q1.start, q1.end),
            (
                at("2026-01-01T00:00:00+01:00"),
                at("2026-04-01T00:00:00+01:00")
            )
        );
        assert_eq!(parse_period("q4", now).unwrap().label, "2026-Q4");
        let h2 = parse_period("2026-H2", now).unwrap();
        assert_eq!(
            (h2.start, h2.end),
            (
                at("2026-07-01T00:00:00+01:00"),
                at("2027-01-01T00:00:00+01:00")
            )
        );
        let year = parse_period("2025", now).unwrap();
        assert_eq!(
            (year.start, year.end),
            (
                at("2025-01-01T00:00:00+01:00"),
                at("2026-01-01T00:00:00+01:00")
            )
        );
        let feb = parse_period("2028-02", now).unwrap();
        assert_eq!(feb.end, at("2028-03-01T00:00:00+01:00"));
        assert_eq!(parse_period("last-quarter", now).unwrap().label, "2026-Q3");
        assert_eq!(parse_period("this quarter", now).unwrap().label, "2026-Q4");
        assert_eq!(parse_period("last-year", now).unwrap().label, "2025");
        assert_eq!(parse_period("last-month", now).unwrap().label, "2026-10");
        let january = at("2026-01-15T08:00:00+00:00");
        assert_eq!(
            parse_period("last-quarter", january).unwrap().label,
            "2025-Q4"
        );
        assert_eq!(
            parse_period("last-month", january).unwrap().label,
            "2025-12"
        );
        for bad in ["2026-Q5", "2026-13", "Q0", "H3", "26", "next-year", ""] {
            assert!(parse_period(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters_cover_whole_days_and_periods() {
        let now = at(NOW);
        assert_eq!(
            parse_since("2026-11-01", now).unwrap(),
            at("2026-11-01T00:00:00+01:00")
        );
        assert_eq!(
            parse_until("2026-11-01", now).unwrap(),
            at("2026-11-02T00:00:00+01:00")
        );
        assert_eq!(
            parse_since("2026-Q3", now).unwrap(),
            at("2026-07-01T00:00:00+01:00")
        );
        assert_eq!(
            parse_until("2026-Q3", now).unwrap(),
            at("2026-10-01T00:00:00+01:00")
        );
        assert_eq!(
            parse_until("2026-12-31", now).unwrap(),
            at("2027-01-01T00:00:00+01:00")
        );
        assert!(matches!(
            parse_since("2026-12-01", now),
            Err(DateError::Future { .. })
        ));
    }

    #[test]
    fn occurred_keeps_time_of_day_and_refuses_the_future() {
        let now = at(NOW);
        assert_eq!(
            parse_occurred("yesterday", now).unwrap(),
            at("2026-11-22T10:30:00+01:00")
        );
        assert_eq!(parse_occurred("today", now).unwrap(), now);
        let err = parse_occurred("2026-11-24", now).unwrap_err();
        assert!(err.to_string().contains("in the future"), "{err}");
        assert!(parse_occurred("2026-11-23T11:00", now).is_err());
    }

    #[test]
    fn time_zones_follow_now() {
        let tokyo = at("2026-11-23T01:00:00+09:00");
        // In Tokyo it is already Monday; in UTC it is still Sunday.
        assert_eq!(
            parse_when("today", tokyo).unwrap(),
            When::Day(date("2026-11-23"))
        );
        assert_eq!(
            parse_since("today", tokyo).unwrap(),
            at("2026-11-23T00:00:00+09:00")
        );
        let utc_now = tokyo.with_timezone(&FixedOffset::east_opt(0).unwrap());
        assert_eq!(
            parse_when("today", utc_now).unwrap(),
            When::Day(date("2026-11-22"))
        );
    }

    #[test]
    fn dates_before_1970_are_refused_as_slips() {
        let now = at(NOW);
        for slip in ["300000 weeks ago", "10000y", "1969-12-31"] {
            let err = parse_occurred(slip, now).unwrap_err().to_string();
            assert!(err.contains("before 1970"), "{slip}: {err}");
        }
        assert!(parse_occurred("1970-01-02", now).is_ok());
        assert!(check_imported(at("0001-01-01T00:00:00+00:00"), now).is_err());
    }

    #[test]
    fn tomorrow_is_read_and_is_the_future() {
        let now = at(NOW);
        assert_eq!(
            parse_when("tomorrow", now).unwrap(),
            When::Day(date("2026-11-24"))
        );
        assert_eq!(
            parse_when("next monday", now).unwrap(),
            When::Day(date("2026-11-30"))
        );
        assert_eq!(
            parse_when("next friday", now).unwrap(),
            When::Day(date("2026-11-27"))
        );
        for future in ["tomorrow", "next monday"] {
            let err = parse_occurred(future, now).unwrap_err().to_string();
            assert!(err.contains("is in the future"), "{err}");
            assert!(parse_since(future, now).is_err());
        }
        assert_eq!(
            parse_until("tomorrow", now).unwrap(),
            at("2026-11-25T00:00:00+01:00")
        );
    }

    #[test]
    fn weeks_and_past_days_are_periods() {
        // NOW is Monday 2026-11-23.
        let now = at(NOW);
        let week = parse_period("last week", now).unwrap();
        assert_eq!(week.start, at("2026-11-16T00:00:00+01:00"));
        assert_eq!(week.end, at("2026-11-23T00:00:00+01:00"));
        let this = parse_period("this-week", now).unwrap();
        assert_eq!(this.start, at("2026-11-23T00:00:00+01:00"));
        assert_eq!(this.end, at("2026-11-30T00:00:00+01:00"));
        let past = parse_period("past 30 days", now).unwrap();
        assert_eq!(past.start, at("2026-10-24T00:00:00+01:00"));
        assert_eq!(past.end, at("2026-11-24T00:00:00+01:00"));
        assert_eq!(past.label, "the past 30 days");
        assert_eq!(
            parse_period("last two weeks", now).unwrap().start,
            at("2026-11-09T00:00:00+01:00")
        );
        assert_eq!(parse_since("last week", now).unwrap(), week.start);
        assert_eq!(parse_until("last week", now).unwrap(), week.end);
        assert_eq!(parse_since("past 30 days", now).unwrap(), past.start);
        assert_eq!(
            parse_since("since friday", now).unwrap(),
            at("2026-11-20T00:00:00+01:00")
        );
        assert_eq!(
            parse_since("since last month", now).unwrap(),
            at("2026-10-01T00:00:00+01:00")
        );
        assert!(parse_period("last fortnight", now).is_err());
    }

    #[test]
    fn errors_are_one_short_line() {
        let now = at(NOW);
        let err = parse_when("the other day", now).unwrap_err().to_string();
        assert!(err.len() < 140, "{err}");
        assert!(!err.contains('\n'));
        let err = parse_period("someday", now).unwrap_err().to_string();
        assert!(err.len() < 140 && err.contains("last week"), "{err}");
    }

    #[test]
    fn errors_list_the_accepted_forms() {
        let now = at(NOW);
        for bad in [
            "tomorrowish",
            "2026-02-30",
            "last blursday",
            "5 fortnights ago",
            "-3d",
            "d",
        ] {
            let err = parse_when(bad, now).unwrap_err().to_string();
            assert!(err.contains(&format!("\"{bad}\"")), "{err}");
            assert!(err.contains("last monday"), "{err}");
        }
        let err = parse_since("next week", now).unwrap_err().to_string();
        assert!(err.contains("cannot read the date"), "{err}");
    }

    #[test]
    fn age_reads_naturally() {
        let now = at(NOW);
        assert_eq!(age(at("2026-11-20T10:30:00+01:00"), now), "3 days");
        assert_eq!(age(at("2026-10-01T10:30:00+01:00"), now), "7 weeks");
        assert_eq!(age(at("2026-05-01T10:30:00+01:00"), now), "6 months");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// A day rendered as ISO and read back is the same day.
            #[test]
            fn iso_days_round_trip(days in 0i64..60_000) {
                let now = at(NOW);
                let day = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Days::new(u64::try_from(days).unwrap());
                prop_assert_eq!(parse_when(&day.format("%Y-%m-%d").to_string(), now).unwrap(), When::Day(day));
            }

            /// A moment rendered as RFC 3339 (any offset) and read back is the same moment.
            #[test]
            fn moments_round_trip(seconds in 0i64..4_000_000_000, offset_minutes in -720i32..=840) {
                let now = at(NOW);
                let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
                let moment = offset.timestamp_opt(seconds, 0).unwrap();
                let text = format_rfc3339(&moment);
                prop_assert_eq!(parse_when(&text, now).unwrap(), When::Moment(moment));
            }

            /// Nothing typed makes the parser panic.
            #[test]
            fn any_text_is_an_answer_or_an_error(text in "\\PC{0,40}") {
                let now = at(NOW);
                let _ = parse_when(&text, now);
                let _ = parse_period(&text, now);
                let _ = parse_since(&text, now);
            }
        }
    }
}
