//! Reading the user's git history for `win mine`: their own `git`, in the
//! clean environment sync gives it (`sync::git`), never a shell. Nothing
//! here fetches or opens a socket: `git log` reads the local object store
//! (and a partial clone is told not to fetch missing objects).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset};

use crate::domain::gitlog::{self, without_credentials, Commit};
use crate::sync::git::clean_command;

/// A repository to mine, as git describes it.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Its top folder.
    pub root: PathBuf,
    /// `remote.origin.url`, without credentials.
    pub remote: Option<String>,
    /// Its first commit (the smallest hash of its roots): the same in every
    /// clone, on every machine.
    pub first_commit: String,
    /// The commit HEAD points at.
    pub head: String,
    /// `git config user.email` there, lowercased.
    pub user_email: Option<String>,
}

impl Repository {
    /// The repository at `path`, checked: a git work tree, with commits, not
    /// a shallow clone.
    pub fn open(path: &Path) -> Result<Repository> {
        let shown = path.display();
        if !path.is_dir() {
            bail!("{shown} is not a folder: win mine reads the history of a git repository (give the folder of a clone)");
        }
        let found = run(
            path,
            &["rev-parse", "--show-toplevel", "--is-shallow-repository"],
        )?;
        if !found.status.success() {
            let said = last_line(&found.stderr);
            if said.contains("not a git repository") || said.contains("work tree") {
                bail!("{shown} is not a git repository (or is a bare one): win mine reads the history of a clone's folder");
            }
            // Another refusal (a repository of another user, say): git's words.
            bail!("git cannot read {shown}: {said}");
        }
        let said = String::from_utf8_lossy(&found.stdout);
        let mut lines = said.lines();
        let root = PathBuf::from(lines.next().unwrap_or_default().trim());
        if lines.next().map(str::trim) == Some("true") {
            bail!(
                "{} is a shallow clone: its history is cut short, so pull requests and releases would be misread (run: git -C {} fetch --unshallow, then mine again)",
                root.display(),
                root.display()
            );
        }
        let head = text(run(&root, &["rev-parse", "--verify", "--quiet", "HEAD"])?);
        let Some(head) = head else {
            bail!(
                "{} has no commits yet: there is nothing to mine",
                root.display()
            );
        };
        let roots = text(run(&root, &["rev-list", "--max-parents=0", "HEAD"])?)
            .ok_or_else(|| anyhow!("cannot find the first commit of {}", root.display()))?;
        let first_commit = roots
            .lines()
            .map(str::trim)
            .min()
            .unwrap_or_default()
            .to_string();
        Ok(Repository {
            remote: text(run(&root, &["config", "--get", "remote.origin.url"])?)
                .map(|url| without_credentials(&url)),
            user_email: text(run(&root, &["config", "--get", "user.email"])?)
                .map(|email| email.to_lowercase()),
            root,
            first_commit,
            head,
        })
    }

    /// A short name for it: its remote's last part, or its folder's name.
    pub fn name(&self) -> String {
        let from_remote = self.remote.as_deref().and_then(|remote| {
            let last = remote.trim_end_matches('/').rsplit(['/', ':']).next()?;
            let last = last.strip_suffix(".git").unwrap_or(last);
            (!last.is_empty()).then(|| last.to_string())
        });
        from_remote.unwrap_or_else(|| {
            self.root.file_name().map_or_else(
                || self.root.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        })
    }

    /// The commits reachable from HEAD that were committed `since` or
    /// later, newest first, read as git streams them.
    pub fn log(&self, since: DateTime<FixedOffset>) -> Result<Vec<Commit>> {
        let mut child = git(&self.root)
            .args(["log", "-z", "--no-color", "--decorate-refs=refs/tags/"])
            .arg(format!("--format={}", gitlog::FORMAT))
            .arg(format!("--since=@{}", since.timestamp()))
            .arg(&self.head)
            .arg("--")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(cannot_run)?;
        let mut stderr = child.stderr.take().context("git log has no stderr")?;
        let said = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        });
        let stdout = child.stdout.take().context("git log has no stdout")?;
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        let mut commits = Vec::new();
        let mut record = Vec::new();
        let read = loop {
            record.clear();
            match reader.read_until(0, &mut record) {
                Ok(0) => break Ok(()),
                Ok(_) => {
                    let bytes = record.strip_suffix(&[0]).unwrap_or(&record);
                    match gitlog::parse_record(bytes) {
                        Ok(Some(commit)) => commits.push(commit),
                        Ok(None) => {}
                        Err(err) => break Err(anyhow!(err)),
                    }
                }
                Err(err) => break Err(anyhow!("cannot read git log: {err}")),
            }
        };
        if read.is_err() {
            let _ = child.kill();
        }
        let status = child.wait().context("git log did not finish")?;
        let said = said.join().unwrap_or_default();
        read?;
        if !status.success() {
            bail!(
                "git log failed in {}: {}",
                self.root.display(),
                last_line(&said)
            );
        }
        Ok(commits)
    }
}

/// `git` in `folder`, with win's settings over the user's where they would
/// change what is read.
fn git(folder: &Path) -> Command {
    let mut command = clean_command();
    command
        .current_dir(folder)
        .stdin(Stdio::null())
        // A partial clone would fetch missing objects: never (git 2.45+).
        .env("GIT_NO_LAZY_FETCH", "1")
        .args(["-c", "log.showSignature=false"])
        .args(["-c", "i18n.logOutputEncoding=UTF-8"])
        .args(["-c", "core.fsmonitor=false"]);
    command
}

fn run(folder: &Path, args: &[&str]) -> Result<Output> {
    git(folder).args(args).output().map_err(cannot_run)
}

/// Stdout, trimmed, when git succeeded and said something.
fn text(output: Output) -> Option<String> {
    let said = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (output.status.success() && !said.is_empty()).then_some(said)
}

fn cannot_run(err: std::io::Error) -> anyhow::Error {
    match err.kind() {
        std::io::ErrorKind::NotFound => anyhow!(
            "git is not installed (or not on PATH): win mine reads your history with it; install it (https://git-scm.com) and run the command again"
        ),
        _ => anyhow!("cannot run git: {err}"),
    }
}

fn last_line(said: &[u8]) -> String {
    let text = String::from_utf8_lossy(said);
    text.lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or("no message")
        .trim_start_matches("fatal: ")
        .to_string()
}
