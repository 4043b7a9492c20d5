//! The builder every integration test goes through, in the spirit of just's
//! `tests/lib.rs`: one place sets the whole environment of the `win` binary,
//! so no test can read the developer's real config or journal, and every
//! run is checked for its exit status and for panics.
//!
//! ```ignore
//! let output = Test::new()
//!     .args(["add", "shipped the ranker"])
//!     .stdout("#1\n")
//!     .stderr_contains("recorded #1")
//!     .run();
//! // Several commands on one journal:
//! let journal = Journal::new();
//! journal.add(&["first"]);
//! journal.test().args(["show", "1"]).stdout_contains("first").run();
//! journal.test().args(["show", "9"]).fails().stderr_contains("no win #9").run();
//! ```

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use serde_json::Value;
use tempfile::TempDir;

/// The fixed clock of every test.
pub const NOW: &str = "2026-11-21T17:05:00+01:00";

/// The `win` binary under test.
pub fn win_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_win"))
}

/// The bytes of a file, to check that a command left it untouched.
pub fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// A journal in its own temp dir, shared by several commands. The temp dir
/// is also the home, config and data folder of every command run on it.
#[derive(Clone)]
pub struct Journal {
    pub dir: Arc<TempDir>,
}

impl Default for Journal {
    fn default() -> Journal {
        Journal::new()
    }
}

impl Journal {
    pub fn new() -> Journal {
        Journal {
            dir: Arc::new(tempfile::tempdir().expect("temp dir")),
        }
    }

    /// The temp dir: the working directory of every command.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.path().join("data").join("wins.db")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.path().join("config")
    }

    /// A fake home inside the temp dir, so nothing falls back to the real one.
    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// A command on this journal.
    pub fn test(&self) -> Test {
        Test::on(self)
    }

    /// Runs `win ARGS` and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.test().args(args).run().stdout
    }

    /// Runs `win ARGS` and expects exit 1 with a one-line `win: …` error; returns it.
    pub fn fails(&self, args: &[&str]) -> String {
        self.test().args(args).fails().run().stderr
    }

    /// Runs `win ARGS`, expects success and JSON on stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        self.test().args(args).run().json()
    }

    /// Adds a win and returns its id.
    pub fn add(&self, args: &[&str]) -> i64 {
        let mut full = vec!["add"];
        full.extend_from_slice(args);
        let out = self.ok(&full);
        out.trim()
            .trim_start_matches('#')
            .parse()
            .expect("an id like #1")
    }

    /// Sets the environment of every command: the journal, the clock, the
    /// config folder, no colour, no editor, and a home inside the temp dir.
    fn environment(&self, command: &mut Command) {
        let home = self.home();
        command
            .env("WIN_DB", self.db())
            .env("WIN_NOW", NOW)
            .env("WIN_CONFIG_DIR", self.config_dir())
            .env("NO_COLOR", "1")
            // Backtraces on, so that a panic would show (and fail the test).
            .env("RUST_BACKTRACE", "1")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local").join("share"))
            .env_remove("WIN_SYNC_PASSPHRASE")
            .env_remove("EDITOR")
            .env_remove("VISUAL")
            .env_remove("COLUMNS")
            // The zone is WIN_NOW's offset unless a test sets TZ.
            .env_remove("TZ")
            .current_dir(self.path());
    }
}

/// What a run must end with.
#[derive(Clone, Debug)]
enum Status {
    Code(i32),
    /// Exit 1 with one `win: …` line on stderr and no backtrace.
    Error,
    OneOf(Vec<i32>),
}

/// One run of `win` (or of a shell line that calls it), with its expectations.
#[must_use = "a Test does nothing until .run()"]
pub struct Test {
    journal: Journal,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    shell: Option<String>,
    wrapper: Vec<OsString>,
    stdout_file: Option<File>,
    stdout: Option<String>,
    stdout_contains: Vec<String>,
    stderr: Option<String>,
    stderr_contains: Vec<String>,
    status: Status,
}

impl Default for Test {
    fn default() -> Test {
        Test::new()
    }
}

impl Test {
    /// A command on a fresh journal of its own (see `Output::journal`).
    pub fn new() -> Test {
        Test::on(&Journal::new())
    }

