use super::*;
use crate::domain::filter::WinFilter;
use crate::domain::win::{Kind, NewWin, Role, Stage, Update};
use chrono::{DateTime, Duration, FixedOffset};

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap()
}

fn win(text: &str, days_ago: i64) -> NewWin {
    let mut win = NewWin::new(text.to_string(), now() - Duration::days(days_ago));
    win.competencies = vec!["mlops".into()];
    win.competency_source = crate::domain::win::CompetencySource::User;
    win.tags = vec!["a".into(), "b".into()];
    win
}

#[test]
fn insert_get_replace_delete() {
    let mut store = Store::open_in_memory().unwrap();
    let stored = store.insert(&win("first", 3)).unwrap();
    assert_eq!(stored.id, 1);
    assert_eq!(store.get(1).unwrap().unwrap(), stored);
    let saved = store
        .edit(1, |win, _| {
            win.text = "first, edited".into();
            win.tags = vec!["c".into()];
            win.kind = Kind::Shipped;
            win.role = Some(Role::Led);
            Ok(())
        })
        .unwrap();
    assert_eq!(saved.text, "first, edited");
    assert_eq!(saved.tags, vec!["c"]);
    assert!(
        store.delete(&[1, 2]).is_err(),
        "a missing id deletes nothing"
    );
    assert!(store.get(1).unwrap().is_some());
    assert_eq!(store.delete(&[1]).unwrap(), 1);
    assert!(store.get(1).unwrap().is_none());
}

#[test]
fn updates_carry_stage_and_impact_and_pending_follows() {
    let mut store = Store::open_in_memory().unwrap();
    let mut shipped = win("shipped it", 40);
    shipped.stage = Some(Stage::Shipped);
    store.insert(&shipped).unwrap();
    assert_eq!(store.pending(now()).unwrap().len(), 1);
    let update = Update {
        at: now(),
        stage: Some(Stage::Measured),
        text: None,
        impact: Some("-40% tickets".into()),
        next: None,
    };
    let updated = store.add_update(1, &update, |_| Ok(())).unwrap();
    assert_eq!(updated.stage, Some(Stage::Measured));
    assert_eq!(updated.impact.as_deref(), Some("-40% tickets"));
    assert_eq!(updated.updates, vec![update]);
    assert!(store.pending(now()).unwrap().is_empty());
}

#[test]
fn filters_and_search() {
    let mut store = Store::open_in_memory().unwrap();
    store.insert(&win("tuned the ranker", 1)).unwrap();
    let mut other = win("wrote the migration plan", 100);
    other.competencies = vec!["leadership".into()];
    other.tags = vec!["plan".into()];
    store.insert(&other).unwrap();
    let filter = WinFilter {
        since: Some(now() - Duration::days(10)),
        ..WinFilter::default()
    };
    assert_eq!(store.list(&filter).unwrap().len(), 1);
    let filter = WinFilter {
        competencies: vec!["leadership".into()],
        ..WinFilter::default()
    };
    assert_eq!(
        store.list(&filter).unwrap()[0].text,
        "wrote the migration plan"
    );
    let filter = WinFilter {
        tags: vec!["plan".into()],
        ..WinFilter::default()
    };
    assert_eq!(store.list(&filter).unwrap().len(), 1);
    let hits = store.search("\"tuning\"", &WinFilter::default()).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.contains("tuned"));
    let hits = store.search("\"plan\"", &WinFilter::default()).unwrap();
    assert_eq!(hits.len(), 1, "tags are indexed");
}

#[test]
fn equal_scores_rank_the_first_added_first_with_or_without_a_cut() {
    let mut store = Store::open_in_memory().unwrap();
    // Same length, same word: equal bm25 scores. Dates out of id order.
    for (index, days_ago) in [5, 1, 9, 3, 7].into_iter().enumerate() {
        store
            .insert(&win(&format!("shipped widget {index}"), days_ago))
            .unwrap();
    }
    let mut proposed = win("shipped widget x", 0);
    proposed.status = crate::domain::win::Status::Proposed;
    store.insert(&proposed).unwrap();
    let ids = |filter: &WinFilter| -> Vec<i64> {
        let hits = store.search("\"widget\"", filter).unwrap();
        let brief = store.search_brief("\"widget\"", filter).unwrap();
        let ids: Vec<i64> = hits.iter().map(|hit| hit.win.id).collect();
        assert_eq!(brief.iter().map(|hit| hit.id).collect::<Vec<_>>(), ids);
        ids
    };
    assert_eq!(ids(&WinFilter::default()), [1, 2, 3, 4, 5]);
    let cut = WinFilter {
        limit: Some(3),
        ..WinFilter::default()
    };
    assert_eq!(ids(&cut), [1, 2, 3]);
    let inbox = WinFilter {
        status: crate::domain::filter::StatusFilter::Proposed,
        ..WinFilter::default()
    };
    assert_eq!(ids(&inbox), [6]);
    let both = WinFilter {
        status: crate::domain::filter::StatusFilter::Any,
        limit: Some(2),
        ..WinFilter::default()
    };
    assert_eq!(ids(&both), [1, 2]);
    // A filter on the win's row: ranked among the wins it keeps.
    let recent = WinFilter {
        since: Some(now() - Duration::days(6)),
        limit: Some(2),
        ..WinFilter::default()
    };
    assert_eq!(ids(&recent), [1, 2]);
}

