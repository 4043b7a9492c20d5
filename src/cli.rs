//! The command line: every flag and its help text, and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::win::{Kind, Role, Stage};

/// The heading global flags are listed under in every command's help, apart
/// from the command's own flags.
const GLOBAL: &str = "Global options";

/// A terminal-first journal of professional wins for ML engineers and data
/// scientists: capture a win in seconds, attach its outcome later, and turn a
/// year of them into a self-assessment draft.
#[derive(Debug, Parser)]
#[command(name = "win", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// The journal file [env: WIN_DB] [default: $XDG_DATA_HOME/win/wins.db].
    // WIN_DB is read by `App`, not by clap: clap counts an argument filled
    // from the environment as typed, and printed `--db <PATH>` in every
    // usage line ("Usage: win show --db <PATH> <ID>") and its value in help.
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// When to use colour and tables.
    #[arg(long, global = true, help_heading = GLOBAL, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Answer yes to confirmations (deleting wins).
    #[arg(long, short = 'y', global = true, help_heading = GLOBAL)]
    pub yes: bool,

    /// The competency framework to use [default: from the config file, else ml-engineer].
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "NAME")]
    pub framework: Option<String>,

    /// None: `win` alone, which prints `FIRST_STEPS`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The domain's closed vocabularies as clap values, spelled as the domain
/// spells them (`Kind::as_str`): the domain itself knows no command line.
macro_rules! value_enum {
    ($($name:ident),+) => {$(
        impl ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    )+};
}

value_enum!(Kind, Role, Stage);

/// What `win` with no command prints: the three commands a newcomer needs,
/// instead of clap's "requires a subcommand" or the whole command list.
pub const FIRST_STEPS: &str = "\
win: a journal of your professional wins, for review season.

Start here:
  win add \"cut p99 latency from 240ms to 80ms by batching\"  capture a win
  win list                                                  see your wins
  win review draft > self-assessment.md                     turn them into a draft

`win demo` shows a draft made from sample wins; `win --help` lists every command.
";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Capture a win (prompts on a terminal, reads stdin when piped).
    Add(AddArgs),
    /// List wins, newest first.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show one win with its timeline.
    Show(ShowArgs),
    /// Change a win: any capture flag sets that field; no flags opens $EDITOR.
    Edit(EditArgs),
    /// Delete wins (asks first on a terminal).
    #[command(visible_alias = "delete")]
    Rm(RmArgs),
    /// Star a win (or --unstar it); starred wins lead a draft.
    Star(StarArgs),
    /// Add a dated follow-up: the outcome, a new stage, what's next.
    Update(UpdateArgs),
    /// Shipped wins still waiting for their outcome, oldest first.
    Pending(PendingArgs),
    /// Full-text search, ranked, with snippets (exit 1 when nothing matches).
    #[command(visible_alias = "find")]
    Search(SearchArgs),
    /// Self-assessment drafts and the evidence checker.
    Review(ReviewArgs),
    /// Coverage by competency and by month, and a recency-bias check.
    Stats(StatsArgs),
    /// Show the competency frameworks and their competencies.
    Frameworks(FrameworksArgs),
    /// List the draft templates and phrase banks, or print one to copy.
    Templates(TemplatesArgs),
    /// Stream wins out, oldest first, as json, jsonl, csv or Markdown.
    Export(ExportArgs),
    /// Bring wins in from win (json/jsonl), jrnl (json) or CSV; idempotent.
    Import(ImportArgs),
    /// Print shell completions: win completions bash > ~/.local/share/bash-completion/completions/win
    Completions(CompletionsArgs),
    /// Print the man page (roff), or a command's; --dir writes them all.
    Man(ManArgs),
    /// A draft self-assessment from built-in sample data (touches no journal).
    Demo(DemoArgs),
    /// Sync the journal across your machines through your own git,
    /// end-to-end encrypted (`win sync init` first).
    Sync(SyncArgs),
    /// Serve the journal to coding agents over MCP on stdin/stdout.
    Mcp(McpArgs),
    /// Wins proposed by agents and by `win mine`: accept, edit then accept, or reject them.
    Inbox(InboxArgs),
    /// Propose wins from your own git history into the inbox (offline:
    /// reads the local history with your git, never fetches).
    Mine(MineArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Set up sync on this device: start a sync repository, or join the one
    /// at REMOTE (a path, or any git remote: host:path, ssh://, https://).
    Init(SyncInitArgs),
    /// This device, the remote, encryption and passphrase, the last sync,
    /// changes not yet pushed, and the other devices seen.
    Status,
    /// The encryption key: show it to move it to another machine, import it
    /// there, or lock it in the repository with a passphrase.
    Key(SyncKeyArgs),
}

