-- 0007: sync through git (`win sync`). The journal stays the local
-- database; devices exchange change records. These tables hold this
-- device's side: its clock, the changes not yet published, each win's
-- field clocks, the deleted uids, and how far other devices were replayed.
-- (IF NOT EXISTS: a test re-runs the migrations after a schema downgrade.)

-- One row once `win sync init` ran; none means nothing is captured.
CREATE TABLE IF NOT EXISTS sync_device (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    -- This device's folder name in the sync repository.
    device    TEXT NOT NULL,
    -- The hybrid logical clock: the latest issued or seen ("millis.counter").
    hlc       TEXT NOT NULL,
    -- RFC 3339 time of the last sync that reached the remote.
    last_sync TEXT
);

-- Changes captured in the transaction that made them, until `win sync`
-- commits them. AUTOINCREMENT: a sequence number is never reused, since
-- other devices replay each (device, seq) once.
CREATE TABLE IF NOT EXISTS sync_outbox (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    uid    TEXT NOT NULL,
    op     TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    -- JSON array of the field groups written, or '*' for all.
    groups TEXT NOT NULL
);

-- The clock of each field group of each win (JSON), for last-writer-wins.
CREATE TABLE IF NOT EXISTS sync_clocks (
    uid    TEXT PRIMARY KEY,
    clocks TEXT NOT NULL
) WITHOUT ROWID;

-- Wins deleted on any device: a delete wins over later records for them.
CREATE TABLE IF NOT EXISTS sync_tombstones (
    uid TEXT PRIMARY KEY,
    hlc TEXT NOT NULL
) WITHOUT ROWID;

-- Other devices: the last sequence number replayed, and where reading
-- their files stopped, so a sync reads only what is new.
CREATE TABLE IF NOT EXISTS sync_peers (
    device      TEXT PRIMARY KEY,
    applied_seq INTEGER NOT NULL,
    file        TEXT NOT NULL,
    offset      INTEGER NOT NULL
) WITHOUT ROWID;
