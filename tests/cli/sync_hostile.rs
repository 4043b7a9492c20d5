//! What someone who can push to the remote puts in the repository's own
//! files (`.gitattributes`, `sync.json`, `keycheck.age`, a passphrase
//! lockbox) neither changes the records git keeps, nor stops a device for
//! good, nor is reported as fine.

use std::path::Path;

use crate::harness::Journal;
use crate::sync_kit::{
    clone_of, export, git, joined, push_all, push_staged, sync, texts, tree, wrapped_git, Remote,
};

/// Attributes that would have git re-encode records as it checks them out
/// and as it commits them (and join two devices' files in a merge).
const HOSTILE_ATTRIBUTES: &str = "*.age text working-tree-encoding=UTF-16LE merge=union\nseq text working-tree-encoding=UTF-16LE\nbatches text working-tree-encoding=UTF-16LE\n";

/// Two devices of an encrypted repository, each with a win, synced.
fn two_devices(remote: &Remote) -> (Journal, Journal) {
    let a = Journal::new();
    a.add(&["renegotiated the storage contract"]);
    a.ok(&[
        "sync",
        "init",
        &remote.url(),
        "--device",
        "alpha",
        "--encrypt",
    ]);
    let b = joined(remote, &a, "bravo");
    b.add(&["mentored two new hires"]);
    sync(&b);
    sync(&a);
    (a, b)
}

/// Replaces `file` of the remote's latest commit with `bytes`, as anyone
/// who can push could. Through git's plumbing: nothing of the clone's
/// work tree is hashed again under the attributes pushed.
fn push_file(remote: &Remote, file: &str, bytes: &[u8]) {
    let evil = clone_of(remote);
    let clone = evil.path().join("evil");
    let blob = evil.path().join("blob");
    std::fs::write(&blob, bytes).unwrap();
    let id = git(
        &clone,
        &["hash-object", "-w", "--no-filters", blob.to_str().unwrap()],
    );
    git(
        &clone,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{},{file}", id.trim()),
        ],
    );
    push_staged(&clone);
}

fn assert_converged(a: &Journal, b: &Journal, count: usize) {
    assert_eq!(texts(a).len(), count, "{:?}", texts(a));
    assert_eq!(export(a), export(b), "{:?} / {:?}", texts(a), texts(b));
}

#[test]
fn a_gitattributes_pushed_to_the_remote_does_not_change_the_records() {
    let remote = Remote::new();
    let (a, b) = two_devices(&remote);
    push_file(&remote, ".gitattributes", HOSTILE_ATTRIBUTES.as_bytes());
    a.add(&["cut the build time in half"]);
    b.add(&["ran the incident review"]);
    let mut said = String::new();
    for journal in [&a, &b, &a, &b] {
        said.push_str(&sync(journal));
    }
    assert!(!said.contains("missing"), "{said}");
    assert!(!said.contains("damaged"), "{said}");
    assert_converged(&a, &b, 4);
    // What the remote holds is what the devices wrote: a new machine reads it.
    let c = joined(&remote, &a, "charlie");
    assert_converged(&a, &c, 4);
}

#[test]
fn a_sync_folder_git_filled_under_hostile_attributes_is_written_again_as_committed() {
    let remote = Remote::new();
    let (a, b) = two_devices(&remote);
    push_file(&remote, ".gitattributes", HOSTILE_ATTRIBUTES.as_bytes());
    a.add(&["cut the build time in half"]);
    sync(&a);
    // bravo's sync folder as a win that obeyed the remote's attributes left
    // it: a's new batch checked out re-encoded, and taken for unchanged.
    let folder = tree(&b);
    let _ = std::fs::remove_file(folder.join(".git/info/attributes"));
    git(&folder, &["fetch", "-q", "origin"]);
    git(
        &folder,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "merge",
            "-q",
            "--no-edit",
            "origin/main",
        ],
    );
    git(&folder, &["update-ref", "refs/win/synced", "origin/main"]);
    let said = sync(&b);
    assert!(!said.contains("damaged"), "{said}");
    assert!(!said.contains("missing"), "{said}");
    assert_converged(&a, &b, 3);
    let attributes = std::fs::read_to_string(folder.join(".git/info/attributes")).unwrap();
    assert!(attributes.contains("-text"), "{attributes}");
}

