//! `win sync` with a passphrase: the key locked in the repository, so a new
//! machine joins with the passphrase alone. Each lock or unlock is about a
//! second of scrypt: these tests keep them few.

use std::path::PathBuf;

use crate::harness::Journal;
use crate::pty::{Pty, CTRL_C};
use crate::sync_kit::{clone_of, device, export, git, push_all, sync, texts, tree, Remote};

const PASSPHRASE: &str = "correct horse battery staple";

/// A journal with one win, setting up a repository locked with `PASSPHRASE`.
fn first_device(remote: &Remote) -> Journal {
    let a = Journal::new();
    a.add(&["negotiated the zanzibar contract"]);
    a.test()
        .args([
            "sync",
            "init",
            &remote.url(),
            "--device",
            "a",
            "--passphrase-file",
            "-",
        ])
        .stdin(format!("{PASSPHRASE}\n"))
        .stderr_contains("locked with your passphrase")
        .run();
    a
}

fn key_file(journal: &Journal) -> PathBuf {
    journal.config_dir().join("sync-key.txt")
}

#[test]
fn a_new_machine_joins_with_the_passphrase_alone() {
    let remote = Remote::new();
    let a = first_device(&remote);
    let files = git(&remote.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(
        files.contains("passphrase/a-"),
        "a lockbox is committed: {files}"
    );
    let objects = remote.all_objects();
    assert!(
        !objects.contains("AGE-SECRET-KEY"),
        "the key is not in clear"
    );
    assert!(!objects.contains("zanzibar"));

    // A wrong passphrase: one line, and nothing is written.
    let b = Journal::new();
    b.add(&["a win of b's own"]);
    let err = b
        .test()
        .args(["sync", "init", &remote.url(), "--device", "b"])
        .env("WIN_SYNC_PASSPHRASE", "correct horse battery stapler")
        .fails()
        .run()
        .stderr;
    assert!(err.starts_with("win: wrong passphrase"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!key_file(&b).exists(), "no key saved");
    assert!(!tree(&b).exists(), "no sync folder left");
    assert!(b.fails(&["sync"]).contains("not set up"));
    assert_eq!(texts(&b), vec!["a win of b's own"]);

    // No passphrase and no terminal: says how to give one.
    let err = b.fails(&["sync", "init", &remote.url(), "--device", "b"]);
    assert!(err.contains("WIN_SYNC_PASSPHRASE"), "{err}");
    assert!(err.contains("--passphrase-file"), "{err}");

    // The right one, from the environment: b joins, with a's key, 0600.
    b.test()
        .args(["sync", "init", &remote.url(), "--device", "b"])
        .env("WIN_SYNC_PASSPHRASE", PASSPHRASE)
        .stderr_contains("1 change sent, 1 received")
        .run();
    assert_eq!(
        b.ok(&["sync", "key", "show"]),
        a.ok(&["sync", "key", "show"])
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_file(&b))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    sync(&a);
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&a).len(), 2);
    let status = b.ok(&["sync", "status"]);
    assert!(status.contains("passphrase:  on"), "{status}");

    // b loses its key (a new config folder): sync refuses without the
    // passphrase, and gets the key back with it.
    std::fs::remove_file(key_file(&b)).unwrap();
    let status = b.ok(&["sync", "status"]);
    assert!(
        status.contains("win sync asks for the passphrase"),
        "{status}"
    );
    let err = b.fails(&["sync"]);
    assert!(err.contains("WIN_SYNC_PASSPHRASE"), "{err}");
    assert!(!key_file(&b).exists());
    b.test()
        .args(["sync"])
        .env("WIN_SYNC_PASSPHRASE", PASSPHRASE)
        .stderr_contains("sync key unlocked with the passphrase")
        .run();
    assert_eq!(
        b.ok(&["sync", "key", "show"]),
        a.ok(&["sync", "key", "show"])
    );
}

#[test]
fn the_passphrase_is_typed_without_echo_on_a_terminal() {
    let remote = Remote::new();
    let a = Journal::new();
    a.add(&["cut p99 latency from 240ms to 80ms"]);
    let mut command = a
        .test()
        .args([
            "sync",
            "init",
            &remote.url(),
            "--device",
            "a",
            "--passphrase",
        ])
        .command();
    command.env_remove("NO_COLOR");
    let mut pty = Pty::spawn(command);
    pty.expect("New passphrase");
    pty.line("too short");
    pty.expect("too short (9 characters)");
    pty.expect("New passphrase");
    pty.line(PASSPHRASE);
    pty.expect("The same passphrase again");
    pty.line("something else entirely");
    pty.expect("the two passphrases differ");
    pty.expect("New passphrase");
    pty.line(PASSPHRASE);
    pty.expect("The same passphrase again");
    pty.line(PASSPHRASE);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(screen.contains("sync set up"), "{screen:?}");
    assert!(
        !screen.contains("horse"),
        "the passphrase was echoed: {screen:?}"
    );
    assert!(!screen.contains("something"), "{screen:?}");
    assert!(!screen.contains('*'), "not even its length: {screen:?}");

    // Joining on a terminal: a wrong passphrase is asked again.
    let b = Journal::new();
    let mut command = b
        .test()
        .args(["sync", "init", &remote.url(), "--device", "b"])
        .command();
    command.env_remove("NO_COLOR");
    let mut pty = Pty::spawn(command);
    pty.expect("Passphrase of the sync key");
    pty.line("a wrong passphrase here");
    pty.expect("wrong passphrase: try again");
    pty.expect("Passphrase of the sync key");
    pty.line(PASSPHRASE);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(!screen.contains("horse"), "{screen:?}");
    assert_eq!(texts(&b), vec!["cut p99 latency from 240ms to 80ms"]);

    // Ctrl-C at the question: cancelled, nothing written.
    let c = Journal::new();
    let mut command = c
        .test()
        .args(["sync", "init", &remote.url(), "--device", "c"])
        .command();
    command.env_remove("NO_COLOR");
    let mut pty = Pty::spawn(command);
    pty.expect("Passphrase of the sync key");
    pty.key(b"x");
    pty.key(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(1), "{screen:?}");
    assert!(screen.contains("cancelled"), "{screen:?}");
    assert!(!key_file(&c).exists());
    assert!(!tree(&c).exists());
}

