//! `win mcp` spoken to over its real stdin and stdout, JSON-RPC line by
//! line as an agent would, and the inbox its wins land in.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{Journal, Test};
use crate::pty::{Pty, DOWN, ENTER};

/// A running `win mcp` and the lines it has written to stdout.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every line read from stdout, to check that all are protocol frames.
    seen: Vec<String>,
    next_id: i64,
}

impl Session {
    fn start(journal: &Journal) -> Session {
        Session::start_with(journal.test().args(["mcp"]))
    }

    fn start_with(test: Test) -> Session {
        let mut command = test.command();
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start win mcp");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut session = Session {
            child,
            stdin,
            lines,
            seen: Vec::new(),
            next_id: 0,
        };
        let init = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "test-agent", "version": "1.0"}
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "win", "{init}");
        session.send_line(
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        );
        session
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write to win mcp");
        stdin.flush().expect("flush");
    }

    /// Sends a request and waits for the response with its id.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let line = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_line(&line.to_string());
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        self.response_to(&json!(id))
    }

    /// Waits for the frame whose id is `id` (which may be null).
    fn response_to(&mut self, id: &Value) -> Value {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("win mcp answers within a minute");
            self.seen.push(line.clone());
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|err| panic!("not JSON on stdout ({err}): {line}"));
            if message.get("id") == Some(id) {
                return message;
            }
        }
    }

    /// Calls a tool that must succeed; returns its result as JSON.
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let result = &response["result"];
        assert!(
            result.is_object() && result["isError"] != json!(true),
            "{tool} failed: {response}"
        );
        let text = result["content"][0]["text"].as_str().expect("text content");
        serde_json::from_str(text).expect("the result is JSON")
    }

    /// Calls a tool that must be refused; returns the JSON-RPC error.
    fn refused(&mut self, tool: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert!(
            response["error"].is_object(),
            "{tool} was not refused: {response}"
        );
        assert_eq!(response["error"]["code"], -32602, "{response}");
        response["error"].clone()
    }

    /// Closes stdin; the server must exit 0 having written only frames.
    fn finish(mut self) -> String {
        drop(self.stdin.take());
        let output = self.child.wait_with_output().expect("win mcp exits");
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(output.status.success(), "win mcp failed: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        for line in &self.seen {
            let frame: Value = serde_json::from_str(line).expect("a JSON frame");
            assert_eq!(frame["jsonrpc"], "2.0", "not a JSON-RPC frame: {line}");
        }
        stderr
    }
}

const NOTE: &str = "cut p99 scoring latency from 240ms to 80ms by batching features";

