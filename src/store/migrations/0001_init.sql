-- 0001: the journal. Wins, their normalised competencies and tags, links,
-- the timeline of updates, and a full-text index kept in sync by triggers.

CREATE TABLE wins (
    id                INTEGER PRIMARY KEY,
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

-- Every listing is "newest first" within a date range.
CREATE INDEX wins_by_time ON wins (occurred_ts DESC, id DESC);
-- `--project` filters and pending-impact checks.
CREATE INDEX wins_by_project ON wins (project) WHERE project IS NOT NULL;
CREATE INDEX wins_by_stage ON wins (stage) WHERE stage IS NOT NULL;

CREATE TABLE competencies (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);

CREATE TABLE win_competencies (
    win_id        INTEGER NOT NULL REFERENCES wins (id) ON DELETE CASCADE,
    competency_id INTEGER NOT NULL REFERENCES competencies (id),
    -- The first competency is the win's home section in a draft.
    position      INTEGER NOT NULL,
    PRIMARY KEY (win_id, competency_id)
) WITHOUT ROWID;

-- `-c` filters start from the competency.
CREATE INDEX win_competencies_by_competency ON win_competencies (competency_id, win_id);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE win_tags (
    win_id   INTEGER NOT NULL REFERENCES wins (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (win_id, tag_id)
) WITHOUT ROWID;

-- `-t` filters start from the tag.
CREATE INDEX win_tags_by_tag ON win_tags (tag_id, win_id);

CREATE TABLE links (
    win_id   INTEGER NOT NULL REFERENCES wins (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url      TEXT NOT NULL,
    PRIMARY KEY (win_id, position)
) WITHOUT ROWID;

CREATE TABLE updates (
    id     INTEGER PRIMARY KEY,
    win_id INTEGER NOT NULL REFERENCES wins (id) ON DELETE CASCADE,
    at     TEXT NOT NULL,
    at_ts  INTEGER NOT NULL,
    stage  TEXT,
    text   TEXT,
    impact TEXT,
    next   TEXT
);

-- A win's timeline is read in order with the win.
CREATE INDEX updates_by_win ON updates (win_id, at_ts, id);

-- Full-text search over everything a person might remember about a win.
-- Porter stemming makes "tuning" find "tuned".
CREATE VIRTUAL TABLE wins_fts USING fts5 (
    text, impact, next, tags, project, updates,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER wins_fts_insert AFTER INSERT ON wins BEGIN
    INSERT INTO wins_fts (rowid, text, impact, next, tags, project, updates)
    VALUES (new.id, new.text, new.impact, new.next, '', new.project, '');
END;

CREATE TRIGGER wins_fts_update AFTER UPDATE OF text, impact, next, project ON wins BEGIN
    UPDATE wins_fts SET text = new.text, impact = new.impact, next = new.next, project = new.project
    WHERE rowid = new.id;
END;

CREATE TRIGGER wins_fts_delete AFTER DELETE ON wins BEGIN
    DELETE FROM wins_fts WHERE rowid = old.id;
END;

CREATE TRIGGER win_tags_fts_insert AFTER INSERT ON win_tags BEGIN
    UPDATE wins_fts SET tags = (
        SELECT group_concat(t.name, ' ') FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
        WHERE wt.win_id = new.win_id
    ) WHERE rowid = new.win_id;
END;

CREATE TRIGGER win_tags_fts_delete AFTER DELETE ON win_tags BEGIN
    UPDATE wins_fts SET tags = coalesce((
        SELECT group_concat(t.name, ' ') FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
        WHERE wt.win_id = old.win_id
    ), '') WHERE rowid = old.win_id;
END;

CREATE TRIGGER updates_fts_insert AFTER INSERT ON updates BEGIN
    UPDATE wins_fts SET updates = (
        SELECT group_concat(concat_ws(' ', u.text, u.impact, u.next), ' ') FROM updates u
        WHERE u.win_id = new.win_id
    ) WHERE rowid = new.win_id;
END;

CREATE TRIGGER updates_fts_delete AFTER DELETE ON updates BEGIN
    UPDATE wins_fts SET updates = coalesce((
        SELECT group_concat(concat_ws(' ', u.text, u.impact, u.next), ' ') FROM updates u
        WHERE u.win_id = old.win_id
    ), '') WHERE rowid = old.win_id;
END;
