//! The clause plan of a statement, built from the parts of a note: the
//! lead (what I did, with an honest verb for my part), the changes the
//! metrics tell (worded from each `Metric`: its label, amounts, units and
//! the way it moved), the outcomes, and what's next. A part that fits no
//! slot is left out of the sentence, never glued on; what was left out is
//! reported, so `win review check` can ask the person to finish it.

use crate::analyze::note::{with_the, Fragment, Shape};
use crate::domain::metric::{Direction, Metric};
use crate::domain::text::without_controls;
use crate::domain::win::{Kind, Role, Win};

use super::english::{
    self, capitalize, join_words, progressive, tidy, with_article, PREPOSITIONS, QUALIFIERS,
};
use super::marks::{self, Marks, MARK};
use super::{outcomes, Parts, RolePhrases, StatementEngine, WayName};

/// A sentence longer than this many words takes no more joined clauses.
const LONG_SENTENCE: usize = 24;
/// Words after a change that still belong to it ("offline", "per candidate").
const SHORT_TAIL: usize = 6;

/// A statement and what it had to leave out.
pub(super) struct Composed {
    pub(super) text: String,
    /// Parts of the note that fit no slot, as spelled.
    pub(super) left_out: Vec<String>,
    /// Whether the statement says what I did (a lead was built from the note).
    pub(super) has_lead: bool,
}

/// A change a metric tells, and the words of the note around it.
struct Change<'w> {
    label: String,
    metric: &'w Metric,
    qualifier: &'static str,
    tail: String,
}

/// How a change is told.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// "I cut the GPU bill by 28%".
    Action,
    /// ", cutting the GPU bill by 28%".
    Gerund,
    /// "The GPU bill fell by 28%".
    Stated,
    /// "This cut the GPU bill by 28%".
    This,
}

struct Sentence {
    text: String,
    /// An "I …" sentence, open to the clauses that follow what I did.
    mine: bool,
    joined: usize,
    /// The verb of the last change joined ("raising"), not said twice in a row.
    gerund: Option<String>,
    /// A "This …" sentence of the impact, open to one more outcome.
    this: bool,
}

pub(super) struct Composer<'e, 'w> {
    engine: &'e StatementEngine,
    win: &'w Win,
    marks: Marks<'w>,
    sentences: Vec<Sentence>,
    left_out: Vec<String>,
}

impl<'e, 'w> Composer<'e, 'w> {
    pub(super) fn new(engine: &'e StatementEngine, win: &'w Win) -> Composer<'e, 'w> {
        Composer {
            engine,
            win,
            marks: Marks::new(&win.metrics),
            sentences: Vec::new(),
            left_out: Vec::new(),
        }
    }

    pub(super) fn compose(mut self, parts: Parts) -> Composed {
        let win = self.win;
        let text = self.marks.mark(&without_controls(&win.text, true));
        let fragments = self.engine.vocabulary.fragments(&text);
        let mut has_lead = false;
        let mut rest = fragments.iter().peekable();
        // "docs: wrote the eval page": a topic label before what was done.
        let topics = &self.engine.phrases.join.topics;
        let opening = text
            .split(": ")
            .next()
            .filter(|head| head.len() < text.len())
            .map(str::to_lowercase);
        if fragments.len() > 1
            && (opening.is_some_and(|head| topics.contains(&head))
                || matches!(&fragments[0].shape, Shape::Noun { words }
                    if words.split(' ').count() <= 2 && !marks::has_mark(words)
                        && matches!(fragments[1].shape, Shape::Action { .. })))
        {
            rest.next();
        }
        if let Some(first) = rest.next() {
            has_lead = self.lead(first);
        }
        for fragment in rest {
            self.follow(fragment);
        }
        if parts.impact {
            let fields: Vec<String> = outcomes(win)
                .iter()
                .map(|f| self.marks.mark(&without_controls(f, true)))
                .collect();
            // A follow-up often repeats part of the impact it refines: each part once.
            let mut said = std::collections::HashSet::new();
            for (index, field) in fields.iter().enumerate() {
                for (at, fragment) in self.engine.vocabulary.fragments(field).iter().enumerate() {
                    if said.insert(self.resolve(&shape_words(&fragment.shape)).to_lowercase()) {
                        self.outcome(fragment, index == 0 && at == 0);
                    }
                }
            }
        }
        if win.kind == Kind::NegativeResult && !self.says_scope() {
            self.push(self.engine.phrases.join.ruled_out.clone(), false);
        }
        if parts.next {
            if let Some(next) = win.next.as_deref().filter(|n| !n.trim().is_empty()) {
                self.next(next);
            }
        }
        let text = self
            .sentences
            .iter()
            .map(|s| finish(&self.plain(&self.resolve(&s.text))))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Composed {
            text: tidy(&text),
            left_out: self.left_out,
            has_lead,
        }
    }

