-- 0004: one definition of a win's full-text row. The triggers built the
-- tags and updates columns with their own copies of the SQL that an
-- import's reindex used to fill the index in bulk; now both read this
-- view, so the index an import builds cannot drift from the one the
-- triggers keep. SQLite flattens the view into each query: a trigger that
-- reads only `tags` runs only the tags subquery.

CREATE VIEW wins_fts_rows (id, text, impact, next, tags, project, updates) AS
SELECT w.id, w.text, w.impact, w.next,
    coalesce((SELECT group_concat(t.name, ' ') FROM win_tags wt JOIN tags t ON t.id = wt.tag_id
              WHERE wt.win_id = w.id), ''),
    w.project,
    coalesce((SELECT group_concat(concat_ws(' ', u.text, u.impact, u.next), ' ') FROM updates u
              WHERE u.win_id = w.id), '')
FROM wins w;

DROP TRIGGER wins_fts_insert;
DROP TRIGGER win_tags_fts_insert;
DROP TRIGGER win_tags_fts_delete;
DROP TRIGGER updates_fts_insert;
DROP TRIGGER updates_fts_delete;

CREATE TRIGGER wins_fts_insert AFTER INSERT ON wins BEGIN
    INSERT INTO wins_fts (rowid, text, impact, next, tags, project, updates)
    SELECT id, text, impact, next, tags, project, updates FROM wins_fts_rows WHERE id = new.id;
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
