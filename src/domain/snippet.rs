//! Which part of a matching win a search shows: a window of a few words
//! around the best cluster of matches, with the matches marked.
//!
//! It chooses the way FTS5's own `snippet()` does (the window with the most
//! different phrases of the query, then the most matches, centred on them),
//! but in one pass over the matches: `snippet()` scores the window at each
//! match against every other match, which took minutes on one long win.

use std::ops::Range;

/// Words (tokens) in a snippet.
pub const WIDTH: usize = 16;
/// Characters in a snippet at most, whatever its words' length: a snippet
/// is one line of a listing.
pub const MAX_CHARS: usize = 300;
/// Where a match starts and ends in a snippet.
pub const OPEN: char = '\u{1}';
pub const CLOSE: char = '\u{2}';
/// Stands for text left out.
const ELLIPSIS: &str = "…";

/// Characters of the win's own text shown before a match in its tags or
/// project (see [`labelled`]).
const LEAD_CHARS: usize = 80;

/// The columns of the search index (`wins_fts`: text, impact, next, tags,
/// project, updates) that hold labels rather than sentences, by index.
pub fn label_column(column: usize) -> Option<&'static str> {
    match column {
        3 => Some("tags"),
        4 => Some("project"),
        _ => None,
    }
}

/// The snippet of a win that matched only in a label column: the start of
/// its text, so the line says which win it is, then the label's snippet
/// ("cut p99 scoring latency… · tags: scoring latency-work", the tag
/// marked). A tag alone said nothing of the win.
pub fn labelled(text: &[u8], label: &str, matched: &str) -> String {
    let words: String = String::from_utf8_lossy(text)
        .chars()
        .filter(|&c| c != OPEN && c != CLOSE)
        .collect();
    let lead = super::text::shorten(&words, LEAD_CHARS);
    if lead.is_empty() {
        return format!("{label}: {matched}");
    }
    format!("{lead} · {label}: {matched}")
}

/// One match of one of the query's phrases: in column `column`, covering
/// tokens `token..token + tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub phrase: usize,
    pub column: usize,
    pub token: usize,
    pub tokens: usize,
}

/// The part shown: `WIDTH` tokens of `column` from token `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub column: usize,
    pub start: usize,
}

/// The window chosen for a snippet, and where its matches are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub window: Window,
    /// From the first token of the window's first match to the end of its
    /// last.
    pub matches: Range<usize>,
    /// How many of the query's phrases the window holds.
    pub phrases: usize,
}

impl Choice {
    /// The tokens of the window, and of any window that starts where a
    /// sentence does and still holds the first match (see `settle`).
    pub fn reach(&self) -> Range<usize> {
        let from = (self.matches.start + 1)
            .saturating_sub(WIDTH)
            .min(self.window.start);
        from..self.window.start.max(self.matches.start) + WIDTH
    }

    /// The window, moved back to the start of the sentence its first match
    /// is in when a window from there holds as many of the query's phrases,
    /// as FTS5 prefers. `sentence_starts` are the tokens within `reach` that
    /// begin a sentence, in order; `hits` are as `choose` sorted them.
    pub fn settle(&self, sentence_starts: &[usize], hits: &[Hit]) -> Window {
        let column = self.window.column;
        let Some(&start) = sentence_starts
            .iter()
            .rev()
            .find(|&&start| start <= self.matches.start)
        else {
            return self.window;
        };
        let from = hits.partition_point(|hit| (hit.column, hit.token) < (column, start));
        let mut phrases: Vec<usize> = hits[from..]
            .iter()
            .take_while(|hit| hit.column == column && hit.token < start + WIDTH)
            .map(|hit| hit.phrase)
            .collect();
        phrases.sort_unstable();
        phrases.dedup();
        if phrases.len() >= self.phrases {
            Window { column, start }
        } else {
            self.window
        }
    }
}

