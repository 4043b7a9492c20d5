//! What `win sync` reads from the user's side: a key or passphrase is one
//! short line, read from a regular file or a pipe, never a device or a FIFO
//! read forever.

use crate::harness::Journal;

#[test]
fn a_key_from_a_device_a_fifo_or_a_huge_file_is_refused_not_read() {
    let journal = Journal::new();
    let error = journal.fails(&["sync", "key", "import", "/dev/zero"]);
    assert!(error.contains("a character device"), "{error}");

    let fifo = journal.path().join("key.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let fifo = fifo.to_string_lossy().into_owned();
    let error = journal.fails(&["sync", "key", "import", &fifo]);
    assert!(error.contains("named pipe"), "{error}");

    let error = journal
        .test()
        .args(["sync", "key", "import", "-"])
        .stdin(vec![b'A'; 100 << 10])
        .fails()
        .run()
        .stderr;
    assert!(error.contains("over 64 KiB"), "{error}");
}

#[test]
fn a_sync_key_file_replaced_by_a_link_to_dev_zero_is_refused_by_name() {
    let journal = Journal::new();
    let key = journal.config_dir().join("sync-key.txt");
    std::fs::create_dir_all(key.parent().expect("a folder")).expect("config folder");
    std::os::unix::fs::symlink("/dev/zero", &key).expect("link the key to /dev/zero");
    let error = journal.fails(&["sync", "key", "show"]);
    assert!(
        error.contains("sync-key.txt") && error.contains("character device"),
        "{error}"
    );
}