    /// A command on a journal shared with other commands.
    pub fn on(journal: &Journal) -> Test {
        Test {
            journal: journal.clone(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            shell: None,
            wrapper: Vec::new(),
            stdout_file: None,
            stdout: None,
            stdout_contains: Vec::new(),
            stderr: None,
            stderr_contains: Vec::new(),
            status: Status::Code(0),
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Test {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Sets a variable on top of the harness's environment.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Test {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Test {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Bytes written to stdin (otherwise stdin is empty, never a terminal).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Test {
        self.stdin = Some(input.into());
        self
    }

    /// Runs `sh -c LINE` instead of `win ARGS`, with `win` first on PATH.
    pub fn shell(mut self, line: &str) -> Test {
        self.shell = Some(line.to_string());
        self
    }

    /// Runs `PROGRAM ARGS… win …`: `win` under a wrapper such as `setpriv`.
    pub fn wrapper<I, S>(mut self, program_and_args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.wrapper = program_and_args
            .into_iter()
            .map(|a| a.as_ref().to_owned())
            .collect();
        self
    }

    /// Sends stdout to this file instead of capturing it.
    pub fn stdout_to(mut self, file: File) -> Test {
        self.stdout_file = Some(file);
        self
    }

    /// Stdout must be exactly this.
    pub fn stdout(mut self, expected: impl Into<String>) -> Test {
        self.stdout = Some(expected.into());
        self
    }

    pub fn stdout_contains(mut self, part: impl Into<String>) -> Test {
        self.stdout_contains.push(part.into());
        self
    }

    /// Stderr must be exactly this.
    pub fn stderr(mut self, expected: impl Into<String>) -> Test {
        self.stderr = Some(expected.into());
        self
    }

    pub fn stderr_contains(mut self, part: impl Into<String>) -> Test {
        self.stderr_contains.push(part.into());
        self
    }

    /// The exit code expected (0 unless told).
    pub fn status(mut self, code: i32) -> Test {
        self.status = Status::Code(code);
        self
    }

    /// Any of these exit codes will do.
    pub fn status_one_of(mut self, codes: &[i32]) -> Test {
        self.status = Status::OneOf(codes.to_vec());
        self
    }

    /// Expects the error every user mistake gets: exit 1 and one
    /// `win: …` line on stderr, without a panic or backtrace.
    pub fn fails(mut self) -> Test {
        self.status = Status::Error;
        self
    }

    /// The command with the whole environment set, for a test that has to
    /// spawn, kill or wire it up itself. Stdin is empty unless told.
    pub fn command(&self) -> Command {
        let win = win_binary();
        let mut command = if let Some(line) = &self.shell {
            let bin_dir = win.parent().expect("the folder of the win binary");
            let mut path = OsString::from(bin_dir);
            if let Some(rest) = std::env::var_os("PATH") {
                path.push(":");
                path.push(rest);
            }
            let mut command = Command::new("sh");
            command.arg("-c").arg(line).env("PATH", path);
            command
        } else if let Some((program, rest)) = self.wrapper.split_first() {
            let mut command = Command::new(program);
            command.args(rest).arg(win).args(&self.args);
            command
        } else {
            let mut command = Command::new(win);
            command.args(&self.args);
            command
        };
        self.journal.environment(&mut command);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command.stdin(Stdio::null());
        command
    }

    /// What the run is called in failure messages.
    fn describe(&self) -> String {
        match &self.shell {
            Some(line) => format!("sh -c {line:?}"),
            None => {
                let args: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
                format!("win {args:?}")
            }
        }
    }

    /// Runs the command, checks every expectation, and returns the output.
    pub fn run(self) -> Output {
        let mut command = self.command();
        let describe = self.describe();
        command.stderr(Stdio::piped());
        match self.stdout_file {
            Some(file) => command.stdout(file),
            None => command.stdout(Stdio::piped()),
        };
        if self.stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {describe}: {e}"));
        // Written from a thread: a command that answers before reading all
        // its input must not deadlock the test.
        let writer = self.stdin.map(|input| {
            let mut pipe = child.stdin.take().expect("piped stdin");
            std::thread::spawn(move || {
                use std::io::Write;
                // The command may close stdin early; that is its business.
                let _ = pipe.write_all(&input);
            })
        });
        let output = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("cannot wait for {describe}: {e}"));
        if let Some(writer) = writer {
            writer.join().expect("the stdin writer");
        }
        let stdout = String::from_utf8(output.stdout)
            .unwrap_or_else(|e| panic!("{describe}: stdout is not UTF-8: {e}"));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = output.status.code();
        let context =
            format!("{describe} exited with {code:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        match &self.status {
            Status::Code(expected) => assert_eq!(code, Some(*expected), "{context}"),
            Status::OneOf(codes) => assert!(
                code.is_some_and(|c| codes.contains(&c)),
                "expected one of {codes:?}: {context}"
            ),
            Status::Error => {
                assert_eq!(code, Some(1), "expected a user error: {context}");
                assert!(stderr.starts_with("win: "), "{context}");
                assert_eq!(
                    stderr.trim_end().lines().count(),
                    1,
                    "one line expected: {context}"
                );
                assert!(!stderr.contains("backtrace"), "{context}");
            }
        }
        assert!(!stderr.contains("panicked"), "a panic: {context}");
        if let Some(expected) = &self.stdout {
            assert_eq!(&stdout, expected, "stdout of {describe}\n{context}");
        }
        for part in &self.stdout_contains {
            assert!(
                stdout.contains(part.as_str()),
                "stdout lacks {part:?}: {context}"
            );
        }
        if let Some(expected) = &self.stderr {
            assert_eq!(&stderr, expected, "stderr of {describe}\n{context}");
        }
        for part in &self.stderr_contains {
            assert!(
                stderr.contains(part.as_str()),
                "stderr lacks {part:?}: {context}"
            );
        }
        Output {
            code,
            stdout,
            stderr,
            journal: self.journal,
        }
    }
}

/// What a run printed, for further checks.
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The journal it ran on (a fresh one with `Test::new()`).
    pub journal: Journal,
}

impl Output {
    /// Stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

#[test]
fn every_default_path_of_a_test_is_inside_its_temp_dir() {
    // Without WIN_DB and WIN_CONFIG_DIR, win falls back to the XDG folders
    // under HOME: the harness points both into the temp dir, so no test
    // can ever read or write the developer's real config or journal.
    let journal = Journal::new();
    let data = journal.home().join(".local/share/win");
    let config = journal.home().join(".config/win");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "framework = \"data-scientist\"\n",
    )
    .unwrap();
    journal
        .test()
        .env_remove("WIN_DB")
        .env_remove("WIN_CONFIG_DIR")
        .args(["add", "shipped the ranker"])
        .stdout("#1\n")
        .run();
    assert!(
        data.join("wins.db").is_file(),
        "the journal is not in {data:?}"
    );
    assert!(!journal.db().exists());
    journal
        .test()
        .env_remove("WIN_CONFIG_DIR")
        .arg("frameworks")
        .stdout_contains("data-scientist (in use)")
        .run();
    let seen = journal
        .test()
        .shell("echo \"$HOME|$XDG_CONFIG_HOME|$XDG_DATA_HOME|${EDITOR-unset}|${VISUAL-unset}|$NO_COLOR\"")
        .run()
        .stdout;
    let home = journal.home().display().to_string();
    assert_eq!(
        seen,
        format!("{home}|{home}/.config|{home}/.local/share|unset|unset|1\n")
    );
}

#[test]
fn a_test_on_a_fresh_journal_hands_the_journal_back() {
    let output = Test::new()
        .args(["add", "shipped the ranker"])
        .stdout("#1\n")
        .stderr_contains("recorded #1")
        .run();
    assert_eq!(output.code, Some(0));
    let win = output.journal.json(&["show", "1", "--json"]);
    assert_eq!(win["text"], "shipped the ranker");
}

#[test]
#[should_panic(expected = "expected a user error")]
fn a_run_that_succeeds_where_an_error_was_expected_fails_the_test() {
    Test::new().arg("frameworks").fails().run();
}

#[test]
#[should_panic(expected = "stdout lacks")]
fn missing_output_fails_the_test() {
    Test::new()
        .arg("frameworks")
        .stdout_contains("no such framework")
        .run();
}
