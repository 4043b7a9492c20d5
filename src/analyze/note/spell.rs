//! Spelling a note as a statement writes it: shorthand spelled out, names
//! in their own case, symbols as words, and the sentences that already
//! read well kept as they are.

use super::*;

impl Vocabulary {
    /// "Feature Importance Report For Credit Risk Model" → lower case, names kept.
    pub(super) fn untitle(&self, sentence: &str) -> String {
        let words: Vec<&str> = sentence.split(' ').collect();
        let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() > 3).collect();
        let capital = long
            .iter()
            .filter(|w| {
                let mut chars = w.chars();
                chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase())
            })
            .count();
        if long.len() < 3 || capital * 10 < long.len() * 7 {
            return sentence.to_string();
        }
        words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                let all_but_first_lower =
                    chars.next().is_some() && chars.all(|c| !c.is_uppercase());
                if all_but_first_lower && !self.names.contains_key(&w.to_lowercase()) {
                    w.to_lowercase()
                } else {
                    (*w).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A sentence that already reads well: capitalised, long enough, and free
    /// of shorthand, symbols and signed numbers.
    pub(super) fn reads_well(&self, sentence: &str) -> bool {
        let first = sentence.chars().next();
        if !first.is_some_and(char::is_uppercase) || sentence.split(' ').count() < 5 {
            return false;
        }
        if !sentence.ends_with('.') {
            return false;
        }
        if sentence.contains(['→', '~', '≈', '<', '>', '+', ';'])
            || sentence.contains(" - ")
            || sentence.contains("w/")
        {
            return false;
        }
        for word in sentence.split(' ') {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '\'');
            let lower = bare.to_lowercase();
            if word.starts_with('-') && word[1..].starts_with(|c: char| c.is_ascii_digit()) {
                return false;
            }
            if self.shorthand.contains_key(&lower) || self.short_verbs.contains_key(&lower) {
                return false;
            }
            if let Some(name) = self.names.get(&lower) {
                if name != bare && !name.contains(' ') {
                    return false;
                }
            }
            if lower.contains('/') && self.per.keys().any(|per| lower.ends_with(per.as_str())) {
                return false;
            }
        }
        // "Labeling guidelines v2 for toxicity with the vendor." has no verb:
        // a heading, not a sentence, however well it is spelled.
        let words: Vec<String> = sentence
            .trim_end_matches('.')
            .split(' ')
            .map(str::to_string)
            .collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let opens_with_verb = self.is_past_form(&lower[0]) || self.past.contains_key(&lower[0]);
        opens_with_verb || self.finite_verb(&words, &lower).is_some()
    }

    /// A sentence that reads well, with "I" added before an opening verb.
    pub(super) fn sentence(&self, sentence: &str) -> Shape {
        let words = sentence.trim_end_matches('.').to_string();
        let first = words.split(' ').next().unwrap_or("").to_lowercase();
        if first != "i" && (self.is_past_form(&first) || self.past.contains_key(&first)) {
            let rest = &words[first.len()..];
            let past = self
                .past
                .get(&first)
                .filter(|_| !self.is_past_form(&first))
                .cloned()
                .unwrap_or(first);
            return Shape::Sentence {
                words: format!("I {past}{rest}"),
            };
        }
        Shape::Sentence { words }
    }

    /// The words of a fragment in a statement's spelling: shorthand spelled
    /// out, names in their own case, symbols as words.
    pub(super) fn spell(&self, piece: &str) -> Vec<String> {
        let raw: Vec<&str> = piece.split(' ').filter(|w| !w.is_empty()).collect();
        let mut out: Vec<String> = Vec::with_capacity(raw.len());
        let mut index = 0;
        while index < raw.len() {
            // The longest glossary phrase starting here ("ab test", "perf review").
            let mut matched = false;
            for width in (2..=self.longest_key.min(raw.len() - index)).rev() {
                let phrase = raw[index..index + width].join(" ").to_lowercase();
                let phrase = phrase.trim_end_matches([',', '.', ')', ':']);
                let found = if index == 0 {
                    self.short_verbs
                        .get(phrase)
                        .or_else(|| self.past.get(phrase))
                } else {
                    None
                }
                .or_else(|| self.shorthand.get(phrase))
                .or_else(|| self.names.get(phrase));
                if let Some(found) = found {
                    out.push(found.clone());
                    index += width;
                    matched = true;
                    break;
                }
            }
            if matched {
                continue;
            }
            let word = raw[index];
            if word.contains(KEEP) {
                out.push(word.to_string());
                index += 1;
                continue;
            }
            let previous = out.last().map(String::as_str);
            out.extend(self.spell_word(word, index == 0, previous));
            index += 1;
        }
        out.retain(|w| !w.is_empty());
        if let Some(first) = out.first_mut() {
            if self.sentence_case_only(first) {
                *first = first.to_lowercase();
            }
        }
        out
    }

    /// "Labeling guidelines…": a word capitalised only because a sentence
    /// opened with it, which a statement's own wording ("I wrote the …")
    /// puts in lower case. Names and words the vocabulary does not know keep
    /// their capital ("Priya paired with me").
    fn sentence_case_only(&self, word: &str) -> bool {
        let mut chars = word.chars();
        let title = chars.next().is_some_and(char::is_uppercase)
            && word.len() > 2
            && chars.all(|c| c.is_lowercase() || c == '-');
        if !title {
            return false;
        }
        let lower = word.to_lowercase();
        if self.names.contains_key(&lower) {
            return false;
        }
        let head = lower.split('-').next().unwrap_or_default();
        ["ing", "ed", "tion", "ment", "ness"]
            .iter()
            .any(|end| head.ends_with(end) && head.len() > end.len() + 2)
            || self.past.contains_key(head)
            || self.is_noun_head(head)
    }

    /// One word in a statement's spelling; may become several.
    pub(super) fn spell_word(
        &self,
        word: &str,
        first: bool,
        previous: Option<&str>,
    ) -> Vec<String> {
        // "→", and a chat channel ("#ds") or a handle ("@dana") as written.
        if word == "@" {
            return vec!["at".into()];
        }
        if word == "→" || word.starts_with(['#', '@']) {
            return vec![word.into()];
        }
        let lower = word.to_lowercase();
        // "w/", "w/o", "b/c": shorthand whose letters end in a symbol.
        if let Some(long) = self
            .shorthand
            .get(lower.trim_end_matches([',', ';', ':']))
            .filter(|_| lower.contains('/'))
        {
            let trail = &word[lower.trim_end_matches([',', ';', ':']).len()..];
            return vec![format!("{long}{trail}")];
        }
        // "<", ">", ">=" on their own before a number.
        for (symbol, words) in [
            ("<", "under"),
            (">", "over"),
            (">=", "at least"),
            ("<=", "at most"),
        ] {
            if word == symbol {
                return vec![words.to_string()];
            }
        }
        // "ctr+cvr": "click-through rate and conversion rate".
        if let Some((left, right)) = word.split_once('+') {
            if left.chars().all(char::is_alphabetic)
                && right.chars().any(char::is_alphabetic)
                && !left.is_empty()
            {
                let mut out = self.spell_word(left, first, previous);
                out.push("and".into());
                out.extend(self.spell_word(right, false, Some("and")));
                return out;
            }
        }
        // "wk-over-wk", "e2e-tests": each part of a compound spelled out.
        if word.contains('-') && !word.starts_with('-') && !self.names.contains_key(&lower) {
            let parts: Vec<&str> = word.split('-').collect();
            if parts.len() > 1
                && parts
                    .iter()
                    .any(|p| self.shorthand.contains_key(&p.to_lowercase()))
            {
                let spelled: Vec<String> = parts
                    .iter()
                    .map(|p| {
                        self.shorthand
                            .get(&p.to_lowercase())
                            .cloned()
                            .unwrap_or_else(|| (*p).to_string())
                    })
                    .collect();
                return vec![spelled.join("-")];
            }
        }
        if word == "+" || word == "&" {
            return vec!["and".into()];
        }
        if word == "~" || word == "≈" {
            return vec!["about".into()];
        }
        // "(~" before a number the metrics marked: "(about".
        if let Some(open) = word.strip_suffix(['~', '≈']) {
            if !open.is_empty() && open.chars().all(|c| matches!(c, '(' | '[')) {
                return vec![format!("{open}about")];
            }
        }
        // Punctuation around the word stays around it.
        let start = word
            .find(|c: char| c.is_alphanumeric() || "~≈<>$+-−@".contains(c))
            .unwrap_or(word.len());
        let end = word
            .rfind(|c: char| c.is_alphanumeric() || c == '%' || c == '$' || c == '\'')
            .map_or(start, |i| {
                i + word[i..].chars().next().map_or(1, char::len_utf8)
            });
        if start >= end {
            return vec![word.to_string()];
        }
        let (lead, core, trail) = (&word[..start], &word[start..end], &word[end..]);
        let mut spelled = self.spell_core(core, first, previous);
        if let Some(first) = spelled.first_mut() {
            first.insert_str(0, lead);
        }
        if let Some(last) = spelled.last_mut() {
            last.push_str(trail);
        }
        spelled
    }

    pub(super) fn spell_core(
        &self,
        core: &str,
        first: bool,
        previous: Option<&str>,
    ) -> Vec<String> {
        let lower = core.to_lowercase();
        // "~120", "≈$650K": about.
        if let Some(rest) = core.strip_prefix(['~', '≈']) {
            let mut out = vec!["about".to_string()];
            out.extend(self.spell_core(rest, false, Some("about")));
            return out;
        }
        // "<2min", ">99%", ">=": under, over, at least.
        for (symbol, words) in [
            ("<=", "at most"),
            (">=", "at least"),
            ("≤", "at most"),
            ("≥", "at least"),
            ("<", "under"),
            (">", "over"),
        ] {
            if let Some(rest) = core.strip_prefix(symbol) {
                if rest.starts_with(|c: char| c.is_ascii_digit() || c == '$') {
                    let mut out = vec![words.to_string()];
                    out.extend(self.spell_core(rest, false, None));
                    return out;
                }
            }
        }
        if first {
            if let Some(verb) = self.short_verbs.get(&lower) {
                return vec![verb.clone()];
            }
        }
        if let Some(name) = self.names.get(&lower) {
            return vec![name.clone()];
        }
        // "dana's": a name's possessive.
        if let Some(name) = lower
            .strip_suffix("'s")
            .and_then(|stem| self.names.get(stem))
        {
            return vec![format!("{name}'s")];
        }
        if let Some(long) = self.shorthand_of(&lower, previous) {
            return vec![keep_case(core, &long)];
        }
        // "$400K/yr", "reviews/wk", "6/qtr": per unit → "a year".
        if let Some(slash) = core.find('/') {
            let (head, unit) = core.split_at(slash);
            if !head.is_empty() {
                if let Some(per) = self.per.get(&unit.to_lowercase()) {
                    let mut out = self.spell_core(head, first, previous);
                    out.extend(per.split(' ').map(str::to_string));
                    return out;
                }
                // "rev/visitor", "rps/gpu": one word per another;
                // "offline/online", "jailbreak/pii": a pair, as written.
                let other = &unit[1..];
                if head.chars().all(char::is_alphabetic)
                    && other.len() > 1
                    && other.chars().all(char::is_alphabetic)
                    && !self.names.contains_key(&lower)
                {
                    let mut out = self.spell_core(head, first, previous);
                    let counted = other.to_lowercase();
                    if self.per_things.contains(&counted)
                        || counted
                            .strip_suffix('s')
                            .is_some_and(|one| self.per_things.contains(one))
                    {
                        out.push("per".into());
                        out.extend(self.spell_core(other, false, Some("per")));
                    } else {
                        let mut second = self.spell_core(other, false, None).into_iter();
                        match (out.last_mut(), second.next()) {
                            (Some(last), Some(word)) => {
                                last.push('/');
                                last.push_str(&word);
                            }
                            (None, Some(word)) => out.push(word),
                            _ => {}
                        }
                        out.extend(second);
                    }
                    return out;
                }
                // "3/4 regions": a part of a whole; "52/48 split", "30/60/90
                // plans": a ratio or a series, as written.
                if head.chars().all(|c| c.is_ascii_digit())
                    && !unit[1..].is_empty()
                    && unit[1..].chars().all(|c| c.is_ascii_digit() || c == '/')
                {
                    let part = head.parse::<u64>().ok();
                    let whole = unit[1..].parse::<u64>().ok();
                    return match (part, whole) {
                        // "on 3/12" is a date.
                        (Some(part), Some(whole))
                            if part < whole
                                && !previous.is_some_and(|p| {
                                    matches!(
                                        p,
                                        "on" | "by" | "since" | "until" | "before" | "after"
                                    )
                                }) =>
                        {
                            vec![head.to_string(), "of".into(), unit[1..].to_string()]
                        }
                        _ => vec![core.to_string()],
                    };
                }
                // "rev/1k impressions": per a number.
                if unit[1..].starts_with(|c: char| c.is_ascii_digit()) {
                    let mut out = self.spell_core(head, first, previous);
                    out.push("per".into());
                    out.extend(self.spell_core(&unit[1..], false, Some("per")));
                    return out;
                }
            }
        }
        // "8k" → "8K", "$1.2m" → "$1.2M".
        if let Some(number) = core.strip_suffix(['k', 'm']) {
            if number
                .trim_start_matches(['$', '+', '-', '~'])
                .parse::<f64>()
                .is_ok()
            {
                return vec![core.to_uppercase()];
            }
        }
        // "2.1pts" → "2.1 points"; "4wks" → "4 weeks".
        let digits = core
            .find(|c: char| {
                !(c.is_ascii_digit() || c == '.' || c == ',' || c == '+' || c == '-' || c == '−')
            })
            .unwrap_or(core.len());
        if digits > 0 && digits < core.len() && core[..digits].chars().any(|c| c.is_ascii_digit()) {
            let unit = &core[digits..];
            if let Some(long) = self.shorthand_of(&unit.to_lowercase(), Some(&core[..digits])) {
                if long.chars().all(|c| c.is_alphabetic() || c == ' ') {
                    return vec![core[..digits].to_string(), long];
                }
            }
        }
        vec![core.to_string()]
    }

    /// "feats" → "features", "qtrs" → "quarters"; "1 wk" → "week", "2 wks" → "weeks".
    pub(super) fn shorthand_of(&self, lower: &str, previous: Option<&str>) -> Option<String> {
        // A number, or a mark standing for one.
        let after_number = previous.is_some_and(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == KEEP)
        });
        // "45 min" is minutes; "min replicas" is the minimum.
        if lower == "min" && !after_number {
            return Some(String::from("minimum"));
        }
        // "staff 2 eng", "12 DSs": people or things counted.
        if after_number {
            let one = previous == Some("1");
            let singular = lower.strip_suffix('s').filter(|s| s.len() > 1);
            if let Some(long) = self
                .counted
                .get(lower)
                .or_else(|| singular.and_then(|s| self.counted.get(s)))
            {
                return Some(if one { long.clone() } else { pluralize(long) });
            }
        }
        if let Some(long) = self.shorthand.get(lower) {
            let plural = previous
                .is_some_and(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()) && p != "1")
                && UNIT_WORDS.contains(&lower);
            return Some(if plural {
                pluralize(long)
            } else {
                long.clone()
            });
        }
        let singular = lower.strip_suffix('s')?;
        if singular.len() < 2 {
            return None;
        }
        self.shorthand.get(singular).map(|long| pluralize(long))
    }
}
