//! Sync across machines through the user's own git: the transport (`git`),
//! the working tree of change records (`tree`), and their encryption
//! (`crypt`). The rules of merging are pure, in `domain::sync`; the
//! journal's side (capture, replay) is in `store`.

pub mod crypt;
pub mod git;
pub mod tree;
