//! The user's own model: a program named in `[rewrite] command`, run
//! without a shell (the command is split with shell-words), with a clean
//! environment like git's in sync. It gets the prompt on stdin and answers
//! one statement on stdout. It is bounded: by a timeout, after which it and
//! whatever it started are killed, and by the size of its answer.
//!
//! `win` opens no socket: whatever the program does is the user's choice,
//! as git is for sync.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};

/// The most an answer may be: a statement is a few hundred characters.
pub const ANSWER_BYTES: usize = 64 << 10;

/// How much of what the program says on stderr is kept (the end of it),
/// for the message when it fails. All of it is read: a program that talks
/// a lot there (progress, spinners) must not block on a full pipe.
const STDERR_BYTES: usize = 16 << 10;

/// How often a running program is looked at.
const POLL: Duration = Duration::from_millis(5);

/// How long the pipes may stay open once the program is gone (something
/// it started, in another process group, may hold them).
const DRAIN: Duration = Duration::from_secs(1);

/// The program, ready to be asked.
#[derive(Debug, Clone)]
pub struct Program {
    argv: Vec<String>,
    timeout: Duration,
    /// Variables passed on besides the clean environment's.
    env: Vec<String>,
}

/// Why the program gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It could not be started (not found, not executable).
    Start(String),
    /// It ran past the timeout and was killed.
    TimedOut(Duration),
    /// It exited with a non-zero status (or was killed by a signal); the
    /// last line it wrote on stderr.
    Exit(String, Option<String>),
    /// It wrote more than `ANSWER_BYTES` and was stopped.
    TooLong,
    /// What it wrote is not UTF-8 text.
    NotText,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Start(why) => write!(f, "the model could not be started: {why}"),
            Failure::TimedOut(after) => write!(
                f,
                "the model gave no answer within {} and was stopped (raise [rewrite] timeout?)",
                describe(*after)
            ),
            Failure::Exit(status, said) => match said {
                Some(said) => write!(f, "the model failed ({status}): {said}"),
                None => write!(f, "the model failed ({status})"),
            },
            Failure::TooLong => write!(
                f,
                "the model wrote more than {} and was stopped",
                crate::domain::limits::size(ANSWER_BYTES as u64)
            ),
            Failure::NotText => f.write_str("the model's answer is not UTF-8 text"),
        }
    }
}

impl Program {
    /// The program of `command` (split like a shell would, but never run
    /// by one), stopped after `timeout`.
    pub fn new(command: &str, timeout: Duration, env: &[String]) -> Result<Program> {
        let argv = shell_words::split(command).map_err(|err| {
            anyhow!("cannot read [rewrite] command in config.toml ({err}): write it as you would type it, e.g. command = \"ollama run llama3.2\"")
        })?;
        if argv.first().is_none_or(|program| program.trim().is_empty()) {
            bail!("[rewrite] command in config.toml is empty: name the program that rewrites statements, e.g. command = \"ollama run llama3.2\"");
        }
        Ok(Program {
            argv,
            timeout,
            env: env.to_vec(),
        })
    }

    /// The command as configured, for the hash of what an answer was made from.
    pub fn argv(&self) -> &[String] {
        &self.argv
    }

    /// Writes `prompt` to the program's stdin and returns what it wrote
    /// on stdout.
    pub fn ask(&self, prompt: &str) -> std::result::Result<String, Failure> {
        let mut command = Command::new(&self.argv[0]);
        command.args(&self.argv[1..]);
        crate::sync::git::passed_on_environment(&mut command);
        for name in &self.env {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group: on a timeout, everything it started is
        // stopped with it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        crate::sync::git::die_with_win(&mut command);
        let mut child = command.spawn().map_err(|err| {
            Failure::Start(match err.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "no program \"{}\" (is it installed and on PATH?)",
                    self.argv[0]
                ),
                _ => format!("{} ({err})", self.argv[0]),
            })
        })?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            stop(&mut child);
            return Err(Failure::Start("its pipes could not be opened".into()));
        };
        // Each pipe on its own thread: a program that writes before it has
        // read the whole prompt must not wait on win, nor win on it.
        let prompt = prompt.as_bytes().to_vec();
        std::thread::spawn(move || {
            // A program that does not read its stdin is not a failure.
            let _ = stdin.write_all(&prompt);
        });
        let answer = read_bounded(stdout, ANSWER_BYTES);
        let said = read_tail(stderr, STDERR_BYTES);

        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() >= deadline => {
                    stop(&mut child);
                    return Err(Failure::TimedOut(self.timeout));
                }
                Ok(None) => {
                    // An answer past the limit stops it at once: 10 MB of
                    // garbage is not read to the end.
                    if answer.is_over() {
                        stop(&mut child);
                        return Err(Failure::TooLong);
                    }
                    std::thread::sleep(POLL);
                }
                Err(err) => {
                    stop(&mut child);
                    return Err(Failure::Exit(format!("cannot wait for it: {err}"), None));
                }
            }
        };
        // Whatever it left running in its group goes with it.
        stop(&mut child);
        let (bytes, fits) = answer.take();
        if !fits {
            return Err(Failure::TooLong);
        }
        if let Some(status) = status.filter(|s| !s.success()) {
            let (said, _) = said.take();
            let said = String::from_utf8_lossy(&said);
            let last = said
                .lines()
                .map(|line| crate::output::clean(line.trim(), false))
                .rfind(|line| !line.is_empty());
            let status = match status.code() {
                Some(code) => format!("exit status {code}"),
                None => "killed by a signal".to_string(),
            };
            return Err(Failure::Exit(status, last));
        }
        String::from_utf8(bytes).map_err(|_| Failure::NotText)
    }
}

