//! Files the user points win at (imports, the config folder, frameworks,
//! templates): only regular files, bounded sizes, the same check at every
//! door, and errors that say where the mistake is without quoting the file.

use crate::harness::Journal;

/// Runs under `timeout 20`, so a command that would hang fails instead.
pub(crate) fn bounded(journal: &Journal) -> crate::harness::Test {
    journal.test().wrapper(["timeout", "20"])
}

#[test]
fn config_errors_never_quote_the_file() {
    let journal = Journal::new();
    std::fs::create_dir_all(journal.config_dir()).unwrap();
    let config = journal.config_dir().join("config.toml");
    let secret = journal.path().join("secret");
    std::fs::write(&secret, "root:$6$SECRETHASH:19000:0:99999:7:::\n").unwrap();
    std::os::unix::fs::symlink(&secret, &config).unwrap();
    let linked = journal.fails(&["list"]);
    std::fs::remove_file(&config).unwrap();
    std::fs::write(&config, "api_token = \"hunter2\"\nname = \"Ada\"\n").unwrap();
    let unknown = journal.fails(&["list"]);
    std::fs::write(&config, "name = 5\n").unwrap();
    let mistyped = journal.fails(&["list"]);
    // The temp dir's random name may hold a 5: only the rest of the message counts.
    let dir = journal.path().display().to_string();
    for (err, line) in [(linked, 1), (unknown, 1), (mistyped, 1)] {
        let err = err.replace(&dir, "<dir>");
        assert!(
            !err.contains("SECRETHASH")
                && !err.contains("root")
                && !err.contains("hunter2")
                && !err.contains("api_token")
                && !err.contains('5'),
            "{err}"
        );
        assert!(err.contains(&format!("at line {line}")), "{err}");
    }
}

#[test]
fn files_that_are_not_regular_are_refused_at_once() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    std::fs::create_dir_all(journal.config_dir()).unwrap();
    let config = journal.config_dir().join("config.toml");
    let fifo = journal.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::os::unix::fs::symlink(&fifo, &config).unwrap();
    bounded(&journal)
        .arg("list")
        .fails()
        .stderr_contains("named pipe (FIFO), not a regular file")
        .run();
    std::fs::remove_file(&config).unwrap();
    for template in [fifo.to_str().unwrap(), "/dev/zero"] {
        bounded(&journal)
            .args(["review", "draft", "--template", template])
            .fails()
            .stderr_contains("not a regular file")
            .run();
    }
    bounded(&journal)
        .args(["import", "/dev/zero"])
        .fails()
        .stderr_contains("is a character device")
        .run();
    let frameworks = journal.config_dir().join("frameworks");
    std::fs::create_dir_all(&frameworks).unwrap();
    std::os::unix::fs::symlink("/dev/zero", frameworks.join("zero.toml")).unwrap();
    bounded(&journal)
        .arg("frameworks")
        .fails()
        .stderr_contains("character device")
        .run();
}

#[test]
fn sizes_are_limited_per_win_and_per_record_not_per_stream() {
    let journal = Journal::new();
    let too_long = format!("cut latency {}", "x".repeat(2 << 20));
    journal
        .test()
        .arg("add")
        .stdin(too_long.clone())
        .fails()
        .stderr_contains("more than a win may (2 MiB)")
        .run();
    let record = serde_json::json!({"text": too_long, "occurred_at": "2026-11-01T10:00:00Z"});
    std::fs::write(journal.path().join("one.json"), format!("[{record}]")).unwrap();
    journal
        .test()
        .args(["import", "one.json"])
        .fails()
        .stderr_contains("over the limit of 2 MiB")
        .run();
    assert_eq!(journal.ok(&["list"]), "");
    // What win exports, it imports: a win whose long fields are all quotes
    // exports a line of 12 MiB (each quote escaped), which an import
    // refused when a line could be 8 MiB at most.
    let quoted = "\"".repeat((2 << 20) - 100);
    let record = serde_json::json!({"text": format!("cut latency {quoted}"),
        "impact": format!("p99 -40ms {quoted}"), "next": format!("roll out {quoted}"),
        "occurred_at": "2026-11-01T10:00:00Z"});
    std::fs::write(journal.path().join("quoted.json"), format!("[{record}]")).unwrap();
    journal.ok(&["import", "quoted.json"]);
    let exported = journal.ok(&["export", "--format", "jsonl"]);
    assert!(exported.len() > 12 << 20, "{}", exported.len());
    let other = Journal::new();
    std::fs::write(other.path().join("back.jsonl"), &exported).unwrap();
    other
        .test()
        .args(["import", "back.jsonl"])
        .stderr_contains("added 1 win")
        .run();
    assert_eq!(other.ok(&["export", "--format", "jsonl"]), exported);
    journal.ok(&["rm", "1", "--yes"]);
    // Five records of nearly 2 MiB each: a stream of 10 MiB, over the
    // limit of one record, is fine.
    let mut stream = String::new();
    for day in 1..=5 {
        let record = serde_json::json!({
            "text": format!("win {day} {}", "z ".repeat((1 << 20) - 8)),
            "occurred_at": format!("2026-11-0{day}T10:00:00Z"),
        });
        stream.push_str(&format!("{record}\n"));
    }
    assert!(stream.len() > 8 << 20);
    std::fs::write(journal.path().join("stream.jsonl"), stream).unwrap();
    journal
        .test()
        .args(["import", "stream.jsonl"])
        .stderr_contains("added 5 wins")
        .run();
}

