//! Commits as `git log -z` writes them in win's own format, read from
//! bytes (never from a shell), and what a commit message says of itself:
//! its conventional-commit type, its co-authors, the pull request it
//! closed, the commit it reverts.

use chrono::{DateTime, FixedOffset};

/// The format `win mine` asks git for: one field per `%x1f` (unit
/// separator), the message last so that nothing in it can shift a field.
/// `%aE` follows the repository's `.mailmap`, so an old address of the
/// author's counts as theirs; `%D` lists tags only (`--decorate-refs`).
pub const FORMAT: &str = "%H%x1f%P%x1f%aE%x1f%cI%x1f%D%x1f%B";

const FIELDS: usize = 6;

/// One commit of the history read.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub hash: String,
    pub parents: Vec<String>,
    /// Lowercased.
    pub author: String,
    /// When it landed where it is (the committer's date): a piece of work
    /// is dated by its last commit.
    pub committed_at: DateTime<FixedOffset>,
    pub tags: Vec<String>,
    pub subject: String,
    /// The message after its subject, trimmed.
    pub body: String,
}

impl Commit {
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// Whether `email` (lowercased) wrote it, or is named in a
    /// `Co-authored-by:` trailer.
    pub fn is_by(&self, emails: &[String]) -> bool {
        emails.contains(&self.author) || co_authors(&self.body).any(|co| emails.contains(&co))
    }

    /// The short hash people recognise.
    pub fn short(&self) -> &str {
        self.hash.get(..7).unwrap_or(&self.hash)
    }
}

/// Why a record of git's output cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord(pub String);

impl std::fmt::Display for BadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read git's log: {}", self.0)
    }
}

impl std::error::Error for BadRecord {}

/// Reads one record (the bytes between two NULs of `git log -z
/// --format=FORMAT`). `None` for the empty tail after the last NUL. A
/// message that is not UTF-8 is read with replacement characters.
pub fn parse_record(bytes: &[u8]) -> Result<Option<Commit>, BadRecord> {
    let bytes = bytes.strip_prefix(b"\n").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(bytes);
    let fields: Vec<&str> = text.splitn(FIELDS, '\u{1f}').collect();
    let [hash, parents, author, date, decorations, message] = fields[..] else {
        return Err(BadRecord(format!(
            "a record has {} fields instead of {FIELDS}",
            fields.len()
        )));
    };
    if hash.len() < 7 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(BadRecord(format!(
            "\"{}\" is not a commit hash",
            hash.trim()
        )));
    }
    let committed_at = DateTime::parse_from_rfc3339(date.trim())
        .map_err(|err| BadRecord(format!("commit {hash} has the date \"{date}\": {err}")))?;
    let message = message.trim();
    let (subject, body) = message.split_once('\n').unwrap_or((message, ""));
    Ok(Some(Commit {
        hash: hash.to_string(),
        parents: parents.split_whitespace().map(str::to_string).collect(),
        author: author.trim().to_lowercase(),
        committed_at,
        tags: decorations
            .split(", ")
            .filter_map(|item| item.trim().strip_prefix("tag: "))
            .map(str::to_string)
            .collect(),
        subject: subject.trim().to_string(),
        body: body.trim().to_string(),
    }))
}

/// The addresses of the `Co-authored-by: Name <email>` trailers, lowercased.
pub fn co_authors(body: &str) -> impl Iterator<Item = String> + '_ {
    body.lines().filter_map(|line| {
        let (key, value) = line.trim().split_once(':')?;
        if !key.trim().eq_ignore_ascii_case("co-authored-by") {
            return None;
        }
        let email = value.rsplit_once('<')?.1.split_once('>')?.0;
        Some(email.trim().to_lowercase())
    })
}

/// A conventional-commit subject: `type(scope)!: description`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventional<'a> {
    /// Lowercased.
    pub kind: String,
    pub scope: Option<&'a str>,
    pub description: &'a str,
}

pub fn conventional(subject: &str) -> Option<Conventional<'_>> {
    let (head, description) = subject.split_once(':')?;
    let head = head.strip_suffix('!').unwrap_or(head);
    let (kind, scope) = match head.split_once('(') {
        Some((kind, rest)) => (kind, Some(rest.strip_suffix(')')?)),
        None => (head, None),
    };
    if kind.is_empty() || kind.len() > 12 || !kind.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let description = description.trim();
    (!description.is_empty()).then(|| Conventional {
        kind: kind.to_ascii_lowercase(),
        scope,
        description,
    })
}

/// The pull request a subject names at its end: `… (#123)`, as a
/// squash-merge writes it.
pub fn squashed_pull_request(subject: &str) -> Option<u32> {
    let inner = subject.trim_end().strip_suffix(')')?;
    let (_, number) = inner.rsplit_once("(#")?;
    number.parse().ok()
}