/// Kills the program's whole process group and reaps it.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill takes plain integers; the group is the child's own
        // (process_group(0)), so nothing else is signalled.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A pipe read on its own thread, up to a limit.
struct Bounded {
    received: mpsc::Receiver<(Vec<u8>, bool)>,
    /// Set by the reader once more than the limit arrived.
    over: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Bounded {
    /// Whether the pipe has brought more than the limit.
    fn is_over(&self) -> bool {
        self.over.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// What the pipe brought (up to the limit) and whether it all fit.
    fn take(self) -> (Vec<u8>, bool) {
        self.received
            .recv_timeout(DRAIN)
            .unwrap_or((Vec::new(), true))
    }
}

fn read_bounded(pipe: impl Read + Send + 'static, limit: usize) -> Bounded {
    let (send, received) = mpsc::channel();
    let over = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&over);
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let limit_plus_one = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        let _ = pipe.take(limit_plus_one).read_to_end(&mut bytes);
        let fits = bytes.len() <= limit;
        if !fits {
            bytes.truncate(limit);
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let _ = send.send((bytes, fits));
    });
    Bounded { received, over }
}

/// A pipe read to its end on its own thread, keeping its last `limit` bytes.
fn read_tail(mut pipe: impl Read + Send + 'static, limit: usize) -> Bounded {
    let (send, received) = mpsc::channel();
    let over = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    std::thread::spawn(move || {
        let mut kept: Vec<u8> = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    kept.extend_from_slice(&chunk[..n]);
                    if kept.len() > 2 * limit {
                        kept.drain(..kept.len() - limit);
                    }
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        if kept.len() > limit {
            kept.drain(..kept.len() - limit);
        }
        let _ = send.send((kept, true));
    });
    Bounded { received, over }
}

