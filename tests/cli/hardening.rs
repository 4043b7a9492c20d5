//! Hostile input against issue 17's promises: control sequences never reach
//! a terminal, spreadsheets never get a formula, failures say what happened.

use crate::harness::Journal;

/// Runs `win ARGS` with stdout on a pseudo-terminal (120×40, raw, so bytes
/// arrive as written) and stderr on a pipe; returns what the terminal got.
/// Python's `pty` module does the terminal side.
fn on_terminal(journal: &Journal, args: &[&str], envs: &[(&str, &str)]) -> String {
    let mut test = journal
        .test()
        .wrapper(["python3", "-c", RUN_ON_PTY])
        .args(args);
    for (name, value) in envs {
        test = test.env(name, value);
    }
    test.run().stdout
}

/// `python3 -c RUN_ON_PTY PROGRAM ARGS…`: the program's stdout on a pty,
/// 120×40, or of no size at all with `PTY_NO_SIZE` set.
const RUN_ON_PTY: &str = r#"
import fcntl, os, struct, subprocess, sys, termios, tty
master, slave = os.openpty()
tty.setraw(slave)
rows, columns = (0, 0) if os.environ.get("PTY_NO_SIZE") else (40, 120)
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
child = subprocess.Popen(sys.argv[1:], stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
os.close(slave)
chunks = []
while True:
    try:
        data = os.read(master, 65536)
    except OSError:
        break
    if not data:
        break
    chunks.append(data)
sys.stderr.buffer.write(child.stderr.read())
status = child.wait()
sys.stdout.buffer.write(b"".join(chunks))
sys.exit(status)
"#;

/// Every escape sequence and control character a hostile note might carry:
/// window title (OSC 0), clear screen, an OSC 8 hyperlink, a C1 CSI, a
/// terminal reset, a DCS string, and a bell.
const HOSTILE: &str = "cut \u{1b}]0;PWNED\u{7}latency\u{1b}[2J by \u{1b}]8;;https://evil.example\u{1b}\\40%\u{1b}]8;;\u{1b}\\ \u{9b}2Jfor the \u{1b}cteam\u{1b}P1$qm\u{1b}\\ now\u{7}";

/// Control bytes in terminal output other than newlines and win's own
/// colours (`ESC [ digits m`).
fn foreign_controls(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let mut next = &rest[c.len_utf8()..];
        if c == '\u{1b}' {
            let params = next.strip_prefix('[').unwrap_or("");
            let digits = params
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count();
            if next.starts_with('[') && params.as_bytes().get(digits) == Some(&b'm') {
                next = &params[digits + 1..];
            } else {
                found.push(format!("{:?}", &rest[..rest.len().min(12)]));
            }
        } else if (c.is_control() && c != '\n' && c != '\t') || INVISIBLE.contains(&c) {
            found.push(format!("{c:?}"));
        }
        rest = next;
    }
    found
}

/// Bidi overrides and isolates and other invisible format characters: a
/// terminal shows "txt.exe" stored with U+202E as "exe.txt".
const INVISIBLE: [char; 8] = [
    '\u{202a}', '\u{202b}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{200b}', '\u{feff}',
];

/// Text stored with every one of `INVISIBLE`.
const BIDI: &str = "renamed \u{202e}txt.exe\u{202c} and \u{2066}\u{2067}isolated\u{2069} text \u{202a}\u{202b}\u{202d}\u{200b}zero\u{feff}width for the latency work";

fn import_hostile(journal: &Journal) {
    // Fields that no flag can set this way: an imported competency and tag.
    let record = serde_json::json!({
        "uid": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "occurred_at": "2026-10-01T10:00:00Z",
        "text": HOSTILE,
        "impact": "p99 \u{1b}]52;c;cm0gLXJmIH4=\u{7}down 30%",
        "competencies": ["\u{1b}[5mmlops"],
        "tags": ["x\u{1b}]0;T\u{7}y", "\u{1b}[8mhidden"],
        "project": "\u{1b}[31mred",
        "stage": "shipped",
    });
    let bidi = serde_json::json!({
        "uid": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
        "occurred_at": "2026-10-02T10:00:00Z",
        "text": BIDI,
        "impact": "latency \u{202e}%04 nwod",
        "tags": ["rtl\u{202e}gat"],
        "project": "\u{2067}proj\u{2069}",
        "stage": "shipped",
    });
    std::fs::write(
        journal.path().join("hostile.jsonl"),
        format!("{record}\n{bidi}\n"),
    )
    .expect("write the import");
    journal.ok(&["import", "hostile.jsonl"]);
    journal.add(&[HOSTILE, "-t", "plain", "-c", "mlops", "--stage", "shipped"]);
}

