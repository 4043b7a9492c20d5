//! Ctrl-C (SIGINT) and SIGTERM during a long write (`win import`), and
//! while `$EDITOR` is open.
//!
//! Without this, an interrupted import was all-or-nothing only by luck: the
//! default action of SIGINT kills the process before it commits, but a
//! process started with SIGINT ignored (a script's `win import … &`) ran on
//! and committed everything it had read, and even a killed one said nothing.
//! A long writer calls [`arm`] first; the handler only notes the signal, and
//! the writer asks [`check`] between records and once more just before it
//! commits, then rolls back and exits 130 saying that nothing was stored. A
//! second signal while it rolls back ends the process at once (the
//! transaction is not committed, so that is safe too).

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

static REQUESTED: AtomicBool = AtomicBool::new(false);

const SIGNALS: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];

/// An interrupted long write, rolled back; `main` exits 130 with its message.
#[derive(Debug)]
pub struct Interrupted {
    /// What became of the work, e.g. "nothing was imported".
    pub outcome: &'static str,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "interrupted: {}", self.outcome)
    }
}

impl std::error::Error for Interrupted {}

extern "C" fn note_signal(signal: libc::c_int) {
    // Only async-signal-safe calls here: an atomic store, signal, raise.
    if REQUESTED.swap(true, Ordering::SeqCst) {
        // SAFETY: restoring the default action and raising the signal are
        // async-signal-safe; the uncommitted transaction dies with us.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}

/// Takes over SIGINT and SIGTERM for the rest of the process, even where
/// they were ignored: an interrupted write must stop, not run to its commit.
/// Blocking reads are not restarted, so a stalled pipe cannot hold it.
pub fn arm() -> Result<()> {
    for signal in SIGNALS {
        // SAFETY: a zeroed sigaction is a valid "no flags, empty mask"; the
        // handler only touches an atomic (see `note_signal`).
        let installed = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = note_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut())
        };
        if installed != 0 {
            return Err(io::Error::last_os_error().into());
        }
    }
    Ok(())
}

/// Runs `wait` (for an editor already started) with SIGINT and SIGQUIT
/// ignored, as git does: Ctrl-C at the terminal is the editor's (vim and
/// nano take it as a key), and win stays to clean up and say what became
/// of the edit. The child was spawned before, so it keeps the default.
pub fn ignored_while<T>(wait: impl FnOnce() -> T) -> T {
    let signals = [libc::SIGINT, libc::SIGQUIT];
    // SAFETY: signal(2) with SIG_IGN, and later with what it returned.
    let previous = signals.map(|signal| unsafe { libc::signal(signal, libc::SIG_IGN) });
    let result = wait();
    for (signal, handler) in signals.into_iter().zip(previous) {
        if handler != libc::SIG_ERR {
            // SAFETY: puts back the handler signal(2) returned above.
            unsafe { libc::signal(signal, handler) };
        }
    }
    result
}

/// Whether a signal asked the process to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// An [`Interrupted`] error with `outcome` if a signal came, else `Ok`.
pub fn check(outcome: &'static str) -> Result<()> {
    if requested() {
        return Err(Interrupted { outcome }.into());
    }
    Ok(())
}

/// A source read by a long write: a read that a signal broke off fails
/// (instead of being retried, as `read_to_end` and friends would do), so
/// the writer stops even while its input has stalled.
pub struct Reader<R>(pub R);

impl<R: Read> Read for Reader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.0.read(buffer) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {
                    if requested() {
                        return Err(io::Error::other("interrupted by a signal"));
                    }
                }
                result => return result,
            }
        }
    }
}
