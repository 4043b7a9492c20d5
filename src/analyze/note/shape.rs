//! The shape of a fragment of a note: an action, a clause with its own
//! subject, a noun phrase, a launch, a role, a setting, a negation. No
//! number is read here: a metric arrives as a mark and stays one.

use super::*;

/// Gerunds whose object is always a person ("coaching meera").
const PEOPLE_GERUNDS: &[&str] = &["mentoring", "coaching", "tutoring"];

impl Vocabulary {
    /// What a fragment is, from its words.
    pub(super) fn shape(&self, words: &[String]) -> Shape {
        let mut start = 0;
        while start < words.len() && FILLER.contains(&words[start].to_lowercase().as_str()) {
            start += 1;
        }
        if start < words.len() && words[start] == "I" {
            start += 1;
        }
        let words = &words[start..];
        if words.is_empty() {
            return Shape::Noun {
                words: String::new(),
            };
        }
        let lower: Vec<String> = words.iter().map(|w| clean(w).to_lowercase()).collect();
        // "label backfill done": the work is done.
        if words.len() > 1 && self.done.contains(&lower[lower.len() - 1]) {
            let thing = self.arrows(&words[..words.len() - 1]);
            let past = match lower[lower.len() - 1].as_str() {
                "done" | "complete" | "finished" | "wrapped" => "completed".to_string(),
                other => other.to_string(),
            };
            let base = self.base_of(&past).unwrap_or(&past).to_string();
            return Shape::Action {
                past,
                base,
                rest: format!("the {thing}"),
            };
        }
        let joined = lower.join(" ");
        // "tech lead for the ranking squad" (one spelled word may hold two).
        if let Some(role) = self.roles.iter().find(|r| {
            joined
                .strip_prefix(r.as_str())
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|w| matches!(w, "for" | "of" | "on" | "in" | "at"))
        }) {
            let _ = role;
            return Shape::Role {
                words: self.arrows(words),
            };
        }
        if let Some((past, base, used)) = self.opening_verb(words, &lower) {
            let rest = words[used..].join(" ");
            if lower.get(used).is_some_and(|w| w == "by") && past.ends_with("ed") {
                return Shape::Participle {
                    words: self.arrows(words),
                };
            }
            return Shape::Action {
                rest: self.changes_in_action(&past, &rest),
                past,
                base,
            };
        }
        // "so tests finish sooner": a clause that follows from the one before.
        if lower[0] == "so" && words.len() > 2 {
            return Shape::Clause {
                words: self.arrows(words),
            };
        }
        if lower[0] == "no" && words.len() > 1 && lower[1] != "longer" {
            return Shape::Negation {
                rest: self.arrows(&words[1..]),
            };
        }
        // "0 incidents": zero incidents.
        if lower[0] == "0" && lower.get(1).is_some_and(|w| !has_digit(w) && w != "→") {
            let mut zero = words.to_vec();
            zero[0] = "zero".into();
            return Shape::Noun {
                words: self.arrows(&zero),
            };
        }
        if matches!(
            lower[0].as_str(),
            "after" | "since" | "before" | "during" | "within" | "once" | "at" | "over"
        ) && words.len() <= 4
            && !words.iter().any(|w| is_quantity(w))
        {
            return Shape::Setting {
                words: self.arrows(words),
            };
        }
        if let Some(index) = self.finite_verb(words, &lower) {
            let only_detail_after = words[index + 1..]
                .iter()
                .all(|w| w.starts_with('(') || is_quantity(w) || w.ends_with(')'));
            if lower[index].ends_with("ed") && only_detail_after {
                return Shape::Participle {
                    words: self.arrows(words),
                };
            }
            if lower[index] == "live" {
                return Shape::Launch {
                    subject: words[..index].join(" "),
                    rest: self.arrows(&words[index + 1..]),
                };
            }
            return Shape::Clause {
                words: self.arrows(words),
            };
        }
        Shape::Noun {
            words: self.arrows(words),
        }
    }

    /// The verb a fragment opens with: (past, base, words used).
    pub(super) fn opening_verb(
        &self,
        words: &[String],
        lower: &[String],
    ) -> Option<(String, String, usize)> {
        // Two- and three-word verbs first: "set up", "took over", "rolled out".
        for width in (1..=3.min(words.len())).rev() {
            let phrase = lower[..width].join(" ");
            let next = lower.get(width).map(String::as_str);
            if width == 1 && self.nouns_too.contains(&phrase) && !next.is_some_and(opens_object) {
                return None;
            }
            if let Some(past) = self.past.get(&phrase) {
                // "handle time -9%", "produce waste down 11%": a bare verb
                // and a noun before a change name what changed.
                let changed = lower
                    .get(width + 1)
                    .is_some_and(|w| has_digit(w) || matches!(w.as_str(), "down" | "up" | "flat"));
                if width == 1 && *past != phrase && !next.is_some_and(opens_object) && changed {
                    return None;
                }
                return Some((past.clone(), phrase, width));
            }
            if self.is_past_form(&phrase) {
                let base = self.base_of(&phrase).unwrap_or(&phrase).to_string();
                return Some((words[..width].join(" ").to_lowercase(), base, width));
            }
            if width == 1 {
                if let Some(base) = self.gerund_base(&phrase) {
                    // "retraining from a 2-day process to…", "reading group": a noun.
                    // "training throughput", "onboarding flow readout": a gerund
                    // before a bare noun names a thing, not what I did.
                    // "mentoring Sam on experiment design": a person is an object.
                    // "mentoring intern kai": one mentors people, whatever follows.
                    let person = PEOPLE_GERUNDS.contains(&phrase.as_str())
                        || words.get(1).is_some_and(|w| {
                            let mut chars = w.chars();
                            chars.next().is_some_and(char::is_uppercase)
                                && chars.all(char::is_lowercase)
                        });
                    if !person
                        && next.is_some_and(|n| {
                            self.noun_heads.contains(n) || n == "from" || !opens_object(n)
                        })
                    {
                        return None;
                    }
                    let past = self.past.get(&base).cloned()?;
                    return Some((past, base, 1));
                }
                // "CUPED", "SHAPED": an acronym, not a verb.
                let acronym = words[0]
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase);
                // "llm-generated", "hand-labeled": a word before a noun.
                if looks_past(&phrase) && !acronym && !phrase.contains('-') {
                    let base = phrase.trim_end_matches("ed").to_string();
                    return Some((phrase, base, 1));
                }
            }
        }
        None
    }

    /// "building" → "build", "running" → "run", "making" → "make".
    pub(super) fn gerund_base(&self, word: &str) -> Option<String> {
        let stem = word.strip_suffix("ing")?;
        if stem.len() < 2 {
            return None;
        }
        let mut candidates = vec![stem.to_string(), format!("{stem}e")];
        let bytes = stem.as_bytes();
        if bytes.len() >= 2 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] {
            candidates.push(stem[..stem.len() - 1].to_string());
        }
        candidates.into_iter().find(|c| self.past.contains_key(c))
    }

    /// Where a clause's own verb is: "churn dropped…", "the audit caught…".
    pub(super) fn finite_verb(&self, words: &[String], lower: &[String]) -> Option<usize> {
        let limit = words.len().min(9);
        if PREPOSITIONS.contains(&lower[0].as_str()) || is_quantity(&words[0]) && words.len() < 3 {
            return None;
        }
        let mut quoted = words[0].starts_with('"') && !words[0][1..].contains('"');
        let mut aside = false;
        for index in 1..limit {
            let word = lower[index].as_str();
            let before = lower[index - 1].as_str();
            // "(num_workers was 2)": an aside has no say in the clause.
            if words[index].starts_with('(') {
                aside = true;
            }
            if aside {
                aside = !words[index].ends_with(')');
                continue;
            }
            // Words inside quotes are a name: 'customer "where is my order" contacts'.
            let opens = words[index].starts_with('"');
            let closes = words[index].ends_with('"');
            if quoted || opens {
                quoted = !closes || (opens && words[index].len() == 1);
                continue;
            }
            if DETERMINERS.contains(&before) || has_digit(word) || word == "→" || before == "to" {
                continue;
            }
            let no_longer = word == "no" && lower.get(index + 1).is_some_and(|w| w == "longer");
            // "the PM team uses it weekly": a present tense before its object.
            let present = word.len() > 3
                && word.ends_with('s')
                && (self.past.contains_key(&word[..word.len() - 1])
                    || self.past.contains_key(word.trim_end_matches("es")));
            let present = present
                && lower.get(index + 1).is_some_and(|w| {
                    matches!(
                        w.as_str(),
                        "it" | "them" | "the" | "a" | "every" | "our" | "all"
                    )
                });
            let finite = FINITE.contains(&word)
                || present
                || no_longer
                || word == "live"
                || (self.is_past_form(word) && !self.nouns_too.contains(word))
                || (looks_past(word) && !word.contains('-'));
            if finite {
                return Some(index);
            }
        }
        None
    }

    /// Arrows left inside a phrase: "kafka → iceberg" → "from Kafka to Iceberg".
    pub(super) fn arrows(&self, words: &[String]) -> String {
        let mut out: Vec<String> = Vec::with_capacity(words.len() + 2);
        let mut index = 0;
        // Where `out` ends when one word followed the last move's "to".
        let mut chain_at: Option<usize> = None;
        while index < words.len() {
            if words[index] == "→" {
                // "before launch → needed 3.4M sessions": what followed, not a move.
                let next = words.get(index + 1).map(|w| clean(w).to_lowercase());
                if next.is_some_and(|n| self.is_past_form(&n) || looks_past(&n)) {
                    out.push("and".into());
                    index += 1;
                    continue;
                }
                // "the 7B intent model → 1.3B": a size it went to.
                let quantity_next = words.get(index + 1).is_some_and(|w| has_digit(w));
                let quantity_before = out.last().is_some_and(|w| has_digit(w));
                if quantity_next && !quantity_before {
                    out.push("to".into());
                    index += 1;
                    continue;
                }
                // "sku → store → region": the chain goes on to its next place.
                if chain_at == Some(out.len()) {
                    out.push("to".into());
                    chain_at = Some(out.len() + 1);
                    index += 1;
                    continue;
                }
                // "(dicom → png)": inside parentheses, a conversion; "nightly
                // retrains → spot gpus": the work itself went there.
                let bare_to = out.last().is_some_and(|w| {
                    w.starts_with('(') || self.is_work_noun(&clean(w).to_lowercase())
                });
                if bare_to {
                    out.push("to".into());
                    chain_at = Some(out.len() + 1);
                    index += 1;
                    continue;
                }
                if let Some(before) = out.pop() {
                    let from_already = out.last().is_some_and(|w| w.eq_ignore_ascii_case("from"));
                    chain_at = Some(out.len() + if from_already { 3 } else { 4 });
                    if !from_already {
                        out.push("from".into());
                    }
                    out.push(before);
                    out.push("to".into());
                }
                index += 1;
                continue;
            }
            out.push(words[index].clone());
            index += 1;
        }
        out.join(" ")
    }

    /// "cut gpu bill ⟨28%⟩ with int8" → "cut the GPU bill ⟨28%⟩ with int8":
    /// the object of a verb of change gets its article; arrows between
    /// words become "from … to …". The numbers are marks, told by the caller.
    pub(super) fn changes_in_action(&self, past: &str, rest: &str) -> String {
        let words: Vec<String> = rest.split(' ').map(str::to_string).collect();
        if CHANGE_VERBS.contains(&past) {
            if let Some(mark) = words.iter().position(|w| w.contains(KEEP)) {
                let object = &words[..mark];
                if !object.is_empty()
                    && object
                        .iter()
                        .all(|w| !PREPOSITIONS.contains(&w.to_lowercase().as_str()))
                {
                    let mut out: Vec<String> = with_the(&object.join(" "))
                        .split(' ')
                        .map(str::to_string)
                        .collect();
                    out.extend_from_slice(&words[mark..]);
                    return self.arrows(&out);
                }
            }
        }
        self.arrows(&words)
    }
}
