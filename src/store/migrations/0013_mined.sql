-- 0013: wins mined from the user's git history (`win mine`). A mined
-- proposal keeps where it came from for good, beside the 0008 columns:
-- the repository's folder, its remote (without credentials), and the
-- commits it stands for (a JSON array of hashes). `win inbox` shows them.

ALTER TABLE wins ADD COLUMN origin_repository TEXT;
ALTER TABLE wins ADD COLUMN origin_remote TEXT;
ALTER TABLE wins ADD COLUMN origin_commits TEXT;

-- Where the last mine of each repository stopped (its newest commit), so
-- the next `win mine` starts there. Local to this journal: a path names a
-- folder of this machine. (IF NOT EXISTS: a test re-runs the migrations
-- after a schema downgrade.)
CREATE TABLE IF NOT EXISTS mined_repositories (
    path       TEXT PRIMARY KEY,
    -- RFC 3339.
    stopped_at TEXT NOT NULL
) WITHOUT ROWID;
