-- 0011: one statement engine. A win may carry its author's own statement
-- (`win edit ID --statement`), which drafts, `review statement` and agents
-- use over the generated one. The sentence the old phrase bank stored in
-- `polished` is dropped: it is now derived from the statement engine when
-- a win is shown, so it can never disagree with the draft.

ALTER TABLE wins ADD COLUMN statement TEXT;
UPDATE wins SET polished = NULL WHERE polished IS NOT NULL;
