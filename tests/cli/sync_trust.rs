//! Sync keeps its promises when the repository, a backup or an agent
//! does not play along: every win reaches every device, a remote cannot
//! turn encryption off or bring a deleted win back, and agents propose.

use crate::harness::Journal;
use crate::sync::{device, export, sync, texts, Remote};

/// A later clock for one command than the harness's fixed one.
const LATER: &str = "2026-11-22T09:00:00+01:00";

#[test]
fn a_joining_device_receives_wins_edited_after_newer_ones_were_added() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["first win", "-d", "2026-01-05"]);
    a.add(&["second win", "-d", "2026-02-05"]);
    a.add(&["third win", "-d", "2026-03-05"]);
    // The first win now has a later clock than the two newer ones.
    a.test().env("WIN_NOW", LATER).args(["star", "1"]).run();
    a.test()
        .args(["sync", "init", &remote.url(), "--device", "one"])
        .stderr_contains("3 changes sent")
        .run();
    let b = device(&remote, "two", &[]);
    assert_eq!(texts(&b).len(), 3, "{:?}", texts(&b));
    assert_eq!(export(&a), export(&b));
    let c = device(&remote, "three", &[]);
    assert_eq!(export(&a), export(&c));
    sync(&b);
    assert_eq!(export(&a), export(&b));
}
