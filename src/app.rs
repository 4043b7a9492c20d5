//! What every command gets: the clock, the paths, the settings. Resources
//! (journal, frameworks) are opened on first use, by the command that needs them.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, FixedOffset};
use jiff::tz::TimeZone;

use crate::analyze::{Rules, UserFiles, UserText};
use crate::cli::{Cli, FilterArgs, ScopeArgs};
use crate::config::Config;
use crate::domain::dates::{self, Now, Zone};
use crate::domain::filter::WinFilter;
use crate::domain::framework::{Catalog, Framework, DEFAULT_FRAMEWORK};
use crate::domain::review::{self, ReviewPeriod};
use crate::render::TemplateSet;
use crate::store::Store;

#[derive(Clone)]
pub struct App {
    /// The clock, read once: `WIN_NOW` (RFC 3339) fixes it for tests.
    pub now: DateTime<FixedOffset>,
    /// The zone that dates typed without an offset are read in.
    pub zone: Zone,
    pub db_path: PathBuf,
    pub config_dir: Option<PathBuf>,
    pub config: Config,
    /// Colour on stdout.
    pub styled: bool,
    /// Tables (rather than plain lines) on stdout.
    pub stdout_is_terminal: bool,
    pub stdin_is_terminal: bool,
    pub stderr_is_terminal: bool,
    pub yes: bool,
    framework_name: Option<String>,
    /// Shared by the copies a long-running `win mcp` makes for each call.
    catalog: Arc<OnceLock<Catalog>>,
}

impl App {
    pub fn from_cli(cli: &Cli) -> Result<App> {
        let (now, zone) = clock()?;
        let project_dirs = directories::ProjectDirs::from("", "", "win");
        let config_dir = match std::env::var_os("WIN_CONFIG_DIR") {
            Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
            _ => project_dirs
                .as_ref()
                .map(|dirs| dirs.config_dir().to_path_buf()),
        };
        let db = cli
            .db
            .clone()
            .or_else(|| std::env::var_os("WIN_DB").map(PathBuf::from));
        let db_path = match db {
            Some(path) if path.as_os_str().is_empty() => {
                bail!("--db / WIN_DB is empty: give a file path")
            }
            Some(path) => path,
            None => default_db_path().ok_or_else(|| {
                anyhow!("cannot find a home folder for the journal: set --db or WIN_DB")
            })?,
        };
        let config = Config::load(config_dir.as_deref())?;
        let streams = crate::output::configure(cli.color);
        if streams.stderr_is_terminal {
            // A capture queued behind a long import says why it waits.
            crate::store::on_long_wait(|| {
                crate::output::note(
                    "waiting for another win command (an import?) to finish with the journal…",
                );
            });
        }
        Ok(App {
            now,
            zone,
            db_path,
            config_dir,
            config,
            styled: streams.styled,
            stdout_is_terminal: streams.stdout_is_terminal,
            stdin_is_terminal: streams.stdin_is_terminal,
            stderr_is_terminal: streams.stderr_is_terminal,
            yes: cli.yes,
            framework_name: cli.framework.clone(),
            catalog: Arc::new(OnceLock::new()),
        })
    }

    /// The same settings with the clock read again: `win mcp` runs for
    /// hours, and each call happens at its own time.
    pub fn reclocked(&self) -> Result<App> {
        let (now, zone) = clock()?;
        Ok(App {
            now,
            zone,
            ..self.clone()
        })
    }

    /// The journal, for a command that needs one to exist: reading, or
    /// changing a win that is there. A missing journal is an error, and
    /// nothing is created.
    pub fn open_store(&self) -> Result<Store> {
        Store::open_existing(&self.db_path)
    }

    /// The journal, created (with its folder) if missing: for the commands
    /// that add wins.
    pub fn create_store(&self) -> Result<Store> {
        Store::open(&self.db_path)
    }

    pub fn catalog(&self) -> Result<&Catalog> {
        if let Some(catalog) = self.catalog.get() {
            return Ok(catalog);
        }
        let user_files = crate::config::framework_files(self.config_dir.as_deref())?;
        let catalog = Catalog::with_user_files(user_files);
        Ok(self.catalog.get_or_init(|| catalog))
    }

    /// The framework chosen by `--framework`, else the config file, else the default.
    pub fn framework(&self) -> Result<&Framework> {
        let name = self
            .framework_name
            .as_deref()
            .or(self.config.framework.as_deref())
            .unwrap_or(DEFAULT_FRAMEWORK);
        self.catalog()?.get(name)
    }

    /// Resolves the shared filter flags against the clock and the framework.
    pub fn filter(&self, args: &FilterArgs) -> Result<WinFilter> {
        let (mut filter, _) = self.scope(&args.scope)?;
        filter.limit = args.limit;
        Ok(filter)
    }

