//! `win sync` convergence at scale: two devices, 500 interleaved changes
//! each, edits and deletes of the same wins, end with identical journals.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::Journal;
use crate::sync::{device, export, id_of, sync, Remote};

/// A fixed pseudo-random sequence (a linear congruential generator).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % n as u64).unwrap()
    }
}

/// A device's wins as exported: (local id, uid, the whole win), by uid.
fn wins_of(journal: &Journal) -> Vec<(String, String, Value)> {
    let mut wins: Vec<_> = journal
        .ok(&["export", "--format", "jsonl"])
        .lines()
        .map(|line| {
            let win: Value = serde_json::from_str(line).unwrap();
            (
                win["id"].to_string(),
                win["uid"].as_str().unwrap().to_string(),
                win,
            )
        })
        .collect();
    wins.sort_by(|x, y| x.1.cmp(&y.1));
    wins
}

#[test]
fn two_devices_making_500_interleaved_changes_each_converge() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    let devices = [&a, &b];
    let mut dice = Dice(2026);
    let mut made = [0usize; 2];
    let mut edited: [BTreeSet<String>; 2] = Default::default();
    let mut deleted: [BTreeSet<String>; 2] = Default::default();
    let files = tempfile::tempdir().unwrap();
    for round in 0..12 {
        for (d, journal) in devices.iter().enumerate() {
            let wins = wins_of(journal);
            let pick = |dice: &mut Dice| wins[dice.roll(wins.len())].clone();
            // 15 new wins and up to 15 replaced ones, in one import.
            let mut lines = Vec::new();
            for n in 0..15 {
                lines.push(serde_json::json!({
                    "uid": format!("01a2135a-{round:04x}-7{d:03x}-8000-{n:012x}"),
                    "text": format!("r{round} d{d} cut p99 latency by {n}ms"),
                    "occurred_at": format!("2026-11-{:02}T10:00:00Z", 1 + n),
                    "tags": [format!("t{d}")],
                }));
            }
            let mut replaced = BTreeSet::new();
            for _ in 0..15.min(wins.len()) {
                let (_, uid, mut win) = pick(&mut dice);
                if !replaced.insert(uid.clone()) {
                    continue;
                }
                let object = win.as_object_mut().unwrap();
                object.remove("id");
                object.insert(
                    "impact".into(),
                    format!("r{round} d{d}: tickets -{}%", dice.roll(90)).into(),
                );
                lines.push(win);
                edited[d].insert(uid);
            }
            let file = files.path().join(format!("r{round}d{d}.jsonl"));
            let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
            std::fs::write(&file, text.join("\n") + "\n").unwrap();
            journal.ok(&["import", "--update", file.to_str().unwrap()]);
            made[d] += lines.len();
            if wins.is_empty() {
                continue;
            }
            // Edits of single fields, follow-ups and stars.
            for step in 0..15 {
                let (id, uid, _) = pick(&mut dice);
                let words = format!("r{round} d{d} s{step}");
                match step % 5 {
                    0 => journal.ok(&["edit", &id, "--text", &format!("edited {words}")]),
                    1 => journal.ok(&["edit", &id, "-p", &format!("p{d}"), "-t", &words]),
                    2 => journal.ok(&["update", &id, "--next", &format!("next {words}")]),
                    3 => journal.ok(&["update", &id, "--impact", &format!("impact {words}")]),
                    _ => journal.ok(&["star", &id]),
                };
                edited[d].insert(uid);
                made[d] += 1;
            }
            // Deletes, of wins the other device may be editing right now.
            let mut doomed = BTreeSet::new();
            for _ in 0..5 {
                let (id, uid, _) = pick(&mut dice);
                if doomed.insert(id) {
                    deleted[d].insert(uid);
                }
            }
            let mut rm = vec!["rm", "--yes"];
            rm.extend(doomed.iter().map(String::as_str));
            journal.ok(&rm);
            made[d] += doomed.len();
            if dice.roll(3) > 0 {
                sync(journal);
            }
        }
    }
    for journal in [&a, &b, &a] {
        sync(journal);
    }
    assert!(made.iter().all(|&n| n >= 500), "{made:?}");
    // The walk did what it is for: each device deleted wins the other edited.
    assert!(!deleted[0].is_disjoint(&edited[1]));
    assert!(!deleted[1].is_disjoint(&edited[0]));
    let on_a = export(&a);
    let on_b = export(&b);
    let differences = differences(&on_a, &on_b);
    assert!(
        differences.is_empty(),
        "field for field, derived fields and timelines included:\n{}",
        differences.join("\n")
    );
    assert!(on_a.len() > 100, "{}", on_a.len());
    assert!(on_a.values().any(|win| win["updates"]
        .as_array()
        .is_some_and(|updates| updates.len() > 1)));
}

/// Where two exports by uid differ: one line a field (or a missing win).
/// Everything is compared, what win derives from the words too (the
/// polished sentence, suggestions, inferred competencies, metrics): the
/// walk's imports replace exported wins with a new impact and the metrics
/// their file carried, which replay keeps only while they came with
/// exactly the merged words, and follow-ups merge in any order.
pub(crate) fn differences(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<String> {
    let mut found = Vec::new();
    for uid in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        match (a.get(uid), b.get(uid)) {
            (Some(x), Some(y)) => {
                for (field, value) in x.as_object().unwrap() {
                    if y.get(field) != Some(value) {
                        found.push(format!("{uid} {field}: {value} / {:?}", y.get(field)));
                    }
                }
            }
            (x, _) => found.push(format!(
                "{uid} only on {}",
                if x.is_some() { "a" } else { "b" }
            )),
        }
    }
    found
}

/// Found by the randomized test (round seed 20261267784378): a replay that
/// must measure a win's metrics again, because a later analysis came with
/// other words, measured them and then did not write them when no field
/// of the win changed. Here b's metrics are the ones its import kept
/// (for the impact before), a's later tag edit carries an analysis of a's
/// words and the tags b already has: b measured the merged win and threw
/// the result away, while a (and any third device) kept what they
/// measured.
#[test]
fn metrics_measured_again_are_written_even_when_no_field_changed() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.ok(&["add", "cut p99 latency by 4ms", "-i", "tickets -5%"]);
    sync(&a);
    let b = device(&remote, "b", &[]);
    let id = id_of(&b, "cut p99 latency by 4ms");
    b.ok(&["edit", &id, "-t", "t3"]);
    // The README's way to change a win in bulk: its export, edited, read
    // back with --update. The metrics the file carries are kept as they are.
    let mut win: Value = serde_json::from_str(
        b.ok(&["export", "--format", "jsonl"])
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let object = win.as_object_mut().unwrap();
    object.remove("id");
    object.insert("impact".into(), "imported: NPS +16".into());
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("update.jsonl");
    std::fs::write(&file, format!("{win}\n")).unwrap();
    b.ok(&["import", "--update", file.to_str().unwrap()]);
    let a_id = id_of(&a, "cut p99 latency by 4ms");
    a.ok(&["edit", &a_id, "-t", "t3"]);
    for journal in [&b, &a, &b, &a] {
        sync(journal);
    }
    let on_a = export(&a);
    let on_b = export(&b);
    let found = differences(&on_a, &on_b);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let metrics = on_a.values().next().unwrap()["metrics"].to_string();
    assert!(metrics.contains("NPS"), "{metrics}");
}