#[test]
fn no_terminal_gets_a_control_sequence_from_stored_text() {
    let journal = Journal::new();
    import_hostile(&journal);
    let runs: &[&[&str]] = &[
        &["list"],
        &["list", "--color", "always"],
        &["list", "--format", "md"],
        &["list", "--format", "csv"],
        &["list", "--format", "json"],
        &["show", "1"],
        &["search", "latency"],
        &["review", "draft", "--period", "2026"],
        &["review", "draft", "--period", "2026", "--format", "text"],
        &[
            "review",
            "draft",
            "--period",
            "2026",
            "--template",
            "brag-doc",
        ],
        &["review", "check", "--period", "2026"],
        &["pending"],
        &["export", "--format", "md"],
        &["export", "--format", "csv"],
        &["export", "--format", "jsonl"],
    ];
    let colour = [("NO_COLOR", ""), ("TERM", "xterm-256color")];
    for args in runs {
        for envs in [&colour[..], &[]] {
            let stdout = on_terminal(&journal, args, envs);
            assert!(!stdout.is_empty(), "win {args:?} printed nothing");
            let found = foreign_controls(&stdout);
            assert!(
                found.is_empty(),
                "win {args:?} {envs:?} let through {found:?}"
            );
        }
    }
}

#[test]
fn win_keeps_its_own_colours_on_a_terminal() {
    let journal = Journal::new();
    import_hostile(&journal);
    let stdout = on_terminal(
        &journal,
        &["show", "2"],
        &[("NO_COLOR", ""), ("TERM", "xterm")],
    );
    let text = stdout;
    assert!(text.contains("\u{1b}[33m#2\u{1b}[0m"), "{text:?}");
    // Forged colours from the text do not pass, only win's own.
    assert!(
        !text.contains("\u{1b}[31m") && !text.contains("\u{1b}[8m"),
        "{text:?}"
    );
}

#[test]
fn documents_and_lines_keep_every_field_clean_in_a_file() {
    let journal = Journal::new();
    import_hostile(&journal);
    for args in [
        &["export", "--format", "md"][..],
        &["list", "--format", "md"],
        &["list"],
        &["review", "draft", "--period", "2026"],
        &["review", "draft", "--period", "2026", "--format", "text"],
    ] {
        let out = journal.ok(args);
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "win {args:?}: {out:?}"
        );
        assert!(out.contains("latency"), "win {args:?}: {out:?}");
    }
    // Data formats give the stored bytes back exactly.
    let json = journal.json(&["show", "1", "--json"]);
    assert_eq!(json["tags"][0], "x\u{1b}]0;t\u{7}y");
}

