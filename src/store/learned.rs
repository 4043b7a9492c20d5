//! What the user's own labelled wins teach competency inference: for each
//! term of those wins, how many of them with each first competency have it,
//! and the newest few ids ("like #12, #40"). Only wins whose competency the
//! user chose count (`competency_source = 'user'`); inferred ones never do,
//! nor do wins an agent proposed until the user accepts them.
//! The counts change in the same transaction as the wins they come from:
//! adding, editing and deleting a win, and imports (tallied in memory and
//! written once).

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};

use crate::analyze::{learning_fingerprint, learning_terms, Learned, LearnedTerm, LearnedTotal};
use crate::domain::win::{CompetencySource, NewWin, Status};

/// How many example wins a term keeps per competency.
const EXAMPLES: usize = 3;

/// What one win teaches: its first competency and its terms.
struct Lesson {
    competency: String,
    terms: Vec<String>,
}

/// What a new win teaches, if anything; `terms` are its learning terms
/// when the caller already has them (an import's analysis read them).
fn lesson(win: &NewWin, terms: Option<Vec<String>>) -> Option<Lesson> {
    if win.competency_source != CompetencySource::User || win.status != Status::Accepted {
        return None;
    }
    let competency = win.competencies.first()?.clone();
    Some(Lesson {
        competency,
        terms: terms.unwrap_or_else(|| {
            learning_terms(&win.text, win.impact.as_deref(), win.next.as_deref())
        }),
    })
}

/// A stored win's text, impact, next, competency source and first competency.
type LessonRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The lesson a stored win taught, read back from its row.
fn stored_lesson(tx: &Connection, id: i64) -> Result<Option<Lesson>> {
    let row: Option<LessonRow> = tx
        .prepare_cached(
            "SELECT w.text, w.impact, w.next, w.competency_source || w.status,
                    (SELECT c.key FROM win_competencies wc JOIN competencies c ON c.id = wc.competency_id
                     WHERE wc.win_id = w.id ORDER BY wc.position LIMIT 1)
             FROM wins w WHERE w.id = ?1",
        )?
        .query_row([id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
        })
        .optional()?;
    let Some((text, impact, next, source, Some(competency))) = row else {
        return Ok(None);
    };
    // The source and the status, read as one: only an accepted win the
    // user labelled taught anything.
    if source
        != format!(
            "{}{}",
            CompetencySource::User.as_str(),
            Status::Accepted.as_str()
        )
    {
        return Ok(None);
    }
    Ok(Some(Lesson {
        competency,
        terms: learning_terms(&text, impact.as_deref(), next.as_deref()),
    }))
}

/// Makes the counts again if they were made with other features (a build
/// with other stop words or feature rules), so that taking a lesson back
/// takes back exactly what was taught.
/// Runs before a win is written (an import: before anything is, since its
/// tally is written at the end), so a rebuild never counts it twice.
pub fn ensure_current(tx: &Connection) -> Result<()> {
    let made_with: Option<String> = tx
        .prepare_cached("SELECT value FROM learned_meta WHERE key = 'features'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    if made_with.as_deref() != Some(learning_fingerprint().as_str()) {
        rebuild(tx)?;
    }
    Ok(())
}

/// Counts a newly stored win; `ensure_current` (or `forget`) ran before
/// the win was written.
pub fn learn(tx: &Connection, id: i64, win: &NewWin) -> Result<()> {
    match lesson(win, None) {
        Some(lesson) => learn_lesson(tx, id, &lesson),
        None => Ok(()),
    }
}

/// Counts a stored win as its row now reads (after a change made in SQL).
pub fn learn_stored(tx: &Connection, id: i64) -> Result<()> {
    match stored_lesson(tx, id)? {
        Some(lesson) => learn_lesson(tx, id, &lesson),
        None => Ok(()),
    }
}

fn learn_lesson(tx: &Connection, id: i64, lesson: &Lesson) -> Result<()> {
    for term in &lesson.terms {
        let examples: Option<String> = tx
            .prepare_cached(
                "SELECT examples FROM learned_terms WHERE term = ?1 AND competency = ?2",
            )?
            .query_row(params![term, lesson.competency], |row| row.get(0))
            .optional()?;
        let examples = push_example(examples.as_deref().unwrap_or(""), id);
        tx.prepare_cached(
            "INSERT INTO learned_terms (term, competency, wins, examples) VALUES (?1, ?2, 1, ?3)
             ON CONFLICT (term, competency) DO UPDATE SET wins = wins + 1, examples = excluded.examples",
        )?
        .execute(params![term, lesson.competency, examples])?;
    }
    add_total(tx, &lesson.competency, 1, lesson.terms.len() as i64)
}

