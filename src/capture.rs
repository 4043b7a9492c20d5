//! Turning what a person typed into a win: competencies resolved, analysis
//! attached, and the `$EDITOR` buffer format. Pure: no I/O.

use std::collections::HashMap;

use anyhow::{bail, Result};
use chrono::{DateTime, FixedOffset};

use crate::analyze::{Analyzer, Learned, UserFiles, INFER_THRESHOLD};
use crate::domain::dates;
use crate::domain::framework::Framework;
use crate::domain::limits;
use crate::domain::record::WinRecord;
use crate::domain::win::{CompetencySource, NewWin};

/// Resolves competency names (keys, titles, aliases) to keys, in order,
/// without repeats. An unknown name is an error with a suggestion.
pub fn resolve_competencies(framework: &Framework, names: &[String]) -> Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    for name in names
        .iter()
        .flat_map(|n| n.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let key = framework.resolve_or_suggest(name)?.key.clone();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// Recomputes what analysis derives from a win's words. Competencies the
/// user chose are kept; otherwise the top suggestion is used if it is
/// confident enough, and marked as inferred.
/// `learned` is what the user's own labelled wins say about these words.
pub fn enrich(win: &mut NewWin, analyzer: &Analyzer, learned: &Learned) {
    enrich_teaching(win, analyzer, learned);
}

/// Like `enrich`, and returns the terms the win's words teach the learned
/// counts (`analyze::learning_terms`), read once for both: an import
/// hands them to `Import::add_taught`.
pub fn enrich_teaching(win: &mut NewWin, analyzer: &Analyzer, learned: &Learned) -> Vec<String> {
    let (metrics, suggestions, terms) = analyzer.analyse(
        &win.text,
        win.impact.as_deref(),
        win.next.as_deref(),
        learned,
    );
    win.metrics = metrics;
    measure_updates(win, analyzer);
    win.suggestions = suggestions;
    if win.competency_source == CompetencySource::User && !win.competencies.is_empty() {
        win.competency_unsure = false;
        return terms;
    }
    match win.suggestions.first() {
        Some(top) if top.evidence >= INFER_THRESHOLD => {
            win.competencies = vec![top.key.clone()];
            win.competency_source = CompetencySource::Inferred;
            win.competency_unsure = analyzer.calibration().unsure(&win.suggestions);
        }
        _ => {
            win.competencies.clear();
            win.competency_source = CompetencySource::None;
            win.competency_unsure = false;
        }
    }
    terms
}

/// The win's metrics: its text, its impact, and every outcome recorded
/// later, which counts like the first note (the latest impact is the win's
/// own). Competencies are left as they are: an update is not a relabelling.
pub fn measure(win: &mut NewWin, analyzer: &Analyzer) {
    win.metrics = analyzer.metrics(&win.text, win.impact.as_deref());
    measure_updates(win, analyzer);
}

/// Adds the metrics of the outcomes recorded later (see `measure`).
fn measure_updates(win: &mut NewWin, analyzer: &Analyzer) {
    for update in &win.updates {
        for field in [update.text.as_deref(), update.impact.as_deref()]
            .into_iter()
            .flatten()
        {
            if Some(field) != win.impact.as_deref() {
                win.metrics.extend(analyzer.metrics(field, None));
            }
        }
    }
}

/// Records become wins: names resolved to keys, analysis added when the
/// record did not bring it (only then is the analyser built).
pub struct RecordConverter<'f> {
    framework: &'f Framework,
    files: UserFiles,
    analyzer: Option<Analyzer>,
    keys: HashMap<String, String>,
    now: DateTime<FixedOffset>,
}

