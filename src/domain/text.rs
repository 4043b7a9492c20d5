//! Plain text helpers shared by every layer.

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

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shorten_counts_characters_not_bytes_and_joins_lines() {
        assert_eq!(shorten("ééééé", 3), "éé…");
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("two\n  lines", 20), "two lines");
    }
}
