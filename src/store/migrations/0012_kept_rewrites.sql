-- 0012: statements the user's own model wrote (`win review draft --rewrite`)
-- that passed the fact check, kept so the next draft does not ask the
-- model again. One per win, with a hash of what it was made from (the
-- win's fields, the command, the prompt template, the length limit): a
-- row whose hash no longer matches is stale and is asked for again.
--
-- A cache of this device's model, not part of the win: it is not synced,
-- exported or imported (another device's model may differ). Keyed by the
-- win's uid with no foreign key, as proposed_updates is; a win's row goes
-- when the win does (the trigger), so a deleted win's text does not linger.
CREATE TABLE IF NOT EXISTS kept_rewrites (
    win_uid   TEXT PRIMARY KEY,
    made_from TEXT NOT NULL,
    statement TEXT NOT NULL,
    -- RFC 3339: when the model wrote it.
    at        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS kept_rewrites_forget AFTER DELETE ON wins BEGIN
    DELETE FROM kept_rewrites WHERE win_uid = old.uid;
END;