    /// The filter of the scope flags, and the label of `--period` if given
    /// (parsed once).
    fn scope(&self, args: &ScopeArgs) -> Result<(WinFilter, Option<String>)> {
        let mut filter = WinFilter {
            tags: crate::domain::win::normalize_tags(&args.tags),
            project: args.project.clone(),
            stages: args.stages.clone(),
            kinds: args.kinds.clone(),
            starred: args.starred,
            ..WinFilter::default()
        };
        let mut label = None;
        if let Some(period) = &args.period {
            let period = dates::parse_period(period, self.clock())?;
            filter.since = Some(period.start);
            filter.until = Some(period.end);
            label = Some(period.label);
        }
        if let Some(since) = &args.since {
            filter.since = Some(dates::parse_since(since, self.clock())?);
        }
        if let Some(until) = &args.until {
            filter.until = Some(dates::parse_until(until, self.clock())?);
        }
        // The end is exclusive: a period that ends where it starts is
        // empty too.
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if since >= until {
                bail!(
                    "the period starts ({}) after it ends ({}): swap --since and --until, or check --period",
                    dates::day(&since),
                    dates::day(&(until - chrono::TimeDelta::seconds(1)))
                );
            }
        }
        if !args.competencies.is_empty() {
            let framework = self.framework()?;
            for name in &args.competencies {
                let competency = framework.resolve_or_suggest(name)?;
                filter.competencies.push(competency.key.clone());
                filter
                    .competencies
                    .extend(competency.aliases.iter().cloned());
            }
        }
        Ok((filter, label))
    }
}

impl App {
    /// The clock and zone that dates the user types are read against.
    pub fn clock(&self) -> Now {
        Now {
            at: self.now,
            zone: self.zone,
        }
    }

    /// The filter and the period of a review: `--period`, `--since`/`--until`,
    /// or the last 12 months.
    pub fn review_scope(&self, args: &ScopeArgs) -> Result<(WinFilter, ReviewPeriod)> {
        let (mut filter, label) = self.scope(args)?;
        let period = review::period_for(filter.since, filter.until, label, self.now);
        filter.since = Some(period.start);
        filter.until = Some(period.end);
        Ok((filter, period))
    }

    /// The user's copy of `templates/check.toml`,
    /// and their corpus for the framework's competency model
    /// (`templates/inference/FRAMEWORK.tsv`).
    pub fn analysis_files(&self) -> Result<UserFiles> {
        let templates = self.templates();
        let read = |name: &str| -> Result<Option<UserText>> {
            Ok(templates.user_file(name)?.map(|file| UserText {
                label: file.source,
                text: file.text,
            }))
        };
        Ok(UserFiles {
            check: read("check.toml")?,
            corpus: read(&format!("inference/{}.tsv", self.framework()?.name))?,
        })
    }

    /// The checker's rules, the user's `templates/check.toml` over the built-in.
    pub fn rules(&self) -> Result<Rules> {
        Rules::load(self.analysis_files()?.check.as_ref())
    }

    /// Draft templates and phrase banks, with the user's folder over the built-ins.
    pub fn templates(&self) -> TemplateSet {
        TemplateSet::new(self.config_dir.as_ref().map(|dir| dir.join("templates")))
    }
}

/// The journal's home when neither `--db` nor `WIN_DB` names one.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "win").map(|dirs| dirs.data_dir().join("wins.db"))
}

/// The clock and the zone. `TZ` (else /etc/localtime) gives the zone, with
/// its daylight-saving rules. `WIN_NOW` fixes the clock for tests; without
/// `TZ`, its offset is also the zone, so tests do not depend on the machine.
fn clock() -> Result<(DateTime<FixedOffset>, Zone)> {
    let zone_set = std::env::var_os("TZ").is_some_and(|tz| !tz.is_empty());
    let system_zone = || -> Result<Zone> {
        let rules = if zone_set {
            TimeZone::try_system().map_err(|_| bad_zone())?
        } else {
            // No zone file either (a bare container): UTC, as C programs do.
            TimeZone::system()
        };
        // Read once, kept for the process (see `error::leave_to_exit`).
        Ok(Zone::Rules(Box::leak(Box::new(rules))))
    };
    match std::env::var("WIN_NOW") {
        Ok(text) if !text.trim().is_empty() => {
            let now = DateTime::parse_from_rfc3339(text.trim()).with_context(|| {
                format!(
                    "WIN_NOW=\"{text}\" is not an RFC 3339 time such as 2026-11-21T17:05:00+01:00"
                )
            })?;
            let zone = if zone_set {
                system_zone()?
            } else {
                Zone::Fixed(*now.offset())
            };
            Ok((now, zone))
        }
        _ => {
            let zone = system_zone()?;
            let now = chrono::Utc::now();
            Ok((now.with_timezone(&zone.offset_at(now)), zone))
        }
    }
}

/// `TZ` names no zone jiff can read (a zone name, `:name`, a file, or a
/// POSIX rule): left alone, it would be UTC, and every date typed would be
/// stored at the wrong offset.
fn bad_zone() -> anyhow::Error {
    let fix = "set TZ to a zone such as Europe/Paris, or unset it to use the system's zone";
    match std::env::var("TZ") {
        Ok(tz) => anyhow::anyhow!(
            "TZ=\"{tz}\" is not a time zone: no zone of that name, nor a rule such as CET-1CEST,M3.5.0,M10.5.0/3; {fix}"
        ),
        Err(_) => anyhow::anyhow!("TZ is not UTF-8 text: {fix}"),
    }
}
