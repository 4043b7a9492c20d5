//! `win sync`: journals in their own folders (devices) syncing through a
//! bare git repository in a temp dir.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Journal, Test};
use crate::sync_kit::{device, export, git, id_of, killing_git, sync, texts, Remote};

#[test]
fn a_win_captured_on_one_device_reaches_the_other() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["tuned the ranker, +3 points NDCG", "-t", "ranker"]);
    a.test()
        .args([
            "sync",
            "init",
            &remote.url(),
            "--device",
            "laptop",
            "--no-encrypt",
        ])
        .stderr_contains("this device is laptop")
        .stderr_contains("records are readable JSON lines")
        .stderr_contains("1 change sent")
        .run();
    let b = device(&remote, "desktop", &[]);
    assert_eq!(texts(&b), vec!["tuned the ranker, +3 points NDCG"]);
    let roots = git(&remote.path(), &["rev-list", "--max-parents=0", "main"]);
    assert_eq!(
        roots.lines().count(),
        1,
        "the second device joined, not started anew"
    );

    a.add(&["shipped the churn model to the weekly campaign"]);
    assert!(sync(&a).contains("1 change sent"));
    assert!(sync(&b).contains("1 received"));
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&b).len(), 2);

    // Idempotent: syncing again changes nothing, anywhere.
    let before = (export(&a), export(&b), remote.head());
    assert!(sync(&b).contains("0 changes sent, 0 received"));
    assert!(sync(&a).contains("0 changes sent, 0 received"));
    assert_eq!(before, (export(&a), export(&b), remote.head()));

    let status = b.ok(&["sync", "status"]);
    assert!(status.contains("device:      desktop"), "{status}");
    assert!(
        status.contains("other device: laptop (2 change(s) received)"),
        "{status}"
    );
    assert!(status.contains("not yet sent: 0"), "{status}");

    // Readable backup: the records are plain JSON lines in the repository.
    assert!(remote.all_objects().contains("churn model"));
    // ...which, like the journal, only their owner may read on this machine
    // (both sync folders: one made by `git init`, one by `git clone`).
    for device in [&a, &b] {
        use std::os::unix::fs::PermissionsExt;
        let tree = std::path::PathBuf::from(format!("{}.sync", device.db().display()));
        let mode = std::fs::metadata(&tree).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{}", tree.display());
    }
    let again = a.fails(&["sync", "init", &remote.url()]);
    assert!(again.contains("already set up"), "{again}");
}

#[test]
fn concurrent_edits_converge_field_by_field_and_timelines_are_unioned() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["cut p99 latency from 240ms to 80ms", "--stage", "shipped"]);
    sync(&a);
    let b = device(&remote, "b", &[]);
    let id_a = id_of(&a, "cut p99 latency from 240ms to 80ms");
    let id_b = id_of(&b, "cut p99 latency from 240ms to 80ms");

    // Between syncs: both edit the text (b later), a sets the project, b
    // the tags, and each adds a follow-up.
    a.ok(&[
        "edit",
        &id_a,
        "--text",
        "cut p99 scoring latency (a)",
        "-p",
        "ranker",
    ]);
    a.ok(&["update", &id_a, "--impact", "support tickets -40%"]);
    b.ok(&[
        "edit",
        &id_b,
        "--text",
        "cut p99 scoring latency (b)",
        "-t",
        "latency",
    ]);
    b.ok(&["update", &id_b, "--next", "batch the features too"]);

    sync(&a);
    sync(&b);
    sync(&a);
    let (on_a, on_b) = (export(&a), export(&b));
    assert_eq!(on_a, on_b, "both devices hold the same journal");
    let win = on_a.values().next().expect("one win");
    assert_eq!(
        win["text"], "cut p99 scoring latency (b)",
        "the later edit wins"
    );
    assert_eq!(win["project"], "ranker");
    assert_eq!(win["tags"], serde_json::json!(["latency"]));
    assert_eq!(win["impact"], "support tickets -40%");
    assert_eq!(win["next"], "batch the features too");
    assert_eq!(
        win["updates"].as_array().map(Vec::len),
        Some(2),
        "no follow-up is lost"
    );
}

