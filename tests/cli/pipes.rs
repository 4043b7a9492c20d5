//! Output to pipes and devices: a closed pipe is fine, a full device is an error.

use crate::harness::Journal;

#[test]
fn a_closed_pipe_is_not_an_error() {
    let journal = Journal::new();
    for i in 0..300 {
        journal.add(&[&format!("win {i}")]);
    }
    let mut child = journal
        .test()
        .args(["list", "--format", "jsonl"])
        .command()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_full_output_device_is_an_error() {
    let journal = Journal::new();
    journal.add(&["cut latency on the zeitgeist path"]);
    for args in [&["list"][..], &["search", "zeitgeist"], &["export"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        journal
            .test()
            .args(args)
            .stdout_to(full)
            .fails()
            .stderr_contains("win: cannot write the output: No space left")
            .run();
    }
}