/// The pull request of a merge commit's subject: GitHub's `Merge pull
/// request #12 from …`, GitLab's `See merge request group/project!12` in
/// the body.
pub fn merged_pull_request(subject: &str, body: &str) -> Option<u32> {
    let number = |text: &str| -> Option<u32> {
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return number(rest);
    }
    body.lines()
        .find_map(|line| line.trim().strip_prefix("See merge request "))
        .and_then(|reference| number(reference.rsplit_once('!')?.1))
}

/// The title of a merged pull request in a merge commit: the first line of
/// the body after GitHub's and GitLab's merge subjects (`Merge pull request
/// #12 from …` / `Merge branch 'x' into 'main'`), which is the request's
/// title; then the rest of the body.
pub fn merge_title(body: &str) -> Option<(&str, &str)> {
    let first = body.lines().next()?.trim();
    if first.is_empty() || first.starts_with("See merge request") {
        return None;
    }
    let rest = body.split_once('\n').map_or("", |(_, rest)| rest);
    Some((first, rest.trim()))
}

/// A merge that brings a main line into a feature branch (or a branch's
/// remote copy into itself): not a piece of work.
pub fn is_back_merge(subject: &str) -> bool {
    const MAIN_LINES: &[&str] = &["main", "master", "develop", "trunk", "dev"];
    let Some(rest) = subject.strip_prefix("Merge ") else {
        return false;
    };
    let branch = rest
        .strip_prefix("branch '")
        .or_else(|| rest.strip_prefix("remote-tracking branch '"))
        .and_then(|rest| rest.split_once('\''))
        .map(|(name, _)| name.rsplit('/').next().unwrap_or(name));
    let pulled_itself = rest.starts_with("branch '") && rest.contains(" of ");
    branch.is_some_and(|name| MAIN_LINES.contains(&name) && rest.contains(" into "))
        || pulled_itself
}

/// The commits a revert names: `This reverts commit <hash>.`
pub fn reverted(body: &str) -> impl Iterator<Item = &str> {
    body.lines().filter_map(|line| {
        let rest = line.trim().strip_prefix("This reverts commit ")?;
        let hash = rest.trim_end_matches('.').split_whitespace().next()?;
        (hash.len() >= 7 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
    })
}

/// A remote URL without the user name and password it may carry
/// (`https://user:token@host/x` → `https://host/x`): it is stored and shown.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if path.is_empty() && !rest.contains('/') {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}/{path}")
    }
}

/// The web page of a GitHub or GitLab remote (`git@github.com:o/r.git` →
/// `https://github.com/o/r`), for links to its pull requests.
pub fn web_page(remote: &str) -> Option<String> {
    let remote = without_credentials(remote);
    let rest = remote
        .strip_prefix("https://")
        .or_else(|| remote.strip_prefix("ssh://"))
        .or_else(|| remote.strip_prefix("git@"))?;
    let rest = rest.strip_prefix("git@").unwrap_or(rest);
    let (host, path) = rest.split_once([':', '/'])?;
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    let known = ["github.com", "gitlab.com"].contains(&host);
    (known && path.contains('/')).then(|| format!("https://{host}/{path}"))
}

