//! How `win` ends: its exit statuses, the error that carries one, the
//! closed pipe that is no failure, and the values left for the exit to
//! free. Any module may use these; this one uses no other (`lib::report`
//! maps an error to its status).

/// Exit statuses, as documented in the README.
pub(crate) mod exit {
    /// Success; also a closed pipe, and a saved change whose output could
    /// not be written (`output::print_saved` says so on stderr).
    pub const OK: u8 = 0;
    /// An error, or nothing found (`win search`).
    pub const FAILURE: u8 = 1;
    /// A long write stopped by Ctrl-C or SIGTERM, with nothing stored
    /// (128 + SIGINT, as a shell reports a process Ctrl-C killed).
    pub const INTERRUPTED: u8 = 130;
}

/// Values built just before the process exits, left for the exit to free.
///
/// A command's big structures (clap's tree of the whole command surface,
/// the `App` with its parsed frameworks, a draft's context and the template
/// engine's copy of it) are hundreds of thousands of small allocations.
/// Freeing them one by one, a moment before the exit returns all the memory
/// at once, measured (callgrind): 166k instructions of a `win search` (6%),
/// 4% of a capture, and an eighth of a year-of-10k-wins draft. Only values
/// whose drop does nothing but free memory belong here (no files, locks or
/// connections: those must close).
pub(crate) fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// An error that has already been reported, or needs no message (like
/// grep finding nothing): exits with its status, printing nothing.
#[derive(Debug)]
pub(crate) struct Silent(pub u8);

impl std::fmt::Display for Silent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Silent {}

/// A write to a closed pipe, whichever writer (io, JSON, CSV) reported it.
pub(crate) fn is_broken_pipe(cause: &(dyn std::error::Error + 'static)) -> bool {
    let pipe = std::io::ErrorKind::BrokenPipe;
    cause
        .downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == pipe)
        || cause
            .downcast_ref::<serde_json::Error>()
            .is_some_and(|json| json.io_error_kind() == Some(pipe))
        || cause
            .downcast_ref::<csv::Error>()
            .is_some_and(|csv| matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == pipe))
}
