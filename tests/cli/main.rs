//! Integration tests: the real `win` binary in a temp dir, with a fixed
//! clock, no colour, and backtraces switched on (so a panic would show).
//!
//! Every test goes through the builder in `harness.rs`, which sets the whole
//! environment once (journal, clock, config folder, a home inside the temp
//! dir, no colour, no editor). Write a test like this:
//!
//! ```ignore
//! #[test]
//! fn show_names_a_missing_win() {
//!     let journal = Journal::new(); // one temp dir for several commands
//!     journal.add(&["shipped the ranker"]); // or .ok(..), .json(..), .fails(..)
//!     journal.test().args(["show", "1"]).stdout_contains("ranker").run();
//!     let output = journal
//!         .test()
//!         .args(["show", "9"])
//!         .fails() // exit 1 and one `win: …` line; .status(2) for usage errors
//!         .stderr_contains("no win #9")
//!         .run(); // checks everything, returns stdout/stderr/code
//!     assert!(output.stdout.is_empty());
//! }
//! ```
//!
//! `Test::new()` runs on a fresh journal of its own; `.stdin(..)`, `.env(..)`,
//! `.stdout(..)`, `.stderr(..)` and `.shell(..)` do what they say, and
//! `.command()` gives the configured `std::process::Command` for a test that
//! must spawn or kill it. Put a feature's tests in their own file here
//! (starting with `use crate::harness::{Journal, Test};`) and add one
//! `mod name;` line below.

mod harness;

mod architecture;
mod capture;
mod dates;
mod first_hour;
mod follow_ups;
mod import_export;
mod journal_file;
mod journal_safety;
mod learning;
mod list_edit;
mod mcp;
mod mine;
mod output_safety;
mod overrides;
mod pipes;
mod prompts;
mod pty;
mod reliability;
mod review;
mod review_scope;
mod rewrite;
mod search;
mod statements;
mod sync;
mod sync_authenticity;
mod sync_converge;
mod sync_failures;
mod sync_hardening;
mod sync_hostile;
mod sync_inputs;
mod sync_kit;
mod sync_merge;
mod sync_passphrase;
mod sync_random;
mod sync_repair;
mod sync_trust;
mod templates;
mod tour;
mod unsure;
mod user_files;