impl<'f> RecordConverter<'f> {
    pub fn new(
        framework: &'f Framework,
        files: UserFiles,
        now: DateTime<FixedOffset>,
    ) -> RecordConverter<'f> {
        RecordConverter {
            framework,
            files,
            analyzer: None,
            keys: HashMap::new(),
            now,
        }
    }

    /// The record as a win, and when it was analysed here or the user
    /// labelled it, the terms its words teach the learned counts (for
    /// `Import::add_taught`).
    pub fn convert(&mut self, record: WinRecord) -> Result<(NewWin, Option<Vec<String>>)> {
        let analysed = record.has_analysis();
        let mut win = record.into_new(self.now)?;
        limits::check_win(&win)?;
        dates::check_imported(win.occurred_at, self.now)?;
        for update in &win.updates {
            limits::check_update(update)?;
            dates::check_imported(update.at, self.now)?;
        }
        // Names typed by hand ("MLOps", an alias) become keys; unknown keys
        // from another framework are kept and land under "Other".
        for key in &mut win.competencies {
            let framework = self.framework;
            let resolved = self.keys.entry(key.clone()).or_insert_with(|| {
                framework
                    .resolve(key)
                    .map_or_else(|| key.clone(), |c| c.key.clone())
            });
            key.clone_from(resolved);
        }
        if !analysed {
            if win.competency_source == CompetencySource::None && !win.competencies.is_empty() {
                win.competency_source = CompetencySource::User;
            }
            if self.analyzer.is_none() {
                self.analyzer = Some(Analyzer::new(self.framework, &self.files)?);
            }
            if let Some(analyzer) = &self.analyzer {
                let terms = enrich_teaching(&mut win, analyzer, &Learned::default());
                return Ok((win, Some(terms)));
            }
        }
        // A win the user labelled teaches its words: they are read here,
        // on the converter's thread, not by the one that writes.
        let terms = (win.competency_source == CompetencySource::User).then(|| {
            crate::analyze::learning_terms(&win.text, win.impact.as_deref(), win.next.as_deref())
        });
        Ok((win, terms))
    }
}

/// What came back from `$EDITOR`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EditedWin {
    pub text: String,
    pub impact: Option<String>,
    pub next: Option<String>,
}

const BUFFER_HELP: &str = "\
# Write what you did above. Lines starting with \"Impact:\" and \"Next:\"
# hold the impact it had and what comes next (they may run over several
# lines). Lines starting with '#' are ignored; an empty text aborts.
# A line starting with \\ is kept as written, without the \\.";

/// Whether a line of a field's value would be read as something else in
/// the buffer (a comment, a field's start, or an escaped line).
fn needs_escape(line: &str) -> bool {
    let start = line.trim_start();
    let lower = start.to_lowercase();
    start.starts_with(['#', '\\']) || lower.starts_with("impact:") || lower.starts_with("next:")
}

