//! A device repairs what the remote lost of its own records, and a machine
//! that syncs under another's name (a copied home folder) is told how to
//! take its own.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::Journal;
use crate::sync::{device, export, sync, texts, Remote};

fn tree(journal: &Journal) -> PathBuf {
    PathBuf::from(format!("{}.sync", journal.db().display()))
}

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
