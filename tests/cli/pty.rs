//! A pseudo-terminal for the prompts' tests: `win` runs with a terminal as
//! stdin, stdout and stderr, as a person runs it, also in CI where the test
//! itself has no terminal. Keys are sent one at a time, each only once
//! `win` is waiting for a key with the terminal in raw mode: a Ctrl-C that
//! reached a terminal in cooked mode would be a signal, not a key.

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(20);

pub const CTRL_C: &[u8] = b"\x03";
pub const CTRL_D: &[u8] = b"\x04";
pub const ENTER: &[u8] = b"\r";
pub const DOWN: &[u8] = b"\x1b[B";
pub const LEFT: &[u8] = b"\x1b[D";
pub const ESC: &[u8] = b"\x1b";
/// What a terminal is told to hide and to show the cursor.
pub const HIDE_CURSOR: &str = "\x1b[?25l";
pub const SHOW_CURSOR: &str = "\x1b[?25h";

pub struct Pty {
    child: Child,
    master: File,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    /// How much of the screen `expect` has already matched.
    seen: usize,
}

impl Pty {
    /// Starts `command` on a new terminal of 80 columns.
    pub fn spawn(command: Command) -> Pty {
        Pty::spawn_with_stderr(command, None)
    }

    /// Starts `command` on a new terminal of 80 columns, its stderr sent
    /// to `stderr` when given (`win add 2>file`).
    pub fn spawn_with_stderr(mut command: Command, stderr: Option<File>) -> Pty {
        let (master, slave) = open_pty();
        let stderr = stderr.unwrap_or_else(|| slave.try_clone().expect("dup the pty"));
        command
            .stdin(Stdio::from(slave.try_clone().expect("dup the pty")))
            .stdout(Stdio::from(slave))
            .stderr(Stdio::from(stderr))
            .env("TERM", "xterm");
        // SAFETY: only async-signal-safe calls between fork and exec. The
        // child gets a session of its own with the pty as its controlling
        // terminal, as a shell would give it.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start win on a pty");
        // The parent's copies of the terminal side go with `command`, so
        // the reader sees the end once the child is gone.
        drop(command);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut output = master.try_clone().expect("dup the pty master");
        let sink = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            // Linux answers EIO once the terminal side is closed.
            while let Ok(n @ 1..) = output.read(&mut buffer) {
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        Pty {
            child,
            master,
            screen,
            reader: Some(reader),
            seen: 0,
        }
    }

    /// Everything written to the terminal so far.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until `text` appears after what was matched before.
    pub fn expect(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if let Some(at) = screen.get(self.seen..).and_then(|rest| rest.find(text)) {
                self.seen += at + text.len();
                return;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited for {text:?}; the terminal shows {screen:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Sends one key once `win` waits for it in raw mode, then waits for
    /// `win` to answer it (every key redraws something, or ends the run).
    pub fn key(&mut self, key: &[u8]) {
        self.wait_for_raw_mode();
        let before = self.screen.lock().unwrap().len();
        self.master.write_all(key).expect("type on the pty");
        let start = Instant::now();
        while self.screen.lock().unwrap().len() == before && self.running() {
            assert!(
                start.elapsed() < PATIENCE,
                "no answer to {key:?}: {:?}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Types text key by key, then Enter.
    pub fn line(&mut self, text: &str) {
        self.type_text(text);
        self.key(ENTER);
    }

    /// Types text key by key, without Enter.
    pub fn type_text(&mut self, text: &str) {
        let mut buffer = [0u8; 4];
        for c in text.chars() {
            self.key(c.encode_utf8(&mut buffer).as_bytes());
        }
    }

    /// Sends `signal` to `win` once it waits for a key in raw mode (as
    /// `kill` would, or a terminal whose Ctrl-C came between two keys).
    pub fn signal(&mut self, signal: libc::c_int) {
        self.wait_for_raw_mode();
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) on the child this Pty started and has not reaped.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
    }

    /// Whether the terminal reads lines again, echoing them: the settings
    /// a shell expects back after `win` (raw mode undone, echo on).
    pub fn cooked(&self) -> bool {
        // SAFETY: as in `wait_for_raw_mode`.
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: the fd is the open master; `settings` outlives the call.
        let read = unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut settings) };
        let wanted = libc::ICANON | libc::ECHO | libc::ISIG;
        read == 0 && settings.c_lflag & wanted == wanted
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The terminal's settings are shared by both ends: raw mode set by
    /// `win` on its side is visible here.
    fn wait_for_raw_mode(&mut self) {
        let start = Instant::now();
        loop {
            // SAFETY: a zeroed termios is a valid out-parameter.
            let mut settings: libc::termios = unsafe { std::mem::zeroed() };
            // SAFETY: the fd is the open master; `settings` outlives the call.
            let read = unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut settings) };
            if read == 0 && settings.c_lflag & libc::ICANON == 0 {
                return;
            }
            assert!(
                self.running(),
                "win exited while a key was due: {:?}",
                self.screen()
            );
            assert!(
                start.elapsed() < PATIENCE,
                "win never waited for a key: {:?}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits for `win` to exit; its exit code and everything it showed.
    pub fn finish(mut self) -> (Option<i32>, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for win") {
                break status;
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("win did not exit: {:?}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pty reader");
        }
        (status.code(), self.screen())
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed assertion must not leave a win waiting for keys.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new pseudo-terminal: its master side and its terminal side.
fn open_pty() -> (File, File) {
    // SAFETY: plain libc calls on a descriptor this function owns; the
    // name is copied out of ptsname_r's buffer before it goes away.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(
            master >= 0,
            "posix_openpt: {}",
            std::io::Error::last_os_error()
        );
        assert_eq!(libc::grantpt(master), 0, "grantpt");
        assert_eq!(libc::unlockpt(master), 0, "unlockpt");
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        assert_eq!(
            libc::ioctl(master, libc::TIOCSWINSZ, &size),
            0,
            "TIOCSWINSZ"
        );
        let mut name = [0 as libc::c_char; 256];
        assert_eq!(
            libc::ptsname_r(master, name.as_mut_ptr(), name.len()),
            0,
            "ptsname_r"
        );
        let path = CStr::from_ptr(name.as_ptr()).to_string_lossy().into_owned();
        let master = <File as std::os::fd::FromRawFd>::from_raw_fd(master);
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(&path)
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        (master, slave)
    }
}
