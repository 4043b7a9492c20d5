//! `win sync` against what an adversarial tester did to it: killed gits'
//! lock files, syncs at once, hostile or mistaken remotes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::Journal;
use crate::sync_kit::{clone_of, device, export, git, joined, push_all, sync, texts, tree, Remote};

fn lock(journal: &Journal) -> PathBuf {
    PathBuf::from(format!("{}.sync.lock", journal.db().display()))
}

#[test]
fn lock_files_a_killed_git_left_in_the_sync_folder_do_not_stop_later_syncs() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["before the kill"]);
    sync(&a);
    // What a sync killed while git held its locks leaves behind.
    let git_dir = tree(&a).join(".git");
    for stale in [
        "HEAD.lock",
        "index.lock",
        "ORIG_HEAD.lock",
        "refs/win/synced.lock",
        "refs/heads/main.lock",
        "objects/maintenance.lock",
    ] {
        std::fs::write(git_dir.join(stale), b"").unwrap();
    }
    a.add(&["after the kill"]);
    let told = sync(&a);
    assert!(told.contains("HEAD.lock"), "the removal is said: {told}");
    assert!(told.contains("synced: 1 change sent"), "{told}");
    let b = device(&remote, "b", &[]);
    assert_eq!(texts(&b).len(), 2, "the remote got the new win");
}

#[test]
fn a_lock_file_left_in_the_remote_is_named_with_the_way_out() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let stale = remote.path().join("refs/heads/main.lock");
    std::fs::write(&stale, b"").unwrap();
    a.add(&["waits for the remote"]);
    let told = a.test().args(["sync"]).fails().run().stderr;
    assert!(told.contains("main.lock"), "the file is named: {told}");
    assert!(told.contains("remove that file"), "{told}");
    std::fs::remove_file(&stale).unwrap();
    sync(&a);
    let b = device(&remote, "b", &[]);
    assert_eq!(texts(&b), vec!["waits for the remote".to_string()]);
}

#[test]
fn a_second_sync_waits_for_the_first_instead_of_failing() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["queued"]);
    // Another sync holds the lock (this test, standing for it) for a moment.
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock(&a))
        .unwrap();
    // SAFETY: flock on a descriptor `held` owns.
    let locked = unsafe {
        libc::flock(
            std::os::unix::io::AsRawFd::as_raw_fd(&held),
            libc::LOCK_EX | libc::LOCK_NB,
        )
    };
    assert_eq!(locked, 0);
    std::fs::write(lock(&a), format!("{}\n", std::process::id())).unwrap();
    let mut waiting = a.test().args(["sync"]).command();
    waiting.stderr(std::process::Stdio::piped());
    let child = waiting.spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    drop(held);
    let output = child.wait_with_output().unwrap();
    let told = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{told}");
    assert!(told.contains("1 change sent"), "{told}");
}