/// Pages this connection read from disk since the last call.
fn pages_read(conn: &rusqlite::Connection) -> i32 {
    let (mut current, mut highest) = (0, 0);
    // SAFETY: the handle is this open connection's; the two out-pointers
    // are locals that outlive the call.
    let code = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_MISS,
            &raw mut current,
            &raw mut highest,
            1,
        )
    };
    assert_eq!(code, rusqlite::ffi::SQLITE_OK);
    current
}

#[test]
fn a_common_word_is_ranked_without_reading_every_matching_win() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let filler = "with notes long enough to fill the pages of the journal ".repeat(6);
    let wins: Vec<NewWin> = (0..3000)
        .map(|i| win(&format!("migrated service {i} {filler}"), i % 900))
        .collect();
    Store::open(&path).unwrap().insert_many(&wins).unwrap();
    let top = WinFilter {
        limit: Some(20),
        ..WinFilter::default()
    };

    let store = Store::open(&path).unwrap();
    pages_read(&store.conn);
    assert_eq!(store.search_brief("\"migrated\"", &top).unwrap().len(), 20);
    let search = pages_read(&store.conn);

    // The floor: FTS5's own ranked query, on a connection as cold.
    let store = Store::open(&path).unwrap();
    pages_read(&store.conn);
    let floor: usize = store
        .conn
        .prepare(
            "SELECT rowid, snippet(wins_fts, -1, '[', ']', '…', 16) FROM wins_fts
             WHERE wins_fts MATCH '\"migrated\"' ORDER BY rank LIMIT 20",
        )
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert_eq!(floor, 20);
    let floor = pages_read(&store.conn);
    let journal_pages: i32 = store
        .conn
        .query_row("PRAGMA page_count", [], |row| row.get(0))
        .unwrap();
    // The 20 wins' own pages on top of the floor's, not the 3,000 wins'.
    assert!(
        search <= floor + 40,
        "search read {search} pages, the floor {floor} (the journal has {journal_pages})"
    );
}

