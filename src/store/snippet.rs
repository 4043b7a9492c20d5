//! `win_snippet(wins_fts)`: the snippet of a matching win, as an FTS5
//! auxiliary function. FTS5 says where the query matched (stemming,
//! phrases and prefixes included) and splits the text into tokens;
//! `domain::snippet` chooses the window and writes it. Unlike FTS5's own
//! `snippet()`, the work is linear in the matches, and the text is
//! tokenized only up to the end of the window.

use std::ffi::{c_char, c_int, c_void};
use std::ops::Range;
use std::ptr;

use anyhow::{bail, Result};
use rusqlite::ffi;

use crate::domain::snippet::{self, Hit, WIDTH};

/// Makes `win_snippet` available on this connection. Registering it again
/// replaces it, which is harmless.
pub fn register(conn: &rusqlite::Connection) -> Result<()> {
    let api = fts5_api(conn)?;
    // SAFETY: `api` is the connection's live FTS5 API (checked non-null);
    // the name is a static C string; no user data or destructor is passed,
    // and `win_snippet` has the signature FTS5 calls.
    let code = unsafe {
        match (*api).xCreateFunction {
            Some(create) => create(
                api,
                c"win_snippet".as_ptr(),
                ptr::null_mut(),
                Some(win_snippet),
                None,
            ),
            None => ffi::SQLITE_MISUSE,
        }
    };
    if code != ffi::SQLITE_OK {
        bail!("cannot set up search snippets (SQLite error {code})");
    }
    Ok(())
}

/// The connection's FTS5 API, which SQLite hands out through
/// `SELECT fts5(?1)` with a pointer bound to the parameter.
fn fts5_api(conn: &rusqlite::Connection) -> Result<*mut ffi::fts5_api> {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    // SAFETY: the handle is this open connection's; the statement is
    // prepared, stepped and finalized here; the bound pointer is to `api`,
    // which outlives the statement, under the type name FTS5 expects.
    let code = unsafe {
        let mut statement: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let mut code = ffi::sqlite3_prepare_v2(
            conn.handle(),
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &raw mut statement,
            ptr::null_mut(),
        );
        if code == ffi::SQLITE_OK {
            code = ffi::sqlite3_bind_pointer(
                statement,
                1,
                (&raw mut api).cast(),
                c"fts5_api_ptr".as_ptr(),
                None,
            );
        }
        if code == ffi::SQLITE_OK {
            code = ffi::sqlite3_step(statement);
        }
        ffi::sqlite3_finalize(statement);
        code
    };
    if code != ffi::SQLITE_ROW || api.is_null() {
        bail!("this SQLite has no full-text search (FTS5, error {code})");
    }
    Ok(api)
}

/// The auxiliary function itself: the current row's snippet, or the
/// SQLite error that stopped it.
unsafe extern "C" fn win_snippet(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    _count: c_int,
    _values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes its extension API and the context of the row it
    // is on, both valid for this call.
    match unsafe { snippet_of(&*api, fts) } {
        Ok(text) => {
            // SAFETY: SQLite copies the text (SQLITE_TRANSIENT) before
            // `text` is dropped; the length is the string's.
            unsafe {
                ffi::sqlite3_result_text64(
                    context,
                    text.as_ptr().cast::<c_char>(),
                    text.len() as u64,
                    ffi::SQLITE_TRANSIENT(),
                    ffi::SQLITE_UTF8 as u8,
                );
            }
        }
        // SAFETY: the context is the one FTS5 passed for this call.
        Err(code) => unsafe { ffi::sqlite3_result_error_code(context, code) },
    }
}

/// Turns an FTS5 return code into a `Result`.
fn check(code: c_int) -> Result<(), c_int> {
    if code == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(code)
    }
}

