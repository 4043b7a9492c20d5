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

#[test]
fn a_saved_change_that_cannot_be_printed_still_succeeds_and_says_so() {
    let journal = Journal::new();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let runs: [&[&str]; 5] = [
        &["add", "shipped the ranker"],
        &["add", "--json", "shipped the scorer"],
        &["edit", "1", "--text", "shipped the new ranker"],
        &["update", "1", "--stage", "measured", "--impact", "ctr +3%"],
        &["update", "2", "--json", "--stage", "shipped"],
    ];
    for args in runs {
        let id = args.get(1).filter(|a| a.parse::<u32>().is_ok()).copied();
        let output = journal
            .test()
            .args(args)
            .stdout_to(full())
            .stderr_contains("is saved, but printing it failed (No space left on device")
            .stderr_contains("running the command again would repeat the change")
            .run();
        if let Some(id) = id {
            assert!(
                output.stderr.contains(&format!("#{id} is saved")),
                "{}",
                output.stderr
            );
        }
    }
    // Each change happened once.
    let wins = journal.json(&["list", "--format", "json"]);
    assert_eq!(wins.as_array().map(Vec::len), Some(2));
    let first = journal.json(&["show", "1", "--json"]);
    assert_eq!(first["text"], "shipped the new ranker");
    assert_eq!(first["updates"].as_array().map(Vec::len), Some(1));
    // A read that cannot print is still an error: nothing was done.
    journal
        .test()
        .args(["list"])
        .stdout_to(full())
        .fails()
        .stderr_contains("No space left on device")
        .run();
}
