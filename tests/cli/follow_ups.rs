//! Follow-ups against what happens around them: a win deleted while its
//! follow-up waits for the journal.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::Journal;

/// Whether process `pid` is sleeping in a (clock_)nanosleep: `win` sleeps
/// only in its wait for the journal's write lock.
fn sleeping(pid: u32) -> bool {
    let Ok(syscall) = std::fs::read_to_string(format!("/proc/{pid}/syscall")) else {
        return false;
    };
    let number = syscall.split_whitespace().next().unwrap_or("");
    [libc::SYS_nanosleep, libc::SYS_clock_nanosleep]
        .iter()
        .any(|call| number == call.to_string())
}

/// FINDINGS F33: `win update` read the win, then waited for the write lock
/// while a `win rm` deleted it, and failed with SQLite's "FOREIGN KEY
/// constraint failed". It must say what happened and record nothing.
#[test]
fn update_of_a_win_deleted_while_it_waits_says_so() {
    let journal = Journal::new();
    journal.add(&["tuned the ranker", "-c", "mlops"]);
    journal.add(&["another win", "-c", "mlops"]);
    // Another writer (a `win rm`) holds the journal.
    let holder = rusqlite::Connection::open(journal.db()).unwrap();
    holder
        .execute_batch("PRAGMA foreign_keys = ON; BEGIN IMMEDIATE")
        .unwrap();
    let mut child = journal
        .test()
        .args(["update", "1", "--impact", "ctr +3%"])
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once it sleeps, it has read the win and waits for the lock.
    let started = Instant::now();
    while !sleeping(child.id()) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never waited for the journal"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    holder
        .execute_batch("DELETE FROM wins WHERE id = 1; COMMIT")
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "win: win #1 was deleted meanwhile; nothing recorded\n"
    );
    let left: i64 = holder
        .query_row("SELECT count(*) FROM updates", [], |row| row.get(0))
        .unwrap();
    assert_eq!(left, 0, "no follow-up stored");
    journal
        .test()
        .args(["show", "2"])
        .stdout_contains("another win")
        .run();
}

/// `win update -d` refuses a follow-up dated before its win; `win edit -d`
/// moved a win after its own follow-ups.
#[test]
fn an_edit_cannot_date_a_win_after_its_follow_ups() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker", "-d", "2026-01-01", "-c", "mlops"]);
    journal.ok(&["update", "1", "--impact", "+3%", "-d", "2026-02-01"]);
    journal
        .test()
        .args(["edit", "1", "-d", "2026-03-01"])
        .fails()
        .stderr_contains("#1 would then happen after its first follow-up (2026-02-01)")
        .run();
    journal.ok(&["edit", "1", "-d", "2026-01-15"]);
    let win = journal.json(&["show", "1", "--json"]);
    assert!(
        win["occurred_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-15"),
        "{win}"
    );
}