    fn role(&self) -> Option<&'e RolePhrases> {
        self.win
            .role
            .filter(|r| *r != Role::Owned)
            .and_then(|r| self.engine.phrases.role.get(r.as_str()))
    }

    fn push(&mut self, text: String, mine: bool) {
        self.sentences.push(Sentence {
            text,
            mine,
            joined: 0,
            gerund: None,
            this: false,
        });
    }

    /// The last sentence, if it is mine and has room for one more clause.
    fn open_sentence(&mut self) -> Option<&mut Sentence> {
        self.sentences
            .last_mut()
            .filter(|s| s.mine && s.joined < 2 && s.text.split(' ').count() < LONG_SENTENCE)
    }

    fn leave_out(&mut self, words: &str) {
        let words = self.resolve(words);
        if !words.trim().is_empty() {
            self.left_out.push(words);
        }
    }

    /// The opening: what I did. False when the first part of the note could
    /// not be told as that.
    fn lead(&mut self, fragment: &Fragment) -> bool {
        if let Some(changes) = self.changes(&fragment.shape) {
            // A change of nothing named ("5 -> 3") does not say what was done.
            let named = changes.first().is_some_and(|c| !c.label.is_empty());
            let mut first = true;
            for change in changes {
                let worse = change.metric.better == Some(false);
                if first && !worse {
                    let text = self.tell(&change, Form::Action);
                    self.push(text, true);
                } else if first {
                    let text = self.tell(&change, Form::Stated);
                    self.push(text, false);
                } else {
                    self.attach(&change);
                }
                first = false;
            }
            return named;
        }
        let role = self.role();
        let win = self.win;
        let (text, mine) = match &fragment.shape {
            Shape::Sentence { words } => (words.clone(), words.starts_with("I ")),
            Shape::Action { past, base, rest } => {
                let lower_text = win.text.trim_start().to_lowercase();
                if win.kind == Kind::Learning && lower_text.starts_with(&progressive(base)) {
                    (join_words(&["I am", &progressive(base), rest]), true)
                } else if self.engine.is_goal(&lower_text) {
                    let goal = lower_text
                        .trim_start_matches("i ")
                        .split_once(' ')
                        .map_or(String::new(), |(_, r)| r.to_string());
                    let goal = goal.trim_start_matches("to ").to_string();
                    (self.engine.phrases.join.goal.replace("{base}", &goal), true)
                } else if let Some(told) = self.time_to(base, rest, Form::Action) {
                    (told, true)
                } else {
                    (self.action(past, base, rest, role), true)
                }
            }
            Shape::Clause { words } => {
                let words = self.subject(words);
                match role {
                    Some(role) => (role.clause.replace("{clause}", &words), false),
                    None => (capitalize(&words), false),
                }
            }
            Shape::Launch { subject, rest } => match role {
                Some(role) => (
                    join_words(&[&role.launch.replace("{np}", subject), rest]),
                    true,
                ),
                None => (
                    join_words(&["I", &self.engine.phrases.join.launched, subject, rest]),
                    true,
                ),
            },
            Shape::Role { words } => (self.engine.phrases.join.served.replace("{np}", words), true),
            Shape::Negation { rest } => (join_words(&["I found no", rest]), true),
            Shape::Noun { words } | Shape::Participle { words } | Shape::Setting { words } => {
                (self.engine.noun_lead(win, words, role), true)
            }
        };
        let (text, extracted) = self.extract(&text);
        self.push(text, mine);
        for change in extracted {
            self.attach(&change);
        }
        true
    }

    /// "I cut the GPU bill …", with an honest verb for a shared result.
    fn action(&self, past: &str, base: &str, rest: &str, role: Option<&RolePhrases>) -> String {
        let phrases = &self.engine.phrases;
        let past = phrases
            .stronger
            .get(past)
            .cloned()
            .unwrap_or_else(|| past.to_string());
        let claims = phrases.outcome.contains(&past);
        match role {
            Some(role) if claims => {
                let base = self.engine.vocabulary.base_of(&past).unwrap_or(base);
                role.action.replace("{base}", &join_words(&[base, rest]))
            }
            _ => join_words(&["I", &past, &self.object(rest)]),
        }
    }

    /// The object of a verb with the article it needs: "filed writeup" →
    /// "filed the writeup"; a particle, a name, a number or a plural stays.
    fn object(&self, rest: &str) -> String {
        let first = rest.split(' ').next().unwrap_or_default();
        // One plain word: more words may start with a name ("dana", "omar").
        let plain = rest.split(' ').count() == 1
            && !first.ends_with('s')
            && first.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !first.is_empty()
            && !self
                .engine
                .phrases
                .join
                .particles
                .iter()
                .any(|p| p == first)
            && !PREPOSITIONS.contains(&first)
            && !first.ends_with("ly")
            && !self.engine.vocabulary.is_verb(first);
        if plain {
            with_article(rest)
        } else {
            rest.to_string()
        }
    }

    /// A part of the note after the first.
    fn follow(&mut self, fragment: &Fragment) {
        if let Some(changes) = self.changes(&fragment.shape) {
            for change in changes {
                self.attach(&change);
            }
            return;
        }
        match &fragment.shape {
            Shape::Action { past, rest, .. }
                if self.engine.phrases.join.impersonal.iter().any(|v| {
                    v == past || *v == join_words(&[past, rest.split(' ').next().unwrap_or("")])
                }) =>
            {
                // "turned out to be skew": not something I did.
                let (text, extracted) = self.extract(&join_words(&["it", past, rest]));
                self.push(text, false);
                for change in extracted {
                    self.attach(&change);
                }
            }
            Shape::Action { base, rest, .. }
                if self.time_to(base, rest, Form::Stated).is_some() =>
            {
                let told = self.time_to(base, rest, Form::Stated).unwrap_or_default();
                self.push(told, false);
            }
            Shape::Action { past, rest, .. } => {
                let phrases = &self.engine.phrases;
                let past = phrases
                    .stronger
                    .get(past.as_str())
                    .map_or(past.as_str(), String::as_str);
                let (words, extracted) = self.extract(&join_words(&[past, rest]));
                match self.open_sentence() {
                    Some(open) if open.joined == 0 => {
                        open.text = format!("{} and {words}", open.text);
                        open.joined += 1;
                    }
                    _ => self.push(join_words(&["I", &words]), true),
                }
                for change in extracted {
                    self.attach(&change);
                }
            }
            Shape::Clause { words } | Shape::Sentence { words } => {
                let (text, extracted) = self.extract(&capitalize(&self.subject(words)));
                let mine = text.starts_with("I ");
                self.push(text, mine);
                for change in extracted {
                    self.attach(&change);
                }
            }
            Shape::Launch { subject, rest } => {
                self.push(
                    capitalize(&join_words(&[subject, "went live", rest])),
                    false,
                );
            }
            Shape::Negation { rest }
                if matches!(self.win.kind, Kind::Experiment | Kind::NegativeResult) =>
            {
                match self.open_sentence() {
                    Some(open) => {
                        open.text = format!("{} and found no {rest}", open.text);
                        open.joined += 1;
                    }
                    None => self.push(join_words(&["I found no", rest]), true),
                }
            }
            Shape::Noun { words } if words.starts_with("zero ") || words.starts_with("no ") => {
                match self.open_sentence() {
                    Some(open) => {
                        open.text = format!("{}, with {words}", open.text);
                        open.joined += 1;
                    }
                    None => self.leave_out(words),
                }
            }
            Shape::Noun { words } | Shape::Participle { words } | Shape::Role { words }
                if words.chars().any(|c| c == MARK || c.is_ascii_digit())
                    && words.split(' ').count() <= SHORT_TAIL =>
            {
                // "14 DAGs": a count that says how much of it, in brackets.
                let words = words.clone();
                match self.sentences.last_mut() {
                    Some(last) if last.text.ends_with(')') => {
                        last.text.pop();
                        last.text = format!("{}, {words})", last.text);
                    }
                    Some(last) => last.text = format!("{} ({words})", last.text),
                    None => self.leave_out(&words),
                }
            }
            Shape::Negation { rest } => self.leave_out(&join_words(&["no", rest])),
            Shape::Noun { words }
            | Shape::Participle { words }
            | Shape::Role { words }
            | Shape::Setting { words } => self.leave_out(words),
        }
    }

    /// A part of the impact, or of an outcome recorded later.
    fn outcome(&mut self, fragment: &Fragment, first: bool) {
        if let Some(changes) = self.changes(&fragment.shape) {
            for (index, change) in changes.iter().enumerate() {
                if change.metric.better != Some(false) && self.join_this(change) {
                    continue;
                }
                let form = if first && index == 0 && change.metric.better != Some(false) {
                    Form::This
                } else {
                    Form::Stated
                };
                let text = self.tell(change, form);
                self.push(text, false);
                if form == Form::This {
                    if let Some(last) = self.sentences.last_mut() {
                        last.this = true;
                    }
                }
            }
            return;
        }
        match &fragment.shape {
            Shape::Action { past, rest, .. } if self.passive(past, rest) => {
                let (text, _) = self.extract(&join_words(&["it was", past, rest]));
                self.push(text, false);
            }
            Shape::Action { past, rest, .. } => {
                let subject = if self.engine.phrases.outcome.contains(past)
                    || self.engine.phrases.join.results.contains(past)
                {
                    "This"
                } else {
                    "I"
                };
                let (text, extracted) = self.extract(&join_words(&[subject, past, rest]));
                match self.sentences.last_mut() {
                    // "This cut timeouts by 60% and saved $40K a month."
                    Some(last) if subject == "This" && last.this && last.joined == 0 => {
                        last.text = format!("{} and {}", last.text, &text["This ".len()..]);
                        last.joined += 1;
                    }
                    _ => {
                        self.push(text, subject == "I");
                        if subject == "This" {
                            if let Some(last) = self.sentences.last_mut() {
                                last.this = true;
                            }
                        }
                    }
                }
                for change in extracted {
                    self.attach(&change);
                }
            }
            Shape::Clause { words } | Shape::Sentence { words } => {
                let (text, extracted) = self.extract(&capitalize(&self.subject(words)));
                self.push(text, false);
                for change in extracted {
                    self.attach(&change);
                }
            }
            Shape::Launch { subject, rest } => {
                self.push(
                    capitalize(&join_words(&[subject, "went live", rest])),
                    false,
                );
            }
            Shape::Noun { words } | Shape::Participle { words } if self.is_money(words) => {
                let words = self.resolve(words);
                let join = &self.engine.phrases.join;
                match self.sentences.last_mut() {
                    // "This raised CTR by 3.4%, worth about $400K a year."
                    Some(last) if last.this && last.joined == 0 => {
                        last.text =
                            format!("{}{}", last.text, join.worth_after.replace("{np}", &words));
                        last.joined += 1;
                    }
                    _ => self.push(join.worth.replace("{np}", &words), false),
                }
            }
            Shape::Noun { words }
            | Shape::Participle { words }
            | Shape::Role { words }
            | Shape::Setting { words } => self.leave_out(words),
            Shape::Negation { rest } => self.leave_out(&join_words(&["no", rest])),
        }
    }

    /// What's next: only a plan that opens with a verb becomes a sentence;
    /// anything else stays in the notes (`--notes`).
    fn next(&mut self, next: &str) {
        let marked = self.marks.mark(&without_controls(next, true));
        let mut plan: Vec<String> = Vec::new();
        for fragment in self.engine.vocabulary.fragments(&marked) {
            match &fragment.shape {
                Shape::Action { past, base, rest } => {
                    let base = self.engine.vocabulary.base_of(past).unwrap_or(base);
                    plan.push(join_words(&[base, rest]));
                }
                _ => break,
            }
        }
        if plan.is_empty() {
            return;
        }
        let plan = self.resolve(&plan.join(" and "));
        self.push(
            self.engine
                .phrases
                .join
                .next_action
                .replace("{base}", &plan),
            false,
        );
    }

    /// A change of the impact joined to the "This …" sentence before it
    /// ("This cut timeouts by 60% and saved …"); false when there is none.
    fn join_this(&mut self, change: &Change<'w>) -> bool {
        let told = self.tell(change, Form::This);
        match self.sentences.last_mut() {
            Some(last) if last.this && last.joined == 0 => {
                last.text = format!("{} and {}", last.text, &told["This ".len()..]);
                last.joined += 1;
                true
            }
            _ => false,
        }
    }

    /// A change joined to the sentence before it when that is mine and has
    /// room (", cutting …"), else a sentence of its own ("The bill fell …").
    fn attach(&mut self, change: &Change<'w>) {
        if change.metric.better != Some(false) {
            let clause = self.tell(change, Form::Gerund);
            let verb = clause.split(' ').next().unwrap_or_default().to_string();
            if let Some(open) = self.open_sentence() {
                let again = open.gerund.as_deref() == Some(verb.as_str());
                let (join, clause) = if open.gerund.is_some() {
                    // "raising ef … and recall@10 …": the verb once.
                    let clause = if again {
                        clause[verb.len()..].trim_start()
                    } else {
                        clause.as_str()
                    };
                    (" and ", clause.to_string())
                } else {
                    (", ", clause)
                };
                open.text = format!("{}{join}{clause}", open.text);
                open.joined += 1;
                open.gerund = Some(verb);
                return;
            }
        }
        let text = self.tell(change, Form::Stated);
        self.push(text, false);
    }

    /// The changes a part without a verb of its own tells ("feat compute
    /// 6h→45m", "recall@50 0.62 -> 0.71 offline"), each with its label.
    fn changes(&self, shape: &Shape) -> Option<Vec<Change<'w>>> {
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
        let mut changes: Vec<Change<'w>> = Vec::new();
        let mut label: Vec<String> = Vec::new();
        for word in &list {
            match self.marks.metric(word).filter(|m| marks::is_change(m)) {
                Some(metric) => {
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
                    if !close.trim().is_empty() {
                        label.push(close.trim().to_string());
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
            if last.label.is_empty() && only && !opens_phrase {
                // "+2.1% CTR on search": the label follows the change.
                last.label = self.strip_direction(&tail);
            } else if tail.split(' ').count() <= SHORT_TAIL {
                last.tail = self.strip_direction(&tail);
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

    /// A clause whose subject is a compound common noun gets its article:
    /// "anomaly detector caught …" → "the anomaly detector caught …"; a
    /// one-word subject may be a name ("priya presented", "finance
    /// restated") and stays as written.
    fn subject(&self, words: &str) -> String {
        let list: Vec<&str> = words.split(' ').collect();
        let plain = |w: &str| {
            !w.is_empty()
                && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !PREPOSITIONS.contains(&w)
                && !english::is_clause_word(w)
                && !self.engine.vocabulary.is_verb(w)
                && !self
                    .engine
                    .phrases
                    .join
                    .direction_words
                    .iter()
                    .any(|d| d == w)
                && !self.engine.phrases.join.particles.iter().any(|p| p == w)
        };
        match list.as_slice() {
            [first, second, ..]
                if plain(first)
                    && plain(second)
                    && !first.ends_with("ing")
                    && !second.ends_with("ed")
                    && !english::is_function_word(first) =>
            {
                format!("the {words}")
            }
            _ => words.to_string(),
        }
    }

    /// "used for every launch since", "adopted by 3 teams": a thing done to
    /// the work, not by me.
    fn passive(&self, past: &str, rest: &str) -> bool {
        past.ends_with("ed")
            && [
                "by", "for", "in", "across", "at", "before", "after", "within", "to",
            ]
            .iter()
            .any(|p| rest.split(' ').next() == Some(*p))
            && !rest.starts_with(MARK)
    }

    /// What a change with no label of its own measures: the metric's label,
    /// else "the time" for a duration, "the cost" for money.
    fn unnamed(&self, metric: &Metric) -> String {
        if let Some(label) = metric.label.as_deref().filter(|l| !l.is_empty()) {
            return label.to_string();
        }
        let join = &self.engine.phrases.join;
        match metric.unit.as_deref() {
            Some("$" | "€" | "£") => join.unnamed_money.clone(),
            Some(unit) if marks::is_time(unit) => join.unnamed_time.clone(),
            _ => String::new(),
        }
    }

    /// "set up a new test ~2 days -> 30 min": what changed is the time it
    /// takes to do the thing ("I cut the time to set up a new test from
    /// about 2 days to 30 minutes"), when the note names nothing else.
    fn time_to(&self, base: &str, rest: &str, form: Form) -> Option<String> {
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
    fn verb_before_change(&self, words: &str) -> bool {
        let list: Vec<&str> = words
            .split(' ')
            .take_while(|w| !self.marks.metric(w).is_some_and(marks::is_change))
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .collect();
        let told = &self.engine.phrases.join.direction_words;
        list.iter().enumerate().any(|(index, w)| {
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
    fn is_money(&self, words: &str) -> bool {
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
    fn strip_direction(&self, words: &str) -> String {
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
    fn tell(&self, change: &Change<'w>, form: Form) -> String {
        let metric = change.metric;
        let way = match (marks::direction(metric), metric.unit.as_deref()) {
            (_, Some("×"))
                if change.tail.split(' ').next().is_some_and(|w| {
                    self.engine.phrases.join.comparatives.iter().any(|c| c == w)
                }) =>
            {
                WayName::Times
            }
            (Some(Direction::Up), _) => WayName::Up,
            (Some(Direction::Down), _) => WayName::Down,
            (None, _) => WayName::Value,
        };
        let phrases = self.engine.phrases.way(way);
        let label = if way == WayName::Value {
            // "reaching a kappa of 0.71".
            let bare = change.label.trim_start_matches("the ");
            if bare.is_empty() {
                String::new()
            } else {
                join_words(&[super::english::indefinite(bare), bare, "of"])
            }
        } else {
            with_the(&change.label)
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
            Form::Stated => {
                let subject = if change.label.is_empty() {
                    String::from("It")
                } else {
                    capitalize(&with_the(&change.label))
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
    fn extract(&self, clause: &str) -> (String, Vec<Change<'w>>) {
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
    fn resolve(&self, text: &str) -> String {
        if !marks::has_mark(text) {
            return text.to_string();
        }
        let told = &self.engine.phrases.join.direction_words;
        let mut out: Vec<String> = Vec::new();
        for word in text.split(' ') {
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
                && PREPOSITIONS.contains(&previous.as_str())
                && !matches!(previous.as_str(), "from" | "to" | "by")
            {
                // "finish in 10 days instead of 14": after "in", the new amount first.
                span = marks::instead(metric, qualifier);
            }
            if reading == marks::Reading::Change && metric.unit.as_deref() != Some("×") {
                let verb_next = told.contains(&previous);
                if previous == "by" || verb_next {
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
    fn rate(&self, close: &str) -> String {
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
    fn plain(&self, sentence: &str) -> String {
        let informal = &self.engine.phrases.join.informal;
        let bare = |w: &str| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '!')
                .to_lowercase()
        };
        let mut words: Vec<String> = sentence.split(' ').map(str::to_string).collect();
        let mut index = 0;
        while index < words.len() {
            let size = informal
                .iter()
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
        words
            .iter()
            .map(|w| english::unshout(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn says_scope(&self) -> bool {
        let said = self
            .sentences
            .iter()
            .map(|s| s.text.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let text = self.win.text.to_lowercase();
        self.engine
            .phrases
            .join
            .scope_words
            .iter()
            .any(|w| said.contains(w.as_str()) || text.contains(w.as_str()))
    }
}

/// What follows a mark in its word ("/mo" of "⟨$74K⟩/mo").
fn mark_close(word: &str) -> String {
    let start = word.find(MARK).unwrap_or(0);
    word[start..].chars().skip(2).collect()
}

/// The words of a part of a note, whatever its shape.
fn shape_words(shape: &Shape) -> String {
    match shape {
        Shape::Action { past, rest, .. } => join_words(&[past, rest]),
        Shape::Launch { subject, rest } => join_words(&[subject, rest]),
        Shape::Negation { rest } => rest.clone(),
        Shape::Clause { words }
        | Shape::Sentence { words }
        | Shape::Role { words }
        | Shape::Setting { words }
        | Shape::Participle { words }
        | Shape::Noun { words } => words.clone(),
    }
}

/// A sentence as printed: a capital first, a full stop last.
fn finish(text: &str) -> String {
    let text = text.trim().trim_end_matches([',', ';', ':']);
    if text.is_empty() {
        return String::new();
    }
    let mut text = capitalize(text);
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}
