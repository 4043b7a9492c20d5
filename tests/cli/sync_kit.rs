//! What the sync tests share: a remote, devices set up to sync through it,
//! their sync folders, a hand on the remote (as anyone who can push), a
//! fixed pseudo-random walk, and exports compared win by win. Every
//! `sync*.rs` file builds its devices here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

use crate::harness::Journal;

/// A bare repository on disk, standing for any remote.
pub(crate) struct Remote {
    pub(crate) dir: TempDir,
}

impl Remote {
    pub(crate) fn new() -> Remote {
        let remote = Remote {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        git(
            remote.dir.path(),
            &["init", "--quiet", "--bare", "wins.git"],
        );
        remote
    }

    pub(crate) fn path(&self) -> PathBuf {
        self.dir.path().join("wins.git")
    }

    pub(crate) fn url(&self) -> String {
        self.path().to_string_lossy().into_owned()
    }

    /// Every object in the repository, decompressed, as text.
    pub(crate) fn all_objects(&self) -> String {
        git(
            &self.path(),
            &["cat-file", "--batch-all-objects", "--batch"],
        )
    }

    /// Whether no device has pushed to it yet.
    pub(crate) fn is_empty(&self) -> bool {
        !Command::new("git")
            .current_dir(self.path())
            .args(["rev-parse", "--verify", "--quiet", "refs/heads/main"])
            .output()
            .expect("git runs")
            .status
            .success()
    }

    /// Whether its manifest says the records are readable (win joins such
    /// a repository only when told `--no-encrypt`).
    pub(crate) fn is_readable(&self) -> bool {
        let manifest = Command::new("git")
            .current_dir(self.path())
            .args(["show", "refs/heads/main:sync.json"])
            .output()
            .expect("git runs");
        String::from_utf8_lossy(&manifest.stdout)
            .split_whitespace()
            .collect::<String>()
            .contains("\"encrypted\":false")
    }

    pub(crate) fn head(&self) -> String {
        git(&self.path(), &["rev-parse", "refs/heads/main"])
    }
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A device: a journal of its own, set up to sync through `remote`. The
/// first one starts the repository readable (`--no-encrypt`) unless
/// `extra` asks for encryption, so the others join without a key (and say
/// `--no-encrypt` too, as a readable repository asks).
pub(crate) fn device(remote: &Remote, name: &str, extra: &[&str]) -> Journal {
    let journal = Journal::new();
    let url = remote.url();
    let mut args = vec!["sync", "init", url.as_str(), "--device", name];
    args.extend_from_slice(extra);
    let chosen = extra.iter().any(|arg| {
        arg.starts_with("--encrypt") || arg.starts_with("--passphrase") || *arg == "--no-encrypt"
    });
    if !chosen && (remote.is_empty() || remote.is_readable()) {
        args.push("--no-encrypt");
    }
    journal
        .test()
        .args(&args)
        .stderr_contains("sync set up")
        .run();
    journal
}

/// `win sync init REMOTE --device NAME` for a journal that never synced,
/// with `--no-encrypt` when the repository is readable (as win asks).
pub(crate) fn join_args(remote: &Remote, device: &str) -> Vec<String> {
    let mut args: Vec<String> = ["sync", "init", &remote.url(), "--device", device]
        .iter()
        .map(ToString::to_string)
        .collect();
    if remote.is_readable() {
        args.push("--no-encrypt".into());
    }
    args
}

pub(crate) fn sync(journal: &Journal) -> String {
    journal.test().args(["sync"]).run().stderr
}

/// The journal's export by uid, without the local ids: what must converge.
pub(crate) fn export(journal: &Journal) -> BTreeMap<String, Value> {
    journal
        .ok(&["export", "--format", "jsonl"])
        .lines()
        .map(|line| {
            let mut win: Value = serde_json::from_str(line).expect("a JSON line");
            let object = win.as_object_mut().expect("an object");
            object.remove("id");
            let uid = object["uid"].as_str().expect("a uid").to_string();
            (uid, win)
        })
        .collect()
}

pub(crate) fn texts(journal: &Journal) -> Vec<String> {
    export(journal)
        .values()
        .map(|win| win["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub(crate) fn id_of(journal: &Journal, text: &str) -> String {
    let wins: Value = journal.json(&["list", "--format", "json"]);
    wins.as_array()
        .expect("a list")
        .iter()
        .find(|win| win["text"] == text)
        .map(|win| win["id"].to_string())
        .unwrap_or_else(|| panic!("no win {text:?}"))
}

/// A device's sync folder, beside its journal.
pub(crate) fn tree(journal: &Journal) -> PathBuf {
    PathBuf::from(format!("{}.sync", journal.db().display()))
}

/// A device that joins an encrypted repository with `from`'s key.
pub(crate) fn joined(remote: &Remote, from: &Journal, name: &str) -> Journal {
    let key = from.ok(&["sync", "key", "show"]);
    let journal = Journal::new();
    journal
        .test()
        .args(["sync", "key", "import", "-"])
        .stdin(key)
        .run();
    journal.ok(&["sync", "init", &remote.url(), "--device", name]);
    journal
}

/// A clone of the remote to change by hand, as anyone who can push could.
pub(crate) fn clone_of(remote: &Remote) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["clone", "-q", &remote.url(), "evil"]);
    git(
        &dir.path().join("evil"),
        &["checkout", "-q", "-B", "main", "origin/main"],
    );
    dir
}

pub(crate) fn push_all(clone: &Path) {
    git(clone, &["add", "-A"]);
    push_staged(clone);
}

/// Commits what is staged in a clone of the remote, as a person with push
/// access would, and pushes it.
pub(crate) fn push_staged(clone: &Path) {
    git(
        clone,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "by hand",
        ],
    );
    git(clone, &["push", "-q", "origin", "HEAD:main"]);
}

/// The batch files of `device` under a sync folder or a clone of the
/// remote (`root`), in written order.
pub(crate) fn batch_files(root: &Path, device: &str) -> Vec<PathBuf> {
    let folder = root.join("devices").join(device);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .flat_map(|month| std::fs::read_dir(month).unwrap().map(|e| e.unwrap().path()))
        .filter(|path| path.extension().is_some_and(|e| e == "age" || e == "jsonl"))
        .collect();
    files.sort();
    files
}

/// A `git` that kills the `win` calling it when asked for `step`, like a
/// `kill -9` at that moment, and runs the real git otherwise.
pub(crate) fn killing_git(step: &str) -> (TempDir, String) {
    wrapped_git(|real| {
        format!(
            "#!/bin/sh\nfor arg in \"$@\"; do\n  if [ \"$arg\" = \"{step}\" ]; then kill -9 $PPID; exit 1; fi\ndone\nexec {real} \"$@\"\n"
        )
    })
}

/// A folder holding a `git` script made from the real git's path, and a
/// `PATH` that finds it first.
pub(crate) fn wrapped_git(script: impl FnOnce(&str) -> String) -> (TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let real = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let path = dir.path().join("git");
    std::fs::write(&path, script(real.trim())).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path_var = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (dir, path_var)
}

/// A reproducible pseudo-random sequence (a linear congruential generator).
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn roll(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % n.max(1) as u64).unwrap()
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.roll(100) < percent
    }
}