#[test]
fn csv_export_runs_no_formula_and_imports_back_exactly() {
    let journal = Journal::new();
    journal.add(&[
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "--impact=-40% support tickets",
        "--next",
        "'=already quoted",
        "-p",
        "@ops",
        "-t",
        "+1,=cmd",
    ]);
    journal.add(&["+cmd|' /C calc'!A0", "--impact=@channel was told"]);
    journal.add(&["an ordinary win, it's = fine"]);
    let csv = journal.ok(&["export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for row in reader.records() {
        for cell in &row.expect("a CSV row") {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a spreadsheet would run {cell:?}"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");

    let copy = Journal::new();
    std::fs::write(copy.path().join("wins.csv"), &csv).expect("write the export");
    copy.ok(&["import", "wins.csv"]);
    let fields = |journal: &Journal| -> Vec<serde_json::Value> {
        let all = journal.json(&["list", "--format", "json"]);
        all.as_array()
            .expect("an array")
            .iter()
            .map(|win| {
                serde_json::json!([
                    win["uid"],
                    win["text"],
                    win["impact"],
                    win["next"],
                    win["project"],
                    win["tags"],
                    win["occurred_at"]
                ])
            })
            .collect()
    };
    assert_eq!(fields(&copy), fields(&journal));
}

/// Runs under `timeout 20`, so a command that would hang fails instead.
fn bounded(journal: &Journal) -> crate::harness::Test {
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
    let line = format!("{{\"text\": \"{}\"}}\n", "y".repeat(9 << 20));
    std::fs::write(journal.path().join("huge.jsonl"), &line).unwrap();
    journal
        .test()
        .args(["import", "huge.jsonl"])
        .fails()
        .stderr_contains("line 1: a record is larger than the limit of 8 MiB")
        .run();
    assert_eq!(journal.ok(&["list"]), "");
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

#[test]
fn a_saved_change_that_cannot_be_printed_still_succeeds_and_says_so() {
    let journal = Journal::new();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let runs: [&[&str]; 5] = [
        &["add", "shipped the ranker"],
        &["add", "--json", "shipped the scorer"],
        &["edit", "1", "--text", "shipped the new ranker"],
        &["update", "1", "--stage", "measured", "--impact", "ctr +3%"],
        &["update", "2", "--json", "--stage", "shipped"],
    ];
    for args in runs {
        let id = args.get(1).filter(|a| a.parse::<u32>().is_ok()).copied();
        let output = journal
            .test()
            .args(args)
            .stdout_to(full())
            .stderr_contains("is saved, but printing it failed (No space left on device")
            .stderr_contains("running the command again would repeat the change")
            .run();
        if let Some(id) = id {
            assert!(
                output.stderr.contains(&format!("#{id} is saved")),
                "{}",
                output.stderr
            );
        }
    }
    // Each change happened once.
    let wins = journal.json(&["list", "--format", "json"]);
    assert_eq!(wins.as_array().map(Vec::len), Some(2));
    let first = journal.json(&["show", "1", "--json"]);
    assert_eq!(first["text"], "shipped the new ranker");
    assert_eq!(first["updates"].as_array().map(Vec::len), Some(1));
    // A read that cannot print is still an error: nothing was done.
    journal
        .test()
        .args(["list"])
        .stdout_to(full())
        .fails()
        .stderr_contains("No space left on device")
        .run();
}

/// A command on `journal` in Paris: +01:00 in winter (NOW), +02:00 in summer.
fn in_paris(journal: &Journal) -> crate::harness::Test {
    journal.test().env("TZ", "Europe/Paris")
}

fn occurred_at(journal: &Journal, id: &str) -> String {
    journal.json(&["show", id, "--json"])["occurred_at"]
        .as_str()
        .expect("occurred_at")
        .to_string()
}

#[test]
fn dates_without_an_offset_take_the_zones_offset_on_their_own_date() {
    let journal = Journal::new();
    let add = |args: &[&str]| {
        in_paris(&journal)
            .arg("add")
            .args(args)
            .run()
            .stdout
            .trim()
            .to_string()
    };
    // NOW is in November (+01:00); July is summer time.
    let summer = add(&["in july", "-d", "2026-07-01T10:00"]);
    assert_eq!(occurred_at(&journal, &summer), "2026-07-01T10:00:00+02:00");
    let day = add(&["a day in july", "-d", "2026-07-01"]);
    assert_eq!(occurred_at(&journal, &day), "2026-07-01T17:05:00+02:00");
    // 02:30 on the night clocks go back happens twice: the first one.
    let twice = add(&["fall back", "-d", "2026-10-25T02:30"]);
    assert_eq!(occurred_at(&journal, &twice), "2026-10-25T02:30:00+02:00");
    // 02:30 on the night clocks go forward never happens.
    in_paris(&journal)
        .args(["add", "spring forward", "-d", "2026-03-29T02:30"])
        .fails()
        .stderr_contains("does not exist in your time zone")
        .run();
    // A day starts at its own midnight: 00:30 on 1 July is in --since 2026-07-01.
    add(&["just after midnight", "-d", "2026-07-01T00:30"]);
    let since = in_paris(&journal)
        .args(["list", "--since", "2026-07-01", "--until", "2026-07-01"])
        .run()
        .stdout;
    assert!(since.contains("just after midnight"), "{since}");
    // Without TZ the zone is WIN_NOW's offset, as before.
    journal.add(&["fixed zone", "-d", "2026-07-01T10:00"]);
    assert_eq!(occurred_at(&journal, "5"), "2026-07-01T10:00:00+01:00");
}

#[test]
fn imports_refuse_dates_in_the_future_beyond_a_days_skew() {
    let journal = Journal::new();
    let import = |name: &str, occurred_at: &str| {
        let record = serde_json::json!({"text": format!("win {name}"), "occurred_at": occurred_at});
        std::fs::write(journal.path().join(name), format!("{record}\n")).unwrap();
        journal.test().args(["import", name])
    };
    import("far.jsonl", "9999-12-31T00:00:00Z")
        .fails()
        .stderr_contains("is in the future")
        .run();
    import("days.jsonl", "2026-11-24T17:05:00+01:00")
        .fails()
        .stderr_contains("is in the future")
        .run();
    // Another machine's clock a few hours ahead: accepted.
    import("hours.jsonl", "2026-11-21T21:05:00+01:00")
        .stderr_contains("added 1 win")
        .run();
    // jrnl's naive dates take the zone's offset on their own date.
    let jrnl = r#"{"tags": {}, "entries": [{"date": "2026-07-01", "time": "10:00", "title": "shipped it", "body": "", "tags": [], "starred": false}]}"#;
    std::fs::write(journal.path().join("jrnl.json"), jrnl).unwrap();
    in_paris(&journal)
        .args(["import", "jrnl.json"])
        .stderr_contains("added 1 win")
        .run();
    let wins = journal.json(&["list", "--format", "json"]);
    let dates: Vec<&str> = wins
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["occurred_at"].as_str())
        .collect();
    assert!(dates.contains(&"2026-07-01T10:00:00+02:00"), "{dates:?}");
}

#[test]
fn a_length_limit_never_drops_the_impacts_number() {
    let journal = Journal::new();
    journal.add(&[
        "cut p99 scoring latency from 240ms to 80ms by batching features",
        "-c",
        "mlops",
        "--stage",
        "measured",
        "--impact=support tickets about slow pages -40%",
    ]);
    let statement = |limit: Option<&str>| -> String {
        let mut args = vec!["review", "draft", "--context"];
        args.extend(limit.map(|l| ["--max-chars", l]).into_iter().flatten());
        let context = journal.json(&args);
        let sections = context["sections"].as_array().expect("sections");
        sections
            .iter()
            .find_map(|section| section["wins"][0]["statement"].as_str())
            .expect("a statement")
            .to_string()
    };
    // Statements say a fall in words ("cut … by 40%"), keeping the number.
    let full = statement(None);
    assert!(full.contains("40%"), "{full}");
    for limit in ["40", "60", "90"] {
        let short = statement(Some(limit));
        for number in ["240 ms", "80 ms", "40%"] {
            assert!(short.contains(number), "--max-chars {limit}: {short}");
        }
    }
}

#[test]
fn escape_sequences_in_text_are_not_read_as_metrics() {
    let journal = Journal::new();
    for (text, expected) in [
        ("waited \u{1b}[41min line", vec![]),
        (
            "cut \u{1b}]0;title\u{7}latency \u{1b}[2Jby 40%",
            vec!["40%"],
        ),
        ("fixed \u{1b}[1;31m5 bugs", vec!["5"]),
    ] {
        let preview = journal.json(&["add", "--dry-run", "--json", text]);
        let found: Vec<&str> = preview["metrics"]
            .as_array()
            .expect("metrics")
            .iter()
            .filter_map(|m| m["text"].as_str())
            .collect();
        assert_eq!(found, expected, "{text:?}");
        let polished = preview["polished"].as_str().unwrap_or_default();
        assert!(
            !polished.contains('[') && !polished.contains(']'),
            "{polished}"
        );
    }
}

/// Ctrl-C during an import: nothing stored, exit 130, and it says so. Also
/// when win starts with SIGINT ignored (a script's `win import … &`), where
/// it used to run on and commit everything it had read.
#[test]
fn an_interrupted_import_stores_nothing_and_says_so() {
    use std::io::Write as _;
    use std::os::unix::process::CommandExt as _;
    use std::process::Stdio;
    let lines = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| {
                format!(
                    "{{\"uid\":\"01900000-0000-7000-8000-{i:012x}\",\"occurred_at\":\"2026-01-01T10:00:00+01:00\",\"text\":\"interrupted win {i} cut latency by a third\"}}\n"
                )
            })
            .collect()
    };
    for started_ignoring_sigint in [false, true] {
        let journal = Journal::new();
        journal.add(&["before the import"]);
        let mut command = journal.test().args(["import", "-"]).command();
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if started_ignoring_sigint {
            // SAFETY: only signal(2) between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    libc::signal(libc::SIGINT, libc::SIG_IGN);
                    Ok(())
                });
            }
        }
        let mut child = command.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Far more than a pipe holds: once written, win is reading records.
        stdin.write_all(lines(0, 3000).as_bytes()).unwrap();
        // SAFETY: a signal to the child we spawned.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        // The input goes on and ends, as a producer's would (win may have
        // gone already: a write error is fine).
        let _ = stdin.write_all(lines(3000, 3500).as_bytes());
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(130),
            "ignoring SIGINT at start: {started_ignoring_sigint}; {stderr}"
        );
        assert_eq!(stderr, "win: interrupted: nothing was imported\n");
        let listed = journal.json(&["list", "--format", "json"]);
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    }
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

