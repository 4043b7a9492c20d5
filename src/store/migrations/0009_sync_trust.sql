-- 0009: what this journal knows of its own sync, so that the repository
-- (which anyone who can push to the remote may change) cannot tell it
-- otherwise.
--
-- `encrypted`: whether this journal syncs encrypted. Once it has, a
-- sync.json on the remote that says "not encrypted" is refused instead
-- of obeyed. NULL: set up by an older win; learned at its next sync.
--
-- `published_seq`: the last sequence number this device committed to the
-- sync repository. The repository's devices/<device>/seq file says the
-- same when all is well; when they differ (the journal was restored from
-- a copy made before a sync, or the remote changed the file), sync reads
-- this device's records back and renumbers what the journal has not sent,
-- instead of taking the repository's word and dropping it. NULL: set up
-- by an older win; taken from the repository once.
ALTER TABLE sync_device ADD COLUMN encrypted INTEGER;
ALTER TABLE sync_device ADD COLUMN published_seq INTEGER;
