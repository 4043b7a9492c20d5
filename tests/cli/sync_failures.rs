//! `win sync` when things go wrong: the failure cases of the sync issue
//! beyond those in `sync.rs`, each ending with devices that converge and
//! nothing lost or applied twice.

use std::path::Path;

use crate::harness::Journal;
use crate::sync_kit::{
    batch_files, device, export, git, join_args, killing_git, sync, texts, tree, Remote,
};

/// Commits and pushes whatever was changed by hand in a device's sync folder.
fn push_by_hand(tree: &Path, message: &str) {
    git(
        tree,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qam",
            message,
        ],
    );
    git(tree, &["push", "-q", "origin", "HEAD:main"]);
}

#[test]
fn a_truncated_record_is_refused_by_name_and_the_others_replay() {
    for encrypt in [false, true] {
        let remote = Remote::new();
        let extra: &[&str] = if encrypt { &["--encrypt"] } else { &[] };
        let a = device(&remote, "a", extra);
        a.add(&["first sync, first win"]);
        a.add(&["first sync, second win"]);
        sync(&a);
        a.add(&["second sync"]);
        sync(&a);
        // The first file loses the end of its last line (a cut copy).
        let files = batch_files(&tree(&a), "a");
        assert_eq!(files.len(), 2, "{files:?}");
        let bytes = std::fs::read(&files[0]).unwrap();
        std::fs::write(&files[0], &bytes[..bytes.len() - 10]).unwrap();
        push_by_hand(&tree(&a), "truncate");

        let b = Journal::new();
        if encrypt {
            b.test()
                .args(["sync", "key", "import", "-"])
                .stdin(a.ok(&["sync", "key", "show"]))
                .run();
        }
        let told = b.test().args(join_args(&remote, "b")).run().stderr;
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(told.contains("devices/a/"), "{told}");
        assert!(told.contains(&name), "the file is named: {told}");
        assert!(told.contains("cut short"), "{encrypt}: {told}");
        let got = texts(&b);
        assert!(
            got.contains(&"second sync".to_string()),
            "{encrypt}: {got:?}"
        );
        if encrypt {
            // One batch a line: the whole first batch is refused.
            assert_eq!(got, vec!["second sync"]);
        } else {
            // One record a line: only the cut one is refused.
            assert_eq!(got.len(), 2, "{got:?}");
        }
        // Syncing again neither repeats the complaint's records nor fails.
        assert!(sync(&b).contains("0 changes sent, 0 received"));
    }
}

#[test]
fn an_unreachable_remote_is_counted_as_not_sent_until_the_next_sync() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    let away = remote.dir.path().join("away.git");
    std::fs::rename(remote.path(), &away).unwrap();
    a.add(&["captured on the train"]);
    a.add(&["and another"]);
    let err = a.fails(&["sync"]);
    assert!(err.contains("cannot reach the remote"), "{err}");
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("not yet sent: 2 change(s)"), "{status}");
    // A second try while away commits nothing new and says the same.
    a.fails(&["sync"]);
    std::fs::rename(&away, remote.path()).unwrap();
    assert!(
        sync(&a).contains("sent what was committed before (2 changes)"),
        "committed before"
    );
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("not yet sent: 0 change(s)"), "{status}");
    sync(&b);
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&b).len(), 2);
}

