//! A device repairs what the remote lost of its own records, and a machine
//! that syncs under another's name (a copied home folder) is told how to
//! take its own.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::Journal;
use crate::sync_kit::{
    batch_files, clone_of, device, export, join_args, joined, push_all, sync, texts, tree, Remote,
};

/// Another machine with a copy of `journal`'s home folder: its journal,
/// its sync folder and its key.
fn copy_of(journal: &Journal) -> Journal {
    let copy = Journal::new();
    let status = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", journal.path().display()))
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(status.success());
    copy
}

#[test]
fn a_copied_home_folder_is_told_to_sync_under_a_name_of_its_own() {
    for encryption in ["--encrypt", "--no-encrypt"] {
        let remote = Remote::new();
        let a = device(&remote, "one", &[encryption]);
        a.add(&["kept the ranker deal"]);
        sync(&a);
        let b = copy_of(&a);
        a.add(&["shipped the eval harness"]);
        sync(&a);
        b.add(&["cut p99 latency by 40ms"]);
        let err = b.fails(&["sync"]);
        assert!(err.contains("another machine syncs as device one"), "{err}");
        assert!(err.contains("win sync init REMOTE --device NAME"), "{err}");
        // The advice works, once, and does not come back.
        let aside = PathBuf::from(format!("{}.aside", tree(&b).display()));
        std::fs::rename(tree(&b), aside).unwrap();
        b.ok(&["sync", "init", &remote.url(), "--device", "two"]);
        sync(&a);
        assert_eq!(texts(&a).len(), 3, "{encryption}: {:?}", texts(&a));
        assert_eq!(export(&a), export(&b), "{encryption}");
        for round in 0..2 {
            a.add(&[&format!("a's win {round}")]);
            b.add(&[&format!("b's win {round}")]);
            sync(&a);
            sync(&b);
            sync(&a);
        }
        assert_eq!(texts(&a).len(), 7, "{encryption}: {:?}", texts(&a));
        assert_eq!(export(&a), export(&b), "{encryption}");
    }
}

/// A data folder restored from a backup taken before its last syncs looks,
/// from the remote, like a copy of it: both wrote under its name. It was
/// told it was a copy and to take another name; and following the advice
/// of setting sync up again under its own name lost what it had sent
/// since the backup (the failed sync had noted its new records as sent).
#[test]
fn a_data_folder_restored_from_a_backup_is_told_so_and_gets_back_what_it_sent_since() {
    for encryption in ["--encrypt", "--no-encrypt"] {
        let remote = Remote::new();
        let a = device(&remote, "one", &[encryption]);
        a.add(&["kept the ranker deal"]);
        sync(&a);
        let data = a.db().parent().unwrap().to_path_buf();
        let backup = a.path().join("backup");
        let copied = |from: &std::path::Path, to: &std::path::Path| {
            let _ = std::fs::remove_dir_all(to);
            let status = Command::new("cp")
                .arg("-a")
                .arg(from)
                .arg(to)
                .status()
                .unwrap();
            assert!(status.success());
        };
        copied(&data, &backup);
        a.add(&["shipped the eval harness"]);
        sync(&a);
        copied(&backup, &data);
        a.add(&["cut p99 latency by 40ms"]);
        let err = a.fails(&["sync"]);
        assert!(
            err.contains("restored from a backup") && err.contains("keeps its name"),
            "{encryption}: {err}"
        );
        let aside = PathBuf::from(format!("{}.aside", tree(&a).display()));
        std::fs::rename(tree(&a), aside).unwrap();
        a.ok(&["sync", "init", &remote.url()]);
        assert_eq!(texts(&a).len(), 3, "{encryption}: {:?}", texts(&a));
        let b = if encryption == "--encrypt" {
            joined(&remote, &a, "b")
        } else {
            device(&remote, "b", &[])
        };
        sync(&a);
        assert_eq!(export(&a), export(&b), "{encryption}");
        assert_eq!(texts(&b).len(), 3, "{encryption}");
    }
}

