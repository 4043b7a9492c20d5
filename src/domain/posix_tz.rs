//! Whether a `TZ` value is a POSIX time-zone rule (`UTC0`, `EST5`,
//! `CET-1CEST,M3.5.0,M10.5.0/3`, `<+0330>-3:30`), read the way chrono reads
//! one, so that win can tell a rule from a typo: given a `TZ` it cannot read,
//! chrono uses the system's zone or UTC without a word, and every date typed
//! would be stored at the wrong offset.

/// The rule grammar chrono accepts (POSIX, without the extensions): a
/// name and an offset, then optionally a daylight-saving name, its offset,
/// and the two dates it starts and ends.
pub fn is_posix_rule(text: &str) -> bool {
    let mut rest = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let parsed = (|| -> Option<()> {
        name(&mut rest)?;
        offset(&mut rest, 24)?;
        if rest.is_empty() {
            return Some(());
        }
        name(&mut rest)?;
        if !rest.starts_with(',') {
            offset(&mut rest, 24)?;
        }
        // A daylight-saving zone needs its dates.
        for _ in 0..2 {
            rest = rest.strip_prefix(',')?;
            rule_day(&mut rest)?;
        }
        rest.is_empty().then_some(())
    })();
    parsed.is_some()
}

/// `<+0330>` (letters, digits, signs) or `CET` (letters): three or more.
fn name(rest: &mut &str) -> Option<()> {
    let (name, after) = match rest.strip_prefix('<') {
        Some(quoted) => {
            let end = quoted.find('>')?;
            let name = &quoted[..end];
            let allowed = name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
            (allowed.then_some(name)?, &quoted[end + 1..])
        }
        None => {
            let end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        }
    };
    (name.len() >= 3).then_some(())?;
    *rest = after;
    Some(())
}

/// `[+-]hh[:mm[:ss]]`, the hours at most `max_hours`.
fn offset(rest: &mut &str, max_hours: u32) -> Option<()> {
    if let Some(after) = rest.strip_prefix(['+', '-']) {
        *rest = after;
    }
    number(rest, 1, 2).filter(|hours| *hours <= max_hours)?;
    for _ in 0..2 {
        let Some(after) = rest.strip_prefix(':') else {
            break;
        };
        *rest = after;
        number(rest, 2, 2).filter(|part| *part <= 59)?;
    }
    Some(())
}

/// `Jn` (1–365), `n` (0–365) or `Mm.w.d`, then optionally `/time`.
fn rule_day(rest: &mut &str) -> Option<()> {
    if let Some(after) = rest.strip_prefix('J') {
        *rest = after;
        number(rest, 1, 3).filter(|day| (1..=365).contains(day))?;
    } else if let Some(after) = rest.strip_prefix('M') {
        *rest = after;
        number(rest, 1, 2).filter(|month| (1..=12).contains(month))?;
        *rest = rest.strip_prefix('.')?;
        number(rest, 1, 1).filter(|week| (1..=5).contains(week))?;
        *rest = rest.strip_prefix('.')?;
        number(rest, 1, 1).filter(|weekday| *weekday <= 6)?;
    } else {
        number(rest, 1, 3).filter(|day| *day <= 365)?;
    }
    if let Some(after) = rest.strip_prefix('/') {
        *rest = after;
        offset(rest, 24)?;
    }
    Some(())
}

/// `min` to `max` ASCII digits.
fn number(rest: &mut &str, min: usize, max: usize) -> Option<u32> {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits < min || digits > max {
        return None;
    }
    let value = rest[..digits].parse().ok()?;
    *rest = &rest[digits..];
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_told_from_names_and_typos() {
        for rule in [
            "UTC0",
            "EST5",
            "<+0330>-3:30",
            "CET-1CEST,M3.5.0,M10.5.0/3",
            "EST5EDT,M3.2.0/2:00:00,M11.1.0",
            "AAA3BBB,J60/2,300",
            " UTC0 ",
        ] {
            assert!(is_posix_rule(rule), "{rule}");
        }
        for typo in [
            "Europe/Pariss",
            "Mars/Olympus",
            "UTC",
            "CET-1CEST",
            "EST25",
            "CET-1CEST,M13.5.0,M10.5.0",
            "CET-1CEST,M3.5.0",
            "UTC0 junk",
            "<+03>",
            "",
        ] {
            assert!(!is_posix_rule(typo), "{typo}");
        }
    }
}