/// A field's value for the buffer: a line that would be read as a comment
/// or a field's start gets a leading `\`, which [`parse_editor_buffer`]
/// removes, so any stored text comes back as it was (a "#412 merged" line
/// was dropped, and the edit then seen as a conflict, forever).
fn escaped(value: &str, after_label: bool) -> String {
    value
        .split('\n')
        .enumerate()
        .map(|(number, line)| {
            // A label's own line is read as its value whatever it holds.
            if needs_escape(line) && !(after_label && number == 0) {
                format!("\\{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The buffer `$EDITOR` opens, like a git commit message.
pub fn editor_buffer(text: &str, impact: Option<&str>, next: Option<&str>) -> String {
    format!(
        "{}\n\nImpact: {}\nNext: {}\n\n{BUFFER_HELP}\n",
        escaped(text, false),
        escaped(impact.unwrap_or(""), true),
        escaped(next.unwrap_or(""), true)
    )
}

/// Reads the buffer back: comments dropped, fields split out.
pub fn parse_editor_buffer(buffer: &str) -> EditedWin {
    enum Field {
        Text,
        Impact,
        Next,
    }
    let mut field = Field::Text;
    let (mut text, mut impact, mut next) = (Vec::new(), Vec::new(), Vec::new());
    for line in buffer.lines() {
        // Escaped (see `editor_buffer`): the rest of the line, as it is.
        if let Some(literal) = line.strip_prefix('\\') {
            match field {
                Field::Text => text.push(literal),
                Field::Impact => impact.push(literal),
                Field::Next => next.push(literal),
            }
            continue;
        }
        if line.trim_start().starts_with('#') {
            continue;
        }
        let lower = line.trim_start().to_lowercase();
        let rest = if lower.starts_with("impact:") {
            field = Field::Impact;
            &line.trim_start()["impact:".len()..]
        } else if lower.starts_with("next:") {
            field = Field::Next;
            &line.trim_start()["next:".len()..]
        } else {
            line
        };
        match field {
            Field::Text => text.push(rest),
            Field::Impact => impact.push(rest),
            Field::Next => next.push(rest),
        }
    }
    let join = |lines: Vec<&str>| lines.join("\n").trim().to_string();
    let optional = |value: String| (!value.is_empty()).then_some(value);
    EditedWin {
        text: join(text),
        impact: optional(join(impact)),
        next: optional(join(next)),
    }
}

/// Folds what was saved in `$EDITOR` into the win as it is now, field by
/// field: `opened` is what the editor showed, `saved` what came back, and
/// `current` the win as stored at the moment of writing. A field the user
/// left alone keeps whatever it holds now (another command may have changed
/// it while the editor was open); one the user changed takes the new value,
/// unless another command changed it too, which is a conflict: the error
/// names the field and nothing is written.
pub fn merge_edited(
    id: i64,
    opened: &EditedWin,
    saved: EditedWin,
    current: &mut NewWin,
) -> Result<()> {
    fn field<T: PartialEq>(
        id: i64,
        name: &str,
        opened: &T,
        saved: T,
        current: &mut T,
    ) -> Result<()> {
        if saved == *opened || saved == *current {
            return Ok(());
        }
        if *current != *opened {
            bail!("win #{id}'s {name} was changed by another command while the editor was open; nothing was saved (run `win edit {id}` again to edit it as it is now)");
        }
        *current = saved;
        Ok(())
    }
    let mut text = current.text.clone();
    let mut impact = current.impact.clone();
    let mut next = current.next.clone();
    field(id, "text", &opened.text, saved.text, &mut text)?;
    field(id, "impact", &opened.impact, saved.impact, &mut impact)?;
    field(id, "next", &opened.next, saved.next, &mut next)?;
    current.text = text;
    current.impact = impact;
    current.next = next;
    Ok(())
}

/// The repository a proposal of `win mine` came from.
pub struct MinedFrom<'a> {
    /// Its folder.
    pub root: &'a str,
    /// Its remote, without credentials.
    pub remote: Option<&'a str>,
    /// Its short name: the win's project.
    pub name: &'a str,
    /// Its first commit: half of each proposal's uid.
    pub first_commit: &'a str,
}

/// A piece of work `win mine` found, as a win waiting in the inbox: written
/// as the note it proposes, dated by its last commit, with where it came
/// from, its numbers read and its competency inferred like a capture's.
pub fn mined(
    proposal: &crate::analyze::mine::Proposal,
    from: &MinedFrom<'_>,
    now: DateTime<FixedOffset>,
    analyzer: &Analyzer,
    learned: &Learned,
) -> NewWin {
    use crate::analyze::mine::Work;
    use crate::domain::gitlog::{pull_request_page, web_page};
    use crate::domain::win::{mined_uid, Kind, Provenance, Status, GIT_SOURCE};

    let mut win = NewWin::new(proposal.text.clone(), now);
    win.uid = mined_uid(from.first_commit, &proposal.key);
    win.occurred_at = proposal.occurred_at;
    win.status = Status::Proposed;
    win.project = Some(from.name.to_string());
    win.kind = match proposal.work {
        Work::PullRequest { .. } | Work::Release { .. } => Kind::Shipped,
        Work::Commit => Kind::Other,
    };
    if let (
        Work::PullRequest {
            number: Some(number),
            ..
        },
        Some(page),
    ) = (&proposal.work, from.remote.and_then(web_page))
    {
        win.links = vec![pull_request_page(&page, *number)];
    }
    win.provenance = Some(Provenance {
        source: GIT_SOURCE.to_string(),
        client: None,
        why: Some(proposal.why.clone()),
        repository: Some(from.root.to_string()),
        remote: from.remote.map(str::to_string),
        commits: proposal.commits.clone(),
    });
    enrich(&mut win, analyzer, learned);
    win
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terms_an_import_counts_are_the_ones_its_analysis_read() {
        let catalog = crate::domain::framework::Catalog::builtin();
        let framework = catalog
            .get(crate::domain::framework::DEFAULT_FRAMEWORK)
            .unwrap();
        let analyzer = Analyzer::new(framework, &UserFiles::default()).unwrap();
        let mut win = NewWin::new(
            "Cut p99 latency of the ranking service from 240ms to 80ms".into(),
            chrono::DateTime::UNIX_EPOCH.fixed_offset(),
        );
        win.impact = Some("support tickets -40%".into());
        win.next = Some("roll the batching out to search".into());
        let terms = enrich_teaching(&mut win, &analyzer, &Learned::default());
        assert!(!terms.is_empty());
        assert_eq!(
            terms,
            crate::analyze::learning_terms(&win.text, win.impact.as_deref(), win.next.as_deref())
        );
        assert!(!win.suggestions.is_empty() && !win.metrics.is_empty());
    }

    #[test]
    fn a_note_analysed_at_once_gets_what_each_analysis_gives() {
        // `Analyzer::analyse` splits a note's words once for its metrics,
        // suggestions and terms: each is what the analysis alone gives.
        let catalog = crate::domain::framework::Catalog::builtin();
        let framework = catalog
            .get(crate::domain::framework::DEFAULT_FRAMEWORK)
            .unwrap();
        let analyzer = Analyzer::new(framework, &UserFiles::default()).unwrap();
        let text = "Cut p99 latency of the ranking service from 240ms to 80ms, saving $1.2M a year";
        for (text, impact, next) in [
            (text, None, None),
            (text, Some("support tickets -40%"), None),
            (
                "mentored two juniors through their first launch",
                None,
                Some("write the RFC"),
            ),
            ("Réduit la latence de 30% en deux semaines", None, None),
        ] {
            let learned = Learned::default();
            let (metrics, suggestions, terms) = analyzer.analyse(text, impact, next, &learned);
            assert_eq!(metrics, analyzer.metrics(text, impact), "{text}");
            let (alone, taught) = analyzer.suggest_teaching(text, impact, next, &learned);
            assert_eq!((suggestions, terms), (alone, taught), "{text}");
        }
        let (metrics, suggestions, terms) = analyzer.analyse(text, None, None, &Learned::default());
        assert!(!metrics.is_empty() && !suggestions.is_empty() && !terms.is_empty());
    }

    #[test]
    fn the_editor_buffer_gives_back_any_stored_text() {
        let cases = [
            ("shipped the ranker\n#412 merged", Some("ctr +3%"), None),
            (
                "Impact: big\nnext: later",
                Some("a\n# b\nNext: c"),
                Some("\\x\n  #y"),
            ),
            ("plain", None, Some("one")),
            ("x", Some("#1 priority\n#2"), Some("\\y")),
            ("\\", None, None),
        ];
        for (text, impact, next) in cases {
            let parsed = parse_editor_buffer(&editor_buffer(text, impact, next));
            assert_eq!(
                parsed,
                EditedWin {
                    text: text.to_string(),
                    impact: impact.map(str::to_string),
                    next: next.map(str::to_string),
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_editor_save_merges_with_changes_made_meanwhile() {
        let opened = EditedWin {
            text: "cut p99".into(),
            impact: None,
            next: Some("try LTR".into()),
        };
        let mut current = NewWin::new(
            "cut p99".into(),
            chrono::DateTime::UNIX_EPOCH.fixed_offset(),
        );
        current.impact = Some("tickets -40%".into());
        current.next = Some("try LTR".into());
        // The user rewrote the text; another command set the impact: both stay.
        let mut saved = opened.clone();
        saved.text = "cut p99 latency by batching".into();
        merge_edited(1, &opened, saved, &mut current).unwrap();
        assert_eq!(current.text, "cut p99 latency by batching");
        assert_eq!(current.impact.as_deref(), Some("tickets -40%"));
        // Both changed the impact, differently: refused, nothing changed.
        let before = current.clone();
        let opened = EditedWin {
            text: current.text.clone(),
            impact: None,
            next: current.next.clone(),
        };
        let mut saved = opened.clone();
        saved.impact = Some("CTR +3%".into());
        let err = merge_edited(1, &opened, saved, &mut current).unwrap_err();
        assert!(err.to_string().contains("impact was changed"), "{err}");
        assert_eq!(current, before);
    }

    #[test]
    fn editor_buffer_round_trips() {
        let buffer = editor_buffer("cut p99\nby batching", Some("fewer tickets"), None);
        let parsed = parse_editor_buffer(&buffer);
        assert_eq!(parsed.text, "cut p99\nby batching");
        assert_eq!(parsed.impact.as_deref(), Some("fewer tickets"));
        assert_eq!(parsed.next, None);
    }

    #[test]
    fn comments_are_dropped_and_fields_span_lines() {
        let parsed = parse_editor_buffer("# header\nshipped it\nimpact: a\n  b\n# note\nNEXT: c\n");
        assert_eq!(
            parsed,
            EditedWin {
                text: "shipped it".into(),
                impact: Some("a\n  b".into()),
                next: Some("c".into())
            }
        );
        assert_eq!(parse_editor_buffer("# only comments\n\n").text, "");
    }
}