#[test]
fn a_delete_wins_over_a_concurrent_edit() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["drafted the on-call runbook"]);
    a.add(&["kept this one"]);
    sync(&a);
    let b = device(&remote, "b", &[]);
    let id_a = id_of(&a, "drafted the on-call runbook");
    let id_b = id_of(&b, "drafted the on-call runbook");

    b.ok(&["edit", &id_b, "--impact", "pages -30%"]);
    b.ok(&["update", &id_b, "--stage", "adopted"]);
    a.ok(&["rm", &id_a, "--yes"]);
    sync(&b);
    let told = sync(&a);
    assert!(told.contains("ignored"), "{told}");
    sync(&b);
    assert_eq!(texts(&a), vec!["kept this one"]);
    assert_eq!(export(&a), export(&b));

    // Importing the deleted win again does not bring it back here only.
    let exported = Journal::new();
    let file = exported.path().join("old.jsonl");
    std::fs::write(&file, b.ok(&["export", "--format", "jsonl"])).unwrap();
    let before = export(&b);
    b.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(export(&b), before);
}

#[test]
fn encrypted_repositories_hold_no_plaintext_and_refuse_a_wrong_key() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["negotiated the zanzibar contract, saving $40K a year"]);
    a.test()
        .args(["sync", "init", &remote.url(), "--device", "a", "--encrypt"])
        .stderr_contains("encrypted with the key in")
        .run();
    sync(&a);
    let objects = remote.all_objects();
    assert!(objects.contains("keycheck.age") || objects.contains("devices"));
    assert!(!objects.contains("zanzibar"), "plaintext in the repository");
    // (Base64 has no spaces or dollars: this cannot occur in ciphertext by chance.)
    assert!(!objects.contains("$40K a year"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = a.config_dir().join("sync-key.txt");
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // No key: refused, with how to fix it, and nothing is left behind.
    let b = Journal::new();
    b.add(&["a win of b's own"]);
    let err = b.fails(&["sync", "init", &remote.url(), "--device", "b"]);
    assert!(err.contains("win sync key import"), "{err}");
    assert!(b.fails(&["sync"]).contains("not set up"));
    assert_eq!(texts(&b), vec!["a win of b's own"]);

    // A wrong key: refused the same way.
    let other = Journal::new();
    other.test().args(["sync", "init", "--encrypt"]).run();
    let wrong = other.ok(&["sync", "key", "show"]);
    b.test()
        .args(["sync", "key", "import", "-"])
        .stdin(wrong.clone())
        .run();
    let err = b.fails(&["sync", "init", &remote.url(), "--device", "b"]);
    assert!(err.contains("another key"), "{err}");

    // The right key, moved the documented way: it syncs.
    let key = a.ok(&["sync", "key", "show"]);
    assert!(key.contains("AGE-SECRET-KEY-1"));
    b.fails(&["sync", "key", "import", "-"]);
    b.test()
        .args(["--yes", "sync", "key", "import", "-"])
        .stdin(key)
        .run();
    b.test()
        .args(["sync", "init", &remote.url(), "--device", "b"])
        .run();
    assert_eq!(export(&a).len(), 1);
    sync(&a);
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&a).len(), 2);

    // A device whose key is then replaced refuses to sync and writes nothing.
    b.add(&["made after the key changed"]);
    b.test()
        .args(["--yes", "sync", "key", "import", "-"])
        .stdin(wrong)
        .run();
    let head = remote.head();
    let before = export(&b);
    let err = b.fails(&["sync"]);
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(remote.head(), head);
    assert_eq!(export(&b), before);
    assert!(b.ok(&["sync", "status"]).contains("not yet sent: 1"));
}