#[test]
fn a_sync_whose_commit_git_rewrote_is_not_reported_synced() {
    let remote = Remote::new();
    let (a, b) = two_devices(&remote);
    // An encoding every byte converts from, so that git commits what it
    // changed without a word.
    push_file(
        &remote,
        ".gitattributes",
        b"*.age working-tree-encoding=IBM037\n",
    );
    sync(&a);
    // A git that obeys the remote's attributes whatever win tells it.
    let (_dir, path) =
        wrapped_git(|real| format!("#!/bin/sh\nrm -f .git/info/attributes\nexec {real} \"$@\"\n"));
    a.add(&["cut the build time in half"]);
    let output = a
        .test()
        .args(["sync"])
        .env("PATH", &path)
        .fails()
        .stderr_contains("git changed devices/")
        .run();
    assert!(!output.stderr.contains("synced"), "{}", output.stderr);
    // With git as it is, the held change goes out whole.
    sync(&a);
    sync(&b);
    assert_converged(&a, &b, 3);
}

/// An oversized `sync.json` (valid, padded), an oversized key check, and a
/// key check replaced by a link to `/dev/zero`: each refused before it is
/// merged, by name, and the device syncs again by itself once the remote
/// is repaired.
#[test]
fn an_oversized_or_linked_manifest_is_refused_before_merging_and_the_repair_is_taken() {
    let padded = format!(
        "{{\"format\": 2, \"encrypted\": true{}}}\n",
        " ".repeat(100_000)
    );
    let cases: [(&str, &str, Option<&[u8]>); 3] = [
        (
            "sync.json",
            "larger than the limit",
            Some(padded.as_bytes()),
        ),
        (
            "keycheck.age",
            "larger than the limit",
            Some(&[b'A'; 100_000]),
        ),
        ("keycheck.age", "symbolic link", None),
    ];
    for (file, why, bytes) in cases {
        let remote = Remote::new();
        let (a, b) = two_devices(&remote);
        let evil = clone_of(&remote);
        let clone = evil.path().join("evil");
        let original = std::fs::read(clone.join(file)).unwrap();
        std::fs::remove_file(clone.join(file)).unwrap();
        match bytes {
            Some(bytes) => std::fs::write(clone.join(file), bytes).unwrap(),
            None => std::os::unix::fs::symlink("/dev/zero", clone.join(file)).unwrap(),
        }
        push_all(&clone);
        a.add(&["cut the build time in half"]);
        let refused = a
            .test()
            .args(["sync"])
            .fails()
            .stderr_contains(format!("the remote's {file} was not taken in"))
            .stderr_contains(why)
            .stderr_contains("commit and push")
            .run();
        assert!(!refused.stderr.contains("synced"), "{}", refused.stderr);
        let kept = std::fs::symlink_metadata(tree(&a).join(file)).unwrap();
        assert!(kept.is_file() && kept.len() < 1000, "{file}: {why}");
        // The remote is repaired by a new commit: a takes it by itself.
        std::fs::remove_file(clone.join(file)).unwrap();
        std::fs::write(clone.join(file), &original).unwrap();
        git(&clone, &["pull", "-q", "--no-rebase", "origin", "main"]);
        push_all(&clone);
        sync(&a);
        sync(&b);
        assert_converged(&a, &b, 3);
    }
}

/// A sync folder that an older win let an oversized manifest into (it
/// merged before it checked sizes) syncs again once the remote is repaired.
#[test]
fn a_device_an_oversized_manifest_got_into_recovers_once_the_remote_is_repaired() {
    let remote = Remote::new();
    let (a, b) = two_devices(&remote);
    let folder = tree(&a);
    let manifest = std::fs::read(folder.join("sync.json")).unwrap();
    let padded = format!(
        "{{\"format\": 2, \"encrypted\": true{}}}\n",
        " ".repeat(100_000)
    );
    // As the older win did: merged and pushed it with the device's commit.
    push_file(&remote, "sync.json", padded.as_bytes());
    git(&folder, &["fetch", "-q", "origin"]);
    git(&folder, &["merge", "-q", "--ff-only", "origin/main"]);
    git(&folder, &["update-ref", "refs/win/synced", "origin/main"]);
    a.test()
        .args(["sync"])
        .fails()
        .stderr_contains("sync.json was not taken in")
        .run();
    push_file(&remote, "sync.json", &manifest);
    a.add(&["cut the build time in half"]);
    sync(&a);
    sync(&b);
    assert_converged(&a, &b, 3);
    assert_eq!(std::fs::read(folder.join("sync.json")).unwrap(), manifest);
}

