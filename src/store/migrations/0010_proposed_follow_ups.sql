-- 0010: follow-ups an agent proposes for a win already in the journal.
-- An agent never changes an accepted win: what it reports about one
-- (`record_outcome` over `win mcp`) waits here, with where it came from,
-- until the person accepts it (it then becomes a follow-up on the win's
-- timeline, recorded for sync like any other) or rejects it (deleted).
-- Drafts, statements, search and the checker read `updates` only, so they
-- ignore these until then.
--
-- Keyed by the win's uid, not its id, with no foreign key: replay and
-- import delete wins with foreign keys off, and a proposal whose win is
-- gone is simply not listed (and dropped when the inbox is next changed).
-- (IF NOT EXISTS: a test re-runs the migrations after a schema downgrade.)
CREATE TABLE IF NOT EXISTS proposed_updates (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    win_uid       TEXT NOT NULL,
    -- RFC 3339, to the millisecond, as `updates.at`.
    at            TEXT NOT NULL,
    stage         TEXT,
    text          TEXT,
    impact        TEXT,
    next          TEXT,
    origin        TEXT NOT NULL,
    origin_client TEXT,
    origin_why    TEXT
);

-- `win show` and the inbox list a win's proposals.
CREATE INDEX IF NOT EXISTS proposed_updates_by_win ON proposed_updates (win_uid);
