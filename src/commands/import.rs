//! `win import FILE|-`: wins from win, jrnl or CSV, in one transaction.
//! win's jsonl is streamed line by line, so memory stays flat however large
//! the file; a bad record anywhere rolls the whole import back.

use std::io::{BufRead, BufReader};

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use crate::app::App;
use crate::capture;
use crate::cli::{ImportArgs, ImportFormat};
use crate::domain::import::{self, Format};
use crate::domain::limits;
use crate::domain::record::WinRecord;
use crate::domain::win::NewWin;
use crate::input;
use crate::interrupt::{self, Reader};
use crate::output;
use crate::pipeline;
use crate::store::Store;

/// Below this many bytes an import is over before a bar could help.
const PROGRESS_FROM: u64 = 1 << 20;

/// What an interrupted import says it did.
const NOTHING: &str = "nothing was imported";

pub fn run(app: &App, args: &ImportArgs) -> Result<()> {
    // Ctrl-C anywhere from here on rolls it all back and says so, even
    // while it waits for another command to finish with the journal.
    interrupt::arm()?;
    crate::store::give_up_waiting_when(interrupt::requested);
    let name = args.file.to_string_lossy().to_string();
    let (mut reader, size): (Box<dyn BufRead>, u64) = if name == "-" {
        (Box::new(BufReader::new(Reader(std::io::stdin()))), 0)
    } else {
        let (file, size) = input::open_import(&args.file)?;
        (
            Box::new(BufReader::with_capacity(1 << 16, Reader(file))),
            size,
        )
    };
    let head = match reader.fill_buf() {
        Ok(head) => String::from_utf8_lossy(head).to_string(),
        Err(err) => {
            interrupt::check(NOTHING)?;
            return Err(err).with_context(|| format!("cannot read {name}"));
        }
    };
    let format = match args.from {
        Some(ImportFormat::Win) => Format::Win,
        Some(ImportFormat::Jrnl) => Format::Jrnl,
        Some(ImportFormat::Csv) => Format::Csv,
        None => import::detect(&name, &head),
    };
    let framework = app.framework()?;
    let files = app.analysis_files()?;
    // Each worker thread converts with its own converter (see `pipeline`).
    let converter = || capture::RecordConverter::new(framework, files.clone(), app.now);
    let bar = progress(app, size);
    // A dry run creates nothing: with no journal yet, it rehearses against
    // an empty one in memory, and says so.
    let mut store = if !args.dry_run {
        app.create_store().map_err(interrupted_or)?
    } else if app.db_path.exists() {
        app.open_store().map_err(interrupted_or)?
    } else {
        output::note(&format!(
            "there is no journal at {} yet: this is what importing would add to a new one",
            app.db_path.display()
        ));
        Store::open_in_memory()?
    };
    let mut session = store.import(args.update).map_err(interrupted_or)?;
    // A signal is what stopped it, whatever failed because of it.
    let fail = |err: anyhow::Error| interrupted_or(anyhow!("{name}, {err:#}; {NOTHING}"));

    let streamed = format == Format::Win
        && !head
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('[');
    // Records are parsed and analysed on worker threads while this one
    // writes the ones before them (see `pipeline`).
    type Converted = Option<(NewWin, Option<Vec<String>>)>;
    let mut store_win = |(at, converted): (String, Converted)| -> Result<()> {
        match converted {
            Some((win, terms)) => session
                .add_taught(&win, terms)
                .map_err(|err| anyhow!("{at}: {err:#}")),
            None => Ok(()),
        }
    };
    if streamed {
        let mut number = 0;
        let lines = std::iter::from_fn(|| {
            if let Err(err) = interrupt::check(NOTHING) {
                return Some(Err(err));
            }
            let mut bytes = Vec::new();
            // Only a line is limited: the stream as a whole is not.
            match input::read_line(&mut reader, &mut bytes, limits::RECORD_BYTES) {
                Ok(0) => None,
                Ok(read) => {
                    number += 1;
                    bar.inc(read as u64);
                    Some(Ok((number, bytes)))
                }
                Err(err) => Some(Err(anyhow!("line {}: {err:#}", number + 1))),
            }
        });
        pipeline::run(
            lines,
            pipeline::workers(),
            || {
                let mut converter = converter();
                move |(number, bytes): (usize, Vec<u8>)| {
                    let at = format!("line {number}");
                    let text =
                        std::str::from_utf8(&bytes).map_err(|_| anyhow!("{at}: not UTF-8 text"))?;
                    let text = if number == 1 {
                        text.trim_start_matches('\u{feff}')
                    } else {
                        text
                    };
                    let win = match import::parse_win_line(text, number)? {
                        Some(record) => Some(
                            converter
                                .convert(record)
                                .map_err(|err| anyhow!("{at}: {err:#}"))?,
                        ),
                        None => None,
                    };
                    Ok((at, win))
                }
            },
            &mut store_win,
        )
        .map_err(fail)?;
    } else {
        let bytes = input::read_whole(&mut reader, limits::WHOLE_IMPORT_BYTES).map_err(fail)?;
        let text = String::from_utf8(bytes).map_err(|err| {
            fail(anyhow!(
                "not UTF-8 text (first bad byte at offset {})",
                err.utf8_error().valid_up_to()
            ))
        })?;
        bar.inc(text.len() as u64);
        let records = import::parse(&text, format, app.clock()).map_err(fail)?;
        pipeline::run(
            records.into_iter().map(|record| {
                interrupt::check(NOTHING)?;
                Ok(record)
            }),
            pipeline::workers(),
            || {
                let mut converter = converter();
                move |(at, record): (String, WinRecord)| {
                    let converted = converter
                        .convert(record)
                        .map_err(|err| anyhow!("{at}: {err:#}"))?;
                    Ok((at, Some(converted)))
                }
            },
            &mut store_win,
        )
        .map_err(fail)?;
    }
    report(
        session
            .finish(args.dry_run, || interrupt::check(NOTHING))
            .map_err(interrupted_or)?,
        args,
    );
    bar.finish_and_clear();
    Ok(())
}

/// `err`, or what caused it: a signal that stopped the import.
fn interrupted_or(err: anyhow::Error) -> anyhow::Error {
    match interrupt::check(NOTHING) {
        Ok(()) => err,
        Err(interrupted) => interrupted,
    }
}

fn report((added, skipped): (usize, usize), args: &ImportArgs) {
    let verb = match (args.dry_run, args.update) {
        (true, true) => "would add or replace",
        (true, false) => "would add",
        (false, true) => "added or replaced",
        (false, false) => "added",
    };
    output::note(&format!(
        "{verb} {}, skipped {skipped} already in the journal{}",
        output::count(added, "win"),
        if args.dry_run {
            " (dry run: nothing was stored)"
        } else {
            ""
        }
    ));
}

/// A progress bar on a terminal for large files; nothing when piped.
fn progress(app: &App, bytes: u64) -> ProgressBar {
    if !app.stderr_is_terminal || bytes < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    // Cleared however the import ends, so an error (or Ctrl-C) starts on
    // its own line.
    let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr())
        .with_finish(ProgressFinish::AndClear);
    if let Ok(style) = ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes}") {
        bar.set_style(style);
    }
    bar
}