/// A pipe or a link to nowhere, wherever the user names a file, is refused
/// and named; it used to read as "no draft template", or (a user template,
/// corpus or config.toml) be passed over in silence for the built-in.
#[test]
fn every_path_the_user_gives_gets_the_same_check() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    let made = std::process::Command::new("mkfifo")
        .arg(journal.path().join("myfifo"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // A name without a slash, in the working folder.
    bounded(&journal)
        .args(["review", "draft", "--template", "myfifo"])
        .fails()
        .stderr_contains("the template myfifo is a named pipe (FIFO), not a regular file")
        .run();
    std::fs::create_dir_all(journal.config_dir().join("templates/inference")).unwrap();
    let nowhere = journal.path().join("moved-away");
    let links = [
        ("config/config.toml", vec!["list"]),
        (
            "config/templates/statements/phrases.toml",
            vec!["add", "cut p99 latency", "--dry-run"],
        ),
        (
            "config/templates/inference/ml-engineer.tsv",
            vec!["add", "cut p99 latency"],
        ),
        ("config/templates/drafts/brag-doc.md", vec!["templates"]),
        ("import.jsonl", vec!["import", "import.jsonl"]),
    ];
    for (link, args) in links {
        let link = journal.path().join(link);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&nowhere, &link).unwrap();
        bounded(&journal)
            .args(&args)
            .fails()
            .stderr_contains("is a symbolic link to")
            .stderr_contains("moved-away, which does not exist: fix the link or remove it")
            .run();
        std::fs::remove_file(&link).unwrap();
    }
    let pipe = journal.config_dir().join("templates/check.toml");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    bounded(&journal)
        .args(["review", "check"])
        .fails()
        .stderr_contains("check.toml is a named pipe (FIFO), not a regular file")
        .run();
}

/// Like config.toml, every TOML file of the user's (frameworks, phrase
/// banks, glossary, verbs, check rules) may be a link to something private:
/// an error says where the mistake is, never the line (toml's own message
/// quoted it).
#[test]
fn errors_in_any_users_toml_file_never_quote_it() {
    let journal = Journal::new();
    journal.add(&["cut p99 latency by 30%", "-c", "mlops"]);
    let secret = journal.path().join("secret.env");
    std::fs::write(&secret, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n").unwrap();
    let config = journal.config_dir();
    let cases: [(&str, &[&str]); 6] = [
        ("frameworks/new.toml", &["frameworks"]),
        (
            "templates/statements/glossary.toml",
            &["review", "statement", "1"],
        ),
        (
            "templates/statements/verbs.toml",
            &["review", "statement", "1"],
        ),
        (
            "templates/statements/phrases.toml",
            &["review", "statement", "1"],
        ),
        (
            "templates/statements/phrases.toml",
            &["add", "shipped it", "--dry-run"],
        ),
        ("templates/check.toml", &["review", "check"]),
    ];
    for (file, args) in cases {
        let link = config.join(file);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let err = journal.fails(args);
        assert!(
            !err.contains("wJalrX") && !err.contains("MDENG"),
            "{file}: {err}"
        );
        assert!(err.contains("at line 1, column"), "{file}: {err}");
        std::fs::remove_file(&link).unwrap();
    }
}