/// Reads `[rewrite] timeout`: "60s", "2m", "1500ms", "1h", or a number of
/// seconds.
pub fn parse_timeout(text: &str) -> Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| bad_timeout(text))?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" | "secs" | "seconds" => value,
        "ms" => value / 1000.0,
        "m" | "min" | "mins" | "minutes" => value * 60.0,
        "h" | "hours" => value * 3600.0,
        _ => return Err(bad_timeout(text)),
    };
    if !(0.001..=86_400.0).contains(&seconds) {
        return Err(bad_timeout(text));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn bad_timeout(text: &str) -> anyhow::Error {
    anyhow!("invalid [rewrite] timeout \"{text}\" in config.toml: write it as \"60s\", \"2m\" or \"500ms\" (at most a day)")
}

/// "60s", "2m", "1.5s": a timeout as the config writes it.
fn describe(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds >= 60.0 && seconds % 60.0 == 0.0 {
        format!("{}m", seconds / 60.0)
    } else if seconds >= 1.0 {
        format!("{}s", (seconds * 1000.0).round() / 1000.0)
    } else {
        format!("{}ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(script: &str, timeout: Duration) -> Program {
        Program::new(&format!("sh -c '{script}'"), timeout, &[]).unwrap()
    }

    #[test]
    fn the_prompt_goes_in_and_the_answer_comes_out() {
        let answer = program("tr a-z A-Z", Duration::from_secs(10))
            .ask("i cut latency")
            .unwrap();
        assert_eq!(answer, "I CUT LATENCY");
    }

    #[test]
    fn a_program_that_hangs_is_stopped_with_what_it_started() {
        let started = Instant::now();
        let failure = program("sleep 30 & sleep 30", Duration::from_millis(300))
            .ask("x")
            .unwrap_err();
        assert_eq!(failure, Failure::TimedOut(Duration::from_millis(300)));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert!(failure.to_string().contains("within 300ms"), "{failure}");
    }

    #[test]
    fn a_failing_program_says_why_in_its_last_line() {
        let failure = program(
            "echo starting >&2; echo \"model not found\" >&2; exit 3",
            Duration::from_secs(10),
        )
        .ask("x")
        .unwrap_err();
        assert_eq!(
            failure,
            Failure::Exit("exit status 3".into(), Some("model not found".into()))
        );
    }

    #[test]
    fn a_program_that_talks_a_lot_on_stderr_is_heard_to_the_end() {
        // 400 KB of progress on stderr from the program itself: a pipe
        // read no further than its limit killed it with SIGPIPE.
        let talk =
            "i=0; while [ $i -lt 20000 ]; do echo \"progress line $i\" >&2; i=$((i+1)); done";
        let answer = program(&format!("{talk}; echo done"), Duration::from_secs(20))
            .ask("x")
            .unwrap();
        assert_eq!(answer, "done\n");
        let failure = program(
            &format!("{talk}; echo last words >&2; exit 2"),
            Duration::from_secs(20),
        )
        .ask("x")
        .unwrap_err();
        assert_eq!(
            failure,
            Failure::Exit("exit status 2".into(), Some("last words".into()))
        );
    }

    #[test]
    fn a_flood_is_stopped_at_the_limit() {
        let started = Instant::now();
        let failure = program("yes garbage", Duration::from_secs(20))
            .ask("x")
            .unwrap_err();
        assert_eq!(failure, Failure::TooLong);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        let failure = program("printf \"\\377\\376abc\"", Duration::from_secs(10))
            .ask("x")
            .unwrap_err();
        assert_eq!(failure, Failure::NotText);
    }

    #[test]
    fn a_missing_program_is_named() {
        let failure = Program::new("no-such-model-program run", Duration::from_secs(1), &[])
            .unwrap()
            .ask("x")
            .unwrap_err();
        assert!(
            matches!(&failure, Failure::Start(why) if why.contains("no-such-model-program")),
            "{failure:?}"
        );
    }

    #[test]
    fn the_command_is_split_like_a_shell_but_never_run_by_one() {
        let program = Program::new(
            "ollama run 'llama3.2:3b' --verbose",
            Duration::from_secs(1),
            &[],
        )
        .unwrap();
        assert_eq!(
            program.argv(),
            ["ollama", "run", "llama3.2:3b", "--verbose"]
        );
        // A shell's operators are plain arguments: `;` runs nothing.
        let answer = Program::new("echo hi; touch /tmp/never", Duration::from_secs(5), &[])
            .unwrap()
            .ask("")
            .unwrap();
        assert_eq!(answer, "hi; touch /tmp/never\n");
        assert!(Program::new("  ", Duration::from_secs(1), &[]).is_err());
        assert!(Program::new("ollama run 'llama", Duration::from_secs(1), &[]).is_err());
    }

    #[test]
    fn the_environment_is_clean_but_for_what_is_asked() {
        std::env::set_var("WIN_REWRITE_TEST_SECRET", "s3cret");
        std::env::set_var("WIN_REWRITE_TEST_HOST", "localhost:11434");
        let program = Program::new(
            "sh -c 'echo \"${WIN_REWRITE_TEST_SECRET:-none} ${WIN_REWRITE_TEST_HOST:-none}\"'",
            Duration::from_secs(5),
            &["WIN_REWRITE_TEST_HOST".to_string()],
        )
        .unwrap();
        assert_eq!(program.ask("").unwrap(), "none localhost:11434\n");
    }

    #[test]
    fn timeouts_read_as_people_write_them() {
        assert_eq!(parse_timeout("60s").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_timeout("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_timeout("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_timeout("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_timeout("1.5s").unwrap(), Duration::from_millis(1500));
        for bad in ["", "soon", "0s", "-1s", "2d", "1e9"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
        assert_eq!(describe(Duration::from_secs(60)), "1m");
        assert_eq!(describe(Duration::from_secs(5)), "5s");
    }
}