#[test]
fn imports_are_idempotent_and_indexed_at_the_end() {
    let mut store = Store::open_in_memory().unwrap();
    let wins: Vec<NewWin> = (0..50).map(|i| win(&format!("bulk win {i}"), i)).collect();
    assert_eq!(store.insert_many(&wins).unwrap(), (50, 0));
    assert_eq!(store.insert_many(&wins).unwrap(), (0, 50));
    assert_eq!(store.count().unwrap(), 50);
    assert_eq!(
        store
            .search("\"bulk\"", &WinFilter::default())
            .unwrap()
            .len(),
        50
    );
    let rehearsal = store.import(false).unwrap();
    drop(rehearsal);
    let mut import = store.import(false).unwrap();
    import.add(&win("rehearsed only", 0)).unwrap();
    import.finish(true, || Ok(())).unwrap();
    assert_eq!(store.count().unwrap(), 50, "a dry run stores nothing");
    // Stopped at the last moment (a signal while it indexed): nothing stored.
    let mut import = store.import(false).unwrap();
    import.add(&win("stopped before its commit", 0)).unwrap();
    let stopped = import.finish(false, || Err(anyhow::anyhow!("stop")));
    assert_eq!(stopped.unwrap_err().to_string(), "stop");
    assert_eq!(
        store.count().unwrap(),
        50,
        "a stopped import stores nothing"
    );
    store.insert(&win("after the import", 0)).unwrap();
    assert_eq!(
        store
            .search("\"after\"", &WinFilter::default())
            .unwrap()
            .len(),
        1,
        "triggers are back on"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_win() -> impl Strategy<Value = NewWin> {
        (
            "\\PC{1,80}",
            proptest::option::of("\\PC{1,40}"),
            proptest::collection::vec("[a-z][a-z0-9-]{0,10}", 0..4),
            any::<bool>(),
            0i64..2000,
            proptest::option::of(prop_oneof![
                Just(Stage::Idea),
                Just(Stage::Shipped),
                Just(Stage::Adopted)
            ]),
        )
            .prop_filter("text must have words", |(text, ..)| !text.trim().is_empty())
            .prop_map(|(text, impact, tags, starred, days, stage)| {
                let mut win = NewWin::new(text.trim().to_string(), now() - Duration::days(days));
                win.impact = impact
                    .map(|i| i.trim().to_string())
                    .filter(|i| !i.is_empty());
                win.tags = crate::domain::win::normalize_tags(&tags);
                win.starred = starred;
                win.stage = stage;
                win
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// export → import into an empty journal → export gives the same records, ids aside.
        #[test]
        fn export_then_import_round_trips(wins in proptest::collection::vec(any_win(), 1..8)) {
            let mut source = Store::open_in_memory().unwrap();
            source.insert_many(&wins).unwrap();
            // Oldest first, as `win export` does, so equal times keep their order.
            let export = |store: &Store| -> Vec<serde_json::Value> {
                let mut rows = Vec::new();
                let oldest_first = WinFilter { oldest_first: true, ..WinFilter::default() };
                store.for_each_stored(&oldest_first, |win| {
                    let mut value = serde_json::to_value(&win)?;
                    value.as_object_mut().unwrap().remove("id");
                    rows.push(value);
                    Ok(())
                }).unwrap();
                rows
            };
            let exported = export(&source);
            let mut target = Store::open_in_memory().unwrap();
            let records: Vec<NewWin> = exported
                .iter()
                .map(|value| {
                    let record: crate::domain::record::WinRecord = serde_json::from_value(value.clone()).unwrap();
                    record.into_new(now()).unwrap()
                })
                .collect();
            target.insert_many(&records).unwrap();
            prop_assert_eq!(export(&target), exported);
        }
    }
}

/// Every row of the full-text index, in rowid order.
fn fts_rows(store: &Store) -> Vec<Vec<Option<String>>> {
    let mut statement = store
        .conn
        .prepare("SELECT text, impact, next, tags, project, updates FROM wins_fts ORDER BY rowid")
        .unwrap();
    let rows = statement
        .query_map([], |row| {
            (0..6)
                .map(|i| row.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

#[test]
fn an_import_indexes_exactly_what_the_triggers_index() {
    let mut wins: Vec<NewWin> = (0..6).map(|i| win(&format!("win number {i}"), i)).collect();
    wins[1].tags = vec![];
    wins[2].project = Some("ranker".into());
    wins[3].impact = Some("p99 -40%".into());
    wins[4].updates = vec![Update {
        at: now(),
        stage: Some(Stage::Measured),
        text: Some("rolled out".into()),
        impact: Some("tickets -30%".into()),
        next: None,
    }];
    let mut by_triggers = Store::open_in_memory().unwrap();
    for win in &wins {
        by_triggers.insert(win).unwrap();
    }
    let mut by_import = Store::open_in_memory().unwrap();
    by_import.insert_many(&wins).unwrap();
    let indexed = fts_rows(&by_triggers);
    assert_eq!(indexed.len(), 6);
    assert_eq!(indexed[0][3].as_deref(), Some("a b"), "tags are indexed");
    assert_eq!(
        indexed[4][5].as_deref(),
        Some("rolled out tickets -30%"),
        "the timeline is indexed"
    );
    assert_eq!(fts_rows(&by_import), indexed);
    // Replacing through an import reindexes the same way as the triggers
    // keep an edited win.
    let mut changed = wins[0].clone();
    changed.tags = vec!["z".into()];
    changed.text = "win number zero, edited".into();
    let mut import = by_import.import(true).unwrap();
    import.add(&changed).unwrap();
    import.finish(false, || Ok(())).unwrap();
    by_triggers
        .edit(1, |win, _| {
            win.tags = changed.tags.clone();
            win.text = changed.text.clone();
            Ok(())
        })
        .unwrap();
    assert_eq!(fts_rows(&by_import), fts_rows(&by_triggers));
}

#[test]
fn an_import_indexed_in_steps_indexes_what_the_triggers_index() {
    // A long import indexes its wins in steps as they come (`INDEX_EVERY`
    // in import.rs), its tags gathered in memory: each step must index
    // every win since the last with its tags and timeline, and `finish` the
    // rest, into a new journal and into one that has wins already.
    let wins: Vec<NewWin> = (0..23)
        .map(|i| {
            let mut win = win(&format!("stepped win {i}"), i);
            win.tags = vec![format!("t{}", i % 5), "common".into()];
            if i % 4 == 0 {
                win.project = Some("ranker".into());
            }
            if i % 6 == 1 {
                win.updates = vec![Update {
                    at: now(),
                    stage: Some(Stage::Measured),
                    text: Some(format!("rolled out {i}")),
                    impact: None,
                    next: None,
                }];
            }
            win
        })
        .collect();
    let first = &wins[..9];
    let mut by_triggers = Store::open_in_memory().unwrap();
    for win in &wins {
        by_triggers.insert(win).unwrap();
    }
    let indexed = fts_rows(&by_triggers);
    for step in [1, 4, 7, 100] {
        let mut by_import = Store::open_in_memory().unwrap();
        for (part, again) in [(first, 0), (&wins[..], first.len())] {
            let mut import = by_import.import(false).unwrap().index_every(step);
            for win in part {
                import.add(win).unwrap();
            }
            let added = part.len() - again;
            assert_eq!(import.finish(false, || Ok(())).unwrap(), (added, again));
        }
        assert_eq!(fts_rows(&by_import), indexed, "steps of {step}");
        by_import
            .conn
            .execute(
                "INSERT INTO wins_fts (wins_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
        assert_eq!(by_import.integrity_check().unwrap(), "ok");
    }
}