#[test]
fn syncs_run_at_once_all_succeed() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    a.add(&["from a"]);
    b.add(&["from b"]);
    let children: Vec<_> = (0..3)
        .flat_map(|_| [&a, &b])
        .map(|journal| {
            let mut command = journal.test().args(["sync"]).command();
            command.stderr(std::process::Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    sync(&a);
    sync(&b);
    assert_eq!(texts(&a), texts(&b));
    assert_eq!(texts(&a).len(), 2);
}

#[cfg(unix)]
#[test]
fn the_sync_lock_file_is_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    // As an older win made it under umask 000.
    std::fs::write(lock(&a), b"").unwrap();
    std::fs::set_permissions(lock(&a), std::fs::Permissions::from_mode(0o666)).unwrap();
    a.add(&["x"]);
    a.test()
        .shell("umask 000; win sync")
        .stderr_contains("synced")
        .run();
    let mode = std::fs::metadata(lock(&a)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// One plain record line of a win made on another device, as JSON.
fn a_record(text: &str) -> Value {
    let remote = Remote::new();
    let c = device(&remote, "c", &[]);
    c.add(&[text]);
    sync(&c);
    let folder = tree(&c).join("devices/c");
    let month = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let file = std::fs::read_dir(month).unwrap().next().unwrap().unwrap();
    let text = std::fs::read_to_string(file.path()).unwrap();
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

#[test]
fn links_pulled_from_the_remote_are_refused_by_name_not_followed() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["mine"]);
    sync(&a);
    // A valid record, kept outside the repository and linked into it.
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("private.jsonl");
    std::fs::write(&target, format!("{}\n", a_record("from outside"))).unwrap();
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    let month = clone.join("devices/c/2026-11");
    std::fs::create_dir_all(&month).unwrap();
    std::fs::write(clone.join("devices/c/seq"), "1\n").unwrap();
    std::os::unix::fs::symlink(&target, month.join("000000000001.jsonl")).unwrap();
    push_all(&clone);

    let told = sync(&a);
    assert!(told.contains("symbolic link"), "{told}");
    assert!(told.contains("000000000001.jsonl"), "named: {told}");
    assert!(told.contains("0 received"), "{told}");
    assert_eq!(texts(&a), vec!["mine".to_string()]);
    // The next sync works too (and says it again: the link is still there).
    assert!(sync(&a).contains("0 received"));
}

#[test]
fn replayed_records_get_the_checks_imports_get() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let mut early = a_record("dated before 1970");
    early["win"]["occurred_at"] = Value::from("0900-01-01T00:00:00Z");
    let mut huge = a_record("huge");
    huge["seq"] = Value::from(2);
    huge["win"]["text"] = Value::from("x".repeat((2 << 20) + 1));
    let mut fine = a_record("a fine one");
    fine["seq"] = Value::from(3);
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    let month = clone.join("devices/c/2026-11");
    std::fs::create_dir_all(&month).unwrap();
    std::fs::write(clone.join("devices/c/seq"), "3\n").unwrap();
    std::fs::write(
        month.join("000000000001.jsonl"),
        format!("{early}\n{huge}\n{fine}\n"),
    )
    .unwrap();
    push_all(&clone);

    let told = sync(&a);
    assert!(told.contains("1970"), "{told}");
    assert!(told.contains("2 MiB"), "{told}");
    assert!(told.contains("1 received"), "{told}");
    assert_eq!(texts(&a), vec!["a fine one".to_string()]);
    a.ok(&["list"]);
}

#[test]
fn identical_follow_ups_and_long_metric_values_reach_other_devices_whole() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let id = a.add(&["base", "-c", "mlops"]).to_string();
    a.add(&["latency 1795624822.5161273 ms", "-c", "mlops"]);
    sync(&a);
    let b = device(&remote, "b", &[]);
    // Two follow-ups in one millisecond (the harness fixes the clock),
    // merged into the win b already holds.
    a.ok(&["update", &id, "--impact", "same"]);
    a.ok(&["update", &id, "--impact", "same"]);
    sync(&a);
    sync(&b);
    let (ours, theirs) = (export(&a), export(&b));
    for (uid, win) in &ours {
        assert_eq!(win["updates"], theirs[uid]["updates"], "{uid}");
        assert_eq!(win["metrics"], theirs[uid]["metrics"], "{uid}");
    }
    let base = ours.values().find(|w| w["text"] == "base").unwrap();
    assert_eq!(base["updates"].as_array().unwrap().len(), 2);
}

#[test]
fn init_refuses_a_remote_that_holds_something_else() {
    let remote = Remote::new();
    let other = tempfile::tempdir().unwrap();
    git(other.path(), &["clone", "-q", &remote.url(), "w"]);
    let work = other.path().join("w");
    git(&work, &["checkout", "-q", "-B", "main"]);
    std::fs::write(work.join(".bashrc"), "alias ll='ls -l'\n").unwrap();
    push_all(&work);
    let before = remote.head();

    let a = Journal::new();
    a.add(&["private"]);
    a.test()
        .args(["sync", "init", &remote.url()])
        .fails()
        .stderr_contains("not a win sync repository")
        .stderr_contains(".bashrc")
        .run();
    assert_eq!(remote.head(), before, "nothing pushed");
    assert!(!tree(&a).exists(), "nothing left");
}

#[cfg(unix)]
#[test]
fn init_works_in_a_folder_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let remote = Remote::new();
    let a = Journal::new();
    let folder = a.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("w.db");
    a.test().args(["add", "x"]).env("WIN_DB", &db).run();
    a.test()
        .args(["sync", "init", &remote.url(), "--no-encrypt"])
        .env("WIN_DB", &db)
        .stderr_contains("sync set up")
        .run();
    let mut tree = db.as_os_str().to_os_string();
    tree.push(".sync");
    assert!(PathBuf::from(tree).join(".git").is_dir());
    let entries: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        entries,
        vec![std::ffi::OsString::from(folder.file_name().unwrap())],
        "no lossily named folder beside it"
    );
}