#[test]
fn the_passphrase_is_changed_or_removed_without_conflicts() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    // Set on one device and, before they sync, on another: the two lockboxes
    // are new files, so git merges them; either passphrase then works.
    let b = Journal::new();
    b.test()
        .args(["sync", "key", "import", "-"])
        .stdin(a.ok(&["sync", "key", "show"]))
        .run();
    b.ok(&["sync", "init", &remote.url(), "--device", "b"]);
    assert!(a.ok(&["sync", "status"]).contains("passphrase:  off"));
    for (journal, passphrase) in [
        (&a, "first passphrase of a"),
        (&b, "second passphrase of b"),
    ] {
        journal
            .test()
            .args(["sync", "key", "passphrase", "--passphrase-file", "-"])
            .stdin(passphrase)
            .stderr_contains("passphrase set")
            .run();
    }
    sync(&a);
    sync(&b);
    sync(&a);
    let files = git(&remote.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(files.matches("passphrase/").count(), 2, "{files}");
    let c = Journal::new();
    c.test()
        .args(["sync", "init", &remote.url(), "--device", "c"])
        .env("WIN_SYNC_PASSPHRASE", "first passphrase of a")
        .run();

    // Setting it again leaves one lockbox; the old passphrases stop working
    // for new machines.
    a.test()
        .args(["sync", "key", "passphrase"])
        .env("WIN_SYNC_PASSPHRASE", "the passphrase from now on")
        .run();
    sync(&a);
    let files = git(&remote.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(files.matches("passphrase/").count(), 1, "{files}");
    let d = Journal::new();
    let err = d
        .test()
        .args(["sync", "init", &remote.url(), "--device", "d"])
        .env("WIN_SYNC_PASSPHRASE", "second passphrase of b")
        .fails()
        .run()
        .stderr;
    assert!(err.contains("wrong passphrase"), "{err}");

    // Removed: a new machine needs the key itself again.
    a.test()
        .args(["sync", "key", "passphrase", "--remove"])
        .stderr_contains("passphrase removed")
        .run();
    sync(&a);
    let files = git(&remote.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert!(!files.contains("passphrase/"), "{files}");
    let err = d
        .test()
        .args(["sync", "init", &remote.url(), "--device", "d"])
        .env("WIN_SYNC_PASSPHRASE", "the passphrase from now on")
        .fails()
        .run()
        .stderr;
    assert!(err.contains("no sync key"), "{err}");
    a.test()
        .args(["sync", "key", "passphrase", "--remove"])
        .stderr_contains("nothing to remove")
        .run();

    // A readable repository has no key to lock; a short passphrase is refused.
    let plain = Remote::new();
    let e = device(&plain, "e", &[]);
    let err = e
        .test()
        .args(["sync", "key", "passphrase"])
        .env("WIN_SYNC_PASSPHRASE", "long enough passphrase")
        .fails()
        .run()
        .stderr;
    assert!(err.contains("not encrypted"), "{err}");
    let err = a
        .test()
        .args(["sync", "key", "passphrase"])
        .env("WIN_SYNC_PASSPHRASE", "hunter2")
        .fails()
        .run()
        .stderr;
    assert!(err.contains("too short"), "{err}");
    assert_eq!(export(&a), export(&b));
}

#[test]
fn junk_in_the_lockbox_folder_does_not_stop_a_join_with_the_passphrase() {
    let remote = Remote::new();
    let a = first_device(&remote);
    // Someone who can push adds files that sort first: one that is not a
    // lockbox at all, and one that opens with the passphrase (they guessed
    // it, or it is left from another repository) and holds another key.
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    std::fs::write(clone.join("passphrase/0aa-0.age"), "not a lockbox !!\n").unwrap();
    let other = age::x25519::Identity::generate();
    let recipient = age::scrypt::Recipient::new(PASSPHRASE.to_string().into());
    let sealed =
        age::encrypt(&recipient, format!("{}\n", secrecy_text(&other)).as_bytes()).unwrap();
    {
        use base64::Engine;
        std::fs::write(
            clone.join("passphrase/0ab-0.age"),
            base64::engine::general_purpose::STANDARD.encode(sealed) + "\n",
        )
        .unwrap();
    }
    push_all(&clone);
    sync(&a);

    let b = Journal::new();
    let said = b
        .test()
        .args(["sync", "init", &remote.url(), "--device", "b"])
        .env("WIN_SYNC_PASSPHRASE", PASSPHRASE)
        .run()
        .stderr;
    for junk in ["passphrase/0aa-0.age", "passphrase/0ab-0.age"] {
        assert_eq!(said.matches(junk).count(), 1, "named once: {said}");
    }
    assert!(said.contains("sync set up"), "{said}");
    assert_eq!(texts(&b), texts(&a));
}

/// The secret line of an age identity.
fn secrecy_text(identity: &age::x25519::Identity) -> String {
    use age::secrecy::ExposeSecret;
    identity.to_string().expose_secret().to_string()
}
