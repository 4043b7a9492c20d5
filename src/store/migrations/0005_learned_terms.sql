-- 0005: what the user's own labelled wins teach competency inference.
-- For each term of a win whose competency the user chose, and that win's
-- first competency: how many such wins have the term, and the newest few
-- of their ids (shown as "like #12, #40"). A capture looks up only its own
-- terms, so the primary key starts with the term. Kept in step with the
-- wins by the store in the same transactions; filled from existing wins
-- right after this migration.

CREATE TABLE learned_terms (
    term       TEXT NOT NULL,
    competency TEXT NOT NULL,
    wins       INTEGER NOT NULL,
    -- Space-separated win ids, newest first, at most three.
    examples   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (term, competency)
) WITHOUT ROWID;

-- Per competency: how many labelled wins, and how many terms they hold in
-- all (the model's denominators).
CREATE TABLE learned_competencies (
    competency TEXT PRIMARY KEY,
    wins       INTEGER NOT NULL,
    terms      INTEGER NOT NULL
) WITHOUT ROWID;

-- Which features the counts were made with (a fingerprint of the stop
-- words and the feature rules): when a new build reads words differently,
-- the counts are made again from the wins instead of drifting from them.
CREATE TABLE learned_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
