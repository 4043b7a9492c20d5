//! The transport: the user's own `git`, run as a child process. `win`
//! opens no socket; git reaches the remote with the user's credentials,
//! ssh keys and config.
//!
//! Every run gets a clean, explicit environment: nothing inherited can
//! point git at another repository (`GIT_DIR`, `GIT_WORK_TREE`,
//! `GIT_INDEX_FILE`…). Only what git needs to find itself, the user's
//! config and their credentials is passed on.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{anyhow, bail, Context, Result};

/// The branch win syncs on, whatever the user's `init.defaultBranch`.
pub const BRANCH: &str = "main";

/// What git is told about every file of the sync folder, in
/// `.git/info/attributes`, which takes precedence over any
/// `.gitattributes`: the records are bytes, stored and checked out as
/// written. A `.gitattributes` comes from the remote, so anyone who can
/// push would otherwise choose how git rewrites them (line endings, a
/// `working-tree-encoding` that re-encodes every record, a filter, a merge
/// driver that joins two devices' files). `!` leaves an attribute that
/// takes a value unspecified (git refuses `-working-tree-encoding`).
const RECORD_ATTRIBUTES: &str = "# written by win: the records are bytes, whatever a .gitattributes says\n* -text -crlf !eol !working-tree-encoding !filter -ident -diff -merge\n";

/// The oldest git whose behaviour win relies on (`merge --no-edit`,
/// `-c` before the command, `clone` of an empty repository).
const OLDEST: (u32, u32) = (2, 20);

/// Environment variables passed to git: where programs are, the user's home
/// and config folders (for `~/.gitconfig`, credential helpers and ssh
/// keys), ssh agents and askpass programs, proxies. Nothing else.
const PASSED_ON: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "XDG_CONFIG_HOME",
    "XDG_RUNTIME_DIR",
    "TMPDIR",
    "SSH_AUTH_SOCK",
    "SSH_AGENT_PID",
    "SSH_ASKPASS",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SYSTEMROOT",
];

/// The git of this machine, checked once, working in one folder.
pub struct Git {
    program: OsString,
    tree: PathBuf,
    /// The author of win's commits: the device, not the person, so a
    /// machine without a git identity works and no email reaches the remote.
    device: String,
}

