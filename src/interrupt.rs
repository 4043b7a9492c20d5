//! Ctrl-C (SIGINT) and SIGTERM during a long write (`win import`), while
//! a question is on the terminal, and while `$EDITOR` is open.
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
//!
//! A question on the terminal ([`Asking`]) leaves differently: the prompts
//! (dialoguer) read each key in raw mode and raise SIGINT for Ctrl-C, and
//! leave the cursor hidden and the terminal raw to whoever handles it
//! (dialoguer#77, #188). While a question is asked, the handler puts the
//! terminal's settings back, shows the cursor, finishes the line, says what
//! became of the work and exits 130. Nothing is written while a question
//! waits for its answer, so there is nothing to roll back.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

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

/// What the handler needs while a question is asked, made before it is
/// installed: it only reads this.
struct Leaving {
    /// The terminal (stdin) and its settings before the question.
    terminal: Option<(libc::c_int, libc::termios)>,
    /// Where the question is drawn (stderr, or stdout when stderr goes to
    /// a file): the cursor is shown there.
    screen: libc::c_int,
    /// `win: interrupted: …`, with its newline.
    message: Vec<u8>,
}

static ASKING: AtomicPtr<Leaving> = AtomicPtr::new(std::ptr::null_mut());

/// Whether the cursor is in the middle of a line (a text question waits at
/// its end), so that the handler ends it before its message.
static MID_LINE: AtomicBool = AtomicBool::new(false);

/// What a terminal is told to show the cursor again.
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// The exit status of an interrupted question (as `error::exit::INTERRUPTED`).
const INTERRUPTED: libc::c_int = 130;

extern "C" fn leave_question(_signal: libc::c_int) {
    // Only async-signal-safe calls here: tcsetattr, write, _exit.
    let leaving = ASKING.load(Ordering::SeqCst);
    // SAFETY: a non-null pointer is the `Leaving` of the `Asking` that
    // installed this handler; it is freed only after the handler is gone.
    if let Some(leaving) = unsafe { leaving.as_ref() } {
        if let Some((fd, settings)) = &leaving.terminal {
            // SAFETY: settings read from this descriptor by tcgetattr.
            unsafe { libc::tcsetattr(*fd, libc::TCSANOW, settings) };
        }
        write_all(leaving.screen, SHOW_CURSOR);
        if MID_LINE.load(Ordering::SeqCst) {
            // The terminal's settings turn it into "\r\n".
            write_all(leaving.screen, b"\n");
        }
        write_all(libc::STDERR_FILENO, &leaving.message);
    }
    // SAFETY: _exit ends the process without running anything more.
    unsafe { libc::_exit(INTERRUPTED) }
}

/// write(2) until all is written or the descriptor refuses.
fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from a live slice.
        let written = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(written) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n..],
            Err(_) if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// While alive, a question is on the terminal, drawn on `screen`: Ctrl-C
/// or SIGTERM restore the terminal's settings and the cursor, say `win:
/// interrupted: {outcome}` on stderr and exit 130. Dropped, the signals'
/// handling is what it was.
pub struct Asking {
    /// Whether this one installed the handler (not an outer question).
    installed: bool,
    previous: Vec<(libc::c_int, libc::sigaction)>,
    leaving: *mut Leaving,
}

impl Asking {
    pub fn new(screen: std::os::fd::RawFd, outcome: &str) -> Asking {
        // SAFETY: isatty and tcgetattr on stdin; a zeroed termios is a
        // valid out-parameter, used only when tcgetattr filled it.
        let terminal = unsafe {
            let mut settings: libc::termios = std::mem::zeroed();
            (libc::isatty(libc::STDIN_FILENO) == 1
                && libc::tcgetattr(libc::STDIN_FILENO, &mut settings) == 0)
                .then_some((libc::STDIN_FILENO, settings))
        };
        MID_LINE.store(false, Ordering::SeqCst);
        let leaving = Box::into_raw(Box::new(Leaving {
            terminal,
            screen,
            message: format!("win: interrupted: {outcome}\n").into_bytes(),
        }));
        // An outer question (there is none today) keeps its own message.
        let installed = ASKING
            .compare_exchange(
                std::ptr::null_mut(),
                leaving,
                Ordering::SeqCst,
                Ordering::SeqCst,
            )
            .is_ok();
        let mut previous = Vec::new();
        if installed {
            for signal in SIGNALS {
                // SAFETY: as in `arm`; the old action is kept to put back.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction =
                        leave_question as extern "C" fn(libc::c_int) as libc::sighandler_t;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(signal, &action, &mut old) == 0 {
                        previous.push((signal, old));
                    }
                }
            }
        }
        Asking {
            installed,
            previous,
            leaving,
        }
    }

    /// Says where the cursor waits: `true` at the end of a question's line,
    /// `false` at the start of a line (under a list).
    pub fn mid_line(&self, mid_line: bool) {
        MID_LINE.store(mid_line, Ordering::SeqCst);
    }
}

impl Drop for Asking {
    fn drop(&mut self) {
        for (signal, old) in &self.previous {
            // SAFETY: puts back the action sigaction returned in `new`.
            unsafe { libc::sigaction(*signal, old, std::ptr::null_mut()) };
        }
        if self.installed {
            ASKING.store(std::ptr::null_mut(), Ordering::SeqCst);
            MID_LINE.store(false, Ordering::SeqCst);
        }
        // SAFETY: made by Box::into_raw in `new`; no handler reads it now.
        drop(unsafe { Box::from_raw(self.leaving) });
    }
}