#[test]
fn a_device_sends_again_what_the_remote_cut_changed_or_removed_of_its_records() {
    for encryption in ["--encrypt", "--no-encrypt"] {
        let remote = Remote::new();
        let a = device(&remote, "a", &[encryption]);
        let join = |name: &str| {
            if encryption == "--encrypt" {
                joined(&remote, &a, name)
            } else {
                device(&remote, name, &[])
            }
        };
        for text in ["kept the ranker deal", "cut p99 latency by 40ms"] {
            a.add(&[text]);
        }
        sync(&a);
        a.add(&["shipped the eval harness"]);
        sync(&a);
        a.add(&["mentored two new hires"]);
        sync(&a);
        let b = join("b");
        assert_eq!(texts(&b).len(), 4);

        // On the remote: the first batch cut short, the second removed,
        // the third with a byte changed. a is not told.
        let hand = clone_of(&remote);
        let clone = hand.path().join("evil");
        let files = batch_files(&clone, "a");
        assert_eq!(files.len(), 3, "{files:?}");
        let first = std::fs::read(&files[0]).unwrap();
        std::fs::write(&files[0], &first[..first.len() / 2]).unwrap();
        std::fs::remove_file(&files[1]).unwrap();
        let mut third = std::fs::read(&files[2]).unwrap();
        let middle = third.len() / 2;
        third[middle] = if third[middle] == b'A' { b'B' } else { b'A' };
        std::fs::write(&files[2], &third).unwrap();
        push_all(&clone);

        // A device that joins now misses them, and is told so.
        let c = join("c");
        assert!(texts(&c).len() < 4, "{encryption}: {:?}", texts(&c));
        // a notices at its next sync, and sends them again.
        let said = sync(&a);
        assert!(said.contains("sent again"), "{encryption}: {said}");
        sync(&b);
        sync(&c);
        let d = join("d");
        for journal in [&b, &c, &d] {
            assert_eq!(
                texts(journal).len(),
                4,
                "{encryption}: {:?}",
                texts(journal)
            );
            assert_eq!(export(journal), export(&a), "{encryption}");
        }
        // Once: the next sync sends nothing again, and later changes travel.
        let said = sync(&a);
        assert!(!said.contains("sent again"), "{encryption}: {said}");
        a.add(&["wrote the on-call guide"]);
        sync(&a);
        sync(&d);
        assert_eq!(texts(&d).len(), 5, "{encryption}");
    }
}

#[test]
fn a_file_removed_on_the_remote_does_not_carry_new_files_into_another_devices_folder() {
    // Git took the removed month folder of one device and the new one of
    // another for a rename, and moved this device's new file into the
    // other's folder: a conflict no sync got past.
    let remote = Remote::new();
    let a = device(&remote, "d2", &["--no-encrypt"]);
    a.add(&["cut p99 latency by 1ms"]);
    sync(&a);
    let hand = clone_of(&remote);
    let clone = hand.path().join("evil");
    for file in batch_files(&clone, "d2") {
        std::fs::remove_file(file).unwrap();
    }
    push_all(&clone);
    let b = Journal::new();
    b.add(&["cut p99 latency by 4ms"]);
    b.test().args(join_args(&remote, "d1")).run();
    a.add(&["cut p99 latency by 5ms"]);
    let said = sync(&a);
    assert!(said.contains("sent again"), "{said}");
    sync(&b);
    assert_eq!(texts(&b).len(), 3, "{:?}", texts(&b));
    assert_eq!(export(&a), export(&b));
}

/// A new journal that joins `remote` as `name` (with `from`'s key when
/// `encrypted`): what its `win sync init` said on stderr.
fn join_saying(remote: &Remote, from: &Journal, name: &str, encrypted: bool) -> (Journal, String) {
    let journal = Journal::new();
    if encrypted {
        let key = from.ok(&["sync", "key", "show"]);
        journal
            .test()
            .args(["sync", "key", "import", "-"])
            .stdin(key)
            .run();
    }
    let said = journal.test().args(join_args(remote, name)).run().stderr;
    (journal, said)
}

#[test]
fn a_batch_removed_while_its_device_is_away_is_said_missing_until_it_is_sent_again() {
    for encrypted in [true, false] {
        let remote = Remote::new();
        let a = device(
            &remote,
            "a",
            &[if encrypted {
                "--encrypt"
            } else {
                "--no-encrypt"
            }],
        );
        a.add(&["kept the ranker deal"]);
        sync(&a);
        a.add(&["cut p99 latency by 40ms"]);
        a.add(&["shipped the eval harness"]);
        sync(&a);
        let (b, said) = join_saying(&remote, &a, "b", encrypted);
        assert!(!said.contains("missing"), "{said}");
        assert_eq!(texts(&b).len(), 3);

        // While a is away, its last batch goes from the remote.
        let hand = clone_of(&remote);
        let clone = hand.path().join("evil");
        let files = batch_files(&clone, "a");
        std::fs::remove_file(files.last().unwrap()).unwrap();
        push_all(&clone);

        // A device that joins now lacks two wins, and is told so, at every
        // sync and in its status, with the way out.
        let (c, said) = join_saying(&remote, &a, "c", encrypted);
        assert_eq!(texts(&c).len(), 1, "{said}");
        assert!(
            said.contains("records 2-3 of device a are missing")
                && said.contains("once a runs win sync"),
            "encrypted {encrypted}: {said}"
        );
        assert!(sync(&c).contains("of device a are missing"));
        let status = c.ok(&["sync", "status"]);
        assert!(
            status.contains("missing:     records 2-3 of device a"),
            "{status}"
        );
        // b holds them already: nothing is missing there.
        assert!(!sync(&b).contains("missing"));

        // a comes back: it sends them again, and c gets them.
        assert!(sync(&a).contains("sent again"));
        let said = sync(&c);
        assert!(!said.contains("missing"), "{said}");
        assert!(!c.ok(&["sync", "status"]).contains("missing"));
        assert_eq!(export(&c), export(&a));
        assert_eq!(export(&b), export(&a));
    }
}

