//! `win sync` convergence at scale: two devices, 500 interleaved changes
//! each, edits and deletes of the same wins, end with identical journals.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::Journal;
use crate::sync_kit::{device, differences, export, sync, Dice, Remote};

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