#[test]
fn a_tampered_batch_is_refused_by_name_and_the_others_replay() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    let key = a.ok(&["sync", "key", "show"]);
    a.add(&["first batch"]);
    sync(&a);
    a.add(&["second batch"]);
    sync(&a);
    // Flip a byte of the first batch in a's sync folder and push it.
    let tree = PathBuf::from(format!("{}.sync", a.db().display()));
    let folder = tree.join("devices").join("a");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .flat_map(|month| std::fs::read_dir(month).unwrap().map(|e| e.unwrap().path()))
        .filter(|path| path.extension().is_some_and(|e| e == "age"))
        .collect();
    files.sort();
    let file = files.first().expect("a record file").clone();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let middle = lines[0].len() / 2;
    let flipped = if &lines[0][middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    lines[0].replace_range(middle..=middle, flipped);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let cfg = ["-c", "user.name=t", "-c", "user.email=t@t"];
    let mut commit = cfg.to_vec();
    commit.extend(["commit", "-qam", "tamper"]);
    git(&tree, &commit);
    git(&tree, &["push", "-q", "origin", "HEAD:main"]);

    let b = Journal::new();
    b.test()
        .args(["sync", "key", "import", "-"])
        .stdin(key)
        .run();
    b.test()
        .args(["sync", "init", &remote.url(), "--device", "b"])
        .stderr_contains("devices/a/")
        .stderr_contains(".age line 1")
        .run();
    assert_eq!(texts(&b), vec!["second batch"]);
}

#[test]
fn an_unreachable_remote_keeps_changes_for_the_next_sync() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    let away = remote.dir.path().join("away.git");
    std::fs::rename(remote.path(), &away).unwrap();
    a.add(&["captured offline"]);
    let err = a.fails(&["sync"]);
    assert!(err.contains("cannot reach the remote"), "{err}");
    assert!(err.contains("next win sync sends them"), "{err}");
    std::fs::rename(&away, remote.path()).unwrap();
    sync(&a);
    sync(&b);
    assert_eq!(texts(&b), vec!["captured offline"]);
}

#[test]
fn a_rewritten_remote_history_is_refused_with_a_way_out() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["before the rewrite"]);
    sync(&a);
    // The remote is replaced by an unrelated history.
    std::fs::remove_dir_all(remote.path()).unwrap();
    git(
        remote.dir.path(),
        &["init", "--quiet", "--bare", "wins.git"],
    );
    let _c = device(&remote, "c", &[]);
    a.add(&["after the rewrite"]);
    let err = a.fails(&["sync"]);
    assert!(err.contains("history was rewritten"), "{err}");
    assert!(err.contains("push --force"), "{err}");
    assert_eq!(export(&a).len(), 2, "nothing dropped here");
}

#[test]
fn without_git_sync_says_so() {
    let empty = tempfile::tempdir().unwrap();
    Test::new()
        .args(["sync", "init"])
        .env("PATH", empty.path())
        .fails()
        .stderr_contains("git is not installed")
        .run();
}

#[test]
fn a_sync_killed_at_any_step_completes_on_the_next_run() {
    for step in ["commit", "fetch", "merge", "push", "update-ref"] {
        let remote = Remote::new();
        let a = device(&remote, "a", &[]);
        let b = device(&remote, "b", &[]);
        b.add(&["from b"]);
        sync(&b);
        a.add(&["from a, one"]);
        a.add(&["from a, two"]);
        let (_dir, path) = killing_git(step);
        let output = a
            .test()
            .args(["sync"])
            .env("PATH", &path)
            .command()
            .output()
            .unwrap();
        assert!(!output.status.success(), "{step}: the sync was killed");
        assert_eq!(
            a.ok(&["list", "--format", "jsonl"]).lines().count(),
            2,
            "{step}: the journal is as it was"
        );
        sync(&a);
        sync(&b);
        sync(&a);
        assert_eq!(export(&a), export(&b), "{step}");
        assert_eq!(export(&a).len(), 3, "{step}: nothing lost or doubled");
        assert!(sync(&a).contains("0 changes sent, 0 received"), "{step}");
    }
}