#[test]
fn a_rewritten_remote_is_refused_and_both_ways_out_work() {
    // Rewound: the remote's branch is moved back to an older commit, as a
    // force-push of a stale clone would.
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    a.add(&["before the rewind"]);
    sync(&a);
    let old = remote.head().trim().to_string();
    b.add(&["b's win, lost by the rewind"]);
    sync(&b);
    sync(&a);
    git(&remote.path(), &["update-ref", "refs/heads/main", &old]);
    a.add(&["after the rewind"]);
    let err = a.fails(&["sync"]);
    assert!(err.contains("history was rewritten"), "{err}");
    assert_eq!(export(&a).len(), 3, "nothing dropped");
    // Way out 1: the remote is wrong; restore it from this device.
    let fix = err
        .split("restore it from this device: ")
        .nth(1)
        .expect("a command to restore the remote")
        .trim()
        .to_string();
    let words: Vec<&str> = fix.split_whitespace().collect();
    assert_eq!(words[..2], ["git", "-C"], "{fix}");
    git(Path::new(words[2]), &words[3..]);
    sync(&a);
    sync(&b);
    sync(&a);
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&a).len(), 3);

    // Replaced: the remote is a new repository another device started.
    std::fs::remove_dir_all(remote.path()).unwrap();
    git(
        remote.dir.path(),
        &["init", "--quiet", "--bare", "wins.git"],
    );
    let c = device(&remote, "c", &[]);
    c.add(&["c's win on the new remote"]);
    sync(&c);
    a.add(&["made before a heard of it"]);
    let err = a.fails(&["sync"]);
    assert!(err.contains("history was rewritten"), "{err}");
    assert!(err.contains("move "), "{err}");
    // Way out 2: the remote is right; start over on this device, as told.
    std::fs::rename(tree(&a), a.path().join("aside")).unwrap();
    for args in [&["sync"][..], &["sync", "status"][..]] {
        let err = a.fails(args);
        assert!(err.contains("sync folder"), "{err}");
        assert!(err.contains("is missing: set sync up again"), "{err}");
    }
    a.ok(&["sync", "init", &remote.url()]);
    sync(&c);
    sync(&a);
    assert_eq!(export(&a), export(&c), "every win of a reached c");
    assert_eq!(export(&a).len(), 5, "nothing lost or doubled");
    // b, which synced with the old remote, refuses too, and starts over.
    assert!(b.fails(&["sync"]).contains("history was rewritten"));
    std::fs::rename(tree(&b), b.path().join("aside")).unwrap();
    b.ok(&["sync", "init", &remote.url()]);
    for journal in [&a, &c, &b, &a] {
        sync(journal);
    }
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&a), export(&c));
    assert!(sync(&a).contains("0 changes sent, 0 received"));
}

#[test]
fn a_sync_or_a_setup_killed_at_more_steps_completes_on_the_next_run() {
    // `sync.rs` kills at commit, fetch, merge, push and update-ref; these
    // are the steps around them: writing files then staging them (add),
    // cleaning up, and setting up (clone, then the first commit).
    for step in ["add", "reset", "clean"] {
        let remote = Remote::new();
        let a = device(&remote, "a", &[]);
        let b = device(&remote, "b", &[]);
        b.add(&["from b"]);
        sync(&b);
        a.add(&["from a"]);
        // A sync cleans up (reset, clean) only after one that did not
        // finish: leave one first.
        if step != "add" {
            let (_dir, path) = killing_git("add");
            let killed = a
                .test()
                .args(["sync"])
                .env("PATH", &path)
                .command()
                .output();
            assert!(
                !killed.unwrap().status.success(),
                "add: the sync was killed"
            );
        }
        let (_dir, path) = killing_git(step);
        let output = a
            .test()
            .args(["sync"])
            .env("PATH", &path)
            .command()
            .output()
            .unwrap();
        assert!(!output.status.success(), "{step}: the sync was killed");
        sync(&a);
        sync(&b);
        assert_eq!(export(&a), export(&b), "{step}");
        assert_eq!(export(&a).len(), 2, "{step}");
        assert!(sync(&a).contains("0 changes sent, 0 received"), "{step}");
    }
    // Killed after the last git step (the push recorded), before the
    // replay's transaction commits: the next sync replays, sends nothing again.
    {
        let remote = Remote::new();
        let a = device(&remote, "a", &[]);
        let b = device(&remote, "b", &[]);
        b.add(&["from b"]);
        sync(&b);
        a.add(&["from a"]);
        let (_dir, path) = killing_git_after("update-ref");
        let output = a
            .test()
            .args(["sync"])
            .env("PATH", &path)
            .command()
            .output()
            .unwrap();
        assert!(!output.status.success(), "the sync was killed");
        assert_eq!(texts(&a), vec!["from a"], "not replayed yet");
        let head = remote.head();
        assert!(sync(&a).contains("0 changes sent, 1 received"));
        assert_eq!(remote.head(), head, "nothing sent twice");
        sync(&b);
        assert_eq!(export(&a), export(&b));
        assert_eq!(export(&a).len(), 2);
    }
    for step in ["clone", "commit"] {
        let remote = Remote::new();
        let a = device(&remote, "a", &[]);
        a.add(&["from a"]);
        sync(&a);
        let b = Journal::new();
        b.add(&["from b"]);
        let (_dir, path) = killing_git(step);
        let output = b
            .test()
            .args(join_args(&remote, "b"))
            .env("PATH", &path)
            .command()
            .output()
            .unwrap();
        assert!(!output.status.success(), "{step}: the setup was killed");
        assert_eq!(texts(&b), vec!["from b"], "{step}: the journal is whole");
        // Killed before sync was on: set up again. After: just sync.
        let set_up = b
            .test()
            .args(["sync", "status"])
            .command()
            .output()
            .unwrap()
            .status
            .success();
        assert_eq!(set_up, step == "commit", "{step}");
        if set_up {
            sync(&b);
        } else {
            b.test().args(join_args(&remote, "b")).run();
        }
        sync(&a);
        assert_eq!(export(&a), export(&b), "{step}");
        assert_eq!(export(&a).len(), 2, "{step}");
    }
}