/// Takes back what a stored win taught, before it is changed or deleted.
pub fn forget(tx: &Connection, id: i64) -> Result<()> {
    ensure_current(tx)?;
    let Some(lesson) = stored_lesson(tx, id)? else {
        return Ok(());
    };
    for term in &lesson.terms {
        let examples: Option<String> = tx
            .prepare_cached(
                "SELECT examples FROM learned_terms WHERE term = ?1 AND competency = ?2",
            )?
            .query_row(params![term, lesson.competency], |row| row.get(0))
            .optional()?;
        let Some(examples) = examples else {
            continue;
        };
        let kept: Vec<&str> = examples
            .split(' ')
            .filter(|e| !e.is_empty() && *e != id.to_string())
            .collect();
        tx.prepare_cached(
            "UPDATE learned_terms SET wins = wins - 1, examples = ?3 WHERE term = ?1 AND competency = ?2",
        )?
        .execute(params![term, lesson.competency, kept.join(" ")])?;
    }
    tx.prepare_cached(
        "DELETE FROM learned_terms WHERE wins <= 0 AND term IN (SELECT value FROM json_each(?1))",
    )?
    .execute([serde_json::to_string(&lesson.terms)?])?;
    add_total(tx, &lesson.competency, -1, -(lesson.terms.len() as i64))
}

fn add_total(tx: &Connection, competency: &str, wins: i64, terms: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO learned_competencies (competency, wins, terms) VALUES (?1, ?2, ?3)
         ON CONFLICT (competency) DO UPDATE SET wins = wins + excluded.wins, terms = terms + excluded.terms",
    )?
    .execute(params![competency, wins, terms])?;
    tx.prepare_cached("DELETE FROM learned_competencies WHERE competency = ?1 AND wins <= 0")?
        .execute([competency])?;
    Ok(())
}

/// The newest ids first, at most `EXAMPLES`.
fn push_example(examples: &str, id: i64) -> String {
    let mut ids = vec![id.to_string()];
    ids.extend(
        examples
            .split(' ')
            .filter(|e| !e.is_empty() && *e != id.to_string())
            .map(str::to_string),
    );
    ids.truncate(EXAMPLES);
    ids.join(" ")
}

/// Lessons of many new wins, counted in memory and written at once (an
/// import adds a million wins; a statement per term would dominate it).
#[derive(Default)]
pub struct Tally {
    /// By competency: what its wins taught. A term is counted under its
    /// competency's entry, so counting it copies neither name.
    by_competency: HashMap<String, Taught>,
}

/// What the wins of one competency taught: how many wins, how many terms
/// in all, and per term its wins and newest ids (by a fast hash: an import
/// counts every term of every labelled win).
#[derive(Default)]
struct Taught {
    wins: i64,
    terms: i64,
    by_term: rustc_hash::FxHashMap<String, (i64, Vec<i64>)>,
}

impl Tally {
    /// Counts what a new win teaches; `terms` are its learning terms when
    /// the caller has them (see `analyze::learning_terms`).
    pub fn add(&mut self, id: i64, win: &NewWin, terms: Option<Vec<String>>) {
        if let Some(lesson) = lesson(win, terms) {
            self.count(id, lesson);
        }
    }

    fn count(&mut self, id: i64, lesson: Lesson) {
        let taught = self.by_competency.entry(lesson.competency).or_default();
        taught.wins += 1;
        taught.terms += lesson.terms.len() as i64;
        for term in lesson.terms {
            let entry = taught.by_term.entry(term).or_default();
            entry.0 += 1;
            // Ids only grow within an import: keep the newest.
            entry.1.push(id);
            if entry.1.len() > EXAMPLES {
                entry.1.remove(0);
            }
        }
    }

    pub fn write(&mut self, tx: &Connection) -> Result<()> {
        for (competency, taught) in self.by_competency.drain() {
            for (term, (wins, ids)) in taught.by_term {
                let examples: Option<String> = tx
                    .prepare_cached(
                        "SELECT examples FROM learned_terms WHERE term = ?1 AND competency = ?2",
                    )?
                    .query_row(params![term, competency], |row| row.get(0))
                    .optional()?;
                let mut merged = examples.unwrap_or_default();
                for id in ids {
                    merged = push_example(&merged, id);
                }
                tx.prepare_cached(
                    "INSERT INTO learned_terms (term, competency, wins, examples) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (term, competency) DO UPDATE SET wins = wins + excluded.wins, examples = excluded.examples",
                )?
                .execute(params![term, competency, wins, merged])?;
            }
            add_total(tx, &competency, taught.wins, taught.terms)?;
        }
        Ok(())
    }
}