/// Where two exports by uid differ: one line a field (or a missing win).
/// Everything is compared, what win derives from the words too (the
/// polished sentence, suggestions, inferred competencies, metrics): the
/// walk's imports replace exported wins with a new impact and the metrics
/// their file carried, which replay keeps only while they came with
/// exactly the merged words, and follow-ups merge in any order.
pub(crate) fn differences(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<String> {
    let mut found = Vec::new();
    for uid in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        match (a.get(uid), b.get(uid)) {
            (Some(x), Some(y)) => {
                for (field, value) in x.as_object().unwrap() {
                    if y.get(field) != Some(value) {
                        found.push(format!("{uid} {field}: {value} / {:?}", y.get(field)));
                    }
                }
            }
            (x, _) => found.push(format!(
                "{uid} only on {}",
                if x.is_some() { "a" } else { "b" }
            )),
        }
    }
    found
}

/// Found by the randomized test (round seed 20261267784378): a replay that
/// must measure a win's metrics again, because a later analysis came with
/// other words, measured them and then did not write them when no field
/// of the win changed. Here b's metrics are the ones its import kept
/// (for the impact before), a's later tag edit carries an analysis of a's
/// words and the tags b already has: b measured the merged win and threw
/// the result away, while a (and any third device) kept what they
/// measured.
#[test]
fn metrics_measured_again_are_written_even_when_no_field_changed() {
    let remote = Remote::new();
    let a = device(&remote, "a", &[]);
    a.ok(&["add", "cut p99 latency by 4ms", "-i", "tickets -5%"]);
    sync(&a);
    let b = device(&remote, "b", &[]);
    let id = id_of(&b, "cut p99 latency by 4ms");
    b.ok(&["edit", &id, "-t", "t3"]);
    // The README's way to change a win in bulk: its export, edited, read
    // back with --update. The metrics the file carries are kept as they are.
    let mut win: Value = serde_json::from_str(
        b.ok(&["export", "--format", "jsonl"])
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let object = win.as_object_mut().unwrap();
    object.remove("id");
    object.insert("impact".into(), "imported: NPS +16".into());
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("update.jsonl");
    std::fs::write(&file, format!("{win}\n")).unwrap();
    b.ok(&["import", "--update", file.to_str().unwrap()]);
    let a_id = id_of(&a, "cut p99 latency by 4ms");
    a.ok(&["edit", &a_id, "-t", "t3"]);
    for journal in [&b, &a, &b, &a] {
        sync(journal);
    }
    let on_a = export(&a);
    let on_b = export(&b);
    let found = differences(&on_a, &on_b);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let metrics = on_a.values().next().unwrap()["metrics"].to_string();
    assert!(metrics.contains("NPS"), "{metrics}");
}