#[test]
fn a_device_whose_key_went_missing_refuses_and_writes_nothing() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    let key = a.ok(&["sync", "key", "show"]);
    a.add(&["made before the key went missing"]);
    let key_file = a.config_dir().join("sync-key.txt");
    std::fs::remove_file(&key_file).unwrap();
    let head = remote.head();
    let err = a.fails(&["sync"]);
    assert!(err.contains("has no sync key"), "{err}");
    assert!(err.contains("win sync key import"), "{err}");
    assert_eq!(remote.head(), head, "nothing pushed");
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("this device has no key"), "{status}");
    assert!(status.contains("not yet sent: 1 change(s)"), "{status}");
    // The key put back, the change goes out.
    a.test()
        .args(["sync", "key", "import", "-"])
        .stdin(key)
        .run();
    assert!(sync(&a).contains("1 change sent"));
}

/// A `git` that runs `step` for real and then kills the `win` calling it:
/// a `kill -9` just after that step.
fn killing_git_after(step: &str) -> (tempfile::TempDir, String) {
    crate::sync_kit::wrapped_git(|real| {
        format!(
            "#!/bin/sh\n{real} \"$@\"\nstatus=$?\nfor arg in \"$@\"; do\n  if [ \"$arg\" = \"{step}\" ]; then kill -9 $PPID; fi\ndone\nexit $status\n"
        )
    })
}

#[test]
fn without_git_or_with_a_too_old_one_a_set_up_journal_says_so() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["kept while git is away"]);
    let empty = tempfile::tempdir().unwrap();
    for args in [&["sync"][..], &["sync", "status"][..]] {
        a.test()
            .args(args)
            .env("PATH", empty.path())
            .fails()
            .stderr_contains("git is not installed")
            .run();
    }
    // A `git` that says it is 2.1.
    let old = tempfile::tempdir().unwrap();
    let fake = old.path().join("git");
    std::fs::write(&fake, "#!/bin/sh\necho 'git version 2.1.4'\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    a.test()
        .args(["sync"])
        .env("PATH", format!("{}:/usr/bin:/bin", old.path().display()))
        .fails()
        .stderr_contains("git 2.1 is too old")
        .run();
    // Nothing was lost: with git back, the change goes out.
    assert!(sync(&a).contains("1 change sent"));
}