#[test]
fn devices_converge_after_many_interleaved_changes() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    let c = device(&remote, "c", &[]);
    let devices = [&a, &b, &c];
    for i in 0..6 {
        devices[i % 3].add(&[&format!("seed win {i}"), "-t", "seed"]);
    }
    for device in devices.iter().chain(devices.iter()) {
        sync(device);
    }
    // A fixed pseudo-random walk of edits, follow-ups, stars and deletes.
    let mut state: u64 = 42;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    for round in 0..8 {
        for (d, device) in devices.iter().enumerate() {
            for step in 0..3 {
                let ids: Vec<String> = device
                    .json(&["list", "--format", "json"])
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w["id"].to_string())
                    .collect();
                let words = format!("r{round} d{d} s{step}");
                match (ids.is_empty(), next(6)) {
                    (true, _) | (_, 0) => {
                        device.add(&[&format!("new win {words}")]);
                    }
                    (false, choice) => {
                        let id = &ids[usize::try_from(next(ids.len() as u64)).unwrap()];
                        match choice {
                            1 => device.ok(&["edit", id, "--text", &format!("edited {words}")]),
                            2 => device.ok(&[
                                "edit",
                                id,
                                "--impact",
                                &format!("impact {words}"),
                                "-t",
                                &format!("t{d}"),
                            ]),
                            3 => device.ok(&["update", id, "--next", &format!("next {words}")]),
                            4 => device.ok(&["star", id]),
                            _ => device.ok(&["rm", id, "--yes"]),
                        };
                    }
                }
            }
            if next(2) == 0 {
                sync(device);
            }
        }
    }
    for device in devices.iter().chain(devices.iter()) {
        sync(device);
    }
    let on_a = export(&a);
    assert_eq!(on_a, export(&b));
    assert_eq!(on_a, export(&c));
    assert!(on_a.len() > 3);
}

#[test]
fn a_push_rejected_because_another_device_pushed_first_is_merged_and_retried() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    // Another clone of the remote with a commit of its own, pushed by the
    // `git` below just before a's first push: a's push is then refused.
    let other = tempfile::tempdir().unwrap();
    git(
        other.path(),
        &[
            "clone",
            "--quiet",
            "--branch",
            "main",
            &remote.url(),
            "clone",
        ],
    );
    let clone = other.path().join("clone");
    std::fs::write(clone.join("pushed-first.txt"), "another device\n").unwrap();
    git(&clone, &["add", "pushed-first.txt"]);
    git(
        &clone,
        &[
            "-c",
            "user.name=o",
            "-c",
            "user.email=o@o",
            "commit",
            "-qm",
            "first",
        ],
    );
    let marker = other.path().join("raced");
    let real = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let script = format!(
        "#!/bin/sh\nfor arg in \"$@\"; do\n  if [ \"$arg\" = push ] && [ ! -e {marker} ]; then\n    touch {marker}\n    {real} -C {clone} push -q origin HEAD:main || {{ echo \"inner push failed\" >&2; exit 1; }}\n  fi\ndone\nexec {real} \"$@\"\n",
        marker = marker.display(),
        clone = clone.display(),
        real = real.trim()
    );
    let bin = other.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(bin.join("git"), script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("git"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    a.add(&["pushed after a race"]);
    a.test()
        .args(["sync"])
        .env("PATH", &path)
        .stderr_contains("1 change sent")
        .run();
    assert!(marker.exists(), "the other push happened first");
    let files = git(&remote.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(files.contains("pushed-first.txt"), "{files}");
    assert!(files.contains("devices/a/"), "{files}");
    let b = device(&remote, "b", &[]);
    assert_eq!(texts(&b), vec!["pushed after a race"]);
}
