//! Any text, as a date or a period, against a fixed clock: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use win::domain::dates;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").expect("fixed clock");
    let _ = dates::parse_when(text, now);
    let _ = dates::parse_occurred(text, now);
    let _ = dates::parse_since(text, now);
    let _ = dates::parse_until(text, now);
    let _ = dates::parse_period(text, now);
});