/// The snippet of the row `fts` is on.
///
/// # Safety
/// `api` and `fts` must be what FTS5 passed to an auxiliary function, in
/// that call.
unsafe fn snippet_of(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
) -> Result<String, c_int> {
    let missing = ffi::SQLITE_MISUSE;
    let (
        Some(column_count),
        Some(column_size),
        Some(column_text),
        Some(phrase_count),
        Some(phrase_size),
        Some(inst_count),
        Some(inst),
        Some(tokenize),
    ) = (
        api.xColumnCount,
        api.xColumnSize,
        api.xColumnText,
        api.xPhraseCount,
        api.xPhraseSize,
        api.xInstCount,
        api.xInst,
        api.xTokenize,
    )
    else {
        return Err(missing);
    };
    // SAFETY (every call below): `fts` is the row's context, and each out
    // pointer is to a local that lives across the call.
    unsafe {
        let columns = usize::try_from(column_count(fts)).unwrap_or(0);
        let mut column_tokens = Vec::with_capacity(columns);
        for column in 0..columns {
            let mut size: c_int = 0;
            check(column_size(fts, column as c_int, &raw mut size))?;
            column_tokens.push(usize::try_from(size).unwrap_or(0));
        }
        let phrases = usize::try_from(phrase_count(fts)).unwrap_or(0);
        let phrase_tokens: Vec<usize> = (0..phrases)
            .map(|phrase| {
                usize::try_from(phrase_size(fts, phrase as c_int))
                    .unwrap_or(1)
                    .max(1)
            })
            .collect();

        let mut count: c_int = 0;
        check(inst_count(fts, &raw mut count))?;
        let mut hits = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        for index in 0..count {
            let (mut phrase, mut column, mut token): (c_int, c_int, c_int) = (0, 0, 0);
            check(inst(
                fts,
                index,
                &raw mut phrase,
                &raw mut column,
                &raw mut token,
            ))?;
            let (Ok(phrase), Ok(column), Ok(token)) = (
                usize::try_from(phrase),
                usize::try_from(column),
                usize::try_from(token),
            ) else {
                continue;
            };
            hits.push(Hit {
                phrase,
                column,
                token,
                tokens: phrase_tokens.get(phrase).copied().unwrap_or(1),
            });
        }
        let choice = snippet::choose(&mut hits, phrases, &column_tokens);

        let mut text: *const c_char = ptr::null();
        let mut length: c_int = 0;
        check(column_text(
            fts,
            choice.window.column as c_int,
            &raw mut text,
            &raw mut length,
        ))?;
        let length = usize::try_from(length).unwrap_or(0);
        let bytes: &[u8] = if text.is_null() || length == 0 {
            &[]
        } else {
            // SAFETY: FTS5 returned `length` bytes at `text`, valid until
            // the cursor moves, which is after this call.
            std::slice::from_raw_parts(text.cast::<u8>(), length)
        };
        let mut tokens = Tokens {
            text: bytes,
            wanted: choice.reach(),
            position: 0,
            spans: Vec::with_capacity(2 * WIDTH),
            sentence_starts: Vec::new(),
        };
        if !bytes.is_empty() {
            let code = tokenize(
                fts,
                text,
                length as c_int,
                (&raw mut tokens).cast::<c_void>(),
                Some(collect_token),
            );
            // SQLITE_DONE: collect_token stopped it after the window.
            if code != ffi::SQLITE_DONE {
                check(code)?;
            }
        }
        let window = choice.settle(&tokens.sentence_starts, &hits);
        let from = window.start.saturating_sub(tokens.wanted.start);
        let spans = tokens.spans.get(from..).unwrap_or_default();
        let spans = &spans[..spans.len().min(WIDTH)];
        let size = column_tokens.get(window.column).copied().unwrap_or(0);
        let matched = snippet::render(bytes, spans, window, size, &hits);
        let Some(label) = snippet::label_column(window.column) else {
            return Ok(matched);
        };
        // Matched in the tags or the project only: the win's own words
        // lead (column 0, its text).
        let mut text: *const c_char = ptr::null();
        let mut length: c_int = 0;
        check(column_text(fts, 0, &raw mut text, &raw mut length))?;
        let length = usize::try_from(length).unwrap_or(0);
        let lead: &[u8] = if text.is_null() || length == 0 {
            &[]
        } else {
            // SAFETY: as above, FTS5's `length` bytes at `text`.
            std::slice::from_raw_parts(text.cast::<u8>(), length)
        };
        Ok(snippet::labelled(lead, label, &matched))
    }
}

/// The byte ranges of the tokens at positions `wanted` (in order from
/// `wanted.start`), and which of them begin a sentence, as the tokenizer
/// finds them in `text`.
struct Tokens<'a> {
    text: &'a [u8],
    wanted: Range<usize>,
    position: usize,
    spans: Vec<Range<usize>>,
    sentence_starts: Vec<usize>,
}

impl Tokens<'_> {
    /// Whether the token at `position`, starting at byte `start`, begins a
    /// sentence: the first token, or one after a full stop or colon and
    /// white space (FTS5's snippet() rule).
    fn begins_sentence(&self, position: usize, start: usize) -> bool {
        if position == 0 {
            return true;
        }
        let before = self.text.get(..start).unwrap_or_default();
        let words_end = before
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        match words_end {
            Some(end) => end + 1 < start && matches!(before[end], b'.' | b':'),
            None => false,
        }
    }
}

/// The tokenizer's callback: keeps the wanted tokens, and stops the
/// tokenizer (with SQLITE_DONE) once past them.
unsafe extern "C" fn collect_token(
    context: *mut c_void,
    flags: c_int,
    _token: *const c_char,
    _length: c_int,
    start: c_int,
    end: c_int,
) -> c_int {
    // SAFETY: `context` is the `Tokens` snippet_of passed to xTokenize,
    // alive and not otherwise borrowed during the call.
    let tokens = unsafe { &mut *context.cast::<Tokens>() };
    // A synonym at the same position is not another word.
    if flags & ffi::FTS5_TOKEN_COLOCATED != 0 {
        return ffi::SQLITE_OK;
    }
    let position = tokens.position;
    tokens.position += 1;
    if tokens.wanted.contains(&position) {
        let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
            return ffi::SQLITE_ERROR;
        };
        if tokens.begins_sentence(position, start) {
            tokens.sentence_starts.push(position);
        }
        tokens.spans.push(start..end.max(start));
    }
    if tokens.position >= tokens.wanted.end {
        ffi::SQLITE_DONE
    } else {
        ffi::SQLITE_OK
    }
}
