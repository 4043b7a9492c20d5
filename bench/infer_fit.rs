//! Fits `templates/inference/calibration.toml` on labelled notes:
//!
//!     cargo run --example infer_fit -- FILE.jsonl [--part calibration|report|all] [--corpus FILE.tsv]
//!
//! FILE is the JSONL `bench/infer_eval.py` reads (`text`, `gold`,
//! `competency`); `--part` (default `calibration`) splits it by the same
//! hash, so the notes fitted on are never the ones reported. Prints:
//! - the temperature (scale, exponent) that minimises the log loss of the
//!   right competency over the rough notes and statements, and the
//!   reliability of the scores it gives;
//! - for a few learning weights (and, at the shipped weights, a few
//!   `own_wins` and `own_prior`), top-1 on half the rough notes after the
//!   other half were labelled in a journal (the split `infer_eval.py` uses);
//! - for thresholds and margins, how often a capture would ask and how
//!   often it is right when it does not.
//!
//! Nothing is written: copy the numbers chosen into the file.

use std::collections::BTreeMap;

use win::analyze::infer::{Ask, Calibration, Learning, Temperature};
use win::analyze::{learning_terms, Analyzer, Learned, UserFiles};
use win::domain::framework::{Catalog, DEFAULT_FRAMEWORK};
use win::domain::win::{CompetencySource, NewWin};
use win::store::Store;

struct Note {
    text: String,
    gold: Option<String>,
    competency: String,
}

fn fnv1a(text: &str) -> u64 {
    let mut value: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        value ^= u64::from(byte);
        value = value.wrapping_mul(0x0100_0000_01b3);
    }
    value
}

fn part_of(text: &str) -> &'static str {
    if (fnv1a(text.trim()) >> 32).is_multiple_of(2) {
        "calibration"
    } else {
        "report"
    }
}

/// Split 0 is the one `infer_eval.py` uses.
fn labelled_half(text: &str, salt: u32) -> bool {
    let key = if salt == 0 {
        format!("learn:{}", text.trim())
    } else {
        format!("learn{salt}:{}", text.trim())
    };
    (fnv1a(&key) >> 32).is_multiple_of(2)
}

/// A cold prediction's log-likelihoods, feature count and right index.
struct Raw {
    logs: Vec<f64>,
    features: usize,
    right: usize,
}

fn softmax(logs: &[f64], temperature: f64) -> Vec<f64> {
    let best = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = logs
        .iter()
        .map(|l| ((l - best) / temperature).exp())
        .collect();
    let sum: f64 = weights.iter().sum();
    weights.iter().map(|w| w / sum).collect()
}