#[test]
fn links_pushed_where_a_device_writes_are_replaced_never_written_through() {
    for encryption in ["--encrypt", "--no-encrypt"] {
        let remote = Remote::new();
        let a = device(&remote, "laptop", &[encryption]);
        a.add(&["cut p99 latency from 240ms to 80ms"]);
        a.add(&["second precious win"]);
        sync(&a);
        let month = std::fs::read_dir(tree(&a).join("devices/laptop"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with("20"))
            .unwrap();
        let outside = tempfile::tempdir().unwrap();
        let evil = clone_of(&remote);
        let clone = evil.path().join("evil");
        // Where the sequence number is written before its rename: a link
        // to the journal beside the sync folder. And the month folder: a
        // link to a folder elsewhere.
        std::os::unix::fs::symlink("../../../wins.db", clone.join("devices/laptop/seq.partial"))
            .unwrap();
        std::fs::remove_dir_all(clone.join("devices/laptop").join(&month)).unwrap();
        std::os::unix::fs::symlink(outside.path(), clone.join("devices/laptop").join(&month))
            .unwrap();
        push_all(&clone);

        sync(&a);
        a.add(&["third win"]);
        sync(&a);
        assert_eq!(texts(&a).len(), 3, "{encryption}: the journal is whole");
        assert_eq!(
            std::fs::read_dir(outside.path()).unwrap().count(),
            0,
            "{encryption}: nothing written outside the sync folder"
        );
        let b = if encryption == "--encrypt" {
            joined(&remote, &a, "b")
        } else {
            device(&remote, "b", &[])
        };
        assert_eq!(texts(&b).len(), 3, "{encryption}: {:?}", texts(&b));
        assert_eq!(export(&a), export(&b), "{encryption}");
    }
}

/// A device's folder replaced on the remote by a link (to another
/// device's folder) stopped its syncs with advice to set sync up again,
/// which each new link would ask again: it is damage by someone who can
/// push, and the device keeps its own folder and sends again what it lost.
#[test]
fn a_link_pushed_in_place_of_a_devices_folder_is_replaced_by_its_own() {
    for encryption in ["--encrypt", "--no-encrypt"] {
        let remote = Remote::new();
        let a = device(&remote, "laptop", &[encryption]);
        a.add(&["cut p99 latency from 240ms to 80ms"]);
        sync(&a);
        let b = if encryption == "--encrypt" {
            joined(&remote, &a, "b")
        } else {
            device(&remote, "b", &[])
        };
        b.add(&["b's own win"]);
        sync(&b);
        let evil = clone_of(&remote);
        let clone = evil.path().join("evil");
        std::fs::remove_dir_all(clone.join("devices/laptop")).unwrap();
        std::os::unix::fs::symlink("b", clone.join("devices/laptop")).unwrap();
        push_all(&clone);

        a.add(&["second precious win"]);
        let said = sync(&a);
        assert!(
            said.contains("in place of this device's folder"),
            "{encryption}: {said}"
        );
        sync(&b);
        assert_eq!(texts(&b).len(), 3, "{encryption}: {:?}", texts(&b));
        assert_eq!(export(&a), export(&b), "{encryption}");
        let check = clone_of(&remote);
        let folder = check.path().join("evil/devices/laptop");
        assert!(
            std::fs::symlink_metadata(&folder).unwrap().is_dir(),
            "{encryption}: a real folder again"
        );
    }
}

/// Files (and folders) under `folder` that someone other than their owner
/// can read, with their modes.
fn readable_by_others(folder: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.permissions().mode() & 0o077 != 0 {
            found.push(format!(
                "{} {:o}",
                path.display(),
                meta.permissions().mode()
            ));
        }
        if meta.is_dir() {
            found.extend(readable_by_others(&path));
        }
    }
    found
}

#[test]
fn files_git_writes_in_the_sync_folder_are_owner_only() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.add(&["kept the ranker deal"]);
    sync(&a);
    // b's sync folder is a clone: every file in it was written by git.
    let b = device(&remote, "b", &[]);
    a.add(&["shipped the eval harness"]);
    sync(&a);
    sync(&b);
    assert_eq!(texts(&b).len(), 2);
    let open = readable_by_others(&tree(&b));
    assert!(open.is_empty(), "{open:#?}");
}

#[test]
fn the_users_git_settings_for_merges_and_hooks_do_not_stop_sync() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    let b = device(&remote, "b", &[]);
    // A hook that fails, and settings that refuse merges git must make.
    let hooks = b.home().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for hook in ["pre-commit", "post-commit", "pre-push", "post-merge"] {
        let path = hooks.join(hook);
        std::fs::write(&path, "#!/bin/sh\nexit 1\n").unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    std::fs::write(
        b.home().join(".gitconfig"),
        format!(
            "[merge]\n\tff = only\n\tverifySignatures = true\n[core]\n\thooksPath = {}\n",
            hooks.display()
        ),
    )
    .unwrap();
    a.add(&["kept the ranker deal"]);
    sync(&a);
    b.add(&["shipped the eval harness"]);
    sync(&b);
    sync(&a);
    assert_eq!(texts(&a).len(), 2, "{:?}", texts(&a));
    assert_eq!(export(&a), export(&b));
}
