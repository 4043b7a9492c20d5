//! The changes a statement tells: the parts of a note that carry a
//! metric, each worded from its `Metric` (its label, amounts, units and the
//! way it moved), and every mark told in place. Part of the `Composer`.

use crate::analyze::note::{with_the, Shape};
use crate::domain::metric::{Direction, Metric};

use super::compose::{Change, Composer, Form, SHORT_TAIL};
use super::english::{self, capitalize, join_words, PREPOSITIONS, QUALIFIERS};
use super::marks::{self, MARK};
use super::WayName;

impl<'w> Composer<'_, 'w> {
    /// The changes a part without a verb of its own tells ("feat compute
    /// 6h→45m", "recall@50 0.62 -> 0.71 offline"), each with its label.
    pub(super) fn changes(&self, shape: &Shape) -> Option<Vec<Change<'w>>> {
        let words = match shape {
            Shape::Noun { words } | Shape::Participle { words } | Shape::Setting { words } => words,
            // "training throughput 1.9k -> 5.2k samples/s": no verb before the change.
            Shape::Clause { words } if !self.verb_before_change(words) => words,
            _ => return None,
        };
        let list: Vec<&str> = words.split(' ').collect();
        if !list
            .iter()
            .any(|w| self.marks.metric(w).is_some_and(marks::is_change))
        {
            return None;
        }
        // "same mAP with 40% fewer labels", "10x less traffic": an amount
        // before a comparative describes a noun; the part is not a change.
        // ("3x faster" is a factor, told as one.)
        if list.windows(2).any(|pair| {
            self.marks.metric(pair[0]).is_some_and(marks::is_change)
                && matches!(
                    pair[1].to_lowercase().as_str(),
                    "fewer" | "less" | "more" | "higher" | "lower"
                )
        }) {
            return None;
        }
        let mut changes: Vec<Change<'w>> = Vec::new();
        let mut label: Vec<String> = Vec::new();
        // "a month" of "$27K/mo": kept with the change whatever follows.
        let mut rate = String::new();
        for word in &list {
            match self.marks.metric(word).filter(|m| marks::is_change(m)) {
                Some(metric) => {
                    // "ops dashboard shows handle time": the label is what
                    // follows the verb.
                    let verb = label.iter().enumerate().rposition(|(at, w)| {
                        let stem = w.strip_suffix('s').unwrap_or(w);
                        w.ends_with('s')
                            && self.engine.vocabulary.is_verb(stem)
                            && label
                                .get(at + 1)
                                .is_some_and(|next| !PREPOSITIONS.contains(&next.as_str()))
                    });
                    if let Some(verb) = verb {
                        if verb > 0 && verb + 1 < label.len() {
                            label.drain(..=verb);
                        }
                    }
                    let words = label.join(" ");
                    let (name, qualifier) = marks::split_qualifier(&words);
                    changes.push(Change {
                        label: self.strip_direction(name),
                        metric,
                        qualifier,
                        tail: String::new(),
                    });
                    label.clear();
                    // "$74K/mo": the rate goes on with the words after the change.
                    let close = self.rate(&mark_close(word));
                    rate = close.trim().to_string();
                    if !rate.is_empty() {
                        label.push(rate.clone());
                    }
                }
                None => label.push((*word).to_string()),
            }
        }
        let tail = label.join(" ");
        let only = changes.len() == 1;
        if let Some(last) = changes.last_mut() {
            let opens_phrase = tail
                .split(' ')
                .next()
                .is_some_and(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()) || w == "per");
            let rate_first = !rate.is_empty() && tail.starts_with(&rate);
            // "3x faster than the large one": a comparison, not a name.
            let compares = tail
                .split(' ')
                .next()
                .is_some_and(|w| self.engine.phrases.join.comparatives.iter().any(|c| c == w));
            if last.label.is_empty() && only && !opens_phrase && !rate_first && !compares {
                // "+2.1% CTR on search", "1.8M → 1.2M listings w/ fuzzy
                // matching": the label follows the change, up to a preposition.
                let words: Vec<&str> = tail.split(' ').collect();
                let cut = words
                    .iter()
                    .position(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
                    .filter(|at| *at > 0)
                    .unwrap_or(words.len());
                last.label = self.strip_direction(&words[..cut].join(" "));
                let rest = words[cut..].join(" ");
                if words.len() - cut <= SHORT_TAIL {
                    last.tail = self.strip_direction(&rest);
                }
            } else if tail.split(' ').count() <= SHORT_TAIL {
                last.tail = self.strip_direction(&tail);
            } else if !rate.is_empty() && tail.starts_with(&rate) {
                last.tail = rate;
            }
        }
        for change in &mut changes {
            if change.label.trim().is_empty() {
                change.label = self.unnamed(change.metric);
            }
            // "day-7 retention (p=0.01)": the aside goes after the change.
            let (label, aside) = match change.label.find('(') {
                Some(open) => (
                    change.label[..open].trim().to_string(),
                    change.label[open..].trim().to_string(),
                ),
                None => (change.label.clone(), String::new()),
            };
            let label = label.trim_matches(|c: char| c == ',' || c == ')' || c.is_whitespace());
            change.label = self.resolve(&self.engine.vocabulary.spell_label(label));
            let tail = join_words(&[&change.tail, &aside]);
            change.tail = self.resolve(&tail);
        }
        Some(changes)
    }

    /// What a change with no label of its own measures: the metric's label,
    /// else "the time" for a duration, "the cost" for money.
    pub(super) fn unnamed(&self, metric: &Metric) -> String {
        let join = &self.engine.phrases.join;
        // "3x faster than …": the comparison is told after the factor.
        let compares = |label: &str| {
            let first = label.split(' ').next().unwrap_or_default();
            join.comparatives.iter().any(|c| c == first)
        };
        if let Some(label) = metric
            .label
            .as_deref()
            .filter(|l| !l.is_empty() && !compares(l))
        {
            return label.to_string();
        }
        match metric.unit.as_deref() {
            Some("$" | "€" | "£") => join.unnamed_money.clone(),
            Some(unit) if marks::is_time(unit) => join.unnamed_time.clone(),
            Some("QPS" | "RPS" | "FPS" | "TPS") => join.unnamed_rate.clone(),
            _ => String::new(),
        }
    }

    /// "set up a new test ~2 days -> 30 min": what changed is the time it
    /// takes to do the thing ("I cut the time to set up a new test from
    /// about 2 days to 30 minutes"), when the note names nothing else.
    pub(super) fn time_to(&self, base: &str, rest: &str, form: Form) -> Option<String> {
        let words: Vec<&str> = rest.split(' ').collect();
        let last = words.last()?;
        let metric = self.marks.metric(last)?;
        if !marks::is_change(metric)
            || metric.label.is_some()
            || !metric.unit.as_deref().is_some_and(marks::is_time)
            || words.len() < 2
        {
            return None;
        }
        let before = words[..words.len() - 1].join(" ");
        let (object, qualifier) = marks::split_qualifier(&before);
        let object = object.trim_end_matches(" from").to_string();
        let label = join_words(&[&self.engine.phrases.join.unnamed_time, "to", base, &object]);
        let change = Change {
            label,
            metric,
            qualifier,
            tail: String::new(),
        };
        let form = if metric.better == Some(false) {
            Form::Stated
        } else {
            form
        };
        Some(self.tell(&change, form))
    }

    /// Whether a verb comes before the first change the words tell.
    pub(super) fn verb_before_change(&self, words: &str) -> bool {
        let list: Vec<&str> = words
            .split(' ')
            .take_while(|w| !self.marks.metric(w).is_some_and(marks::is_change))
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .collect();
        let told = &self.engine.phrases.join.direction_words;
        // "handle time -9%": a word of the metric's own label is no verb.
        let label: Vec<String> = words
            .split(' ')
            .find_map(|w| self.marks.metric(w).filter(|m| marks::is_change(m)))
            .and_then(|m| m.label.as_deref())
            .map(|l| l.split(' ').map(str::to_lowercase).collect())
            .unwrap_or_default();
        list.iter().enumerate().any(|(index, w)| {
            if label.contains(&w.to_lowercase()) {
                return false;
            }
            // "targeted subscribers": a participle before a noun describes it.
            let describes = w.ends_with("ed")
                && list.get(index + 1).is_some_and(|next| {
                    next.chars().all(|c| c.is_ascii_lowercase())
                        && !PREPOSITIONS.contains(next)
                        && !told.iter().any(|t| t == next)
                });
            (self.engine.vocabulary.is_verb(w) && !describes) || english::is_clause_word(w)
        })
    }

    /// "about $400K a year per finance": an amount of money first.
    pub(super) fn is_money(&self, words: &str) -> bool {
        words
            .split(' ')
            .find(|w| !QUALIFIERS.contains(w))
            .and_then(|w| self.marks.metric(w))
            .is_some_and(|m| {
                matches!(m.unit.as_deref(), Some("$" | "€" | "£")) && !marks::is_change(m)
            })
    }

    /// The words without the ones at either end that say which way a
    /// change went ("variance down", "lower for the same targets"): the
    /// metric says it.
    pub(super) fn strip_direction(&self, words: &str) -> String {
        let told = &self.engine.phrases.join.direction_words;
        let is_told = |w: &&str| told.iter().any(|t| *t == w.to_lowercase());
        let mut list: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
        // "retraining from a": the pair's own "from", and its article.
        while list
            .last()
            .is_some_and(|w| is_told(w) || matches!(*w, "a" | "an" | "the"))
        {
            list.pop();
        }
        let start = list.iter().take_while(|w| is_told(w)).count();
        list[start..].join(" ")
    }

    /// A change told in one of its forms.
    pub(super) fn tell(&self, change: &Change<'w>, form: Form) -> String {
        let metric = change.metric;
        let way = match (marks::direction(metric), metric.unit.as_deref()) {
            (_, Some("×"))
                if change.tail.split(' ').next().is_some_and(|w| {
                    self.engine.phrases.join.comparatives.iter().any(|c| c == w)
                }) =>
            {
                WayName::Times
            }
            // "71% vs 73%": a level set against another, not a change.
            _ if marks::compared(metric) => WayName::Value,
            (Some(Direction::Up), _) => WayName::Up,
            (Some(Direction::Down), _) => WayName::Down,
            (None, _) => WayName::Value,
        };
        let phrases = self.engine.phrases.way(way);
        // "variance reduction" cut by 35%: the verb says "reduction".
        let named = change
            .label
            .rsplit_once(' ')
            .filter(|(_, last)| phrases.nouns.iter().any(|n| n.eq_ignore_ascii_case(last)))
            .map_or(change.label.as_str(), |(rest, _)| rest);
        let label = if way == WayName::Times
            && named.is_empty()
            && matches!(form, Form::Gerund | Form::Action)
        {
            // "making it 3× faster than the large one".
            String::from("it")
        } else if way == WayName::Value {
            // "reaching a kappa of 0.71".
            let bare = change.label.trim_start_matches("the ");
            if bare.is_empty() {
                String::new()
            } else {
                join_words(&[super::english::indefinite(bare), bare, "of"])
            }
        } else {
            with_the(named)
        };
        let span = if way == WayName::Times {
            // "making training 3× faster".
            let factor = marks::span(metric, change.qualifier, false);
            let factor = factor.trim_start_matches("by a factor of ").to_string();
            format!("{factor}×")
        } else {
            marks::span(metric, change.qualifier, false)
        };
        let body = join_words(&[&label, &span, &change.tail]);
        match form {
            Form::Action => match self.role() {
                Some(role) => role
                    .action
                    .replace("{base}", &join_words(&[&phrases.base, &body])),
                None => join_words(&["I", &phrases.action, &body]),
            },
            Form::Gerund => join_words(&[&phrases.gerund, &body]),
            Form::This => join_words(&["This", &phrases.action, &body]),
            Form::Stated | Form::Within => {
                let subject = match (named.is_empty(), form) {
                    (true, Form::Within) => String::from("it"),
                    (true, _) => String::from("It"),
                    (false, Form::Within) => with_the(named),
                    (false, _) => capitalize(&with_the(named)),
                };
                if way == WayName::Value {
                    return join_words(&[&subject, "reached", &span, &change.tail]);
                }
                join_words(&[&subject, &phrases.clause, &span, &change.tail])
            }
        }
    }

    /// A clause with its marks told in place ("cut the bill by 28%"); a
    /// labelled change that its words do not introduce is taken out, to be
    /// told after it (", cutting the p99 latency from …").
    pub(super) fn extract(&self, clause: &str) -> (String, Vec<Change<'w>>) {
        if !marks::has_mark(clause) {
            return (clause.to_string(), Vec::new());
        }
        let told = &self.engine.phrases.join.direction_words;
        let mut kept: Vec<String> = Vec::new();
        let mut extracted = Vec::new();
        for word in clause.split(' ') {
            let Some(metric) = self.marks.metric(word) else {
                kept.push(word.to_string());
                continue;
            };
            let introduced = kept.iter().rev().take(4).any(|w| {
                let w = w.to_lowercase();
                told.contains(&w) || w == "from" || w == "by" || w == "to"
            });
            let said = metric.label.as_deref().is_some_and(|label| {
                let label = label.to_lowercase();
                kept.iter()
                    .any(|w| label.split(' ').any(|l| l == w.to_lowercase()))
            });
            if marks::is_change(metric) && !introduced && !said && metric.label.is_some() {
                let mut qualifier = "";
                if let Some(last) = kept.last() {
                    if let Some(q) = QUALIFIERS.iter().find(|q| **q == last.as_str()) {
                        qualifier = q;
                        kept.pop();
                    }
                }
                extracted.push(Change {
                    label: metric.label.clone().unwrap_or_default(),
                    metric,
                    qualifier,
                    tail: String::new(),
                });
                continue;
            }
            kept.push(word.to_string());
        }
        (self.resolve(&kept.join(" ")), extracted)
    }

    /// Every mark in `text` told in place.
    pub(super) fn resolve(&self, text: &str) -> String {
        if !marks::has_mark(text) {
            return text.to_string();
        }
        let told = &self.engine.phrases.join.direction_words;
        let mut out: Vec<String> = Vec::new();
        let words: Vec<&str> = text.split(' ').collect();
        for (at, word) in words.iter().copied().enumerate() {
            let Some(metric) = self.marks.metric(word) else {
                out.push(word.to_string());
                continue;
            };
            let start = word.find(MARK).unwrap_or(0);
            let open = &word[..start];
            let close = self.rate(&mark_close(word));
            let mut qualifier = "";
            if let Some(last) = out.last() {
                if let Some(q) = QUALIFIERS.iter().find(|q| **q == last.as_str()) {
                    qualifier = q;
                    out.pop();
                }
            }
            // "from a 2-day process to …": the pair says its own "from".
            if out.len() >= 2
                && marks::reading(metric) == marks::Reading::Pair
                && matches!(out[out.len() - 1].as_str(), "a" | "an" | "the")
                && out[out.len() - 2].eq_ignore_ascii_case("from")
            {
                out.truncate(out.len() - 2);
            }
            let previous = out.last().map(|w| w.to_lowercase()).unwrap_or_default();
            let from_said = previous == "from";
            let mut span = marks::span(metric, qualifier, from_said);
            let reading = marks::reading(metric);
            if reading == marks::Reading::Pair
                && !marks::compared(metric)
                && PREPOSITIONS.contains(&previous.as_str())
                && !matches!(previous.as_str(), "from" | "to" | "by")
            {
                // "finish in 10 days instead of 14": after "in", the new amount first.
                span = marks::instead(metric, qualifier);
            }
            // "90d window" → "a 90-day window": an amount of time before a noun.
            if reading == marks::Reading::Level && qualifier.is_empty() {
                if let Some(compound) = words
                    .get(at + 1)
                    .filter(|next| {
                        next.chars().all(|c| c.is_ascii_lowercase())
                            && !PREPOSITIONS.contains(next)
                            && !english::NOT_A_NOUN_AFTER_TIME.contains(next)
                            && !english::is_function_word(next)
                            && !told.iter().any(|t| t == *next)
                    })
                    .and_then(|_| english::compound_amount(metric.value?, metric.unit.as_deref()?))
                {
                    // "with a 90-day window", "on an 8-week backtest".
                    span = if PREPOSITIONS.contains(&previous.as_str()) {
                        join_words(&[english::indefinite(&compound), &compound])
                    } else {
                        compound
                    };
                }
            }
            // "(-1.2)": a value in parentheses is the value, sign and all.
            let valued = open.ends_with('(') && metric.text.starts_with(['+', '-', '−']);
            // "40x fewer columns": so many times fewer, not "by a factor of".
            let times_compared = metric.unit.as_deref() == Some("×")
                && words.get(at + 1).is_some_and(|next| {
                    matches!(next.to_lowercase().as_str(), "fewer" | "less" | "more")
                });
            if times_compared {
                let times = english::count(metric.value.unwrap_or_default(), &metric.text);
                span = join_words(&[qualifier, &times, "times"]);
            } else if valued {
                span = metric.text.trim().to_string();
            } else if reading == marks::Reading::Change && metric.unit.as_deref() != Some("×") {
                let verb_next = told.contains(&previous);
                // "need 30% fewer users": the comparative after it says the way.
                let compared = words.get(at + 1).is_some_and(|next| {
                    let next = next.to_lowercase();
                    told.contains(&next) || self.engine.phrases.join.comparatives.contains(&next)
                });
                // "match within 0.5%": after another preposition, no "by".
                let placed = PREPOSITIONS.contains(&previous.as_str())
                    && !matches!(previous.as_str(), "from" | "to" | "by");
                if previous == "by" || verb_next || compared || placed {
                    // "by 28%"; "recovered 4 points": the amount is the verb's object.
                    span = span.trim_start_matches("by ").to_string();
                } else if metric.text.starts_with(['+', '-', '−'])
                    && !out
                        .iter()
                        .rev()
                        .take(4)
                        .any(|w| told.iter().any(|t| *t == w.to_lowercase()))
                {
                    let way = if marks::direction(metric) == Some(Direction::Down) {
                        "down"
                    } else {
                        "up"
                    };
                    span = format!("{way} {}", span.trim_start_matches("by "));
                }
            }
            out.push(format!("{open}{span}{close}"));
        }
        out.join(" ")
    }

    /// What follows a mark in its word, said: "$400K/yr" → " a year";
    /// "40s/ticket" → " per ticket"; "23/61": a ratio of two marks.
    pub(super) fn rate(&self, close: &str) -> String {
        match close.strip_prefix('/') {
            Some(rest) if marks::has_mark(rest) => format!("/{}", self.resolve(rest)),
            Some(rate) => {
                let unit = rate.trim_end_matches(|c: char| !c.is_alphanumeric());
                let stop = &rate[unit.len()..];
                match self.engine.vocabulary.per(&format!("/{unit}")) {
                    Some(per) => format!(" {per}{stop}"),
                    None if !unit.is_empty() => format!(" per {unit}{stop}"),
                    None => close.to_string(),
                }
            }
            None => close.to_string(),
        }
    }

    /// A sentence without the words of a chat ("lol", "tho") and with
    /// shouted common words said plainly ("went UP", "NOT shipping").
    pub(super) fn plain(&self, sentence: &str) -> String {
        let informal = &self.engine.phrases.join.informal;
        let bare = |w: &str| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '!')
                .to_lowercase()
        };
        let mut words: Vec<String> = sentence
            .split(' ')
            .filter(|w| !english::is_emoticon(w))
            .map(str::to_string)
            .collect();
        let mut index = 0;
        while index < words.len() {
            let first = bare(&words[index]);
            let size = informal
                .iter()
                .filter(|phrase| phrase.split(' ').next() == Some(first.as_str()))
                .map(|phrase| phrase.split(' ').collect::<Vec<_>>())
                .find(|phrase| {
                    index + phrase.len() <= words.len()
                        && words[index..index + phrase.len()]
                            .iter()
                            .zip(phrase)
                            .all(|(word, p)| bare(word) == *p)
                })
                .map(|phrase| phrase.len());
            let Some(size) = size else {
                index += 1;
                continue;
            };
            // Punctuation after the words stays ("… lol." keeps its stop).
            let last = &words[index + size - 1];
            let stop: String =
                last[last.trim_end_matches(['.', ',', ';', ')']).len()..].to_string();
            words.drain(index..index + size);
            if index > 0 {
                words[index - 1].push_str(&stop);
            }
        }
        let words: Vec<String> = words.iter().map(|w| english::unshout(w)).collect();
        self.articled(words).join(" ")
    }

    /// "filed a bug with tokenizer team" → "… with the tokenizer team": a
    /// thing or a group named bare after a preposition takes its article.
    fn articled(&self, words: Vec<String>) -> Vec<String> {
        let after: Vec<usize> = (0..words.len())
            .filter(|&index| {
                let word = words[index].as_str();
                // "from kickoff to launch" pairs two bare words.
                let paired = word == "to"
                    && words[index.saturating_sub(3)..index]
                        .iter()
                        .any(|w| w == "from");
                // "to use the same framework": an infinitive, not a place.
                let infinitive = word == "to"
                    && words
                        .get(index + 1)
                        .is_some_and(|next| self.engine.vocabulary.is_verb(next));
                ARTICLED_AFTER.contains(&word)
                    && !paired
                    && !infinitive
                    && self.bare_thing(&words[index + 1..]).is_some()
            })
            .collect();
        if after.is_empty() {
            return words;
        }
        let mut out: Vec<String> = Vec::with_capacity(words.len() + after.len());
        for (index, word) in words.into_iter().enumerate() {
            out.push(word);
            if after.contains(&index) {
                out.push(String::from("the"));
            }
        }
        out
    }

    /// How many words name a thing without its article ("tokenizer team",
    /// "ML engineering loop"), if the words that follow do.
    pub(super) fn bare_thing(&self, words: &[String]) -> Option<usize> {
        let join = &self.engine.phrases.join;
        let mut size = 0;
        for word in words.iter().take(4) {
            let bare = word.trim_end_matches(['.', ',', ';', ')', ':']);
            let lower = bare.to_lowercase();
            let plain = !bare.is_empty()
                && (bare.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    || (bare.len() <= 5
                        && bare.chars().all(|c| c.is_ascii_uppercase() || c == '/')));
            if !plain || PREPOSITIONS.contains(&lower.as_str()) || english::is_function_word(&lower)
            {
                return None;
            }
            size += 1;
            let ends = bare.len() < word.len();
            let last = ends
                || words.get(size).is_none_or(|next| {
                    next.starts_with('(') || PREPOSITIONS.contains(&next.to_lowercase().as_str())
                });
            if last {
                let thing = (join.artifacts.contains(&lower) || join.group_nouns.contains(&lower))
                    && !lower.ends_with('s');
                return thing.then_some(size);
            }
        }
        None
    }
}

/// Prepositions after which a bare thing takes "the".
const ARTICLED_AFTER: &[&str] = &[
    "for", "on", "in", "to", "with", "at", "into", "across", "onto",
];

/// What follows a mark in its word ("/mo" of "⟨$74K⟩/mo").
fn mark_close(word: &str) -> String {
    let start = word.find(MARK).unwrap_or(0);
    word[start..].chars().skip(2).collect()
}