/// Counts every labelled win again from scratch (a journal from before
/// learning existed).
pub fn rebuild(tx: &Connection) -> Result<()> {
    tx.execute_batch("DELETE FROM learned_terms; DELETE FROM learned_competencies;")?;
    tx.execute(
        "INSERT INTO learned_meta (key, value) VALUES ('features', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [learning_fingerprint()],
    )?;
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM wins WHERE competency_source = 'user' ORDER BY id")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tally = Tally::default();
    for id in ids {
        if let Some(lesson) = stored_lesson(tx, id)? {
            tally.count(id, lesson);
        }
    }
    tally.write(tx)
}

/// What the labelled wins say about these terms.
pub fn lookup(conn: &Connection, terms: &[String]) -> Result<Learned> {
    let mut learned = Learned::default();
    let mut totals =
        conn.prepare_cached("SELECT competency, wins, terms FROM learned_competencies")?;
    let rows = totals.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            LearnedTotal {
                wins: row.get(1)?,
                terms: row.get(2)?,
            },
        ))
    })?;
    for row in rows {
        let (competency, total) = row?;
        learned.totals.insert(competency, total);
    }
    if learned.totals.is_empty() || terms.is_empty() {
        return Ok(learned);
    }
    let mut found = conn.prepare_cached(
        "SELECT term, competency, wins, examples FROM learned_terms
         WHERE term IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = found.query_map([serde_json::to_string(terms).unwrap_or_default()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (term, competency, wins, examples) = row?;
        learned.terms.entry(term).or_default().push(LearnedTerm {
            competency,
            wins,
            examples: examples
                .split(' ')
                .filter_map(|id| id.parse().ok())
                .collect(),
        });
    }
    Ok(learned)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::super::Store;
    use crate::analyze::learning_terms;
    use crate::domain::win::{CompetencySource, NewWin};

    fn win(text: &str, competency: &str, source: CompetencySource) -> NewWin {
        let now = DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap();
        let mut win = NewWin::new(text.to_string(), now);
        win.competencies = vec![competency.to_string()];
        win.competency_source = source;
        win
    }

    /// (competency, wins, examples) of one term.
    fn taught(store: &Store, term: &str) -> Vec<(String, i64, Vec<i64>)> {
        let learned = store.learned(&[term.to_string()]).unwrap();
        let mut rows: Vec<_> = learned
            .terms
            .get(term)
            .into_iter()
            .flatten()
            .map(|row| (row.competency.clone(), row.wins, row.examples.clone()))
            .collect();
        rows.sort();
        rows
    }

    fn stem(word: &str) -> String {
        learning_terms(word, None, None).remove(0)
    }

    #[test]
    fn only_wins_the_user_labelled_teach() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .insert(&win(
                "kestrel retrained",
                "model-development",
                CompetencySource::User,
            ))
            .unwrap();
        store
            .insert(&win(
                "kestrel deployed",
                "mlops",
                CompetencySource::Inferred,
            ))
            .unwrap();
        store
            .insert(&win(
                "kestrel again",
                "model-development",
                CompetencySource::User,
            ))
            .unwrap();
        let kestrel = stem("kestrel");
        assert_eq!(
            taught(&store, &kestrel),
            vec![("model-development".into(), 2, vec![3, 1])]
        );
        let learned = store.learned(&[kestrel]).unwrap();
        assert_eq!(learned.totals["model-development"].wins, 2);
        assert!(!learned.totals.contains_key("mlops"));
    }

    #[test]
    fn editing_and_deleting_a_win_change_what_was_learned() {
        let mut store = Store::open_in_memory().unwrap();
        let first = store
            .insert(&win("tollgate failover", "mlops", CompetencySource::User))
            .unwrap();
        store
            .insert(&win("tollgate canary", "mlops", CompetencySource::User))
            .unwrap();
        let tollgate = stem("tollgate");
        assert_eq!(
            taught(&store, &tollgate),
            vec![("mlops".into(), 2, vec![2, 1])]
        );

        // A corrected competency moves the lesson.
        let mut corrected = first.clone();
        corrected.competencies = vec!["leadership".into()];
        store.replace(&corrected).unwrap();
        assert_eq!(
            taught(&store, &tollgate),
            vec![
                ("leadership".into(), 1, vec![1]),
                ("mlops".into(), 1, vec![2])
            ]
        );
        // New words replace the old ones.
        let mut reworded = store.require(1).unwrap();
        reworded.text = "guild talk".into();
        store.replace(&reworded).unwrap();
        assert_eq!(
            taught(&store, &tollgate),
            vec![("mlops".into(), 1, vec![2])]
        );
        assert_eq!(
            taught(&store, &stem("guild")),
            vec![("leadership".into(), 1, vec![1])]
        );

        store.delete(&[1, 2]).unwrap();
        assert!(taught(&store, &tollgate).is_empty());
        assert!(store.learned(&[tollgate]).unwrap().totals.is_empty());
    }

    #[test]
    fn an_import_learns_what_single_captures_would() {
        let notes = [
            ("ledgerline backfill", "data"),
            ("ledgerline dedup", "data"),
            ("flight 112 readout", "experimentation"),
            ("ledgerline guild talk", "leadership"),
        ];
        let mut one_by_one = Store::open_in_memory().unwrap();
        let mut imported = Store::open_in_memory().unwrap();
        let wins: Vec<NewWin> = notes
            .iter()
            .map(|(text, key)| win(text, key, CompetencySource::User))
            .collect();
        for win in &wins {
            one_by_one.insert(win).unwrap();
        }
        imported.insert_many(&wins).unwrap();
        for word in ["ledgerline", "flight", "readout", "guild"] {
            assert_eq!(
                taught(&one_by_one, &stem(word)),
                taught(&imported, &stem(word)),
                "{word}"
            );
        }
        // Counting again from scratch (a migrated journal) agrees too.
        imported.write(|tx| super::rebuild(tx)).unwrap();
        assert_eq!(
            taught(&one_by_one, &stem("ledgerline")),
            taught(&imported, &stem("ledgerline"))
        );
        assert_eq!(
            taught(&imported, &stem("ledgerline")),
            vec![
                ("data".into(), 2, vec![2, 1]),
                ("leadership".into(), 1, vec![4])
            ]
        );
    }

    #[test]
    fn a_journal_from_before_learning_counts_its_labelled_wins_when_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wins.db");
        {
            let mut store = Store::open(&path).unwrap();
            store
                .insert(&win(
                    "kestrel retrained",
                    "model-development",
                    CompetencySource::User,
                ))
                .unwrap();
            store
                .insert(&win("kestrel shadow", "mlops", CompetencySource::Inferred))
                .unwrap();
            // As a journal of the schema before learning: no learned tables,
            // nor what later migrations (0008, provenance; 0009, what the
            // journal knows of its sync; 0014, its tags; 0016, what it
            // found of other devices) added.
            store
                .conn
                .execute_batch(&format!(
                    "DROP TABLE learned_terms; DROP TABLE learned_competencies; DROP TABLE learned_meta;
                     DROP INDEX wins_proposed; ALTER TABLE wins DROP COLUMN status;
                     ALTER TABLE wins DROP COLUMN origin; ALTER TABLE wins DROP COLUMN origin_client;
                     ALTER TABLE wins DROP COLUMN origin_why;
                     ALTER TABLE sync_device DROP COLUMN encrypted;
                     ALTER TABLE sync_device DROP COLUMN published_seq;
                     ALTER TABLE sync_device DROP COLUMN authenticated;
                     ALTER TABLE sync_device DROP COLUMN vouchers;
                     ALTER TABLE sync_peers DROP COLUMN seen_seq; PRAGMA user_version = {};",
                    super::super::open::LEARNED_SINCE - 1
                ))
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(
            taught(&store, &stem("kestrel")),
            vec![("model-development".into(), 1, vec![1])]
        );
    }

    #[test]
    fn an_update_with_a_new_impact_relearns_the_win() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .insert(&win("tollgate failover", "mlops", CompetencySource::User))
            .unwrap();
        let update = crate::domain::win::Update {
            at: DateTime::parse_from_rfc3339("2026-11-22T10:00:00+01:00").unwrap(),
            stage: None,
            text: None,
            impact: Some("kestrel latency halved".into()),
            next: None,
        };
        store.add_update(1, &update, |_| Ok(())).unwrap();
        assert_eq!(
            taught(&store, &stem("kestrel")),
            vec![("mlops".into(), 1, vec![1])]
        );
        assert_eq!(
            taught(&store, &stem("tollgate")),
            vec![("mlops".into(), 1, vec![1])]
        );
        // Deleting it takes back exactly what it taught, the impact included.
        store.delete(&[1]).unwrap();
        assert!(taught(&store, &stem("kestrel")).is_empty());
        assert!(store
            .learned(&[stem("tollgate")])
            .unwrap()
            .totals
            .is_empty());
    }

    #[test]
    fn counts_made_with_other_features_are_made_again() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .insert(&win("tollgate failover", "mlops", CompetencySource::User))
            .unwrap();
        // As a build with other stop words would have left them.
        store
            .conn
            .execute_batch(
                "UPDATE learned_meta SET value = 'older'; DELETE FROM learned_terms;
                 INSERT INTO learned_terms VALUES ('stale', 'mlops', 7, '1');",
            )
            .unwrap();
        store.delete(&[1]).unwrap();
        assert!(taught(&store, "stale").is_empty());
        assert!(store
            .learned(&[stem("tollgate")])
            .unwrap()
            .totals
            .is_empty());
    }
}
