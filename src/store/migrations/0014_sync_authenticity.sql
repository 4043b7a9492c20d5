-- 0014: sync records are authenticated to the holders of the key, and a
-- device repairs what the remote lost of its own records.
--
-- `authenticated`: 1 once this device syncs with tags (every encrypted
-- batch it writes carries one, made with the secret key). NULL: set up by
-- an older win; on its next sync it vouches, once, for the untagged
-- batches its sync folder held (what that older win trusted), so that
-- devices refuse any untagged batch pushed since.
--
-- `vouchers`: the devices whose vouch this journal has read (a JSON
-- array). A new one means untagged batches refused before may now be
-- vouched for: every device's files are read again, once.
ALTER TABLE sync_device ADD COLUMN authenticated INTEGER;
ALTER TABLE sync_device ADD COLUMN vouchers TEXT;

-- The files this device wrote to the sync repository, each with the git
-- object id of what it wrote. A file the remote cut, changed or removed
-- no longer matches, and its records are published again: otherwise the
-- other devices would never get them. Kept in the journal, not taken from
-- the repository, which anyone who can push may change.
CREATE TABLE IF NOT EXISTS sync_batches (
    file TEXT PRIMARY KEY,
    blob TEXT NOT NULL
) WITHOUT ROWID;

-- Every file of another device read, with the SHA-256 of its content
-- then: a sync reads only files that are new or changed. This replaces
-- the single place where reading stopped (`sync_peers.file` and `offset`,
-- no longer used), which trusted file names to sort in the order written
-- and files never to change: a file pushed under a later name hid every
-- record written after it, and a file changed under a name already read
-- was never read again. Empty at first: every file is read once more
-- (what was applied is skipped, by sequence number).
CREATE TABLE IF NOT EXISTS sync_read (
    device TEXT NOT NULL,
    file   TEXT NOT NULL,
    digest BLOB NOT NULL,
    PRIMARY KEY (device, file)
) WITHOUT ROWID;