/// The page of pull request `number` of a repository's web page.
pub fn pull_request_page(page: &str, number: u32) -> String {
    if page.starts_with("https://gitlab.com/") {
        format!("{page}/-/merge_requests/{number}")
    } else {
        format!("{page}/pull/{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(message: &str) -> Vec<u8> {
        format!(
            "\na1b2c3d4e5f60718293a4b5c6d7e8f9012345678\u{1f}1111111111111111111111111111111111111111 2222222222222222222222222222222222222222\u{1f}Ana@Example.COM\u{1f}2026-05-04T10:11:12+02:00\u{1f}tag: v1.2, tag: v1.2.0\u{1f}{message}\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_record_is_read_from_bytes() {
        let commit = parse_record(&record(
            "feat(api): stream answers\n\nBody line\n\nCo-authored-by: Bo <bo@x.org>\n",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(commit.hash, "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678");
        assert_eq!(commit.parents.len(), 2);
        assert!(commit.is_merge());
        assert_eq!(commit.author, "ana@example.com");
        assert_eq!(
            commit.committed_at.to_rfc3339(),
            "2026-05-04T10:11:12+02:00"
        );
        assert_eq!(commit.tags, ["v1.2", "v1.2.0"]);
        assert_eq!(commit.subject, "feat(api): stream answers");
        assert_eq!(commit.body, "Body line\n\nCo-authored-by: Bo <bo@x.org>");
        assert!(commit.is_by(&["bo@x.org".into()]));
        assert!(commit.is_by(&["ana@example.com".into()]));
        assert!(!commit.is_by(&["cy@x.org".into()]));
        assert_eq!(commit.short(), "a1b2c3d");
    }

    #[test]
    fn a_message_with_the_separator_keeps_it_and_bad_records_are_errors() {
        let commit = parse_record(&record("fix: odd \u{1f} byte"))
            .unwrap()
            .unwrap();
        assert_eq!(commit.subject, "fix: odd \u{1f} byte");
        assert_eq!(parse_record(b"\n").unwrap(), None);
        assert!(parse_record(b"abc\x1fdef").is_err());
        let bad_date = b"a1b2c3d4\x1f\x1fa@b\x1fyesterday\x1f\x1fmsg";
        assert!(parse_record(bad_date)
            .unwrap_err()
            .to_string()
            .contains("yesterday"));
        // Not UTF-8: read, not refused.
        let mut latin = record("fix: caf");
        latin.insert(latin.len() - 1, 0xe9);
        assert!(parse_record(&latin)
            .unwrap()
            .unwrap()
            .subject
            .starts_with("fix: caf"));
    }

    #[test]
    fn conventional_subjects() {
        let c = conventional("feat(scoring)!: batch lookups").unwrap();
        assert_eq!(
            (c.kind.as_str(), c.scope, c.description),
            ("feat", Some("scoring"), "batch lookups")
        );
        assert_eq!(conventional("Perf: faster").unwrap().kind, "perf");
        assert_eq!(
            conventional("Fix the build: again"),
            None,
            "a sentence with a colon"
        );
        assert_eq!(conventional("feat:"), None);
        assert_eq!(conventional("no colon here"), None);
    }

    #[test]
    fn pull_requests_are_found_in_squash_and_merge_subjects() {
        assert_eq!(squashed_pull_request("Add retries (#123)"), Some(123));
        assert_eq!(squashed_pull_request("Add retries (#12x)"), None);
        assert_eq!(squashed_pull_request("Add retries"), None);
        assert_eq!(
            merged_pull_request("Merge pull request #812 from ana/batch", "Batch lookups"),
            Some(812)
        );
        assert_eq!(
            merged_pull_request(
                "Merge branch 'batch' into 'main'",
                "Batch lookups\n\nSee merge request ml/ranker!34"
            ),
            Some(34)
        );
        assert_eq!(merged_pull_request("Merge branch 'batch'", ""), None);
        assert_eq!(
            merge_title("Batch lookups\n\nwhy"),
            Some(("Batch lookups", "why"))
        );
        assert_eq!(merge_title("See merge request a/b!3"), None);
    }

    #[test]
    fn back_merges_and_reverts() {
        assert!(is_back_merge("Merge branch 'main' into feature-x"));
        assert!(is_back_merge(
            "Merge remote-tracking branch 'origin/master' into fix"
        ));
        assert!(is_back_merge(
            "Merge branch 'feature' of github.com:a/b into feature"
        ));
        assert!(!is_back_merge("Merge branch 'feature-x'"));
        assert!(!is_back_merge("Merge pull request #3 from a/main"));
        let body = "This reverts commit 0123456789abcdef0123456789abcdef01234567.\n";
        assert_eq!(
            reverted(body).collect::<Vec<_>>(),
            ["0123456789abcdef0123456789abcdef01234567"]
        );
        assert_eq!(reverted("This reverts commit nothing.").count(), 0);
    }

    #[test]
    fn co_author_trailers_any_case() {
        let body = "text\n\nco-authored-by: Bo B <Bo@X.org>\nCo-Authored-By: Cy <cy@y.org>\nSigned-off-by: D <d@z.org>";
        assert_eq!(
            co_authors(body).collect::<Vec<_>>(),
            ["bo@x.org", "cy@y.org"]
        );
    }

    #[test]
    fn remotes_lose_their_credentials_and_give_their_web_page() {
        assert_eq!(
            without_credentials("https://ana:ghp_secret@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            without_credentials("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
        assert_eq!(without_credentials("/srv/git/r.git"), "/srv/git/r.git");
        assert_eq!(
            web_page("git@github.com:o/r.git").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(
            web_page("https://tok@gitlab.com/g/p.git").as_deref(),
            Some("https://gitlab.com/g/p")
        );
        assert_eq!(
            web_page("ssh://git@github.com/o/r").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(web_page("/srv/git/r.git"), None);
        assert_eq!(web_page("https://git.example/o/r"), None);
        assert_eq!(
            pull_request_page("https://github.com/o/r", 3),
            "https://github.com/o/r/pull/3"
        );
        assert_eq!(
            pull_request_page("https://gitlab.com/g/p", 3),
            "https://gitlab.com/g/p/-/merge_requests/3"
        );
    }
}