fn top(probabilities: &[f64]) -> (usize, f64, f64) {
    let mut order: Vec<usize> = (0..probabilities.len()).collect();
    order.sort_by(|a, b| probabilities[*b].total_cmp(&probabilities[*a]));
    (
        order[0],
        probabilities[order[0]],
        order.get(1).map_or(0.0, |&i| probabilities[i]),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .expect("usage: infer_fit FILE.jsonl [--part calibration|report|all] [--corpus FILE.tsv]");
    let part = args
        .iter()
        .position(|a| a == "--part")
        .and_then(|i| args.get(i + 1))
        .map_or("calibration", String::as_str);
    let text = std::fs::read_to_string(file).expect("read the file");
    let notes: Vec<Note> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let field = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
            Note {
                text: field("text").expect("text"),
                gold: field("gold"),
                competency: field("competency").expect("competency"),
            }
        })
        .filter(|n| part == "all" || part_of(&n.text) == part)
        .collect();
    let catalog = Catalog::builtin();
    let framework = catalog
        .get(DEFAULT_FRAMEWORK)
        .expect("the default framework");
    // `--corpus FILE`: counted on top of the built-in corpus, as a user's is.
    let files = UserFiles {
        corpus: args
            .iter()
            .position(|a| a == "--corpus")
            .and_then(|i| args.get(i + 1))
            .map(|path| win::analyze::UserText {
                label: path.clone(),
                text: std::fs::read_to_string(path).expect("read the corpus"),
            }),
        ..UserFiles::default()
    };
    let mut analyzer = Analyzer::new(framework, &files).expect("the analyser");
    let keys: Vec<String> = framework
        .competencies
        .iter()
        .map(|c| c.key.clone())
        .collect();
    let shipped = *analyzer.calibration();
    println!("{file} ({part}): {} notes", notes.len());

    // Cold predictions of rough notes and statements.
    let mut raws = Vec::new();
    for note in &notes {
        let right = keys
            .iter()
            .position(|k| *k == note.competency)
            .expect("a known competency");
        for text in std::iter::once(&note.text).chain(note.gold.as_ref()) {
            let (logs, features) = analyzer.log_likelihoods(text, None, None, &Learned::default());
            if features > 0 {
                raws.push(Raw {
                    logs,
                    features,
                    right,
                });
            }
        }
    }
    let loss = |scale: f64, exponent: f64| -> f64 {
        let calibration = Calibration {
            scores: Temperature { scale, exponent },
            ..shipped
        };
        raws.iter()
            .map(|raw| {
                let p = softmax(&raw.logs, calibration.temperature(raw.features));
                -(p[raw.right].max(1e-9)).ln()
            })
            .sum::<f64>()
            / raws.len() as f64
    };
    let mut best = (f64::INFINITY, 1.0, 0.5);
    for s in 1..=80 {
        let scale = f64::from(s) * 0.05;
        for e in 0..=20 {
            let exponent = f64::from(e) * 0.05;
            let l = loss(scale, exponent);
            if l < best.0 {
                best = (l, scale, exponent);
            }
        }
    }
    let (best_loss, scale, exponent) = best;
    println!(
        "temperature: scale {scale:.2}, exponent {exponent:.2} (log loss {best_loss:.3}; shipped {:.2}/{:.2}: {:.3})",
        shipped.scores.scale,
        shipped.scores.exponent,
        loss(shipped.scores.scale, shipped.scores.exponent)
    );
    let fitted = Calibration {
        scores: Temperature { scale, exponent },
        ..shipped
    };
    let predictions: Vec<(usize, f64, f64, bool)> = raws
        .iter()
        .map(|raw| {
            let (index, first, second) = top(&softmax(&raw.logs, fitted.temperature(raw.features)));
            (index, first, second, index == raw.right)
        })
        .collect();
    println!("reliability (fitted):");
    for (low, high) in [
        (0.9, 1.01),
        (0.8, 0.9),
        (0.7, 0.8),
        (0.6, 0.7),
        (0.5, 0.6),
        (0.4, 0.5),
        (0.0, 0.4),
    ] {
        let band: Vec<_> = predictions
            .iter()
            .filter(|p| p.1 >= low && p.1 < high)
            .collect();
        let right = band.iter().filter(|p| p.3).count();
        let mean = band.iter().map(|p| p.1).sum::<f64>() / band.len().max(1) as f64;
        println!(
            "  [{low:.1},{high:.1}) {:>4} predictions, right {:>5.1}%, mean score {mean:.2}",
            band.len(),
            100.0 * right as f64 / band.len().max(1) as f64
        );
    }
    println!(
        "asking (fitted scores): threshold, margin -> asks, right when sure, right when asked"
    );
    for threshold in [0.5, 0.6, 0.7, 0.8] {
        for margin in [0.0, 0.1, 0.2, 0.3] {
            let ask = Ask { threshold, margin };
            let asks: Vec<_> = predictions
                .iter()
                .filter(|p| p.1 < ask.threshold || p.1 - p.2 < ask.margin)
                .collect();
            let sure: Vec<_> = predictions
                .iter()
                .filter(|p| !(p.1 < ask.threshold || p.1 - p.2 < ask.margin))
                .collect();
            println!(
                "  {threshold:.1} {margin:.1}: asks {:>5.1}%, right when sure {:>5.1}% ({}), right when asked {:>5.1}%",
                100.0 * asks.len() as f64 / predictions.len() as f64,
                100.0 * sure.iter().filter(|p| p.3).count() as f64 / sure.len().max(1) as f64,
                sure.len(),
                100.0 * asks.iter().filter(|p| p.3).count() as f64 / asks.len().max(1) as f64,
            );
        }
    }

    // Learning: label half the rough notes, infer the rest; over several
    // splits (the first is the one `infer_eval.py` reports), so that one
    // note does not decide.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").expect("time");
    let mut rows: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for salt in 0..6 {
        let mut store = Store::open_in_memory().expect("journal");
        let (taught, asked): (Vec<&Note>, Vec<&Note>) =
            notes.iter().partition(|n| labelled_half(&n.text, salt));
        for note in &taught {
            let mut win = NewWin::new(note.text.clone(), now);
            win.competencies = vec![note.competency.clone()];
            win.competency_source = CompetencySource::User;
            store.insert(&win).expect("insert");
        }
        // The corpus-weighted counts (the user's own words left out), then
        // the user's own words at the shipped weights.
        let shipped_learning = shipped.learning;
        let counted = [0.0, 1.0, 2.0, 4.0, 8.0].into_iter().flat_map(|weight| {
            [0.5, 2.0, 8.0, 1000.0].map(|known| Learning {
                weight,
                known,
                own_wins: f64::INFINITY,
                ..shipped_learning
            })
        });
        let owned = [2.0, 3.0, 4.0].into_iter().flat_map(|own_wins| {
            [1.0, 3.0, 6.0].map(|own_prior| Learning {
                own_wins,
                own_prior,
                ..shipped_learning
            })
        });
        for learning in counted.chain(owned) {
            analyzer.set_calibration(Calibration { learning, ..fitted });
            let mut right = 0;
            for note in &asked {
                let learned = store
                    .learned(&learning_terms(&note.text, None, None))
                    .expect("learned");
                let ranked = analyzer.suggest_learned(&note.text, None, None, &learned);
                if ranked.first().is_some_and(|s| s.key == note.competency) {
                    right += 1;
                }
            }
            let Learning {
                weight,
                known,
                own_wins,
                own_prior,
            } = learning;
            let row = rows
                .entry(format!(
                    "weight {weight:>4.1}, known {known:>6.1}, own words {own_wins:>3} wins against {own_prior:>3.1}"
                ))
                .or_default();
            row.0 += right;
            row.1 += asked.len();
        }
    }
    println!("learning: half labelled, top-1 on the other half, over 6 splits (weight 0 = nothing learned):");
    for (weight, (right, total)) in rows {
        println!(
            "  {weight}: {:>5.1}%",
            100.0 * right as f64 / total.max(1) as f64
        );
    }
}