#[test]
fn a_batch_removed_from_the_middle_of_the_history_is_said_missing_until_it_is_sent_again() {
    for encrypted in [true, false] {
        let remote = Remote::new();
        let a = device(
            &remote,
            "a",
            &[if encrypted {
                "--encrypt"
            } else {
                "--no-encrypt"
            }],
        );
        a.add(&["kept the ranker deal"]);
        sync(&a);
        a.add(&["cut p99 latency by 40ms"]);
        a.add(&["shipped the eval harness"]);
        sync(&a);
        a.add(&["mentored two new hires"]);
        sync(&a);
        let (b, said) = join_saying(&remote, &a, "b", encrypted);
        assert!(!said.contains("missing"), "{said}");

        // While a is away, a batch from the middle of its history goes:
        // its sequence file and last batch still agree.
        let hand = clone_of(&remote);
        let clone = hand.path().join("evil");
        let files = batch_files(&clone, "a");
        assert_eq!(files.len(), 3, "{files:?}");
        std::fs::remove_file(&files[1]).unwrap();
        let gone = files[1].strip_prefix(&clone).unwrap().display().to_string();
        push_all(&clone);

        let (c, said) = join_saying(&remote, &a, "c", encrypted);
        assert_eq!(texts(&c).len(), 2, "{said}");
        let line = format!("the records of {gone} of device a are missing");
        assert!(
            said.contains(&line) && said.contains("once a runs win sync"),
            "encrypted {encrypted}: {said}"
        );
        assert!(sync(&c).contains(&line));
        let status = c.ok(&["sync", "status"]);
        assert!(status.contains(&format!("missing:     {line}")), "{status}");
        // b read that batch before it went: nothing is missing there.
        let said = sync(&b);
        assert!(!said.contains("missing"), "{said}");
        assert!(!b.ok(&["sync", "status"]).contains("missing"));

        // a comes back: it sends them again, and c gets them.
        assert!(sync(&a).contains("sent again"));
        let said = sync(&c);
        assert!(!said.contains("missing"), "{said}");
        assert!(!c.ok(&["sync", "status"]).contains("missing"));
        assert_eq!(export(&c), export(&a));
        assert_eq!(export(&b), export(&a));
    }
}

#[test]
fn a_sequence_file_changed_on_the_remote_is_put_back_by_its_device() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["kept the ranker deal"]);
    sync(&a);
    let (b, _) = join_saying(&remote, &a, "b", true);
    let hand = clone_of(&remote);
    let clone = hand.path().join("evil");
    std::fs::write(clone.join("devices/a/seq"), "1000\n").unwrap();
    push_all(&clone);
    assert!(sync(&b).contains("records 2-1000 of device a are missing"));
    // a's next sync puts its count back, and b no longer looks for them.
    sync(&a);
    let said = sync(&b);
    assert!(!said.contains("missing"), "{said}");
    a.add(&["shipped the eval harness"]);
    sync(&a);
    sync(&b);
    assert_eq!(export(&b), export(&a));
}

/// The files of `device` the remote's branch holds.
fn remote_files(remote: &Remote, device: &str) -> String {
    crate::sync_kit::git(
        &remote.path(),
        &[
            "ls-tree",
            "-r",
            "--name-only",
            "main",
            &format!("devices/{device}"),
        ],
    )
}

#[test]
fn a_copied_journal_taking_a_name_of_its_own_leaves_the_originals_files_alone() {
    for encryption in ["--encrypt", "--no-encrypt"] {
        let remote = Remote::new();
        let a = device(&remote, "one", &[encryption]);
        a.add(&["kept the ranker deal"]);
        sync(&a);
        a.add(&["shipped the eval harness"]);
        sync(&a);
        let b = copy_of(&a);
        a.add(&["cut p99 latency by 40ms"]);
        sync(&a);
        b.add(&["mentored two new hires"]);
        b.fails(&["sync"]);
        let before = remote_files(&remote, "one");
        // The advice, followed while a is away.
        let aside = PathBuf::from(format!("{}.aside", tree(&b).display()));
        std::fs::rename(tree(&b), aside).unwrap();
        let said = b
            .test()
            .args(["sync", "init", &remote.url(), "--device", "two"])
            .run()
            .stderr;
        assert!(!said.contains("sent again"), "{encryption}: {said}");
        assert!(!said.contains("missing"), "{encryption}: {said}");
        assert_eq!(remote_files(&remote, "one"), before, "{encryption}");
        // A device that joins before a syncs again gets every win.
        let c = if encryption == "--encrypt" {
            joined(&remote, &a, "three")
        } else {
            device(&remote, "three", &[])
        };
        assert_eq!(texts(&c).len(), 4, "{encryption}: {:?}", texts(&c));
        let said = sync(&a);
        assert!(!said.contains("sent again"), "{encryption}: {said}");
        sync(&b);
        sync(&c);
        assert_eq!(export(&a), export(&b), "{encryption}");
        assert_eq!(export(&a), export(&c), "{encryption}");
    }
}
