//! The article a noun phrase takes: the one place that decides between
//! "the", "a" and none, for a metric's label ("the null rate",
//! "recall@50") and for a thing a statement names ("the drift monitor
//! for …", "a new feature set", "dbt models", "ranker v4"), and between
//! "a" and "an" by how a word sounds.

/// What the words name, which changes when they go bare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// A metric's label: one word is a name ("recall@50", "AUC").
    Label,
    /// A thing: its head, the last word before a preposition, decides.
    Thing,
}

/// Words that end the head of a noun phrase ("the drift monitor for …").
pub const PREPOSITIONS: &[&str] = &[
    "for", "of", "on", "in", "to", "from", "with", "at", "across", "by", "into", "over", "via",
    "using", "and", "under", "without", "off", "onto", "through", "per",
];

/// Words that already stand where an article would.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "my", "their", "his", "her", "its", "this", "that", "these", "those",
    "all", "every", "each", "both", "some", "it", "them", "no", "about",
];

/// `words` with the article English wants before them.
pub fn with_article(words: &str, naming: Naming) -> String {
    let list: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let Some(first) = list.first() else {
        return String::new();
    };
    let lower = first.to_lowercase();
    if DETERMINERS.contains(&lower.as_str())
        || first.starts_with(|c: char| c.is_ascii_digit() || c == '$')
        || first.ends_with("'s")
    {
        return words.to_string();
    }
    match naming {
        Naming::Label => {
            // A capitalised first word that is not an acronym is a name
            // ("Triton serving").
            let name = first.chars().next().is_some_and(char::is_uppercase)
                && first.chars().skip(1).any(char::is_lowercase);
            let last = list.last().copied().unwrap_or_default();
            if list.len() == 1 || plural(last) || name || lower == "new" {
                return words.to_string();
            }
        }
        Naming::Thing => {
            let head_end = list
                .iter()
                .position(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
                .unwrap_or(list.len());
            let head = list[..head_end].last().copied().unwrap_or(first);
            // "ranker v4" is a name; "the v3 ranking model" is not.
            let versioned = {
                let w = head.to_lowercase();
                w.len() > 1
                    && w.starts_with('v')
                    && w[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
            };
            if versioned || plural(head) || first.chars().skip(1).any(char::is_uppercase) {
                return words.to_string();
            }
            if lower == "new" {
                return format!("a {words}");
            }
        }
    }
    format!("the {words}")
}

/// "a" or "an" before a label, by how it sounds: "an F1", "a top-5 accuracy".
pub fn indefinite(label: &str) -> &'static str {
    let Some(first) = label.chars().next() else {
        return "a";
    };
    let word = label.split(' ').next().unwrap_or("");
    // "an 8-week backtest", "an 11-day test", "an 18-month plan".
    if first.is_ascii_digit() {
        let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
        let eight = digits.starts_with('8');
        let eleven = matches!(digits.len(), 2 | 5 | 8)
            && digits.starts_with("1")
            && matches!(&digits[..2], "11" | "18");
        return if eight || eleven { "an" } else { "a" };
    }
    let acronym = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if acronym {
        if "AEFHILMNORSX".contains(first) {
            return "an";
        }
        return "a";
    }
    if "aeiouAEIOU".contains(first) {
        return "an";
    }
    "a"
}

fn plural(word: &str) -> bool {
    word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_of_one_word_or_a_name_stays_bare() {
        assert_eq!(with_article("recall@50", Naming::Label), "recall@50");
        assert_eq!(with_article("null rate", Naming::Label), "the null rate");
        assert_eq!(
            with_article("false positives", Naming::Label),
            "false positives"
        );
        assert_eq!(
            with_article("Triton serving", Naming::Label),
            "Triton serving"
        );
    }

    #[test]
    fn a_thing_takes_its_article_by_its_head() {
        assert_eq!(
            with_article("drift monitor for the ranker", Naming::Thing),
            "the drift monitor for the ranker"
        );
        assert_eq!(
            with_article("new feature set", Naming::Thing),
            "a new feature set"
        );
        assert_eq!(with_article("dbt models", Naming::Thing), "dbt models");
        assert_eq!(with_article("ranker v4", Naming::Thing), "ranker v4");
        assert_eq!(with_article("dashboard", Naming::Thing), "the dashboard");
    }

    #[test]
    fn what_is_already_determined_is_left_as_it_is() {
        for words in [
            "our ranker",
            "3 dashboards",
            "$40K bill",
            "priya's model",
            "no lift",
        ] {
            assert_eq!(with_article(words, Naming::Thing), words);
            assert_eq!(with_article(words, Naming::Label), words);
        }
    }
}
