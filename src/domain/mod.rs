//! Pure domain code: no disk, terminal or clock.

pub mod analysis;
pub mod dates;
pub mod filter;
pub mod framework;
pub mod gitlog;
pub mod import;
pub mod limits;
pub mod metric;
pub mod posix_tz;
pub mod record;
pub mod review;
pub mod search;
pub mod snippet;
pub mod sync;
pub mod text;
pub mod toml_file;
pub mod win;
