//! Plain text helpers shared by every layer.

use std::borrow::Cow;

/// One line of at most `width` characters: whitespace runs become one
/// space, and a longer text ends in an ellipsis.
pub fn shorten(text: &str, width: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= width {
        return one_line;
    }
    let mut short: String = one_line.chars().take(width.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// `text` without terminal control: escape sequences (CSI, OSC, DCS and
/// the rest), control characters and invisible format characters (see
/// [`is_invisible_format`]) are removed. With `multiline`, newlines and tabs
/// stay; otherwise each becomes a space. Stored text keeps them, and so do
/// JSON and CSV exports; this is for what reads or shows it (analysis,
/// terminals, documents).
pub fn without_controls(text: &str, multiline: bool) -> Cow<'_, str> {
    // Printable ASCII has nothing to take out: most text, read at once.
    let printable = |b: &u8| (0x20..0x7f).contains(b) || (multiline && matches!(b, b'\n' | b'\t'));
    if text.as_bytes().iter().all(printable) {
        return Cow::Borrowed(text);
    }
    if !text.chars().any(|c| {
        (c.is_control() && !(multiline && (c == '\n' || c == '\t'))) || is_invisible_format(c)
    }) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(clean_controls(text, multiline, |_, _| None))
}

/// The rules of [`without_controls`], with `take` asked first at every
/// character: when it consumes the start of the rest (writing whatever it
/// keeps into the output), it returns what follows, and the rules skip it.
/// The terminal writer uses it to let win's own marked colours through.
pub fn clean_controls<'a>(
    text: &'a str,
    multiline: bool,
    mut take: impl FnMut(&'a str, &mut String) -> Option<&'a str>,
) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = take(rest, &mut cleaned) {
            rest = after;
            continue;
        }
        let mut after = &rest[c.len_utf8()..];
        match c {
            '\u{1b}' => after = skip_escape(after),
            // C1 control introducers that some terminals take as ESC [ / ESC ] ….
            '\u{9b}' => after = skip_control_sequence(after),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => after = skip_string(after),
            '\n' | '\t' if multiline => cleaned.push(c),
            '\r' if multiline && after.starts_with('\n') => {}
            '\t' | '\n' | '\r' => {
                if !cleaned.ends_with(' ') {
                    cleaned.push(' ');
                }
            }
            c if c.is_control() || is_invisible_format(c) => {}
            c => cleaned.push(c),
        }
        rest = after;
    }
    cleaned
}

/// Format characters that show nothing yet change what a reader sees:
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069), which can make a line display in an order other than
/// the one stored ("Trojan Source"), the bidi marks, zero-width spaces and
/// joiners-in-name-only (U+200B, U+2060–U+2064, U+FEFF), the soft hyphen,
/// interlinear annotations, and the tag characters (U+E0000–U+E007F) that
/// can smuggle invisible ASCII. The zero-width joiner and non-joiner
/// (U+200C, U+200D) stay: emoji sequences and several scripts need them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// After an ESC: the rest of the sequence it starts.
fn skip_escape(text: &str) -> &str {
    let mut chars = text.chars();
    match chars.next() {
        Some('[') => skip_control_sequence(chars.as_str()),
        Some(']' | 'P' | '_' | '^' | 'X') => skip_string(chars.as_str()),
        // ESC, intermediates (0x20–0x2F), one final character (`ESC c`, `ESC ( B`).
        Some(_) => {
            let intermediates = text
                .bytes()
                .take_while(|b| (0x20..=0x2f).contains(b))
                .count();
            let rest = &text[intermediates..];
            match rest.bytes().next() {
                Some(0x30..=0x7e) => &rest[1..],
                _ => rest,
            }
        }
        None => text,
    }
}

/// CSI: parameters and intermediates (0x20–0x3F), then one final byte in
/// `@`..=`~`. Anything else ends it, and is kept.
fn skip_control_sequence(text: &str) -> &str {
    let body = text
        .bytes()
        .take_while(|b| (0x20..=0x3f).contains(b))
        .count();
    let rest = &text[body..];
    match rest.bytes().next() {
        Some(0x40..=0x7e) => &rest[1..],
        _ => rest,
    }
}

