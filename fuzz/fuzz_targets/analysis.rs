//! Any text through inference, metric extraction, the statement engine's
//! sentence and statement (which replaced polish) and the checker.
#![no_main]

use std::sync::OnceLock;

use chrono::{FixedOffset, TimeZone};
use libfuzzer_sys::fuzz_target;
use win::analyze::{Analyzer, UserFiles};
use win::domain::framework::{Catalog, DEFAULT_FRAMEWORK};
use win::domain::win::NewWin;
use win::render::StatementEngine;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        let catalog = Catalog::builtin();
        let framework = catalog.get(DEFAULT_FRAMEWORK).expect("default framework");
        Analyzer::new(framework, &UserFiles::default()).expect("analyzer")
    })
}

fn engine() -> &'static StatementEngine {
    static ENGINE: OnceLock<StatementEngine> = OnceLock::new();
    ENGINE.get_or_init(|| StatementEngine::builtin().expect("built-in statement engine"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analyzer = analyzer();
    let (text, impact) = text
        .split_once('\n')
        .map_or((text.as_ref(), None), |(a, b)| (a, Some(b)));
    let metrics = analyzer.metrics(text, impact);
    let _ = analyzer.suggest(text, impact, None);
    let rules = analyzer.rules().expect("rules");
    let _ = rules.check_text(text, impact, &metrics);
    for metric in &metrics {
        let _ = metric.describe();
    }
    let now = FixedOffset::east_opt(0)
        .expect("UTC")
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .unwrap();
    let mut win = NewWin::new(text.to_string(), now);
    win.impact = impact.map(str::to_string);
    win.metrics = metrics;
    let win = win.into_win(1);
    let _ = engine().sentence(&win);
    let _ = engine().statement(&win);
});
