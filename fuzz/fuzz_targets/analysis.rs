//! Any text through inference, metric extraction, polish and the checker.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use win::analyze::Analyzer;
use win::domain::framework::{Catalog, DEFAULT_FRAMEWORK};

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        let catalog = Catalog::load(None).expect("built-in frameworks");
        Analyzer::new(catalog.get(DEFAULT_FRAMEWORK).expect("default framework")).expect("analyzer")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analyzer = analyzer();
    let (text, impact) = text.split_once('\n').map_or((text.as_ref(), None), |(a, b)| (a, Some(b)));
    let metrics = analyzer.metrics(text, impact);
    let _ = analyzer.suggest(text, impact, None);
    let _ = analyzer.polish(text);
    let rules = analyzer.rules().expect("rules");
    let _ = rules.check_text(text, impact, &metrics);
    for metric in &metrics {
        let _ = metric.describe();
    }
});
