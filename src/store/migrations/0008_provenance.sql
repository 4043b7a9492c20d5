-- 0008: wins their author did not type. An agent (`win mcp`) proposes a
-- win; it waits in the inbox, status 'proposed', until its author accepts
-- it, and lists, drafts, stats and the checker see accepted wins only.
-- Where a win came from stays with it for good: what proposed it ('agent'),
-- the program as it named itself at the MCP handshake, and why.

ALTER TABLE wins ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted'
    CHECK (status IN ('accepted', 'proposed'));
ALTER TABLE wins ADD COLUMN origin TEXT;
ALTER TABLE wins ADD COLUMN origin_client TEXT;
ALTER TABLE wins ADD COLUMN origin_why TEXT;

-- `win inbox` lists the proposed wins, newest first, without reading the journal.
CREATE INDEX wins_proposed ON wins (occurred_ts DESC, id DESC) WHERE status = 'proposed';