#[test]
fn an_agent_session_proposes_a_win_that_the_cli_accepts() {
    let journal = Journal::new();
    let mut session = Session::start(&journal);

    let tools = session.request("tools/list", json!({}));
    let tools = tools["result"]["tools"].as_array().expect("tools").clone();
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    for name in [
        "add_win",
        "record_outcome",
        "list_wins",
        "search_wins",
        "show_win",
        "pending_impact",
        "review_check",
        "win_statement",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for tool in &tools {
        assert!(
            tool["description"].as_str().unwrap_or("").len() > 40,
            "{tool}"
        );
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
    }

    let added = session.call(
        "add_win",
        json!({
            "text": NOTE,
            "tags": ["scoring"],
            "stage": "shipped",
            "kind": "shipped",
            "why": "PR 812 merged and the benchmark ran"
        }),
    );
    assert_eq!(added["id"], 1);
    assert_eq!(added["status"], "proposed");
    assert_eq!(
        added["provenance"],
        json!({"source": "agent", "client": "test-agent", "why": "PR 812 merged and the benchmark ran"})
    );
    // Proposed: not in the journal proper yet, but in the inbox.
    assert_eq!(session.call("list_wins", json!({})), json!([]));
    assert_eq!(
        session.call("list_wins", json!({"proposed": true}))[0]["id"],
        1
    );
    assert_eq!(journal.json(&["list", "--format", "json"]), json!([]));

    // The person accepts it from the CLI while the server runs.
    journal
        .test()
        .args(["inbox", "accept", "1", "--yes"])
        .stderr_contains("accepted 1 win into the journal: #1")
        .run();

    // Every tool returns what its command prints with --json.
    let listed = session.call("list_wins", json!({"tags": ["scoring"]}));
    assert_eq!(
        listed,
        journal.json(&["list", "--format", "json", "-t", "scoring"])
    );
    assert_eq!(listed[0]["status"], "accepted");
    let found = session.call("search_wins", json!({"query": "latency batching"}));
    assert_eq!(
        found,
        journal.json(&["search", "latency", "batching", "--format", "json"])
    );
    assert!(
        found[0]["snippet"].as_str().unwrap().contains("latency"),
        "{found}"
    );
    assert_eq!(
        session.call("show_win", json!({"id": 1})),
        journal.json(&["show", "1", "--json"])
    );
    assert_eq!(
        session.call("pending_impact", json!({})),
        journal.json(&["pending", "--json"])
    );
    assert_eq!(
        session.call("review_check", json!({"period": "2026"})),
        journal.json(&["review", "check", "--period", "2026", "--format", "json"])
    );

    // An outcome reported for a win in the journal waits in the inbox.
    let proposed = session.call(
        "record_outcome",
        json!({"id": 1, "stage": "measured", "impact": "search abandonment -12%"}),
    );
    assert_eq!(proposed["status"], "proposed", "{proposed}");
    assert_eq!(proposed["proposed_follow_up"]["win_id"], 1, "{proposed}");
    assert_eq!(journal.json(&["show", "1", "--json"])["stage"], "shipped");
    journal
        .test()
        .args(["inbox", "accept", "f1", "--yes"])
        .stderr_contains("accepted f1 onto #1's timeline (1 update)")
        .run();
    let updated = journal.json(&["show", "1", "--json"]);
    assert_eq!(updated["stage"], "measured");
    assert_eq!(updated["updates"].as_array().map(Vec::len), Some(1));
    let statement = session.call("win_statement", json!({"id": 1}));
    assert_eq!(
        statement,
        journal.json(&["review", "statement", "1", "--json"])
    );
    let text = statement["statement"].as_str().unwrap();
    assert!(
        text.contains("240 ms") && text.contains("80 ms") && text.contains("12%"),
        "{text}"
    );

    let resources = session.request("resources/list", json!({}));
    assert_eq!(
        resources["result"]["resources"][0]["uri"],
        "win://wins/recent"
    );
    let recent = session.request("resources/read", json!({"uri": "win://wins/recent"}));
    let contents = &recent["result"]["contents"][0];
    assert_eq!(contents["mimeType"], "application/json");
    let recent: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
    assert_eq!(
        recent,
        journal.json(&["list", "--format", "json", "--since", "30d", "-n", "50"])
    );
    let missing = session.request("resources/read", json!({"uri": "win://nothing"}));
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .contains("win://wins/recent"),
        "{missing}"
    );

    let stderr = session.finish();
    assert!(stderr.contains("win mcp: serving"), "{stderr}");

    // The journal afterwards, seen from the CLI.
    let win = journal.json(&["show", "1", "--json"]);
    assert_eq!(win["status"], "accepted");
    assert_eq!(win["provenance"]["client"], "test-agent");
    assert_eq!(win["impact"], "search abandonment -12%");
    journal
        .test()
        .args(["show", "1"])
        .stdout_contains("from: agent (test-agent)")
        .stdout_contains("why: PR 812 merged and the benchmark ran")
        .run();
}