impl Git {
    /// Finds git and checks its version (once per command).
    pub fn find(tree: &Path, device: &str) -> Result<Git> {
        let program = OsString::from("git");
        let mut command = Command::new(&program);
        clean_environment(&mut command);
        let output = command
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::NotFound => anyhow!(
                    "git is not installed (or not on PATH): sync travels through git; install it (https://git-scm.com) and run the command again"
                ),
                _ => anyhow!("cannot run git: {err}"),
            })?;
        let version = String::from_utf8_lossy(&output.stdout);
        let found = parse_version(&version)
            .ok_or_else(|| anyhow!("cannot read git's version from \"{}\"", version.trim()))?;
        if found < OLDEST {
            bail!(
                "git {}.{} is too old to sync (win needs {}.{} or later): upgrade git",
                found.0,
                found.1,
                OLDEST.0,
                OLDEST.1
            );
        }
        Ok(Git {
            program,
            tree: tree.to_path_buf(),
            device: device.to_string(),
        })
    }

    pub fn tree(&self) -> &Path {
        &self.tree
    }

    fn command(&self, cwd: &Path) -> Command {
        let mut command = Command::new(&self.program);
        clean_environment(&mut command);
        command
            .current_dir(cwd)
            .stdin(Stdio::null())
            .args(["-c", &format!("user.name=win {}", self.device)])
            .args(["-c", &format!("user.email={}@win.invalid", self.device)])
            .args(["-c", "commit.gpgsign=false"])
            .args(["-c", "core.autocrlf=false"])
            .args(["-c", &format!("init.defaultBranch={BRANCH}")])
            .args(["-c", "advice.detachedHead=false"])
            // No background maintenance or gc: a process git leaves running
            // (or kills halfway) would hold locks in the sync folder.
            .args(["-c", "maintenance.auto=false"])
            .args(["-c", "gc.auto=0"])
            // The user's settings for their own merges and hooks are not
            // for records: `merge.ff = only` refused every merge of two
            // devices' commits, a signature check every unsigned one, and
            // a global hook (a secret scanner, a test runner) ran, or
            // stopped, at each commit and push.
            .args(["-c", "merge.ff=true"])
            .args(["-c", "merge.verifySignatures=false"])
            .args(["-c", "core.hooksPath=/dev/null"]);
        die_with_win(&mut command);
        owner_only(&mut command);
        command
    }

    fn output(&self, cwd: &Path, args: &[&str]) -> Result<Output> {
        self.command(cwd)
            .args(args)
            .output()
            .with_context(|| format!("cannot run git {}", args.first().unwrap_or(&"")))
    }

    /// Runs `git ARGS` in the sync folder; a failure is an error carrying
    /// git's own words. Returns stdout, trimmed.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        let output = self.output(&self.tree, args)?;
        if !output.status.success() {
            bail!(
                "git {} failed: {}",
                args.first().unwrap_or(&""),
                last_words(&output)
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Runs `git ARGS` and says only whether it succeeded.
    pub fn succeeds(&self, args: &[&str]) -> Result<bool> {
        Ok(self.output(&self.tree, args)?.status.success())
    }

    /// A new repository in the sync folder.
    pub fn init(&self) -> Result<()> {
        super::crypt::create_private_dir(&self.tree)?;
        restrict_to_owner(&self.tree)?;
        self.run(&["init", "--quiet"])?;
        self.run(&["symbolic-ref", "HEAD", &format!("refs/heads/{BRANCH}")])?;
        self.keep_records_as_written()?;
        Ok(())
    }

    /// Whether git is told to keep every file as its bytes already.
    pub fn keeps_records_as_written(&self) -> bool {
        let path = self.tree.join(".git").join("info").join("attributes");
        std::fs::read(path).is_ok_and(|found| found == RECORD_ATTRIBUTES.as_bytes())
    }

    /// The files under `folder` whose bytes in the work tree are not what
    /// the commit checked out holds, each with the id of its bytes (stored
    /// in git, for `content`) and the id committed: what git rewrote as it
    /// committed them, before it was told not to. Read before
    /// `keep_records_as_written` writes the work tree again.
    pub fn changed_since_committed(&self, folder: &str) -> Result<Vec<(String, String, String)>> {
        let committed: Vec<(String, String)> = self
            .files_under(folder)?
            .into_iter()
            .filter(|(path, _)| {
                std::fs::symlink_metadata(self.tree.join(path)).is_ok_and(|found| found.is_file())
            })
            .collect();
        if committed.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec!["hash-object", "-w", "--no-filters", "--"];
        args.extend(committed.iter().map(|(path, _)| path.as_str()));
        let written = self.run(&args)?;
        Ok(committed
            .into_iter()
            .zip(written.lines())
            .filter(|((_, id), written)| id != written.trim())
            .map(|((path, id), written)| (path, written.trim().to_string(), id))
            .collect())
    }

    /// Makes git keep every file of the sync folder as its bytes, whatever
    /// a `.gitattributes` the remote holds says (see `RECORD_ATTRIBUTES`).
    /// A sync folder that git filled without it (an older win, or a folder
    /// whose file was removed) may hold files git rewrote as it checked
    /// them out, which git takes for unchanged: they are all written again
    /// from what the commit holds. Returns whether the file was written.
    pub fn keep_records_as_written(&self) -> Result<bool> {
        if self.keeps_records_as_written() {
            return Ok(false);
        }
        let info = self.tree.join(".git").join("info");
        let path = info.join("attributes");
        super::crypt::create_private_dir(&info)?;
        let partial = info.join("attributes.partial");
        let mut file = super::crypt::private_file(&partial)?;
        std::io::Write::write_all(&mut file, RECORD_ATTRIBUTES.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        if self.has_commits()? {
            // Without its index git rewrites every file, not only those
            // whose size or time changed.
            let index = self.tree.join(".git").join("index");
            match std::fs::remove_file(&index) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(err).with_context(|| format!("cannot remove {}", index.display()))
                }
            }
            self.run(&["reset", "--quiet", "--hard", "HEAD"])?;
        }
        Ok(true)
    }

    /// Clones the remote into the sync folder (an empty remote is fine).
    pub fn clone_from(&self, remote: &str) -> Result<()> {
        let parent = self
            .tree
            .parent()
            .ok_or_else(|| anyhow!("the sync folder has no parent"))?;
        // The folder as a path, not as text: a journal in a folder whose
        // name is not UTF-8 must not be cloned into a lossily renamed one.
        // Nothing is checked out before git is told to keep the records
        // as bytes: the remote's .gitattributes would rewrite them.
        let output = self
            .command(parent)
            .args(["clone", "--quiet", "--no-checkout", "--", remote])
            .arg(&self.tree)
            .output()
            .context("cannot run git clone")?;
        if !output.status.success() {
            bail!(
                "cannot clone {remote}: {} (check the address, and that `git ls-remote {remote}` works in a shell)",
                last_words(&output)
            );
        }
        // git made the folder with the umask's mode; the records in it are
        // the journal's contents, for its owner only.
        restrict_to_owner(&self.tree)?;
        self.keep_records_as_written()?;
        self.point_head_of(remote, parent)?;
        // The remote's HEAD may name another branch (or none, when the
        // remote is empty): win's branch is checked out whatever it says.
        self.run(&["symbolic-ref", "HEAD", &format!("refs/heads/{BRANCH}")])?;
        if let Some(theirs) = self.resolve(&format!("refs/remotes/origin/{BRANCH}"))? {
            self.run(&["reset", "--quiet", "--hard", &theirs])?;
        }
        Ok(())
    }

    /// A bare repository on this machine made with `git init --bare` names
    /// the branch of the user's `init.defaultBranch` (often `master`) as its
    /// HEAD, which win never pushes: a `git clone` of it then checked out
    /// nothing ("remote HEAD refers to nonexistent ref"). Such a HEAD is
    /// pointed at win's branch; one that names a branch the remote holds is
    /// left alone, and so is any remote elsewhere (git cannot set it).
    fn point_head_of(&self, remote: &str, cwd: &Path) -> Result<()> {
        let path = Path::new(remote);
        if !path.is_absolute() || !path.is_dir() {
            return Ok(());
        }
        let in_remote = |args: &[&str]| -> Result<Output> {
            self.command(cwd)
                .arg("--git-dir")
                .arg(path)
                .args(args)
                .output()
                .with_context(|| format!("cannot run git {}", args.first().unwrap_or(&"")))
        };
        let bare = in_remote(&["rev-parse", "--is-bare-repository"])?;
        if String::from_utf8_lossy(&bare.stdout).trim() != "true" {
            return Ok(());
        }
        let head = in_remote(&["symbolic-ref", "--quiet", "HEAD"])?;
        let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
        let ours = format!("refs/heads/{BRANCH}");
        if head.is_empty() || head == ours {
            return Ok(());
        }
        if in_remote(&["rev-parse", "--verify", "--quiet", &head])?
            .status
            .success()
        {
            return Ok(());
        }
        in_remote(&["symbolic-ref", "HEAD", &ours])?;
        Ok(())
    }

    /// The subjects of this device's commits that the remote's branch (as
    /// last fetched) does not hold yet, oldest first.
    pub fn unsent(&self, device: &str) -> Result<Vec<String>> {
        let theirs = format!("refs/remotes/origin/{BRANCH}");
        let range = match self.resolve(&theirs)? {
            Some(_) => format!("{theirs}..HEAD"),
            None if self.resolve("HEAD")?.is_some() => "HEAD".to_string(),
            None => return Ok(Vec::new()),
        };
        let subjects = self.run(&["log", "--reverse", "--format=%s", &range])?;
        let prefix = format!("{device}: ");
        Ok(subjects
            .lines()
            .filter_map(|subject| subject.strip_prefix(&prefix))
            .map(str::to_string)
            .collect())
    }

    /// A file as `revision` holds it, if it does.
    pub fn file_at(&self, revision: &str, path: &str) -> Result<Option<String>> {
        let output = self.output(&self.tree, &["show", &format!("{revision}:{path}")])?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
    }

    /// A small file of the repository as `revision` holds it, checked
    /// before it is taken in: `None` when the commit has none; an error
    /// when it is a link, a folder or larger than `limit` bytes.
    pub fn small_file_at(&self, revision: &str, path: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        let listed = self.run(&["ls-tree", "-z", revision, "--", path])?;
        let Some((head, _)) = listed
            .split('\0')
            .find(|entry| !entry.is_empty())
            .and_then(|entry| entry.split_once('\t'))
        else {
            return Ok(None);
        };
        let mut fields = head.split(' ');
        let (mode, id) = (fields.next().unwrap_or(""), fields.nth(1).unwrap_or(""));
        match mode {
            "100644" | "100755" => {}
            "120000" => bail!("it is a symbolic link, not a regular file"),
            "040000" => bail!("it is a folder, not a regular file"),
            _ => bail!("it is not a regular file"),
        }
        let size: u64 = self
            .run(&["cat-file", "-s", id])?
            .parse()
            .with_context(|| format!("cannot read the size of {path}"))?;
        if size > limit {
            bail!(
                "it is larger than the limit of {}",
                crate::domain::limits::size(limit)
            );
        }
        self.content(id)
    }

    /// After a clone: `Some(a few of its files)` when the remote has
    /// commits on any branch (so it is not empty), `None` when it has none.
    pub fn foreign_history(&self) -> Result<Option<String>> {
        let branches = self.run(&["for-each-ref", "--format=%(refname)", "refs/remotes/origin"])?;
        let Some(branch) = branches
            .lines()
            .map(str::trim)
            .find(|name| !name.is_empty() && !name.ends_with("/HEAD"))
            .map(str::to_string)
        else {
            return Ok(None);
        };
        let listed = self.run(&["ls-tree", "--name-only", &branch])?;
        let mut names: Vec<&str> = listed.lines().take(4).collect();
        if names.len() == 4 {
            names[3] = "…";
        }
        let names = if names.is_empty() {
            "commits".to_string()
        } else {
            names.join(", ")
        };
        Ok(Some(names))
    }

    pub fn has_commits(&self) -> Result<bool> {
        self.succeeds(&["rev-parse", "--verify", "--quiet", "HEAD"])
    }

    pub fn remote_url(&self) -> Result<Option<String>> {
        let output = self.output(&self.tree, &["remote", "get-url", "origin"])?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string()))
    }

    /// The commit a ref points at, if it exists.
    pub fn resolve(&self, reference: &str) -> Result<Option<String>> {
        let output = self.output(
            &self.tree,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{reference}^{{commit}}"),
            ],
        )?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string()))
    }

    /// Removes the lock files a killed git left in the sync folder
    /// (`index.lock`, `HEAD.lock`, `refs/…/*.lock`, `packed-refs.lock`,
    /// `objects/maintenance.lock`…): git never removes a stale lock itself,
    /// and under win's sync lock no other git of ours runs there, so any
    /// lock present now is stale. Returns the files removed.
    pub fn remove_stale_locks(&self) -> Result<Vec<PathBuf>> {
        let git_dir = self.tree.join(".git");
        let mut removed = Vec::new();
        let mut folders = vec![
            (git_dir.clone(), false),
            (git_dir.join("objects"), false),
            (git_dir.join("refs"), true),
            (git_dir.join("logs"), true),
        ];
        while let Some((folder, deep)) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.filter_map(std::result::Result::ok) {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    if deep {
                        folders.push((path, true));
                    }
                } else if path.extension().is_some_and(|ext| ext == "lock") {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("cannot remove {}", path.display()))?;
                    removed.push(path);
                }
            }
        }
        removed.sort();
        Ok(removed)
    }

    /// Throws away whatever an interrupted sync left in the working tree
    /// (a half-written record file, a merge in progress): only committed
    /// records count. git's own locks are removed first.
    pub fn clean_up_after_interruption(&self) -> Result<()> {
        self.remove_stale_locks()?;
        if self.has_commits()? {
            if self.tree.join(".git").join("MERGE_HEAD").exists() {
                self.run(&["merge", "--abort"])?;
            }
            self.run(&["reset", "--quiet", "--hard", "HEAD"])?;
        }
        self.run(&["clean", "--quiet", "-d", "--force"])?;
        Ok(())
    }

    /// The commits that the branch, the remote's branch and `synced` point
    /// at, in one run of git (each missing one is `None`).
    pub fn refs(&self, synced: &str) -> Result<Refs> {
        let branch = format!("refs/heads/{BRANCH}");
        let theirs = format!("refs/remotes/origin/{BRANCH}");
        let listed = self.run(&[
            "for-each-ref",
            "--format=%(objectname) %(refname)",
            &branch,
            &theirs,
            synced,
        ])?;
        let mut refs = Refs::default();
        for line in listed.lines() {
            let Some((commit, name)) = line.split_once(' ') else {
                continue;
            };
            let commit = Some(commit.to_string());
            if name == branch {
                refs.head = commit;
            } else if name == theirs {
                refs.theirs = commit;
            } else if name == synced {
                refs.synced = commit;
            }
        }
        Ok(refs)
    }

    /// Stages everything and commits it; nothing to commit is not an error.
    /// Returns whether a commit was made.
    pub fn commit_all(&self, message: &str) -> Result<bool> {
        self.run(&["add", "--all"])?;
        self.check_staged_as_written()?;
        let output = self.output(
            &self.tree,
            &["commit", "--quiet", "--no-verify", "-m", message],
        )?;
        if output.status.success() {
            return Ok(true);
        }
        // Asked by the commit itself, not by two more runs of git beforehand.
        let said = String::from_utf8_lossy(&output.stdout);
        if said.contains("nothing to commit") || said.contains("nothing added to commit") {
            return Ok(false);
        }
        bail!("git commit failed: {}", last_words(&output))
    }

    /// Refuses to commit a file whose bytes git changed as it staged it
    /// (an attribute or a setting `RECORD_ATTRIBUTES` did not overrule):
    /// the other devices would get another file than this device wrote,
    /// and this device would take it for its own. Nothing is staged then.
    fn check_staged_as_written(&self) -> Result<()> {
        let staged = self.run(&[
            "diff",
            "--cached",
            "--name-only",
            "--no-renames",
            "--diff-filter=AM",
            "-z",
        ])?;
        let paths: Vec<&str> = staged.split('\0').filter(|p| !p.is_empty()).collect();
        if paths.is_empty() {
            return Ok(());
        }
        let mut args = vec!["ls-files", "--stage", "-z", "--"];
        args.extend(&paths);
        let listed = self.run(&args)?;
        // Regular files only: git stores a link as its target's name.
        let mut staged_ids = Vec::new();
        for entry in listed.split('\0').filter(|entry| !entry.is_empty()) {
            // "<mode> <id> <stage>\t<path>"
            let Some((head, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut fields = head.split(' ');
            if let (Some("100644" | "100755"), Some(id)) = (fields.next(), fields.next()) {
                staged_ids.push((path.to_string(), id.to_string()));
            }
        }
        if staged_ids.is_empty() {
            return Ok(());
        }
        let mut args = vec!["hash-object", "--no-filters", "--"];
        args.extend(staged_ids.iter().map(|(path, _)| path.as_str()));
        let written = self.run(&args)?;
        for ((path, staged), id) in staged_ids.iter().zip(written.lines()) {
            if staged != id.trim() {
                let _ = self.run(&["reset", "--quiet"]);
                bail!(
                    "git changed {path} as it committed it (a .gitattributes or a git setting rewrote its bytes), so the other devices would not get what this device wrote: nothing was committed or sent. See what git applies there: git -C {} check-attr --all -- {path}",
                    self.tree.display()
                );
            }
        }
        Ok(())
    }

    /// Fetches the remote's branch. `Err` when git could not reach it.
    pub fn fetch(&self) -> Result<()> {
        let output = self.output(&self.tree, &["fetch", "--quiet", "origin"])?;
        if !output.status.success() {
            bail!("cannot reach the remote: {}", last_words(&output));
        }
        Ok(())
    }

    /// Whether `ancestor` is in the history of `descendant`.
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Result<bool> {
        self.succeeds(&["merge-base", "--is-ancestor", ancestor, descendant])
    }

    /// Fast-forwards or merges `reference` into the branch (`has_commits`:
    /// whether the branch has any yet). Devices write only their own
    /// files, so the merge does not conflict unless someone else wrote in
    /// this device's folder: then the merge is left under way, and the
    /// paths in conflict returned, for the caller to settle (`settle_ours`)
    /// or abort (`abort_merge`).
    pub fn merge(&self, reference: &str, has_commits: bool) -> Result<Vec<String>> {
        if !has_commits {
            self.run(&["reset", "--quiet", "--hard", reference])?;
            return Ok(Vec::new());
        }
        let output = self.output(
            &self.tree,
            &[
                // Records of different devices look alike (readable JSON
                // lines): git would take a file removed in one folder and
                // one added in another for a rename (of the file, or of
                // the whole month folder, carrying this device's new files
                // into the other's), and conflict. Nothing here is renamed.
                "-c",
                "merge.renames=false",
                "-c",
                "merge.directoryRenames=false",
                "merge",
                "--no-edit",
                "--allow-unrelated-histories",
                reference,
            ],
        )?;
        if !output.status.success() {
            let why = last_words(&output);
            let conflicts = self
                .run(&["diff", "--name-only", "--diff-filter=U", "-z"])
                .unwrap_or_default();
            let conflicts: Vec<String> = conflicts
                .split('\0')
                .filter(|path| !path.is_empty())
                .map(str::to_string)
                .collect();
            if conflicts.is_empty() {
                let _ = self.abort_merge();
                bail!("cannot merge what the remote holds: {why}");
            }
            return Ok(conflicts);
        }
        Ok(Vec::new())
    }

    /// The files under `folder` in the commit checked out, each with the id
    /// of its content (git's object id).
    pub fn files_under(&self, folder: &str) -> Result<BTreeMap<String, String>> {
        let mut files = BTreeMap::new();
        if self.resolve("HEAD")?.is_none() {
            return Ok(files);
        }
        let listing = self.run(&["ls-tree", "-r", "-z", "HEAD", "--", folder])?;
        for entry in listing.split('\0').filter(|entry| !entry.is_empty()) {
            // "<mode> blob <id>\t<path>"
            let Some((head, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut fields = head.split(' ');
            if let (Some(_), Some("blob"), Some(id)) = (fields.next(), fields.next(), fields.next())
            {
                files.insert(path.to_string(), id.to_string());
            }
        }
        Ok(files)
    }

    /// The id of a file's content as the commit checked out holds it.
    pub fn file_id(&self, path: &str) -> Result<String> {
        self.run(&["rev-parse", &format!("HEAD:{path}")])
    }

    /// The content git stores under `id`, if it has it.
    pub fn content(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let output = self.output(&self.tree, &["cat-file", "blob", id])?;
        Ok(output.status.success().then_some(output.stdout))
    }

    /// Gives up a merge `merge` left under way: the branch as it was.
    pub fn abort_merge(&self) -> Result<()> {
        self.run(&["merge", "--abort"]).map(drop)
    }

    /// The other side's version of a path in conflict, if it has one.
    pub fn theirs_in_conflict(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let output = self.output(&self.tree, &["show", &format!(":3:{path}")])?;
        Ok(output.status.success().then_some(output.stdout))
    }

    /// Settles a merge left under way by keeping this side of every path
    /// in conflict (a path this side removed stays removed), and commits it.
    pub fn settle_ours(&self, paths: &[String]) -> Result<()> {
        for path in paths {
            let ours = self.succeeds(&["cat-file", "-e", &format!(":2:{path}")])?;
            if ours {
                self.run(&["checkout", "--ours", "--", path])?;
                self.run(&["add", "--", path])?;
            } else {
                self.run(&["rm", "--quiet", "--cached", "--ignore-unmatch", "--", path])?;
                let _ = std::fs::remove_file(self.tree.join(path));
            }
        }
        self.run(&["commit", "--quiet", "--no-verify", "--no-edit"])
            .map(drop)
    }

    /// Pushes the branch. `Rejected` when another device pushed first,
    /// `Locked` when the remote's branch was locked (another push under
    /// way there, or one killed halfway); `Err` for anything else.
    pub fn push(&self) -> Result<Pushed> {
        let output = self.output(
            &self.tree,
            &[
                "push",
                "--quiet",
                "--porcelain",
                "origin",
                &format!("HEAD:refs/heads/{BRANCH}"),
            ],
        )?;
        if output.status.success() {
            return Ok(Pushed::Done);
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        if stdout.contains("[rejected]") || stdout.contains("(fetch first)") {
            return Ok(Pushed::Rejected);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said = format!("{stdout}\n{stderr}");
        if said.contains("cannot lock ref")
            || said.contains("failed to lock")
            || said.contains("failed to update ref")
        {
            return Ok(Pushed::Locked(lock_file_named(&said)));
        }
        bail!("cannot push to the remote: {}", last_words(&output))
    }
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    Done,
    /// Another device pushed first: fetch, merge, try again.
    Rejected,
    /// The remote's branch was locked, by the lock file named if git said.
    Locked(Option<String>),
}

/// The lock file in git's "Unable to create '…/main.lock': File exists".
fn lock_file_named(said: &str) -> Option<String> {
    let start = said.find("Unable to create '")? + "Unable to create '".len();
    let rest = &said[start..];
    let end = rest.find(".lock'")? + ".lock".len();
    Some(rest[..end].to_string())
}

/// Where the branch, the remote's branch and the last synced commit are.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Refs {
    pub head: Option<String>,
    pub theirs: Option<String>,
    pub synced: Option<String>,
}

/// The sync folder holds the journal's records (plain ones when the remote
/// is local): like the journal, only its owner may enter it, whatever the
/// umask gave git's files inside.
fn restrict_to_owner(folder: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {} to its owner", folder.display()))?;
    }
    Ok(())
}

/// `git`, to be run with the clean environment sync gives it (and killed
/// with win): for the other readers of the user's git (`win mine`).
pub fn clean_command() -> Command {
    let mut command = Command::new("git");
    clean_environment(&mut command);
    die_with_win(&mut command);
    command
}

fn clean_environment(command: &mut Command) {
    passed_on_environment(command);
    // git's messages in English, so win can tell a rejection from an error.
    command.env("LC_ALL", "C").env("LANG", "C");
}

/// A clean environment: only the variables of `PASSED_ON`, as this
/// process has them. Also the start of the user's model's environment
/// (`rewrite::program`).
pub(crate) fn passed_on_environment(command: &mut Command) {
    command.env_clear();
    for name in PASSED_ON {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
}

/// `git version 2.47.3` (or `2.39.2.windows.1`) → (2, 47).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let version = text.trim().strip_prefix("git version ")?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()?;
    Some((major, minor))
}

/// The last meaningful line git wrote (`fatal: …`), for an error message.
fn last_words(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    stderr
        .lines()
        .chain(stdout.lines())
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("hint:"))
        .find(|line| {
            line.starts_with("fatal:") || line.starts_with("error:") || line.starts_with("CONFLICT")
        })
        .or_else(|| stderr.lines().map(str::trim).rfind(|l| !l.is_empty()))
        .unwrap_or("no message")
        .trim_start_matches("fatal: ")
        .trim_start_matches("error: ")
        .to_string()
}

/// A git that outlived a killed `win` (kill -9 reaches win, not its child)
/// would go on writing into the sync folder while the next `win sync`
/// recovers it. The kernel sends git SIGKILL when win dies (and the user's
/// model, `rewrite::program`, which would otherwise run on unseen).
#[cfg(target_os = "linux")]
pub(crate) fn die_with_win(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let win = std::process::id();
    // SAFETY: between fork and exec the closure calls only prctl and
    // getppid, which are async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            // win died before the line above: nobody would be told.
            if u32::try_from(libc::getppid()).ok() != Some(win) {
                return Err(std::io::Error::other("win exited before git started"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn die_with_win(_command: &mut Command) {}

/// What git writes in the sync folder (the records a clone or a merge
/// checks out, its own objects) is readable by its owner only, as every
/// file win makes, whatever the user's umask: git makes files 0644 under
/// the usual one.
#[cfg(unix)]
fn owner_only(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec the closure calls only umask, which
    // is async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(|| {
            libc::umask(0o077);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn owner_only(_command: &mut Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_every_platform_spelling() {
        assert_eq!(parse_version("git version 2.47.3\n"), Some((2, 47)));
        assert_eq!(parse_version("git version 2.39.2.windows.1"), Some((2, 39)));
        assert_eq!(parse_version("git version 2.20"), Some((2, 20)));
        assert_eq!(parse_version("hub version 2"), None);
    }

    #[test]
    fn a_remote_lock_file_is_found_in_what_git_said() {
        let said = "remote: error: cannot lock ref 'refs/heads/main': Unable to create '/tmp/r.git/refs/heads/main.lock': File exists.\n";
        assert_eq!(
            lock_file_named(said).as_deref(),
            Some("/tmp/r.git/refs/heads/main.lock")
        );
        assert_eq!(lock_file_named("failed to push some refs"), None);
    }
}
