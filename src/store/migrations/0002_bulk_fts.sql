-- 0002: bulk imports index once. FTS5 flushes its pending index at every
-- statement inside a transaction, so a trigger per row turned a 100k-win
-- import into 300k small index segments and merges. The triggers now run
-- only while fts_sync.enabled is 1; an import turns it off inside its own
-- transaction, indexes all new rows with one statement, and turns it back
-- on before committing. A crash rolls the flag back with everything else.

CREATE TABLE fts_sync (
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1))
);
INSERT INTO fts_sync (enabled) VALUES (1);

DROP TRIGGER wins_fts_insert;
DROP TRIGGER wins_fts_update;
DROP TRIGGER wins_fts_delete;
DROP TRIGGER win_tags_fts_insert;
DROP TRIGGER win_tags_fts_delete;
DROP TRIGGER updates_fts_insert;
DROP TRIGGER updates_fts_delete;

CREATE TRIGGER wins_fts_insert AFTER INSERT ON wins
WHEN (SELECT enabled FROM fts_sync) BEGIN
    INSERT INTO wins_fts (rowid, text, impact, next, tags, project, updates)
    VALUES (new.id, new.text, new.impact, new.next, '', new.project, '');
END;

CREATE TRIGGER wins_fts_update AFTER UPDATE OF text, impact, next, project ON wins
WHEN (SELECT enabled FROM fts_sync) BEGIN
    UPDATE wins_fts SET text = new.text, impact = new.impact, next = new.next, project = new.project
    WHERE rowid = new.id;
END;

-- Deleting always cleans the index, whatever the flag says.
CREATE TRIGGER wins_fts_delete AFTER DELETE ON wins BEGIN
    DELETE FROM wins_fts WHERE rowid = old.id;
END;

CREATE TRIGGER win_tags_fts_insert AFTER INSERT ON win_tags
WHEN (SELECT enabled FROM fts_sync) BEGIN
    UPDATE wins_fts SET tags = (
        SELECT group_concat(t.name, ' ') FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
        WHERE wt.win_id = new.win_id
    ) WHERE rowid = new.win_id;
END;

CREATE TRIGGER win_tags_fts_delete AFTER DELETE ON win_tags
WHEN (SELECT enabled FROM fts_sync) BEGIN
    UPDATE wins_fts SET tags = coalesce((
        SELECT group_concat(t.name, ' ') FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
        WHERE wt.win_id = old.win_id
    ), '') WHERE rowid = old.win_id;
END;

CREATE TRIGGER updates_fts_insert AFTER INSERT ON updates
WHEN (SELECT enabled FROM fts_sync) BEGIN
    UPDATE wins_fts SET updates = (
        SELECT group_concat(concat_ws(' ', u.text, u.impact, u.next), ' ') FROM updates u
        WHERE u.win_id = new.win_id
    ) WHERE rowid = new.win_id;
END;

CREATE TRIGGER updates_fts_delete AFTER DELETE ON updates
WHEN (SELECT enabled FROM fts_sync) BEGIN
    UPDATE wins_fts SET updates = coalesce((
        SELECT group_concat(concat_ws(' ', u.text, u.impact, u.next), ' ') FROM updates u
        WHERE u.win_id = old.win_id
    ), '') WHERE rowid = old.win_id;
END;
