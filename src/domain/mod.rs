//! Pure domain code: no disk, terminal or clock.

pub(crate) mod analysis;
pub mod dates;
pub(crate) mod filter;
pub mod framework;
pub(crate) mod gitlog;
pub mod import;
pub(crate) mod limits;
pub(crate) mod metric;
pub(crate) mod record;
pub(crate) mod review;
pub(crate) mod search;
pub(crate) mod snippet;
pub(crate) mod sync;
pub(crate) mod text;
pub(crate) mod toml_file;
pub mod win;
