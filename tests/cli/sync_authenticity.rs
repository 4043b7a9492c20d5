//! Sync records are authenticated to the holders of the secret key: someone
//! who learnt only the public recipient (the key file's second line) can
//! seal records to it, but cannot make their tag, and the format from
//! before tags is no way in either. History written by an older win is
//! kept.

use std::path::Path;
use std::str::FromStr;

use base64::Engine;
use serde_json::json;

use crate::harness::Journal;
use crate::sync_kit::{clone_of, device, export, git, joined, push_all, sync, texts, tree, Remote};

/// The public recipient, as the key file's second line shows it.
pub(crate) fn recipient_of(journal: &Journal) -> age::x25519::Recipient {
    let key = journal.ok(&["sync", "key", "show"]);
    let line = key
        .lines()
        .find_map(|line| line.strip_prefix("# public key: "))
        .expect("a public key line");
    age::x25519::Recipient::from_str(line.trim()).expect("a recipient")
}

pub(crate) fn wall_clock_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// One batch line sealed to `recipient`: records as an older win wrote
/// them (compressed, no tag), or behind a made-up tag.
pub(crate) fn sealed_to(
    recipient: &age::x25519::Recipient,
    records: &[serde_json::Value],
    tag: bool,
) -> String {
    let lines: String = records.iter().map(|record| format!("{record}\n")).collect();
    let mut plain = Vec::new();
    if tag {
        plain.extend_from_slice(b"win-tagged-1\n");
        plain.extend_from_slice(&[7; 32]);
    }
    plain.extend(miniz_oxide::deflate::compress_to_vec_zlib(
        lines.as_bytes(),
        6,
    ));
    let sealed = age::encrypt(recipient, &plain).unwrap();
    base64::engine::general_purpose::STANDARD.encode(sealed)
}

/// The first record of a device's first batch, read with the secret key.
fn first_record(journal: &Journal) -> serde_json::Value {
    let key = win::sync::crypt::Key::parse(&journal.ok(&["sync", "key", "show"])).unwrap();
    let device = std::fs::read_dir(tree(journal).join("devices"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let month = std::fs::read_dir(&device)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.is_dir())
        .unwrap();
    let file = std::fs::read_dir(month)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    let plain = key.open(text.lines().next().unwrap()).unwrap();
    let packed = match plain.strip_prefix(b"win-tagged-1\n") {
        Some(tagged) => &tagged[32..],
        None => &plain[..],
    };
    let lines = miniz_oxide::inflate::decompress_to_vec_zlib(packed).unwrap();
    let lines = String::from_utf8(lines).unwrap();
    serde_json::from_str(lines.lines().next().unwrap()).unwrap()
}

pub(crate) fn forged_delete(device: &str, seq: u64, uid: &str) -> serde_json::Value {
    // A believable clock: this very moment.
    json!({"v": 1, "device": device, "seq": seq,
           "hlc": format!("{}.0", wall_clock_millis()), "uid": uid, "op": "delete"})
}

pub(crate) fn write_batch(clone: &Path, device: &str, first_seq: u64, lines: &[String]) {
    let month = clone.join(format!("devices/{device}/2026-11"));
    std::fs::create_dir_all(&month).unwrap();
    std::fs::write(
        month.join(format!("{first_seq:012}.age")),
        lines.join("\n") + "\n",
    )
    .unwrap();
    std::fs::write(
        clone.join(format!("devices/{device}/seq")),
        format!("{}\n", first_seq + lines.len() as u64 - 1),
    )
    .unwrap();
}

#[test]
fn someone_with_only_the_public_key_cannot_delete_or_edit_a_win() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["kept the ranker deal"]);
    sync(&a);
    let b = joined(&remote, &a, "b");
    assert_eq!(texts(&b).len(), 1);
    let uid = export(&a).keys().next().unwrap().clone();
    let seq = a.ok(&["sync", "status"]);
    assert!(seq.contains("encrypted:   yes"), "{seq}");
    let written: u64 = std::fs::read_to_string(tree(&a).join("devices/a/seq"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();

    // The attacker: push access and the recipient, not the secret key.
    let recipient = recipient_of(&a);
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    // An edit made from a record the test reads with the secret key (the
    // attacker might guess one as well: its shape is public).
    let mut edit = first_record(&a);
    edit["device"] = "mallory".into();
    edit["seq"] = 2.into();
    edit["hlc"] = format!("{}.0", wall_clock_millis()).into();
    edit["win"]["text"] = "forged wording".into();
    write_batch(
        &clone,
        "mallory",
        1,
        &[
            sealed_to(&recipient, &[forged_delete("mallory", 1, &uid)], false),
            sealed_to(&recipient, &[edit], false),
        ],
    );
    write_batch(
        &clone,
        "mallory",
        3,
        &[sealed_to(
            &recipient,
            &[forged_delete("mallory", 3, &uid)],
            true,
        )],
    );
    // In the victim's own folder too, numbered after its last record.
    write_batch(
        &clone,
        "a",
        written + 1,
        &[sealed_to(
            &recipient,
            &[forged_delete("a", written + 1, &uid)],
            false,
        )],
    );
    push_all(&clone);

    let said = sync(&a);
    assert_eq!(texts(&a), vec!["kept the ranker deal"], "{said}");
    assert!(said.contains("no device vouched for it"), "{said}");
    assert!(said.contains("not made with the sync key"), "{said}");
    sync(&b);
    let c = joined(&remote, &a, "c");
    for journal in [&a, &b, &c] {
        assert_eq!(texts(journal), vec!["kept the ranker deal"]);
    }
    // Refused once, not at every sync; and the devices still sync.
    let again = sync(&b);
    assert!(!again.contains("not made with the sync key"), "{again}");
    a.add(&["saved $40K a year"]);
    sync(&a);
    sync(&b);
    assert_eq!(texts(&b).len(), 2);
}

/// Strips the tags from every batch in a sync folder and puts the layout
/// back to 1, committed and pushed: the repository as a win from before
/// tags left it. The journal forgets it ever synced with tags.
fn as_an_older_win_left_it(journal: &Journal, key_text: &str) {
    let key = win::sync::crypt::Key::parse(key_text).unwrap();
    let root = tree(journal);
    let recipient = recipient_of(journal);
    for device in std::fs::read_dir(root.join("devices")).unwrap() {
        for month in std::fs::read_dir(device.unwrap().path()).unwrap() {
            let month = month.unwrap().path();
            if !month.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&month).unwrap() {
                let path = file.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let lines: Vec<String> = text
                    .lines()
                    .map(|line| {
                        let plain = key.open(line).unwrap();
                        let untagged = &plain[b"win-tagged-1\n".len() + 32..];
                        let sealed = age::encrypt(&recipient, untagged).unwrap();
                        base64::engine::general_purpose::STANDARD.encode(sealed)
                    })
                    .collect();
                std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            }
        }
    }
    std::fs::write(
        root.join("sync.json"),
        "{\"format\":1,\"encrypted\":true}\n",
    )
    .unwrap();
    git(&root, &["add", "-A"]);
    git(
        &root,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "older win",
        ],
    );
    git(&root, &["push", "-q", "origin", "HEAD:main"]);
    let conn = rusqlite::Connection::open(journal.db()).unwrap();
    conn.execute(
        "UPDATE sync_device SET authenticated = NULL, vouchers = NULL",
        [],
    )
    .unwrap();
}