/// Invisible format characters leave terminals and documents but stay in
/// the journal and in the JSON and CSV it exports (data, not display).
#[test]
fn json_and_csv_exports_keep_invisible_characters() {
    let journal = Journal::new();
    import_hostile(&journal);
    let json = journal.json(&["export", "--format", "json"]);
    let bidi = json
        .as_array()
        .unwrap()
        .iter()
        .find(|win| win["uid"] == "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c")
        .expect("the bidi win");
    assert_eq!(bidi["text"], BIDI);
    assert_eq!(bidi["tags"][0], "rtl\u{202e}gat");
    let csv = journal.ok(&["export", "--format", "csv"]);
    assert!(csv.contains(BIDI), "{csv}");
    let markdown = journal.ok(&["export", "--format", "md"]);
    assert!(foreign_controls(&markdown).is_empty(), "{markdown}");
    assert!(markdown.contains("txt.exe"), "{markdown}");
}

/// Tags holding `;` (the CSV list separator) or `\` come back from a CSV
/// round trip as they were: "a;b" used to come back as the tags a and b.
#[test]
fn csv_round_trip_keeps_tags_with_separators() {
    let journal = Journal::new();
    journal.add(&[
        "cut p99 latency",
        "-t",
        "a;b",
        "-t",
        r"win\;x",
        "-t",
        "plain",
    ]);
    journal.add(&["shipped the ranker", "-t", r"ends\", "-t", ";"]);
    let csv = journal.ok(&["export", "--format", "csv"]);
    let copy = Journal::new();
    std::fs::write(copy.path().join("wins.csv"), &csv).expect("write the export");
    copy.ok(&["import", "wins.csv"]);
    let tags = |journal: &Journal| -> Vec<serde_json::Value> {
        let all = journal.json(&["export", "--format", "json"]);
        all.as_array()
            .expect("an array")
            .iter()
            .map(|win| win["tags"].clone())
            .collect()
    };
    assert_eq!(
        tags(&journal),
        [
            serde_json::json!(["a;b", r"win\;x", "plain"]),
            serde_json::json!([r"ends\", ";"])
        ]
    );
    assert_eq!(tags(&copy), tags(&journal));
}

/// A `TZ` that names no zone used to become the system's zone or UTC in
/// silence, storing every date typed at the wrong offset.
#[test]
fn an_unknown_time_zone_is_an_error_that_says_how_to_fix_it() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    for tz in [
        "Europe/Pariss",
        "Mars/Olympus",
        "CET-1CEST",
        ":CET-1CEST,M3.5.0,M10.5.0/3",
        "/etc/hostname",
    ] {
        journal
            .test()
            .env("TZ", tz)
            .args(["add", "cut p99 latency", "-d", "2026-07-01T10:00"])
            .fails()
            .stderr_contains(format!("TZ=\"{tz}\" is not a time zone"))
            .stderr_contains("set TZ to a zone such as Europe/Paris, or unset it")
            .run();
    }
    for tz in [
        "Europe/Paris",
        ":Europe/Paris",
        "CET-1CEST,M3.5.0,M10.5.0/3",
    ] {
        let win = journal
            .test()
            .env("TZ", tz)
            .args(["add", "cut p99 latency", "-d", "2026-07-01T10:00", "--json"])
            .run()
            .json();
        assert_eq!(win["occurred_at"], "2026-07-01T10:00:00+02:00", "{tz}");
    }
    for tz in ["UTC", "UTC0"] {
        let win = journal
            .test()
            .env("TZ", tz)
            .args(["add", "cut p99 latency", "-d", "2026-07-01T10:00", "--json"])
            .run()
            .json();
        assert_eq!(win["occurred_at"], "2026-07-01T10:00:00Z", "{tz}");
    }
}

/// A terminal that reports 0 columns (a pty never given a size, some CI
/// runners), or `COLUMNS=0`, used to get a table 0 wide: every cell wrapped
/// a character per line.
#[test]
fn a_terminal_of_no_width_gets_a_readable_table() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker to every market", "-c", "mlops"]);
    for envs in [&[("COLUMNS", "0")][..], &[("PTY_NO_SIZE", "1")]] {
        let table = on_terminal(&journal, &["list"], envs);
        assert!(
            table.contains("shipped the ranker to every market") && table.contains("competencies"),
            "{envs:?}: {table}"
        );
    }
}

/// clap's usage errors quote what was typed: a value with escape sequences
/// (from a script or a paste) reached the terminal raw, setting its title
/// and clearing the screen.
#[test]
fn usage_errors_quote_what_was_typed_without_its_control_sequences() {
    let journal = Journal::new();
    let evil = "bad\u{1b}]0;PWNED\u{7}name\u{1b}[2J";
    let unexpected = format!("--{evil}");
    let one_dash = format!("-stage={evil}");
    let cases: [&[&str]; 7] = [
        &["add", "x", "--stage", evil],
        &["add", "x", "--kind", evil],
        &["show", evil],
        &[evil],
        &["add", "x", &unexpected],
        &["completions", evil],
        &["add", "x", &one_dash],
    ];
    for args in cases {
        let output = journal.test().args(args).status(2).run();
        assert!(
            foreign_controls(&output.stderr).is_empty() && output.stderr.contains("badname"),
            "{args:?}: {:?}",
            output.stderr
        );
    }
}

/// Ctrl-C on an import queued behind another command's write stops it
/// then, not after the 30 s it would wait for the journal.
#[test]
fn an_import_waiting_for_the_journal_stops_at_ctrl_c() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let journal = Journal::new();
    journal.add(&["before the import"]);
    let file = journal.path().join("one.jsonl");
    std::fs::write(
        &file,
        "{\"text\":\"queued behind a writer\",\"occurred_at\":\"2026-01-01T10:00:00Z\"}\n",
    )
    .unwrap();
    // Another writer holds the journal.
    let holder = rusqlite::Connection::open(journal.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = journal
        .test()
        .args(["import", file.to_str().unwrap()])
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once it has the journal open, it is past setting up its handler.
    let fds = format!("/proc/{}/fd", child.id());
    let opened = Instant::now();
    while !std::fs::read_dir(&fds).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == journal.db()))
    }) {
        assert!(
            opened.elapsed() < Duration::from_secs(20),
            "never opened the journal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: a signal to the child we spawned.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    // It must end while the other writer still holds the journal.
    let deadline = Instant::now() + Duration::from_secs(25);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still waiting for the journal after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    holder.execute_batch("ROLLBACK").unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert_eq!(stderr, "win: interrupted: nothing was imported\n");
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
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

/// A jrnl entry's identity is the time as written and its text, not the
/// moment it means in the reader's zone: importing the same export again
/// in another time zone added every entry again.
#[test]
fn a_jrnl_export_imported_again_in_another_zone_adds_nothing() {
    let journal = Journal::new();
    std::fs::write(
        journal.path().join("j.json"),
        r#"{"tags":{},"entries":[{"title":"Shipped ranker","body":"ndcg +3%","date":"2026-03-01","time":"09:30","tags":[],"starred":false}]}"#,
    )
    .unwrap();
    let import = |tz: &str| {
        journal
            .test()
            .env("TZ", tz)
            .args(["import", "j.json"])
            .run()
            .stderr
    };
    assert!(import("Europe/Paris").contains("added 1 win"));
    for tz in ["Asia/Tokyo", "America/New_York", "UTC0"] {
        let said = import(tz);
        assert!(said.contains("added 0 wins, skipped 1"), "TZ={tz}: {said}");
    }
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A bad time in an import says what is wrong with it and how to write it
/// (it said "premature end of input" or "input is out of range"), and an
/// unprintable value is shown escaped rather than as "".
#[test]
fn import_errors_about_times_say_what_is_wrong() {
    let journal = Journal::new();
    let cases = [
        (
            "c.csv",
            "text,occurred_at\nhello,2026-01-01\n",
            "c.csv, line 2: occurred_at: time \"2026-01-01\" is a date without a time and offset: write it as in 2026-01-01T00:00:00+01:00, or in UTC as 2026-01-01T00:00:00Z",
        ),
        (
            "n.jsonl",
            "{\"text\":\"x\",\"occurred_at\":\"2026-03-29T02:30:00\"}\n",
            "n.jsonl, line 1: time \"2026-03-29T02:30:00\" has no UTC offset: add one, as in 2026-03-29T02:30:00+01:00, or write it in UTC as 2026-03-29T02:30:00Z",
        ),
        (
            "b.jsonl",
            "{\"text\":\"x\",\"occurred_at\":\"2026-02-30T00:00:00Z\"}\n",
            "b.jsonl, line 1: time \"2026-02-30T00:00:00Z\" is not a real date and time",
        ),
        (
            "u.jsonl",
            "{\"text\":\"x\",\"uid\":\"\\u001b]0;x\\u0007\"}\n",
            "u.jsonl, line 1: uid \"\\u{1b}]0;x\\u{7}\" is not a UUID",
        ),
    ];
    for (name, content, said) in cases {
        std::fs::write(journal.path().join(name), content).unwrap();
        journal
            .test()
            .args(["import", name])
            .fails()
            .stderr(format!("win: {said}; nothing was imported\n"))
            .run();
    }
}

/// A bare before → after pair ("5 -> 3") asked the phrases for a way that
/// has none and panicked, breaking every review command for the journal.
#[test]
fn a_bare_change_is_told_as_it_is_not_a_panic() {
    let journal = Journal::new();
    for note in ["5 -> 3", "0.62 -> 0.71", "10% -> 20%", "240ms → 80ms"] {
        journal.add(&[note]);
    }
    journal
        .test()
        .args(["review", "statement", "1"])
        .stdout("It fell from 5 to 3.\n")
        .run();
    journal
        .test()
        .args(["review", "statement", "4"])
        .stdout_contains("80 ms")
        .run();
    journal
        .test()
        .args(["review", "draft"])
        .stdout_contains("from 0.62 to 0.71.")
        .run();
    journal
        .test()
        .args(["review", "check"])
        .status_one_of(&[0, 1])
        .run();
}

/// `inbox reject` checked that a win was still proposed before its write:
/// racing an `inbox accept` of the same win, both said they had done it,
/// and the accepted win was gone.
#[test]
fn an_inbox_reject_never_deletes_a_win_accepted_meanwhile() {
    use std::process::Stdio;
    let journal = Journal::new();
    journal.add(&["already in the journal"]);
    let proposals: String = (0..12)
        .map(|i| {
            format!(
                "{{\"text\":\"agent win {i} cut latency\",\"occurred_at\":\"2026-11-01T10:00:00Z\",\"status\":\"proposed\",\"uid\":\"01900000-0000-7000-8000-{i:012x}\"}}\n"
            )
        })
        .collect();
    std::fs::write(journal.path().join("proposed.jsonl"), proposals).unwrap();
    journal.ok(&["import", "proposed.jsonl"]);
    let mut accepted_and_kept = 0;
    for id in 2..14 {
        let id = id.to_string();
        let spawn = |verb: &str| {
            journal
                .test()
                .args(["inbox", verb, &id, "--yes"])
                .command()
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (accept, reject) = (spawn("accept"), spawn("reject"));
        let accepted = accept.wait_with_output().unwrap();
        let rejected = reject.wait_with_output().unwrap();
        let exists = journal
            .test()
            .args(["show", &id])
            .status_one_of(&[0, 1])
            .run()
            .code
            == Some(0);
        assert!(
            !(accepted.status.success() && rejected.status.success()),
            "#{id}: both the accept and the reject said they were done"
        );
        if accepted.status.success() {
            assert!(exists, "#{id} was accepted, then deleted");
            accepted_and_kept += 1;
        } else {
            assert!(
                !exists,
                "#{id}: the accept failed but the win is still there"
            );
        }
    }
    let inbox = journal.json(&["inbox", "--json"]);
    assert_eq!(inbox.as_array().unwrap().len(), 0, "{inbox}");
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1 + accepted_and_kept
    );
}

/// Ctrl-C while `$EDITOR` is open (here the editor sends SIGINT to win and
/// to itself, as a terminal does) killed win, which left the win's
/// text in /tmp for good, and an editor that ignores Ctrl-C (vim) then
/// saved into nothing. win now waits, says nothing was changed, and the
/// temporary file is gone.
#[test]
fn ctrl_c_while_the_editor_is_open_changes_nothing_and_leaves_no_file() {
    use std::os::unix::fs::PermissionsExt;
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: script(1) is missing, so no terminal can be faked");
        return;
    }
    let journal = Journal::new();
    journal.add(&["secret salary negotiation win"]);
    let editor = journal.path().join("editor.sh");
    // Ctrl-C reaches win and its editor: sent to those two by pid, not to
    // a process group, which could reach other tests; after a moment, as a
    // person would (win starts ignoring it just after starting the editor).
    std::fs::write(
        &editor,
        "#!/bin/sh\nsleep 0.5\nkill -INT $PPID\nkill -INT $$\nsleep 1\nexit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let tmp = journal.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // `exec`: win leads the terminal's session itself, as under a shell's
    // job control, so no shell in between dies of the signal and takes the
    // terminal (and win's message) with it.
    let output = journal
        .test()
        .shell("script -qec 'exec win edit 1' /dev/null")
        .env("EDITOR", &editor)
        .env("TMPDIR", &tmp)
        .status_one_of(&[0, 1, 130])
        .run();
    assert!(
        output
            .stdout
            .contains("was stopped by a signal: nothing was changed"),
        "{}{}",
        output.stdout,
        output.stderr
    );
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "secret salary negotiation win");
}

/// Win text is data in Markdown too: `<script>`, a `javascript:` link and a
/// remote image in a win reached `export --format md`, `list --format md`
/// and the Markdown drafts live (then pandoc or a viewer ran or fetched
/// them). They are escaped; the text draft keeps the words as typed.
#[test]
fn markdown_outputs_escape_html_links_and_images_from_wins() {
    let journal = Journal::new();
    let hostile = "<script>alert(1)</script> cut 5ms [click](javascript:alert(2)) ![img](http://evil.example/t.png)";
    journal.add(&[hostile, "-t", "<b>x</b>", "-c", "mlops"]);
    let runs: [&[&str]; 5] = [
        &["export", "--format", "md"],
        &["list", "--format", "md"],
        &["review", "draft"],
        &["review", "draft", "--template", "brag-doc"],
        &["review", "draft", "--notes"],
    ];
    for args in runs {
        let out = journal.ok(args);
        let unescaped = out.replace("\\<", "").replace("\\[", "");
        assert!(
            !unescaped.contains('<') && !unescaped.contains('['),
            "win {args:?}: {out}"
        );
        assert!(
            out.contains(r"\<script>alert(1)\</script>"),
            "win {args:?}: {out}"
        );
    }
    let text = journal.ok(&["review", "draft", "--format", "text"]);
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    let json = journal.json(&["show", "1", "--json"]);
    assert_eq!(json["text"], hostile);
}

/// Thousands of tags made a capture quadratic (every tag row rewrote the
/// win's full-text row): a win takes at most 100 tags, and 100 links.
#[test]
fn a_win_takes_at_most_a_hundred_tags() {
    let journal = Journal::new();
    let tags = |n: usize| {
        (0..n)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    journal.add(&["cut p99 latency", "-t", &tags(100)]);
    bounded(&journal)
        .args(["add", "cut p99 latency again", "-t", &tags(5000)])
        .fails()
        .stderr_contains("the win has 5000 tags, over the limit of 100")
        .run();
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A statement chained every outcome of a win, comparing each with every
/// other: 20,000 follow-ups took 33 s per review command. It tells the
/// first outcome and the latest ones, at most twelve.
#[test]
fn a_statement_tells_a_few_outcomes_of_a_win_with_thousands() {
    let journal = Journal::new();
    let updates: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            serde_json::json!({
                "at": format!("2025-06-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, i % 60),
                "impact": format!("ctr +{}% on cohort {i}", i % 50),
                "text": format!("follow up {i}"),
            })
        })
        .collect();
    let record = serde_json::json!({
        "text": "base win cut 5ms",
        "occurred_at": "2025-01-01T00:00:00Z",
        "updates": updates,
    });
    std::fs::write(journal.path().join("u.jsonl"), format!("{record}\n")).unwrap();
    journal.ok(&["import", "u.jsonl"]);
    let statement = bounded(&journal)
        .args(["review", "statement", "1"])
        .run()
        .stdout;
    assert!(statement.len() < 4000, "{} bytes", statement.len());
    assert!(statement.contains("5 ms"), "{statement}");
}

/// `win update -d` refuses a follow-up dated before its win; `win edit -d`
/// moved a win after its own follow-ups.
#[test]
fn an_edit_cannot_date_a_win_after_its_follow_ups() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker", "-d", "2026-01-01", "-c", "mlops"]);
    journal.ok(&["update", "1", "--impact", "+3%", "-d", "2026-02-01"]);
    journal
        .test()
        .args(["edit", "1", "-d", "2026-03-01"])
        .fails()
        .stderr_contains("#1 would then happen after its first follow-up (2026-02-01)")
        .run();
    journal.ok(&["edit", "1", "-d", "2026-01-15"]);
    let win = journal.json(&["show", "1", "--json"]);
    assert!(
        win["occurred_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-15"),
        "{win}"
    );
}

/// A period that ends before it starts was accepted in silence (an empty
/// draft headed "2026-01-01 to 2025-01-01").
#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    let journal = Journal::new();
    journal.add(&["shipped the ranker"]);
    for args in [
        &[
            "review",
            "draft",
            "--since",
            "2026-01-01",
            "--until",
            "2025-01-01",
        ][..],
        &["list", "--since", "today", "--until", "yesterday"],
    ] {
        journal
            .test()
            .args(args)
            .fails()
            .stderr_contains("after it ends")
            .stderr_contains("swap --since and --until")
            .run();
    }
}

/// A win whose text has a line starting with `#` (a PR number) or
/// `Impact:` could never be edited in `$EDITOR`: the buffer dropped the
/// line, and the edit was taken for a change made by another command.
#[test]
fn a_text_with_comment_like_lines_is_edited_in_the_editor() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: script(1) is missing, so no terminal can be faked");
        return;
    }
    let journal = Journal::new();
    journal.add(&[
        "shipped the ranker\n#412 merged\nImpact: big",
        "-c",
        "mlops",
    ]);
    let output = journal
        .test()
        .shell("script -qec 'win edit 1' /dev/null")
        .env("EDITOR", "sed -i 1s/shipped/launched/")
        .status_one_of(&[0, 1])
        .run();
    assert_eq!(output.code, Some(0), "{}{}", output.stdout, output.stderr);
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "launched the ranker\n#412 merged\nImpact: big");
}

/// `mcp config` passed a relative `--db` through as typed: the agent,
/// started in some project folder, then wrote to a new journal there.
#[test]
fn mcp_config_names_the_journal_by_its_absolute_path() {
    let journal = Journal::new();
    let config = journal
        .test()
        .env("WIN_DB", "rel/wins.db")
        .args(["mcp", "config", "--client", "generic"])
        .run()
        .stdout;
    let absolute = journal.path().join("rel/wins.db");
    assert!(config.contains(absolute.to_str().unwrap()), "{config}");
}