/// The window with the best matches: each different phrase counts 1000 and
/// each repeat 1; the first best window wins ties. `hits` are sorted here
/// (by column, then token); `column_tokens[c]` is column c's length in
/// tokens. The work is linear in the number of hits.
pub fn choose(hits: &mut [Hit], phrases: usize, column_tokens: &[usize]) -> Choice {
    hits.sort_unstable_by_key(|hit| (hit.column, hit.token));
    let mut best: Option<(usize, Choice)> = None;
    let mut counts = vec![0usize; phrases];
    let mut rest = &hits[..];
    while let Some(first) = rest.first() {
        let column = first.column;
        let length = rest.iter().take_while(|hit| hit.column == column).count();
        let (group, after) = rest.split_at(length);
        rest = after;
        let size = column_tokens.get(column).copied().unwrap_or(0);
        // The window starting at `hit` holds the hits up to group[end].
        let (mut end, mut distinct, mut total) = (0, 0, 0);
        for hit in group {
            let limit = hit.token.saturating_add(WIDTH);
            while let Some(next) = group.get(end).filter(|next| next.token < limit) {
                if let Some(count) = counts.get_mut(next.phrase) {
                    if *count == 0 {
                        distinct += 1;
                    }
                    *count += 1;
                    total += 1;
                }
                end += 1;
            }
            let score = distinct * 1000 + (total - distinct);
            if best.as_ref().is_none_or(|(top, _)| score > *top) {
                let last = group.get(end.saturating_sub(1)).unwrap_or(hit);
                let last = last.token + last.tokens;
                let window = Window {
                    column,
                    start: centred(hit.token, last, size),
                };
                best = Some((
                    score,
                    Choice {
                        window,
                        matches: hit.token..last,
                        phrases: distinct,
                    },
                ));
            }
            if let Some(count) = counts.get_mut(hit.phrase) {
                *count -= 1;
                total -= 1;
                if *count == 0 {
                    distinct -= 1;
                }
            }
        }
    }
    best.map_or(
        Choice {
            window: Window {
                column: 0,
                start: 0,
            },
            matches: 0..0,
            phrases: 0,
        },
        |(_, choice)| choice,
    )
}

/// The start of a window that centres tokens `first..last` in it, kept
/// within the column's `size` tokens (as FTS5's snippet() does).
fn centred(first: usize, last: usize, size: usize) -> usize {
    let (first, last, size, width) = (first as i64, last as i64, size as i64, WIDTH as i64);
    let mut start = first - (width - (last - first)) / 2;
    if start + width > size {
        start = size - width;
    }
    usize::try_from(start).unwrap_or(0)
}

/// The snippet of `text`, one column of a win: the window's tokens (their
/// byte ranges in `text`, from token `window.start` on) and the text
/// between them, the hits between [`OPEN`] and [`CLOSE`] (which are taken
/// out of the text itself), an ellipsis where text is left out, and at most
/// [`MAX_CHARS`] characters. `column_tokens` is the column's length in
/// tokens.
pub fn render(
    text: &[u8],
    tokens: &[Range<usize>],
    window: Window,
    column_tokens: usize,
    hits: &[Hit],
) -> String {
    // Which of the window's tokens are inside a match.
    let mut marked = vec![false; tokens.len()];
    for hit in hits.iter().filter(|hit| hit.column == window.column) {
        let from = hit.token.saturating_sub(window.start);
        let to = (hit.token + hit.tokens)
            .saturating_sub(window.start)
            .min(tokens.len());
        for mark in marked.iter_mut().take(to).skip(from) {
            *mark = true;
        }
    }
    let mut snippet = Snippet::default();
    let mut at = 0;
    if window.start > 0 {
        snippet.push(ELLIPSIS, false);
        at = tokens.first().map_or(0, |token| token.start);
    }
    for (index, token) in tokens.iter().enumerate() {
        let inside = marked[index] && index > 0 && marked[index - 1];
        snippet.push_bytes(text.get(at..token.start).unwrap_or_default(), inside);
        snippet.push_bytes(text.get(token.clone()).unwrap_or_default(), marked[index]);
        at = at.max(token.end);
    }
    if window.start + WIDTH >= column_tokens {
        snippet.push_bytes(text.get(at..).unwrap_or_default(), false);
    } else {
        snippet.push(ELLIPSIS, false);
    }
    snippet.finish()
}

/// A snippet being written, within its length.
#[derive(Default)]
struct Snippet {
    text: String,
    chars: usize,
    open: bool,
    full: bool,
}

impl Snippet {
    fn push_bytes(&mut self, part: &[u8], marked: bool) {
        self.push(&String::from_utf8_lossy(part), marked);
    }

    fn push(&mut self, part: &str, marked: bool) {
        if self.full || part.is_empty() {
            return;
        }
        if marked != self.open {
            self.text.push(if marked { OPEN } else { CLOSE });
            self.open = marked;
        }
        for c in part.chars().filter(|&c| c != OPEN && c != CLOSE) {
            if self.chars == MAX_CHARS {
                self.full = true;
                break;
            }
            self.text.push(c);
            self.chars += 1;
        }
        if self.full {
            if self.open {
                self.text.push(CLOSE);
                self.open = false;
            }
            self.text.push_str(ELLIPSIS);
        }
    }

