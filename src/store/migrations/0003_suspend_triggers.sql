-- 0003: imports suspend the full-text triggers instead of flagging them.
-- 0002's triggers still ran, row by row, to read the flag that told them to
-- do nothing, and each run made SQLite keep a statement journal. An import
-- now drops the triggers inside its own transaction, indexes its rows once,
-- and creates them again before committing, so a crash or an error rolls
-- the schema back with everything else. The flag and its table go.

DROP TRIGGER wins_fts_insert;
DROP TRIGGER wins_fts_update;
DROP TRIGGER wins_fts_delete;
DROP TRIGGER win_tags_fts_insert;
DROP TRIGGER win_tags_fts_delete;
DROP TRIGGER updates_fts_insert;
DROP TRIGGER updates_fts_delete;
DROP TABLE fts_sync;

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