#[derive(Debug, Args)]
pub struct SyncInitArgs {
    /// The git remote to sync through (an empty repository starts a new one).
    #[arg(value_hint = clap::ValueHint::AnyPath)]
    pub remote: Option<String>,

    /// Encrypt records (the default, for every remote, a path on this
    /// machine included).
    #[arg(long, conflicts_with = "no_encrypt")]
    pub encrypt: bool,

    /// Keep records readable (plain JSON lines): only for a remote you trust
    /// with your wins, and that no one else on the machine can read.
    #[arg(long)]
    pub no_encrypt: bool,

    /// This device's name in the repository (lowercase letters, digits,
    /// dashes; readable by the remote) [default: a random one].
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,

    /// Also keep the key in the repository locked with a passphrase, so
    /// another machine joins with the passphrase alone (implies
    /// --encrypt). The passphrase is asked on a terminal, else read from
    /// WIN_SYNC_PASSPHRASE or --passphrase-file. Joining a repository that
    /// has one needs no flag: the passphrase is asked when the key is missing.
    #[arg(long, conflicts_with = "no_encrypt")]
    pub passphrase: bool,

    /// Read the passphrase from FILE (- for stdin; one line) instead of
    /// asking for it.
    #[arg(long, value_name = "FILE|-", conflicts_with = "no_encrypt")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SyncKeyArgs {
    #[command(subcommand)]
    pub command: SyncKeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum SyncKeyCommand {
    /// Print the key (keep it secret): `win sync key show > key.txt`.
    Show,
    /// Install the key another device printed (FILE, or - for stdin).
    Import {
        /// The key file [default: stdin].
        #[arg(value_name = "FILE|-")]
        file: Option<PathBuf>,
    },
    /// Lock the key in the repository with a passphrase (a new machine then
    /// joins with the passphrase alone), change it, or --remove it. Sent to
    /// the other devices by the next win sync.
    Passphrase {
        /// Take the key out of the repository: joining needs the key itself again.
        #[arg(long)]
        remove: bool,

        /// Read the new passphrase from FILE (- for stdin; one line)
        /// instead of asking for it (or WIN_SYNC_PASSPHRASE).
        #[arg(long, value_name = "FILE|-", conflicts_with = "remove")]
        passphrase_file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    Table,
    Json,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to find: words (all of them), a OR b (either), -word (without
    /// it), "a phrase" (in this order), prefix* (any word starting so).
    /// Nothing else is special: colons, dashes inside words and lower-case
    /// "or" are plain text. Quote the query: win search "p99 -latency".
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// Output format [default: table on a terminal, lines when piped].
    #[arg(long, value_enum)]
    pub format: Option<SearchFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Jsonl,
    Csv,
    Md,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Output format. Oldest first, as an archive or a document reads
    /// (`win list` shows the newest first). json and jsonl hold everything;
    /// csv is one row per win without its links and follow-ups (keep a
    /// backup as jsonl).
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// win's own json array or jsonl
    Win,
    /// `jrnl --export json`
    Jrnl,
    /// CSV with the header `win export --format csv` writes
    Csv,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read, or - for stdin.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,

    /// The file's format [default: from its extension and content].
    #[arg(long, value_enum)]
    pub from: Option<ImportFormat>,

    /// Check the file and say what would happen; store nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Replace wins whose uid is already in the journal, instead of skipping them.
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page instead: win man add, win man review draft.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,

    /// Write every page (win.1, win-add.1, win-review-draft.1…) into this
    /// folder: win man --dir ~/.local/share/man/man1
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// The fields of a win that capture and edit share.
#[derive(Debug, Args, Default, Clone)]
pub struct WinFields {
    /// The impact it had: the system or business outcome.
    #[arg(short = 'i', long, value_name = "TEXT")]
    pub impact: Option<String>,

    /// What you learned or what comes next.
    #[arg(short = 'n', long, value_name = "TEXT")]
    pub next: Option<String>,

    /// Competency key, title or alias (repeatable; see `win frameworks`).
    #[arg(short = 'c', long = "competency", value_name = "NAME")]
    pub competencies: Vec<String>,

    /// Tag (repeatable; comma lists too).
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Project name.
    #[arg(short = 'p', long, value_name = "NAME")]
    pub project: Option<String>,

    /// When it happened: 2026-03-04, yesterday, friday, "3 days ago", 2w, or
    /// a period's first day ("last month", 2026-Q1)…
    #[arg(short = 'd', long, value_name = "DATE")]
    pub date: Option<String>,

    /// What sort of win it is.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,

    /// Your part in it.
    #[arg(long, value_enum)]
    pub role: Option<Role>,

    /// How far it has travelled towards impact.
    #[arg(long, value_enum)]
    pub stage: Option<Stage>,

    /// A link to the PR, dashboard or doc (repeatable).
    #[arg(long = "link", value_name = "URL")]
    pub links: Vec<String>,
}

impl WinFields {
    /// Whether any field was given at all.
    pub fn any(&self) -> bool {
        self.impact.is_some()
            || self.next.is_some()
            || !self.competencies.is_empty()
            || !self.tags.is_empty()
            || self.project.is_some()
            || self.date.is_some()
            || self.kind.is_some()
            || self.role.is_some()
            || self.stage.is_some()
            || !self.links.is_empty()
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// What you did. Omit it to be prompted, or pipe it on stdin.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    #[command(flatten)]
    pub fields: WinFields,

    /// Star it.
    #[arg(long)]
    pub star: bool,

    /// Write the win in $VISUAL / $EDITOR.
    #[arg(short = 'e', long, conflicts_with = "text")]
    pub edit: bool,

    /// Show what would be stored, and store nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the stored win as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Filters shared by list, search, export, stats and review.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// At most this many wins (1 or more).
    #[arg(short = 'n', long, value_name = "N", value_parser = parse_limit)]
    pub limit: Option<usize>,
}

/// The filters of a review or stats: which wins, never how many (a draft
/// or a coverage count over "the 2 newest wins" would misreport the period).
#[derive(Debug, Args, Default, Clone)]
pub struct ScopeArgs {
    /// From this date: 2026-03-01, 90d, "last monday", 2026-Q1…
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Up to and including this date.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// A period: 2026, 2026-Q1, Q1, 2026-H1, 2026-03, last-quarter, this-year…
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["since", "until"])]
    pub period: Option<String>,

    /// Only wins with this competency (repeatable: any of them).
    #[arg(short = 'c', long = "competency", value_name = "NAME")]
    pub competencies: Vec<String>,

    /// Only wins with this tag (repeatable: any of them).
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Only wins of this project.
    #[arg(short = 'p', long, value_name = "NAME")]
    pub project: Option<String>,

    /// Only wins at this stage (repeatable).
    #[arg(long = "stage", value_enum, value_name = "STAGE")]
    pub stages: Vec<Stage>,

    /// Only wins of this kind (repeatable).
    #[arg(long = "kind", value_enum, value_name = "KIND")]
    pub kinds: Vec<Kind>,

    /// Only starred wins.
    #[arg(long)]
    pub starred: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Jsonl,
    Csv,
    Md,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Output format [default: table on a terminal, tab-separated lines when piped].
    /// Every format is newest first, md too; for a document that reads in
    /// order (oldest first), use `win export --format md`.
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,

    /// List the proposed wins waiting in the inbox instead (see: win inbox).
    #[arg(long)]
    pub proposed: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The win's number, as in `win list` (4 or #4).
    #[arg(value_parser = parse_id)]
    pub id: i64,

    /// Print it as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The win's number (4 or #4).
    #[arg(value_parser = parse_id)]
    pub id: i64,

    /// New text for what you did.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,

    /// Your own statement of the win: drafts, `review statement` and agents
    /// use it over the generated one. "" goes back to the generated one.
    #[arg(long, value_name = "TEXT")]
    pub statement: Option<String>,

    #[command(flatten)]
    pub fields: WinFields,

    /// Print the edited win as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The wins' numbers (4 or #4).
    #[arg(required = true, value_parser = parse_id)]
    pub ids: Vec<i64>,
}

#[derive(Debug, Args)]
pub struct StarArgs {
    /// The win's number (4 or #4).
    #[arg(value_parser = parse_id)]
    pub id: i64,

    /// Remove the star instead.
    #[arg(long)]
    pub unstar: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The win's number (4 or #4).
    #[arg(value_parser = parse_id)]
    pub id: i64,

    /// What happened since.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// The stage it has reached.
    #[arg(long, value_enum)]
    pub stage: Option<Stage>,

    /// The impact, now that it is known.
    #[arg(short = 'i', long, value_name = "TEXT")]
    pub impact: Option<String>,

    /// What comes next.
    #[arg(short = 'n', long, value_name = "TEXT")]
    pub next: Option<String>,

    /// When it happened [default: now].
    #[arg(short = 'd', long, value_name = "DATE")]
    pub date: Option<String>,

    /// Print the updated win as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PendingArgs {
    /// Only wins that have waited at least this long: 14d, 6w, 2m.
    #[arg(long, value_name = "AGE")]
    pub older_than: Option<String>,

    /// Print them as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FrameworksArgs {
    /// Show one framework in full, with its lexicon size.
    pub name: Option<String>,

    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Render with this draft template instead (see `win templates`).
    #[arg(long, value_name = "NAME|PATH", value_hint = clap::ValueHint::AnyPath)]
    pub template: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: ReviewCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Render a self-assessment draft (Markdown on stdout).
    Draft(DraftArgs),
    /// Say what is weak or missing, per win and per competency.
    Check(CheckArgs),
    /// Print the statement one win gets in a draft.
    Statement(StatementArgs),
    /// Finish, on a terminal, the statements the draft could not tell
    /// cleanly (`statement-unclear`): each in $EDITOR or on one line.
    Polish(PolishArgs),
}

#[derive(Debug, Args)]
pub struct PolishArgs {
    #[command(flatten)]
    pub filter: ScopeArgs,
}

#[derive(Debug, Args)]
pub struct StatementArgs {
    /// The win's number.
    #[arg(value_parser = parse_id)]
    pub id: i64,

    /// Shorten the statement to at most N characters, keeping its numbers.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    pub max_chars: Option<u16>,

    /// Print the win as the draft sees it (statement, metrics, findings) as JSON.
    #[arg(long)]
    pub json: bool,

    /// Rewrite the statement through your own model ([rewrite] command in
    /// config.toml), checked against the win before it is used; an answer
    /// kept from before is used again unless the win changed (=fresh: ask
    /// again).
    #[arg(long, value_enum, value_name = "fresh", num_args = 0..=1, require_equals = true, default_missing_value = "kept")]
    pub rewrite: Option<RewriteMode>,
}

/// Whether `--rewrite` uses the answers kept from before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RewriteMode {
    /// Use a kept answer while the win is unchanged (plain `--rewrite`).
    Kept,
    /// Ask the model again for every win.
    Fresh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DraftFormat {
    Md,
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct DraftArgs {
    #[command(flatten)]
    pub filter: ScopeArgs,

    /// A draft template: self-assessment, brag-doc, plain, or a file path.
    #[arg(long, value_name = "NAME|PATH", value_hint = clap::ValueHint::AnyPath)]
    pub template: Option<String>,

    /// md: the self-assessment; text: plain text for forms; json: the context.
    #[arg(long, value_enum, conflicts_with = "template")]
    pub format: Option<DraftFormat>,

    /// Print the JSON context the template sees, instead of rendering.
    #[arg(long, conflicts_with_all = ["template", "format"])]
    pub context: bool,

    /// After the draft, print notes for you on stderr: competencies and
    /// months with no wins, wins still waiting on impact, recency. They are
    /// never part of the draft (see also: win review check).
    #[arg(long, conflicts_with = "context")]
    pub notes: bool,

    /// Your name, for the header [default: from the config file].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Your job title, for the header [default: from the config file].
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,

    /// Per competency, only the N wins with the strongest evidence.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Shorten each statement to at most N characters, keeping its numbers.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    pub max_chars: Option<u16>,

    /// Rewrite each statement through your own model ([rewrite] command in
    /// config.toml), checked against its win before it is used: an answer
    /// that fails keeps the generated statement. Answers are kept in the
    /// journal and used again while the win is unchanged (=fresh: ask again).
    #[arg(long, value_enum, value_name = "fresh", num_args = 0..=1, require_equals = true, default_missing_value = "kept")]
    pub rewrite: Option<RewriteMode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub filter: ScopeArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Explain a rule with a weak and a strong example (e.g. hedged-number).
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub filter: ScopeArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub command: Option<TemplatesCommand>,

    /// List as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Print a template, to copy into your config folder and edit.
    Show {
        /// Its name: self-assessment, brag-doc, plain, or a path such as statements/glossary.toml.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct McpArgs {
    #[command(subcommand)]
    pub command: Option<McpCommand>,
}

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Print what to paste (or the one command to run) to give an agent this server.
    Config {
        /// The agent or editor.
        #[arg(long, value_enum)]
        client: McpClient,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum McpClient {
    ClaudeCode,
    Cursor,
    ClaudeDesktop,
    Codex,
    Generic,
}

impl McpClient {
    /// Its name in `--client`, which names its template too.
    pub fn as_str(self) -> &'static str {
        match self {
            McpClient::ClaudeCode => "claude-code",
            McpClient::Cursor => "cursor",
            McpClient::ClaudeDesktop => "claude-desktop",
            McpClient::Codex => "codex",
            McpClient::Generic => "generic",
        }
    }
}

#[derive(Debug, Args)]
pub struct MineArgs {
    /// The repositories to read (default: the one of the current folder).
    #[arg(value_name = "REPO")]
    pub repos: Vec<std::path::PathBuf>,

    /// Work since this date (default: where the last mine of the repository
    /// stopped, else 90 days ago).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Whose work: an address (repeatable; default: the repository's
    /// `git config user.email`). A `Co-authored-by:` of it counts.
    #[arg(long = "author", value_name = "EMAIL")]
    pub authors: Vec<String>,

    /// Show what would be proposed; store nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the proposals as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    #[command(subcommand)]
    pub command: Option<InboxCommand>,

    /// Print the proposed wins as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Accept proposed wins into the journal (asks first unless --yes).
    Accept(InboxIds),
    /// Edit a proposed win in $VISUAL / $EDITOR, then accept it.
    Edit {
        /// The win's number.
        #[arg(value_parser = parse_id)]
        id: i64,
    },
    /// Reject proposed wins: they are deleted (asks first unless --yes).
    Reject(InboxIds),
}

#[derive(Debug, Args)]
pub struct InboxIds {
    /// The numbers `win inbox` shows: a proposed win's (4 or #4), or a
    /// proposed follow-up's (f3).
    #[arg(required_unless_present = "all", value_parser = parse_inbox_item)]
    pub ids: Vec<InboxItem>,

    /// Every proposed win and follow-up.
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,
}

/// What waits in the inbox: a proposed win, or a follow-up proposed for a
/// win already in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InboxItem {
    Win(i64),
    FollowUp(i64),
}

/// `4` or `#4` (a proposed win), `f3` (a proposed follow-up).
fn parse_inbox_item(text: &str) -> Result<InboxItem, String> {
    let trimmed = text.trim();
    if let Some(digits) = trimmed
        .strip_prefix('f')
        .or_else(|| trimmed.strip_prefix('F'))
    {
        return match digits.parse::<i64>() {
            Ok(id) if id > 0 => Ok(InboxItem::FollowUp(id)),
            _ => Err(
                "not a proposed follow-up: give one as `win inbox` shows it, such as f3"
                    .to_string(),
            ),
        };
    }
    parse_id(trimmed).map(InboxItem::Win)
}

/// A win's number as people type it: `4`, or `#4` as `win` prints it.
fn parse_id(text: &str) -> Result<i64, String> {
    let digits = text.trim().strip_prefix('#').unwrap_or(text.trim());
    match digits.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err("not a win number: give one as `win list` shows it, such as 4 or #4".to_string()),
    }
}

/// `-n 0` would list nothing and then say that no win matches: refused.
fn parse_limit(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => {
            Err("-n 0 would list nothing: give 1 or more, or leave -n out for all".to_string())
        }
        Ok(limit) => Ok(limit),
        Err(_) => Err("not a number of wins: give 1 or more, such as -n 10".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_id, parse_limit};

    #[test]
    fn a_limit_is_one_or_more() {
        assert_eq!(parse_limit("10"), Ok(10));
        assert!(parse_limit("0").unwrap_err().contains("give 1 or more"));
        assert!(parse_limit("-1").is_err());
        assert!(parse_limit("ten").is_err());
    }

    #[test]
    fn ids_are_taken_with_or_without_their_hash() {
        assert_eq!(parse_id("4"), Ok(4));
        assert_eq!(parse_id("#4"), Ok(4));
        assert_eq!(parse_id(" #12 "), Ok(12));
        for bad in ["", "#", "##4", "four", "0", "-3", "#-3", "4.0"] {
            assert!(parse_id(bad).is_err(), "{bad:?}");
        }
    }
}
