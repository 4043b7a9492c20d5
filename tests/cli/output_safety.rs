//! What win writes for a person, a file or a spreadsheet, from text anyone
//! could have typed: control sequences never reach a terminal, spreadsheets
//! never get a formula, Markdown never gets live HTML, usage errors are
//! cleaned, and win's own colours stay.

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