#[test]
fn bad_calls_get_protocol_errors_that_say_what_is_wrong() {
    let journal = Journal::new();
    let mut session = Session::start(&journal);
    let cases = [
        (
            "add_win",
            json!({"txt": "typo"}),
            "unknown argument \"txt\"",
        ),
        ("add_win", json!({}), "missing field `text`"),
        ("add_win", json!({"text": 42}), "invalid type"),
        (
            "add_win",
            json!({"text": "x", "stage": "shiped"}),
            "unknown variant `shiped`",
        ),
        ("add_win", json!({"text": "   "}), "the win's text is empty"),
        (
            "add_win",
            json!({"text": "x", "date": "tomorrow-ish"}),
            "tomorrow-ish",
        ),
        (
            "add_win",
            json!({"text": "x", "competencies": ["mlop"]}),
            "did you mean \"mlops\"",
        ),
        (
            "show_win",
            json!({"id": "one"}),
            "invalid type: string \"one\"",
        ),
        ("show_win", json!({"id": 99}), "no win #99"),
        (
            "list_wins",
            json!({"period": "2026", "since": "90d"}),
            "not both",
        ),
        (
            "search_wins",
            json!({"query": "!!!"}),
            "nothing to search for",
        ),
        (
            "win_statement",
            json!({"id": 1, "max_chars": 10}),
            "at least 40",
        ),
        ("no_such_tool", json!({}), "unknown tool \"no_such_tool\""),
    ];
    for (tool, arguments, expected) in cases {
        let error = session.refused(tool, arguments.clone());
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{tool} {arguments}: {message}");
    }

    // A megabyte of text is refused with a reason, and nothing is stored.
    let huge = "x".repeat(1024 * 1024);
    let error = session.refused("add_win", json!({ "text": huge }));
    assert!(
        error["message"].as_str().unwrap().contains("at most 65536"),
        "{error}"
    );

    // A line that is not JSON-RPC does not stop the server, and every
    // request is answered: under its own id when the id can be read
    // (JSON-RPC 2.0: -32602 for bad params, -32601 for no such method),
    // else with a null id (-32700 for text that is not JSON).
    session.send_line("{this is not json");
    session.send_line("\u{0}\u{1}binary");
    let parse_errors: Vec<Value> = (0..2).map(|_| session.response_to(&Value::Null)).collect();
    for reply in &parse_errors {
        assert_eq!(reply["error"]["code"], -32700, "{reply}");
    }
    session.send_line(
        r#"{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"name":"list_wins","arguments":{"limit":1e400}}}"#,
    );
    let reply = session.response_to(&json!("big"));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    session.send_line(r#"{"jsonrpc":"2.0","id":41,"method":"tools/call","params":"list_wins"}"#);
    assert_eq!(session.response_to(&json!(41))["error"]["code"], -32602);
    session.send_line(&format!(
        r#"{{"jsonrpc":"2.0","id":42,"method":"ping","pad":"{}"}}"#,
        "x".repeat(5 * 1024 * 1024)
    ));
    let reply = session.response_to(&Value::Null);
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    assert_eq!(
        session.call("list_wins", json!({"proposed": true})),
        json!([])
    );
    session.finish();
    assert_eq!(journal.json(&["export", "--format", "json"]), json!([]));
}

#[test]
fn the_config_lets_agents_wins_go_straight_in() {
    let journal = Journal::new();
    std::fs::create_dir_all(journal.config_dir()).unwrap();
    std::fs::write(
        journal.config_dir().join("config.toml"),
        "[agents]\nauto_accept = true\n",
    )
    .unwrap();
    let mut session = Session::start(&journal);
    let added = session.call("add_win", json!({"text": NOTE}));
    assert_eq!(added["status"], "accepted");
    assert_eq!(added["provenance"]["source"], "agent");
    session.finish();
    assert_eq!(journal.json(&["list", "--format", "json"])[0]["id"], 1);
}

/// Wins proposed through MCP, for the inbox tests.
fn journal_with_proposals(texts: &[&str]) -> Journal {
    let journal = Journal::new();
    let mut session = Session::start(&journal);
    for text in texts {
        session.call(
            "add_win",
            json!({"text": text, "why": format!("because {text}")}),
        );
    }
    session.finish();
    journal
}

#[test]
fn the_inbox_lists_accepts_and_rejects_with_ids_and_yes() {
    let journal = journal_with_proposals(&[
        "shipped the churn model to production",
        "ruled out GBDT for ranking, saving two sprints",
        "cut training cost from $12K to $4K a month",
    ]);
    journal.add(&["typed it myself"]);

    // Newest first (same time: highest id first), each with why.
    let listing = journal.ok(&["inbox"]);
    let lines: Vec<&str> = listing.lines().collect();
    assert!(lines[0].starts_with("3\t"), "{listing}");
    assert!(
        lines[1].contains("proposed by agent (test-agent): because cut training cost"),
        "{listing}"
    );
    assert!(!listing.contains("typed it myself"), "{listing}");
    assert_eq!(
        journal.json(&["inbox", "--json"]).as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        journal
            .json(&["list", "--proposed", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    // Proposed wins stay out of lists, stats, drafts and the checker.
    assert_eq!(
        journal
            .json(&["list", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(journal.json(&["stats", "--format", "json"])["wins"], 1);
    let draft = journal.ok(&["review", "draft"]);
    assert!(!draft.contains("churn model"), "{draft}");
    let check = journal.json(&["review", "check", "--format", "json"]);
    let coverage: i64 = check["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["wins"].as_i64().unwrap())
        .sum();
    assert!(coverage <= 1, "{check}");

    // Without a terminal, nothing is decided without --yes.
    let refused = journal.fails(&["inbox", "accept", "1"]);
    assert!(
        refused.contains("needs confirmation: add --yes"),
        "{refused}"
    );
    let refused = journal.fails(&["inbox", "accept", "4", "--yes"]);
    assert!(refused.contains("#4 is not in the inbox"), "{refused}");
    let refused = journal.fails(&["inbox", "edit", "2"]);
    assert!(refused.contains("needs a terminal"), "{refused}");

    journal
        .test()
        .args(["inbox", "accept", "1", "3", "--yes"])
        .stderr_contains("accepted 2 wins into the journal: #1, #3")
        .run();
    journal
        .test()
        .args(["inbox", "reject", "--all", "--yes"])
        .stderr_contains("rejected 1 win: #2")
        .run();
    journal
        .test()
        .args(["inbox"])
        .stderr_contains("the inbox is empty")
        .run();
    journal.fails(&["show", "2"]);
    assert_eq!(journal.json(&["stats", "--format", "json"])["wins"], 3);
    // Provenance stays with an accepted win, and export carries it.
    let exported = journal.json(&["export", "--format", "json"]);
    assert_eq!(
        exported[0]["provenance"]["why"],
        "because shipped the churn model to production"
    );
}

#[test]
fn export_and_import_keep_the_inbox() {
    let journal = journal_with_proposals(&["benchmarked the new feature store"]);
    let exported = journal.ok(&["export", "--format", "jsonl"]);
    let copy = Journal::new();
    copy.test().args(["import", "-"]).stdin(exported).run();
    let win = &copy.json(&["inbox", "--json"])[0];
    assert_eq!(win["status"], "proposed");
    assert_eq!(win["provenance"]["client"], "test-agent");
}

#[test]
fn mcp_config_prints_what_each_client_needs() {
    let journal = Journal::new();
    let cases = [
        ("claude-code", "claude mcp add --scope user win -- "),
        ("cursor", "\"mcpServers\""),
        ("claude-desktop", "claude_desktop_config.json"),
        ("codex", "[mcp_servers.win]"),
        ("generic", "\"command\": "),
    ];
    let db = journal.db();
    for (client, expected) in cases {
        let run = journal
            .test()
            .args(["mcp", "config", "--client", client])
            .run();
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(out.contains(expected), "{client}: {out}");
        assert!(out.contains("mcp"), "{client}: {out}");
        // The journal the tests chose (WIN_DB) is named for the agent too.
        assert!(out.contains(&*db.to_string_lossy()), "{client}: {out}");
    }
    // The JSON clients' stdout is the JSON alone (it had `//` comments in
    // it), so it can go straight into the file; where it goes is on stderr.
    for client in ["cursor", "claude-desktop", "generic"] {
        let run = journal
            .test()
            .args(["mcp", "config", "--client", client])
            .run();
        let config: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON alone");
        assert_eq!(config["mcpServers"]["win"]["args"][2], "mcp");
        assert!(!run.stderr.trim().is_empty(), "{client}: where it goes");
    }
    journal
        .test()
        .args(["mcp", "config", "--client", "cursor"])
        .stderr_contains("~/.cursor/mcp.json")
        .run();
    journal
        .test()
        .args(["mcp", "config", "--client", "vim"])
        .status(2)
        .stderr_contains("invalid value 'vim'")
        .run();
}

#[test]
fn review_statement_prints_a_wins_draft_sentence() {
    let journal = Journal::new();
    journal.add(&[NOTE, "--role", "led"]);
    let out = journal.ok(&["review", "statement", "1"]);
    assert!(out.contains("240 ms") && out.contains("80 ms"), "{out}");
    assert!(out.starts_with("I led the effort to cut"), "{out}");
    assert_eq!(out.trim_end().lines().count(), 1, "{out}");
    journal.fails(&["review", "statement", "7"]);
}

/// Whether `strace` can run here. On CI (`CI=true`, where `.ci/run`
/// installs it) its absence is a failure, not a skip.
fn strace_available() -> bool {
    let found = std::process::Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        found || std::env::var("CI").map_or(true, |ci| ci != "true"),
        "strace is missing on CI: .ci/run installs it"
    );
    found
}

/// The privacy promise, checked on the running program rather than on the
/// list of crates: the CLI's commands and a whole MCP session, traced for
/// every network system call (socket, connect, bind, sendto…), make none.
#[test]
fn no_command_and_no_mcp_session_makes_a_network_call() {
    if !strace_available() {
        eprintln!("skipped: strace is not installed");
        return;
    }
    let journal = Journal::new();
    let logs = journal.path().join("strace");
    std::fs::create_dir_all(&logs).unwrap();
    let traced = |name: &str| {
        let log = logs.join(name);
        journal.test().wrapper([
            "strace".as_ref(),
            "-f".as_ref(),
            "-qq".as_ref(),
            "-e".as_ref(),
            "trace=network".as_ref(),
            "-o".as_ref(),
            log.as_os_str(),
        ])
    };
    let commands: &[&[&str]] = &[
        &["add", NOTE, "-t", "scoring", "--stage", "shipped"],
        &["list"],
        &["list", "--format", "json"],
        &["show", "1"],
        &["search", "latency"],
        &[
            "update",
            "1",
            "--stage",
            "measured",
            "--impact",
            "tickets -40%",
        ],
        &["pending"],
        &["review", "draft"],
        &["review", "check"],
        &["review", "statement", "1"],
        &["stats"],
        &["export", "--format", "jsonl"],
        &["inbox"],
        &["mcp", "config", "--client", "generic"],
        &["demo"],
    ];
    for (index, args) in commands.iter().enumerate() {
        traced(&format!("cli-{index}")).args(*args).run();
    }
    let mut session = Session::start_with(traced("mcp").args(["mcp"]));
    session.call(
        "add_win",
        json!({"text": "benchmarked the feature store", "why": "bench ran"}),
    );
    session.call("search_wins", json!({"query": "latency"}));
    session.call("win_statement", json!({"id": 1}));
    session.request("resources/read", json!({"uri": "win://wins/recent"}));
    session.finish();

    let mut calls = Vec::new();
    let mut traced_runs = 0;
    for entry in std::fs::read_dir(&logs).unwrap() {
        let path = entry.unwrap().path();
        traced_runs += 1;
        let log = std::fs::read_to_string(&path).unwrap();
        calls.extend(
            log.lines()
                .filter(|line| !line.contains("+++ exited") && !line.contains("--- SIG"))
                .map(|line| format!("{}: {line}", path.display())),
        );
    }
    assert_eq!(traced_runs, commands.len() + 1, "every run left its trace");
    assert!(
        calls.is_empty(),
        "network system calls:\n{}",
        calls.join("\n")
    );
}

/// `win inbox` on a terminal: each proposed win in turn, newest first, and
/// a menu (typed at through a pseudo-terminal).
#[test]
fn the_inbox_walks_through_proposed_wins_on_a_terminal() {
    let journal = journal_with_proposals(&[
        "first proposal",
        "second proposal",
        "third proposal",
        "fourth proposal",
    ]);
    let mut pty = Pty::spawn(journal.test().args(["inbox"]).command());
    pty.expect("fourth proposal");
    pty.expect("proposed by agent (test-agent): because fourth proposal");
    pty.expect("What to do with it?");
    pty.key(ENTER); // accept
    pty.expect("third proposal");
    pty.expect("What to do with it?");
    pty.key(DOWN);
    pty.key(DOWN);
    pty.key(ENTER); // reject
    pty.expect("second proposal");
    pty.expect("What to do with it?");
    for _ in 0..3 {
        pty.key(DOWN);
    }
    pty.key(ENTER); // skip
    pty.expect("first proposal");
    pty.expect("What to do with it?");
    for _ in 0..4 {
        pty.key(DOWN);
    }
    pty.key(ENTER); // quit
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("accepted #4"), "{screen}");
    assert!(screen.contains("rejected #3"), "{screen}");
    let accepted = journal.json(&["list", "--format", "json"]);
    assert_eq!(accepted.as_array().map(Vec::len), Some(1), "{accepted}");
    assert_eq!(accepted[0]["id"], 4);
    let inbox: Vec<i64> = journal
        .json(&["inbox", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|win| win["id"].as_i64().unwrap())
        .collect();
    assert_eq!(inbox, [2, 1]);
    journal.fails(&["show", "3"]);
}

#[test]
fn an_agent_cannot_overwrite_an_accepted_win_its_outcome_waits_in_the_inbox() {
    let journal = Journal::new();
    journal.add(&[
        NOTE,
        "-i",
        "p99 alerts stopped",
        "-n",
        "roll out to search",
        "--stage",
        "shipped",
    ]);
    let before = journal.ok(&["export", "--format", "json"]);
    let statement = journal.ok(&["review", "statement", "1", "--json"]);
    let mut session = Session::start(&journal);
    let proposed = session.call(
        "record_outcome",
        json!({"id": 1, "impact": "-", "next": "-", "stage": "idea", "why": "a test"}),
    );
    assert_eq!(proposed["status"], "proposed", "{proposed}");
    session.finish();
    // The win, its statement and its draft are as the person left them.
    assert_eq!(journal.ok(&["export", "--format", "json"]), before);
    assert_eq!(
        journal.ok(&["review", "statement", "1", "--json"]),
        statement
    );
    let draft = journal.ok(&["review", "draft", "--period", "2026"]);
    assert!(!draft.contains("stage idea"), "{draft}");
    // Listed under its win, with who proposed it and why.
    let listing = journal.ok(&["inbox"]);
    assert!(listing.contains("cut p99"), "{listing}");
    assert!(
        listing.contains("f1 follow-up: stage idea · impact: - · next: -"),
        "{listing}"
    );
    assert!(
        listing.contains("proposed by agent (test-agent): a test"),
        "{listing}"
    );
    let inbox = journal.json(&["inbox", "--json"]);
    assert_eq!(inbox[0]["id"], 1, "{inbox}");
    assert_eq!(inbox[0]["proposed_updates"][0]["impact"], "-", "{inbox}");
    // Rejected: gone, and the win never changed.
    journal
        .test()
        .args(["inbox", "reject", "f1", "--yes"])
        .stderr_contains("rejected 1 follow-up: f1")
        .run();
    assert_eq!(journal.ok(&["export", "--format", "json"]), before);
    assert_eq!(journal.json(&["inbox", "--json"]), json!([]));
    assert!(journal
        .fails(&["inbox", "accept", "f1", "--yes"])
        .contains("no proposed follow-up f1"));
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