    fn finish(mut self) -> String {
        if self.open {
            self.text.push(CLOSE);
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::{choose, render, Hit, Window, CLOSE, MAX_CHARS, OPEN, WIDTH};

    fn hit(phrase: usize, column: usize, token: usize) -> Hit {
        Hit {
            phrase,
            column,
            token,
            tokens: 1,
        }
    }

    /// Byte ranges of the words of `text` (split on spaces), as a tokenizer
    /// gives them, from word `start` on, `WIDTH` at most.
    fn words(text: &str, start: usize) -> Vec<std::ops::Range<usize>> {
        let mut spans = Vec::new();
        let mut at = 0;
        for word in text.split(' ') {
            spans.push(at..at + word.len());
            at += word.len() + 1;
        }
        spans.into_iter().skip(start).take(WIDTH).collect()
    }

    /// As the store does it, with a sentence starting after each ". ".
    fn snippet(text: &str, hits: &mut [Hit], phrases: usize) -> String {
        let size = text.split(' ').count();
        let choice = choose(hits, phrases, &[size]);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(
                text.split(' ')
                    .enumerate()
                    .filter(|(_, word)| word.ends_with('.'))
                    .map(|(index, _)| index + 1),
            )
            .filter(|start| choice.reach().contains(start))
            .collect();
        let window = choice.settle(&starts, hits);
        render(
            text.as_bytes(),
            &words(text, window.start),
            window,
            size,
            hits,
        )
        .replace(OPEN, "[")
        .replace(CLOSE, "]")
    }

    #[test]
    fn a_short_win_is_shown_whole_with_its_matches_marked() {
        let text = "cut p99 scoring latency from 240ms to 80ms.";
        assert_eq!(
            snippet(text, &mut [hit(0, 0, 2), hit(1, 0, 3)], 2),
            "cut p99 [scoring latency] from 240ms to 80ms."
        );
    }

    #[test]
    fn the_window_with_the_most_different_phrases_wins_and_is_centred() {
        // "kubeflow" alone at word 2, then "kubeflow" and "retraining"
        // together at words 40 and 42 of 60.
        let text: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        let text = text.join(" ");
        let mut hits = [hit(0, 0, 2), hit(0, 0, 40), hit(1, 0, 42)];
        let choice = choose(&mut hits, 2, &[60]);
        assert_eq!(
            choice.window,
            Window {
                column: 0,
                start: 34
            }
        );
        assert_eq!(choice.matches, 40..43);
        let shown = snippet(&text, &mut hits, 2);
        assert!(shown.starts_with("…w34 "), "{shown}");
        assert!(shown.contains("[w40] w41 [w42]"), "{shown}");
        assert!(shown.ends_with(" w49…"), "{shown}");
    }

    #[test]
    fn repeats_count_less_than_another_phrase_and_ties_go_to_the_first() {
        let mut hits = [
            hit(0, 1, 0),
            hit(0, 1, 1),
            hit(0, 1, 2),
            hit(1, 2, 5),
            hit(0, 2, 6),
        ];
        assert_eq!(choose(&mut hits, 2, &[0, 3, 7]).window.column, 2);
        let mut hits = [hit(0, 2, 0), hit(0, 1, 0)];
        assert_eq!(choose(&mut hits, 1, &[0, 3, 7]).window.column, 1);
        assert_eq!(
            choose(&mut [], 1, &[5]).window,
            Window {
                column: 0,
                start: 0
            }
        );
    }

    #[test]
    fn markers_in_the_text_are_dropped_and_length_is_bounded() {
        let text = format!("a\u{1}b {} c", "x".repeat(10_000));
        let shown = snippet(&text, &mut [hit(0, 0, 1)], 1);
        assert!(shown.starts_with("ab [x"), "{shown}");
        assert!(shown.ends_with("]…"), "{shown}");
        assert_eq!(shown.chars().count(), MAX_CHARS + 3);
    }

    #[test]
    fn choosing_is_linear_in_the_hits() {
        // A million matches of one word in one column: the old way scored
        // each window against every match (10^12 steps); this is one pass.
        let mut hits: Vec<Hit> = (0..1_000_000).map(|token| hit(0, 0, token * 3)).collect();
        let choice = choose(&mut hits, 1, &[3_000_000]);
        assert_eq!(
            choice.window,
            Window {
                column: 0,
                start: 0
            }
        );
    }

    #[test]
    fn a_window_starts_at_its_sentence_when_that_holds_as_many_words() {
        let text = "we shipped it. then the feature store got tuned by us and the feature store sped up a lot in every region we serve";
        // "store" and "us" at words 6 and 10, centred from word 1: a window
        // from "then" (word 3) holds both.
        let shown = snippet(text, &mut [hit(0, 0, 6), hit(1, 0, 10)], 2);
        assert!(
            shown.starts_with("…then the feature [store] got tuned by [us]"),
            "{shown}"
        );
        // A repeat of the word is worth less than starting at the sentence.
        let shown = snippet(text, &mut [hit(0, 0, 6), hit(0, 0, 14)], 1);
        assert!(shown.starts_with("…then the feature [store]"), "{shown}");
        // Too far back to hold the second word: the window stays centred.
        let text =
            "one. two three four five six seven eight nine ten eleven twelve x y z w v u t s r q";
        let shown = snippet(text, &mut [hit(0, 0, 12), hit(1, 0, 19)], 2);
        assert!(shown.starts_with("…seven"), "{shown}");
    }
}
