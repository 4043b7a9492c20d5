-- 0006: a deleted win's number is never given to another win. With a plain
-- INTEGER PRIMARY KEY, SQLite numbers a new row max(id) + 1, so after
-- `win rm 4` (the newest) the next capture was #4 again, and every note,
-- script or "record the outcome of #4" line that named #4 now meant another
-- win. AUTOINCREMENT remembers the highest number ever used (in
-- sqlite_sequence) and never goes below it.
--
-- SQLite cannot add AUTOINCREMENT to a table, so `wins` is rebuilt, the
-- way SQLite documents for any change it cannot ALTER: a new table, every
-- row copied with its id, the old one dropped, the new one renamed. Ids are
-- kept, so the full-text index (rowid = id) and the rows that point at a
-- win (competencies, tags, links, updates) stay as they are. The migration
-- runner turns foreign keys off around migrations and checks them before
-- committing: with them on, dropping the old table would cascade to those
-- rows. The view and the triggers that read it are dropped first (a rename
-- checks every view and trigger, and they name `wins`, which does not
-- exist between the drop and the rename) and created again as 0004 left
-- them; the triggers on `wins` itself go with the old table and are
-- created again as 0003 and 0004 left them.

DROP TRIGGER win_tags_fts_insert;
DROP TRIGGER win_tags_fts_delete;
DROP TRIGGER updates_fts_insert;
DROP TRIGGER updates_fts_delete;
DROP VIEW wins_fts_rows;

CREATE TABLE wins_rebuilt (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    -- UUID v7: lets journals from two machines merge without duplicates.
    uid               TEXT NOT NULL UNIQUE,
    -- RFC 3339 with the user's offset, as typed; occurred_ts orders and filters.
    occurred_at       TEXT NOT NULL,
    occurred_ts       INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    text              TEXT NOT NULL,
    polished          TEXT,
    impact            TEXT,
    next              TEXT,
    kind              TEXT NOT NULL DEFAULT 'other',
    role              TEXT,
    stage             TEXT,
    starred           INTEGER NOT NULL DEFAULT 0,
    project           TEXT,
    competency_source TEXT NOT NULL DEFAULT 'none',
    -- Derived by analysis at capture time; JSON arrays, re-derivable from text.
    suggestions       TEXT NOT NULL DEFAULT '[]',
    metrics           TEXT NOT NULL DEFAULT '[]'
);

INSERT INTO wins_rebuilt (
    id, uid, occurred_at, occurred_ts, created_at, updated_at, text, polished, impact, next,
    kind, role, stage, starred, project, competency_source, suggestions, metrics
)
SELECT
    id, uid, occurred_at, occurred_ts, created_at, updated_at, text, polished, impact, next,
    kind, role, stage, starred, project, competency_source, suggestions, metrics
FROM wins ORDER BY id;

DROP TABLE wins;
ALTER TABLE wins_rebuilt RENAME TO wins;

-- Every listing is "newest first" within a date range.
CREATE INDEX wins_by_time ON wins (occurred_ts DESC, id DESC);
-- `--project` filters and pending-impact checks.
CREATE INDEX wins_by_project ON wins (project) WHERE project IS NOT NULL;
CREATE INDEX wins_by_stage ON wins (stage) WHERE stage IS NOT NULL;

CREATE VIEW wins_fts_rows (id, text, impact, next, tags, project, updates) AS
SELECT w.id, w.text, w.impact, w.next,
    coalesce((SELECT group_concat(t.name, ' ') FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
              WHERE wt.win_id = w.id), ''),
    w.project,
    coalesce((SELECT group_concat(concat_ws(' ', u.text, u.impact, u.next), ' ') FROM updates u
              WHERE u.win_id = w.id), '')
FROM wins w;

CREATE TRIGGER wins_fts_insert AFTER INSERT ON wins BEGIN
    INSERT INTO wins_fts (rowid, text, impact, next, tags, project, updates)
    SELECT id, text, impact, next, tags, project, updates FROM wins_fts_rows WHERE id = new.id;
END;

CREATE TRIGGER wins_fts_update AFTER UPDATE OF text, impact, next, project ON wins BEGIN
    UPDATE wins_fts SET text = new.text, impact = new.impact, next = new.next, project = new.project
    WHERE rowid = new.id;
END;

CREATE TRIGGER wins_fts_delete AFTER DELETE ON wins BEGIN
    DELETE FROM wins_fts WHERE rowid = old.id;
END;

CREATE TRIGGER win_tags_fts_insert AFTER INSERT ON win_tags BEGIN
    UPDATE wins_fts SET tags = (SELECT tags FROM wins_fts_rows WHERE id = new.win_id)
    WHERE rowid = new.win_id;
END;

CREATE TRIGGER win_tags_fts_delete AFTER DELETE ON win_tags BEGIN
    UPDATE wins_fts SET tags = (SELECT tags FROM wins_fts_rows WHERE id = old.win_id)
    WHERE rowid = old.win_id;
END;

CREATE TRIGGER updates_fts_insert AFTER INSERT ON updates BEGIN
    UPDATE wins_fts SET updates = (SELECT updates FROM wins_fts_rows WHERE id = new.win_id)
    WHERE rowid = new.win_id;
END;

CREATE TRIGGER updates_fts_delete AFTER DELETE ON updates BEGIN
    UPDATE wins_fts SET updates = (SELECT updates FROM wins_fts_rows WHERE id = old.win_id)
    WHERE rowid = old.win_id;
END;