#[test]
fn history_written_by_an_older_win_is_kept_and_its_format_lets_no_forger_in() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["kept the ranker deal"]);
    a.add(&["cut p99 latency by 40ms"]);
    sync(&a);
    let b = joined(&remote, &a, "b");
    b.add(&["shipped the eval harness"]);
    sync(&b);
    sync(&a);
    let key = a.ok(&["sync", "key", "show"]);
    as_an_older_win_left_it(&a, &key);
    // b has not synced since: its folder still holds what it trusted.
    sync(&a);
    let layout = std::fs::read_to_string(tree(&a).join("sync.json")).unwrap();
    assert!(layout.contains("\"format\": 2"), "{layout}");
    assert!(tree(&a).join("devices/a/legacy.age").exists());

    // After the upgrade, an old-format delete pushed by someone with only
    // the public key is refused.
    let uid = export(&a)
        .into_iter()
        .find(|(_, win)| win["text"] == "kept the ranker deal")
        .unwrap()
        .0;
    let recipient = recipient_of(&a);
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    write_batch(
        &clone,
        "mallory",
        1,
        &[sealed_to(
            &recipient,
            &[forged_delete("mallory", 1, &uid)],
            false,
        )],
    );
    push_all(&clone);

    let c = joined(&remote, &a, "c");
    sync(&a);
    sync(&b);
    for journal in [&a, &b, &c] {
        assert_eq!(texts(journal).len(), 3, "{:?}", texts(journal));
    }
    assert_eq!(export(&a), export(&c));
    assert_eq!(export(&a), export(&b));
}

#[test]
fn a_file_forged_under_the_name_a_device_writes_next_neither_stops_nor_hides_it() {
    let remote = Remote::new();
    let a = device(&remote, "a", &["--encrypt"]);
    a.add(&["kept the ranker deal"]);
    sync(&a);
    let b = joined(&remote, &a, "b");
    let uid = export(&a).keys().next().unwrap().clone();
    // a makes a change; before it syncs, the attacker takes the file name
    // (and sequence number) it will write, and a later name too.
    a.add(&["saved $40K a year"]);
    let recipient = recipient_of(&a);
    let evil = clone_of(&remote);
    let clone = evil.path().join("evil");
    write_batch(
        &clone,
        "a",
        2,
        &[sealed_to(&recipient, &[forged_delete("a", 2, &uid)], true)],
    );
    let later = clone.join("devices/a/2099-12");
    std::fs::create_dir_all(&later).unwrap();
    std::fs::write(
        later.join("000000000009.age"),
        sealed_to(&recipient, &[forged_delete("a", 9, &uid)], false) + "\n",
    )
    .unwrap();
    push_all(&clone);
    sync(&b);
    let said = sync(&a);
    assert!(said.contains("this device's own was kept"), "{said}");
    sync(&b);
    assert_eq!(texts(&b).len(), 2, "{:?}", texts(&b));
    // What a writes from now on reaches b too.
    a.add(&["shipped the eval harness"]);
    sync(&a);
    sync(&b);
    assert_eq!(export(&a), export(&b));
    assert_eq!(texts(&b).len(), 3);
}