/// OSC, DCS and friends: up to BEL or ST (`ESC \`, or U+009C). A newline
/// ends it too, so an unterminated one cannot swallow the lines after it.
fn skip_string(text: &str) -> &str {
    for (at, c) in text.char_indices() {
        match c {
            '\u{7}' | '\u{9c}' => return &text[at + c.len_utf8()..],
            '\u{1b}' if text[at + 1..].starts_with('\\') => return &text[at + 2..],
            '\u{1b}' | '\n' => return &text[at..],
            _ => {}
        }
    }
    ""
}

/// `text` as literal Markdown: a `<` (HTML: `<script>`, `<img>`, autolinks)
/// and a `[` (links and images: `[click](javascript:…)`, `![](http://…)`)
/// are escaped with a backslash, and so is a backslash that would escape
/// what follows it. CommonMark renders the escapes as the characters
/// typed; other Markdown (emphasis, lists) is left alone, as it cannot
/// run, fetch or link anything.
pub fn markdown_literal(text: &str) -> Cow<'_, str> {
    let special = |c: char| c == '<' || c == '[';
    if !text.contains(|c: char| special(c) || c == '\\') {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let escapes_next = c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation);
        if special(c) || escapes_next {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    Cow::Owned(escaped)
}

/// A sentence that starts with a capital: "deployed the model" becomes
/// "Deployed the model". Only a first word of plain lower-case letters is
/// touched, so names such as "iOS", "p99", "k8s" or "eBay" stay as written.
pub fn sentence_start(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    let plain = first_word
        .trim_end_matches(|c: char| c.is_ascii_punctuation())
        .chars()
        .all(char::is_lowercase);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if plain && first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_go_and_text_stays() {
        assert_eq!(without_controls("\u{1b}[41mmin", false), "min");
        assert_eq!(without_controls("a\u{1b}]0;t\u{7}b", false), "ab");
        assert!(matches!(
            without_controls("plain\ttext", true),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bidi_overrides_and_invisible_characters_go_but_joiners_stay() {
        // Displayed, the override would show "txt.exe" as "exe.txt".
        assert_eq!(without_controls("txt\u{202e}exe.txt", false), "txtexe.txt");
        for c in [
            '\u{202a}',
            '\u{202d}',
            '\u{2066}',
            '\u{2069}',
            '\u{200b}',
            '\u{200f}',
            '\u{feff}',
            '\u{e0041}',
        ] {
            assert_eq!(without_controls(&format!("a{c}b"), true), "ab", "{c:?}");
        }
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} team";
        assert!(matches!(without_controls(family, false), Cow::Borrowed(_)));
        assert_eq!(
            clean_controls("a\u{2067}b", false, |_, _| None),
            "ab",
            "the terminal writer's rules too"
        );
    }

    #[test]
    fn markdown_from_a_win_cannot_link_fetch_or_run() {
        assert_eq!(
            markdown_literal("<script>x</script> [click](javascript:y) ![i](http://e/t.png)"),
            r"\<script>x\</script> \[click](javascript:y) !\[i](http://e/t.png)"
        );
        assert_eq!(markdown_literal(r"C:\temp \[x"), r"C:\temp \\\[x");
        assert!(matches!(
            markdown_literal("p99 -> 80ms, *fast*"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_sentence_starts_with_a_capital_but_names_stay() {
        assert_eq!(
            sentence_start("deployed the churn model"),
            "Deployed the churn model"
        );
        assert_eq!(sentence_start("écrit, shipped"), "Écrit, shipped");
        assert_eq!(sentence_start("I shipped it"), "I shipped it");
        for name in [
            "iOS app shipped",
            "p99 down",
            "k8s migration",
            "eBay feed",
            "",
        ] {
            assert_eq!(sentence_start(name), name);
        }
    }

    #[test]
    fn shorten_counts_characters_not_bytes_and_joins_lines() {
        assert_eq!(shorten("ééééé", 3), "éé…");
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("two\n  lines", 20), "two lines");
    }
}
