-- 0015: a competency inferred while the model was unsure (its best score
-- below the threshold, or the second best close behind) is kept as such:
-- the capture asked, and `win review check` lists the win until the person
-- confirms a competency (`win edit ID -c NAME`, which makes it theirs).
-- Earlier wins were inferred without asking: none is unsure.

ALTER TABLE wins ADD COLUMN competency_unsure INTEGER NOT NULL DEFAULT 0;
