-- 0016: what a device has found of each other device's records, so that a
-- batch missing on the remote is said, not silently missed.
--
-- `seen_seq`: the highest sequence number found in the other device's
-- files (applied, or refused by name). Its folder's `seq` file says the
-- last number it wrote: when that is higher, a batch of its was removed
-- or damaged on the remote, and every sync (and `win sync status`) says
-- so until that device sends it again. Peers known before start where
-- their replay stands, which is what they were found to hold.
ALTER TABLE sync_peers ADD COLUMN seen_seq INTEGER NOT NULL DEFAULT 0;
UPDATE sync_peers SET seen_seq = applied_seq;