fn lockbox_files(root: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(root.join("passphrase"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

#[test]
fn status_says_when_the_passphrase_lockbox_cannot_be_used() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["renegotiated the storage contract"]);
    a.test()
        .args([
            "sync",
            "init",
            &remote.url(),
            "--device",
            "alpha",
            "--passphrase-file",
            "-",
        ])
        .stdin("correct horse battery staple\n")
        .run();
    a.test()
        .args(["sync", "status"])
        .stdout_contains("passphrase:  on")
        .run();
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    for lockbox in lockbox_files(&clone) {
        std::fs::write(lockbox, "garbage\n").unwrap();
    }
    push_all(&clone);
    let said = sync(&a);
    assert!(said.contains("win sync key passphrase"), "{said}");
    let status = a.ok(&["sync", "status"]);
    assert!(!status.contains("passphrase:  on"), "{status}");
    assert!(status.contains("passphrase:  unusable"), "{status}");
    assert!(status.contains("win sync key passphrase"), "{status}");
    assert!(status.contains("not a lockbox"), "{status}");
    // The command status names puts a lockbox back.
    a.test()
        .args(["sync", "key", "passphrase", "--passphrase-file", "-"])
        .stdin("correct horse battery staple\n")
        .run();
    let said = sync(&a);
    assert!(!said.contains("lockbox"), "{said}");
    let status = a.ok(&["sync", "status"]);
    assert!(status.contains("passphrase:  on"), "{status}");
    assert!(!status.contains("warning"), "{status}");
}

/// A device whose older win committed its own batch under a hostile
/// `.gitattributes`: git stored other bytes than the device wrote, and the
/// journal noted what git stored as the device's own, so nothing told it
/// the others could not read it. Its work tree still held what it wrote:
/// the next sync sends those records again, and the devices converge.
#[test]
fn records_an_older_win_let_git_rewrite_are_sent_again() {
    let remote = Remote::new();
    let (a, b) = two_devices(&remote);
    push_file(
        &remote,
        ".gitattributes",
        b"*.age working-tree-encoding=IBM037\n",
    );
    sync(&a);
    sync(&b);
    a.add(&["cut the build time in half"]);
    sync(&a);
    // As the older win left alpha's sync folder: its last batch committed
    // re-encoded, pushed, and noted as alpha's own as git stored it.
    let folder = tree(&a);
    std::fs::remove_file(folder.join(".git/info/attributes")).unwrap();
    let file = git(
        &folder,
        &[
            "log",
            "-1",
            "--name-only",
            "--format=",
            "--",
            "devices/alpha",
        ],
    )
    .lines()
    .find(|line| line.ends_with(".age"))
    .unwrap()
    .to_string();
    git(&folder, &["rm", "-q", "--cached", &file]);
    git(&folder, &["add", &file]);
    git(
        &folder,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "alpha: 1 changes",
        ],
    );
    git(&folder, &["push", "-q", "origin", "HEAD:main"]);
    git(&folder, &["update-ref", "refs/win/synced", "HEAD"]);
    let stored = git(&folder, &["rev-parse", &format!("HEAD:{file}")]);
    let journal = rusqlite::Connection::open(a.db()).unwrap();
    let changed = journal
        .execute(
            "UPDATE sync_batches SET blob = ?1 WHERE file = ?2",
            [stored.trim(), file.as_str()],
        )
        .unwrap();
    assert_eq!(changed, 1, "{file}");
    drop(journal);
    let said = sync(&a);
    assert!(said.contains("sent again"), "{said}");
    sync(&b);
    assert_converged(&a, &b, 3);
}
