//! Any bytes as a win import: records or a line-numbered error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use win::domain::import::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").expect("fixed clock");
    if let Ok(records) = import::parse(text, Format::Win, now) {
        for (_, record) in records {
            let _ = record.into_new(now);
        }
    }
});
