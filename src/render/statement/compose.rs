//! The clause plan of a statement, built from the parts of a note: the
//! lead (what I did, with an honest verb for my part), the changes the
//! metrics tell (worded from each `Metric`: its label, amounts, units and
//! the way it moved), the outcomes, and what's next. A part that fits no
//! slot is left out of the sentence, never glued on; what was left out is
//! reported, so `win review check` can ask the person to finish it.

use crate::analyze::note::{Fragment, Shape};
use crate::domain::metric::Metric;
use crate::domain::text::without_controls;
use crate::domain::win::{Kind, Role, Win};

use super::english::{
    self, capitalize, join_words, progressive, tidy, with_article, PREPOSITIONS, QUALIFIERS,
};
use super::marks::{self, Marks, MARK};
use super::{outcomes, Parts, RolePhrases, StatementEngine};

/// A sentence longer than this many words takes no more joined clauses.
const LONG_SENTENCE: usize = 24;
/// Words after a change that still belong to it ("offline", "per candidate").
pub(super) const SHORT_TAIL: usize = 6;

/// A statement and what it had to leave out.
pub(super) struct Composed {
    pub(super) text: String,
    /// Parts of the note that fit no slot, as spelled.
    pub(super) left_out: Vec<String>,
    /// Whether the statement says what I did (a lead was built from the note).
    pub(super) has_lead: bool,
}

/// A change a metric tells, and the words of the note around it.
pub(super) struct Change<'w> {
    pub(super) label: String,
    pub(super) metric: &'w Metric,
    pub(super) qualifier: &'static str,
    pub(super) tail: String,
}

/// How a change is told.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// "I cut the GPU bill by 28%".
    Action,
    /// ", cutting the GPU bill by 28%".
    Gerund,
    /// "The GPU bill fell by 28%".
    Stated,
    /// "This cut the GPU bill by 28%".
    This,
    /// "the GPU bill fell by 28%", within a sentence.
    Within,
}

pub(super) struct Sentence {
    pub(super) text: String,
    /// An "I …" sentence, open to the clauses that follow what I did.
    mine: bool,
    joined: usize,
    /// The verb of the last change joined ("raising"), not said twice in a row.
    gerund: Option<String>,
    /// A "This …" sentence of the impact, open to one more outcome.
    this: bool,
}

pub(super) struct Composer<'e, 'w> {
    pub(super) engine: &'e StatementEngine,
    pub(super) win: &'w Win,
    pub(super) marks: Marks<'w>,
    pub(super) sentences: Vec<Sentence>,
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
        // "RFC: unified feature store across risk and marketing": the
        // document I wrote, and what it was about.
        let document = opening
            .as_deref()
            .is_some_and(|head| self.engine.phrases.join.documents.contains(head));
        // "demand fcst: lightgbm global model instead of per-sku arima": a
        // short label, then what was done with it ("For the demand
        // forecast, I tested a LightGBM global model …").
        let labelled = !document
            && fragments.len() > 1
            && matches!(&fragments[0].shape, Shape::Noun { words }
            if words.split(' ').count() <= 3
                && !marks::has_mark(words)
                && opening.as_deref().is_some_and(|o| {
                    o.split(' ').count() == words.split(' ').count()
                }))
            && !opening.as_ref().is_some_and(|head| topics.contains(head))
            && match &fragments[1].shape {
                // A thing alone is what was tested only in an experiment.
                Shape::Noun { words } => {
                    !marks::has_mark(words)
                        && matches!(self.win.kind, Kind::Experiment | Kind::NegativeResult)
                }
                Shape::Action { .. } => true,
                _ => false,
            };
        if fragments.len() > 1
            && !document
            && !labelled
            && (opening.as_ref().is_some_and(|head| topics.contains(head))
                || matches!(&fragments[0].shape, Shape::Noun { words }
                    if words.split(' ').count() <= 2 && !marks::has_mark(words)
                        && matches!(fragments[1].shape, Shape::Action { .. })))
        {
            // A label with a number in it ("Q2 OKR") is said to be left out.
            if let Some(Shape::Noun { words }) = rest.next().map(|f| &f.shape) {
                if words.chars().any(|c| c.is_ascii_digit()) {
                    self.left_out.push(words.clone());
                }
            }
        }
        if document {
            let first = fragments.first().map(|f| shape_words(&f.shape));
            let split = first.as_deref().and_then(|w| w.split_once(": "));
            let parts = match split {
                Some((label, about)) => {
                    rest.next();
                    Some((label.to_string(), about.to_string()))
                }
                None => match (rest.next(), rest.next()) {
                    (Some(label), Some(about)) => {
                        Some((shape_words(&label.shape), shape_words(&about.shape)))
                    }
                    _ => None,
                },
            };
            if let Some((label, about)) = parts {
                let label = label.trim_end_matches(':');
                let text = self
                    .engine
                    .phrases
                    .join
                    .wrote
                    .replace("{doc}", &join_words(&[english::indefinite(label), label]))
                    .replace("{np}", &with_article(&about));
                let (text, extracted) = self.extract(&text);
                self.push(text, true);
                for change in extracted {
                    self.attach(&change);
                }
                has_lead = true;
            }
        }
        if labelled && !has_lead {
            if let (Some(label), Some(what)) = (rest.next(), rest.next()) {
                let mark = self.sentences.len();
                has_lead = self.lead(what);
                if let Some(sentence) = self.sentences.get_mut(mark) {
                    if let Some(clause) = sentence.text.strip_prefix("I ") {
                        sentence.text = self
                            .engine
                            .phrases
                            .join
                            .topic
                            .replace("{np}", &with_article(&shape_words(&label.shape)))
                            .replace("{clause}", &format!("I {clause}"));
                    }
                }
            }
        }
        // "w/ platform team: PHI-safe serving env": who it was done with
        // is not what was done; the role says it was shared.
        if !has_lead && fragments.len() > 1 {
            if let Some(Shape::Noun { words }) = rest.peek().map(|f| &f.shape) {
                if words.starts_with("with ") {
                    let words = words.clone();
                    rest.next();
                    self.leave_out(&words);
                }
            }
        }
        if let Some(first) = if has_lead { None } else { rest.next() } {
            has_lead = match (&first.shape, rest.peek()) {
                (Shape::Noun { words }, Some(next)) if self.is_topic(words) => {
                    match self.changes(&next.shape) {
                        Some(changes) if !changes.is_empty() => {
                            rest.next();
                            self.topic(words, &changes);
                            true
                        }
                        _ => self.lead(first),
                    }
                }
                _ => self.lead(first),
            };
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
        if win.kind == Kind::NegativeResult
            && !self.engine.phrases.join.ruled_out.is_empty()
            && !self.says_scope()
        {
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
            .collect::<Vec<_>>();
        // Say less: a later sentence with no verb and no number is a
        // note's fragment ("Explicit taps as negatives."), left out rather
        // than told.
        let mut told: Vec<String> = Vec::with_capacity(text.len());
        let count = text.len();
        for (at, sentence) in text.into_iter().enumerate() {
            // A fragment with a number keeps its fact ("Routing now
            // automatic for 64% of tickets."); the first sentence stays
            // when nothing follows it.
            if (at == 0 && count == 1)
                || self.has_verb(&sentence)
                || sentence.contains(|c: char| c.is_ascii_digit())
            {
                told.push(sentence);
            } else {
                self.left_out.push(sentence);
            }
        }
        let text = told.join(" ");
        Composed {
            text: tidy(&text),
            left_out: self.left_out,
            has_lead,
        }
    }

    pub(super) fn role(&self) -> Option<&'e RolePhrases> {
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

    /// Whether a sentence has a verb of its own: a past form the
    /// vocabulary knows, a verb English always uses ("is", "rose"), or a
    /// word in "-ed".
    fn has_verb(&self, sentence: &str) -> bool {
        let words: Vec<String> = sentence
            .split(' ')
            .map(|word| {
                word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                    .to_lowercase()
            })
            .collect();
        words.iter().enumerate().any(|(at, word)| {
            // "the team now targets the top decile": a present verb after
            // its subject, not after an article or a preposition.
            let present = at > 0
                && word.strip_suffix('s').is_some_and(|stem| {
                    words[at - 1] == "now"
                        || (self.engine.vocabulary.is_verb(stem)
                            && !english::is_function_word(&words[at - 1])
                            && !PREPOSITIONS.contains(&words[at - 1].as_str()))
                });
            // "so tests finish in 10 days": a plural subject, then its verb.
            let plural_present = at > 0
                && self.engine.vocabulary.is_verb(word)
                && words[at - 1].ends_with('s')
                && !english::is_function_word(&words[at - 1]);
            english::FINITE.contains(&word.as_str())
                || plural_present
                || self.engine.vocabulary.is_past_form(word)
                || (word.len() > 4 && word.ends_with("ed"))
                || word.ends_with("n't")
                || word.ends_with("'s") && at == 0
                || present
        })
    }

    pub(super) fn leave_out(&mut self, words: &str) {
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
            // "sr MLE offer accepted": what others did to the work.
            Shape::Noun { words } | Shape::Participle { words } | Shape::Clause { words }
                if self.done_to_last(words).is_some() =>
            {
                let (thing, past) = self.done_to_last(words).unwrap_or_default();
                (
                    join_words(&[&capitalize(&with_article(thing)), "was", past]),
                    false,
                )
            }
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
            Shape::Clause { words } => match self.mine(words) {
                Some(mine) => (mine, true),
                None => {
                    let words = self.engine.vocabulary.passive_be(&self.subject(words));
                    match role {
                        Some(role) => (role.clause.replace("{clause}", &words), false),
                        None => (capitalize(&words), false),
                    }
                }
            },
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

    /// "senior ML engineer offer accepted" → ("senior ML engineer offer",
    /// "accepted"): a thing of two words or more and a verb of what others
    /// did to it, last, or before a place ("paper accepted at NeurIPS").
    fn done_to_last<'a>(&self, words: &'a str) -> Option<(&'a str, &'a str)> {
        let list: Vec<&str> = words.split(' ').collect();
        let at = (1..list.len()).find(|&at| {
            self.engine.phrases.join.done_to.contains(list[at])
                && list
                    .get(at + 1)
                    .is_none_or(|next| PREPOSITIONS.contains(next))
        })?;
        let (thing, past) = words.split_at(list[..at].join(" ").len());
        let thing_words = list[..at].len();
        (thing_words >= 1 && !marks::has_mark(thing)).then_some((thing, past.trim_start()))
    }

    /// Whether a thing the note opens with is what the work was about, not
    /// what was made: "search relevance: NDCG@5 down 1.2%".
    fn is_topic(&self, words: &str) -> bool {
        self.role().is_none()
            && !marks::has_mark(words)
            && self.engine.shaped_lead(words, None).is_none()
            && !self.engine.fits_made(self.win, words)
    }

    /// "For the pricing test readout, revenue per visitor rose by 4.1%":
    /// the thing first, then its changes, mine when the work was mine to
    /// ship and the change went the right way.
    fn topic(&mut self, words: &str, changes: &[Change<'w>]) {
        let Some((first, others)) = changes.split_first() else {
            return;
        };
        let mine = matches!(self.win.kind, Kind::Shipped | Kind::Other)
            && first.metric.better != Some(false);
        let told = self.tell(first, if mine { Form::Action } else { Form::Within });
        let gerund = self.tell(first, Form::Gerund);
        let text = self
            .engine
            .phrases
            .join
            .topic
            .replace("{np}", &with_article(words))
            .replace("{clause}", &told);
        self.push(text, mine);
        if let Some(last) = self.sentences.last_mut() {
            // "I cut variance by 38% and the test time …": one verb.
            last.gerund = gerund.split(' ').next().map(str::to_string);
        }
        for change in others {
            self.attach(change);
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
            // "accepted at KDD": done to the work, not by me.
            Shape::Action { past, rest, .. }
                if self.engine.phrases.join.done_to.contains(past.as_str())
                    && rest.split(' ').next().is_some_and(|w| {
                        PREPOSITIONS.contains(&w)
                            || matches!(w, "after" | "before" | "within" | "off" | "as")
                    }) =>
            {
                let (text, _) = self.extract(&join_words(&["it was", past, rest]));
                self.push(text, false);
            }
            Shape::Action { base, rest, .. }
                if self.time_to(base, rest, Form::Stated).is_some() =>
            {
                let told = self.time_to(base, rest, Form::Stated).unwrap_or_default();
                self.push(told, false);
            }
            // "the bandit beat static rules in 3 of 4 regions, but lost in
            // APAC": a contrast goes on with the subject before it.
            Shape::Action { past, rest, .. }
                if fragment.contrast
                    && self
                        .sentences
                        .last()
                        .is_some_and(|last| !last.mine && !last.this && last.joined == 0) =>
            {
                let (words, _) = self.extract(&join_words(&[past, rest]));
                if let Some(last) = self.sentences.last_mut() {
                    last.text = format!("{} but {words}", last.text);
                    last.joined += 1;
                }
            }
            Shape::Action { past, rest, .. } => {
                let phrases = &self.engine.phrases;
                let past = phrases
                    .stronger
                    .get(past.as_str())
                    .map_or(past.as_str(), String::as_str);
                let rest = self.object(&self.or_it(past, rest));
                // "dropped it": "it" is the thing worked on, said before.
                let says_it = rest == "it" || rest.starts_with("it ");
                let (words, extracted) = self.extract(&join_words(&[past, &rest]));
                let join = &self.engine.phrases.join;
                let worked_on = join.worked_on.split("{np}").next().unwrap_or_default();
                let topic = join.topic.clone();
                match self.open_sentence() {
                    // "I worked on the price scrape" + "added a freshness
                    // check" → "For the price scrape, I added a freshness
                    // check": what I did says it, not "worked on".
                    Some(open)
                        if open.joined == 0
                            && !says_it
                            && !worked_on.is_empty()
                            && open.text.strip_prefix(worked_on).is_some_and(|np| {
                                !np.contains([',', '(']) && np.split(' ').count() <= 6
                            }) =>
                    {
                        let np = open.text[worked_on.len()..].to_string();
                        open.text = topic
                            .replace("{np}", &np)
                            .replace("{clause}", &join_words(&["I", &words]));
                        open.joined += 1;
                    }
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
            Shape::Clause { words } | Shape::Sentence { words } => self.clause(words, true),
            Shape::Launch { subject, rest } => self.launched(subject, rest),
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
                if counted(words) =>
            {
                self.aside(words);
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
                let better = change.metric.better != Some(false);
                if better && (self.this_open() || (first && index == 0)) {
                    let told = self.tell(change, Form::This);
                    self.this_sentence(told);
                } else {
                    let told = self.tell(change, Form::Stated);
                    self.push(told, false);
                }
            }
            return;
        }
        match &fragment.shape {
            Shape::Action { past, rest, .. } if self.passive(past, rest) => {
                let (text, _) = self.extract(&join_words(&["it was", past, rest]));
                self.push(text, false);
            }
            // "held 2wks", "signed": a verb alone in an outcome does not say
            // who did it; it is left out rather than told as mine.
            Shape::Action { past, rest, .. }
                if !self.engine.phrases.outcome.contains(past)
                    && !self.engine.phrases.join.results.contains(past)
                    && (rest.is_empty() || (!rest.contains(' ') && marks::has_mark(rest))) =>
            {
                self.leave_out(&join_words(&[past, rest]));
            }
            Shape::Action { past, rest, .. } => {
                let subject = if self.engine.phrases.outcome.contains(past)
                    || self.engine.phrases.join.results.contains(past)
                {
                    "This"
                } else {
                    "I"
                };
                let rest = self.or_it(past, rest);
                let (text, extracted) = self.extract(&join_words(&[subject, past, &rest]));
                if subject == "This" {
                    self.this_sentence(text);
                } else {
                    self.push(text, true);
                }
                for change in extracted {
                    self.attach(&change);
                }
            }
            // "~$18k/mo saved on llm bill": what the work saved.
            Shape::Noun { words } | Shape::Participle { words } | Shape::Clause { words }
                if self.saved(words).is_some() =>
            {
                let told = self.saved(words).unwrap_or_default();
                self.this_sentence(told);
            }
            Shape::Clause { words } | Shape::Sentence { words } => self.clause(words, false),
            Shape::Launch { subject, rest } => self.launched(subject, rest),
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
            // "zero schema-break incidents in the quarter": what was left.
            Shape::Noun { words } if words.starts_with("zero ") || words.starts_with("no ") => {
                let words = self.resolve(words);
                self.push(
                    self.engine.phrases.join.none_left.replace("{np}", &words),
                    false,
                );
            }
            // "used by 4 teams now": what was done with the work.
            Shape::Participle { words } if self.passive_phrase(words) => {
                let (text, _) = self.extract(&join_words(&["it was", words]));
                self.push(text, false);
            }
            Shape::Noun { words } | Shape::Participle { words } | Shape::Role { words }
                if counted(words) =>
            {
                self.aside(words);
            }
            Shape::Noun { words }
            | Shape::Participle { words }
            | Shape::Role { words }
            | Shape::Setting { words } => self.leave_out(words),
            Shape::Negation { rest } => self.leave_out(&join_words(&["no", rest])),
        }
    }

    /// A clause with its own subject, as a sentence of its own, its changes
    /// after it; `may_be_mine`: an "I …" clause stays open to what follows.
    fn clause(&mut self, words: &str, may_be_mine: bool) {
        // "now used for every launch review": what the work is now.
        if let Some(rest) = words
            .strip_prefix("now ")
            .or_else(|| words.strip_prefix("Now "))
        {
            let participle = rest.split(' ').next().unwrap_or_default();
            if self.engine.vocabulary.is_past_form(participle) {
                let (text, _) = self.extract(&join_words(&["It is now", rest]));
                self.push(text, false);
                return;
            }
        }
        // "didn't beat classical hole filling": the work did not.
        let opening = words.split(' ').next().unwrap_or_default().to_lowercase();
        let subject_it;
        let words = if english::NEGATED.contains(&opening.as_str()) {
            subject_it = join_words(&["it", words]);
            subject_it.as_str()
        } else {
            words
        };
        let words = match self.mine(words).filter(|_| may_be_mine) {
            Some(mine) => mine,
            None => self.engine.vocabulary.passive_be(&self.subject(words)),
        };
        let (text, extracted) = self.extract(&capitalize(&words));
        let mine = may_be_mine && text.starts_with("I ");
        self.push(text, mine);
        for change in extracted {
            self.attach(&change);
        }
    }

    /// "fraud model serving moved to triton": a thing and a verb of work
    /// with no one doing it is what I did ("I moved fraud model serving to
    /// Triton"), when my part was to do it. `None` for any other clause.
    fn mine(&self, words: &str) -> Option<String> {
        if self
            .win
            .role
            .is_some_and(|r| matches!(r, Role::Contributed | Role::Supported))
        {
            return None;
        }
        let list: Vec<&str> = words.split(' ').collect();
        let done = &self.engine.phrases.join.done_by_me;
        let (at, width) = (1..list.len().min(7)).find_map(|at| {
            [2, 1].into_iter().find_map(|width| {
                let verb = list.get(at..at + width)?.join(" ").to_lowercase();
                done.contains(&verb).then_some((at, width))
            })
        })?;
        let subject = &list[..at];
        // A thing, not a person, a group or a pronoun: plain lower-case words
        // or acronyms, no number (the note's first word may be capitalised).
        let thing = !subject.is_empty()
            && subject.iter().enumerate().all(|(index, w)| {
                let lower = w.to_lowercase();
                let letters = || w.chars().filter(|c| c.is_alphabetic());
                let plain = letters().all(char::is_lowercase)
                    || letters().all(char::is_uppercase) && w.len() > 1
                    || index == 0 && letters().skip(1).all(char::is_lowercase);
                plain
                    && !marks::has_mark(w)
                    && !w.chars().any(|c| c.is_ascii_digit())
                    && !english::is_function_word(&lower)
                    && !self.engine.phrases.join.group_nouns.contains(&lower)
                    && !matches!(lower.as_str(), "we" | "they" | "he" | "she" | "it" | "i")
            });
        // One word may be a name typed in lower case ("priya moved to …"):
        // it must be a thing the phrases know.
        let one_thing = subject.len() > 1
            || self
                .engine
                .phrases
                .join
                .artifacts
                .contains(&subject[0].to_lowercase());
        let rest = &list[at + width..];
        // "moved to Triton", "retrained with 18K images": what follows says
        // where or how; "moved 3 points" is a change, not my work.
        let follows = rest.first().is_none_or(|w| {
            PREPOSITIONS.contains(&w.to_lowercase().as_str()) || w.starts_with('(')
        });
        if !thing || !one_thing || !follows {
            return None;
        }
        let verb = list[at..at + width].join(" ").to_lowercase();
        Some(join_words(&[
            "I",
            &verb,
            &with_article(&subject.join(" ")),
            &rest.join(" "),
        ]))
    }

    /// "pricing model v2 live in 3 markets": it went live.
    fn launched(&mut self, subject: &str, rest: &str) {
        self.push(
            capitalize(&join_words(&[subject, "went live", rest])),
            false,
        );
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
                // A next step is a plan: "present at the staff meeting" opens
                // with a verb even where a note's first line would be a noun.
                Shape::Noun { words } | Shape::Participle { words } | Shape::Setting { words }
                    if plan.is_empty() =>
                {
                    let first = words.split(' ').next().unwrap_or_default().to_lowercase();
                    if self.engine.vocabulary.past_of(&first).is_none() {
                        break;
                    }
                    plan.push(join_words(&[&first, &words[first.len()..]]));
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

    /// "about $18K a month saved on the LLM bill" → "This saved about $18K
    /// a month on the LLM bill"; `None` when the money is not what was saved.
    fn saved(&self, words: &str) -> Option<String> {
        let list: Vec<&str> = words.split(' ').collect();
        let verb = list
            .iter()
            .position(|w| matches!(*w, "saved" | "savings"))?;
        // The amount first (after "about"), then at most two words of what
        // it was saved on: "$18K/mo saved", "$90k hw saved", "$11k/mo infra savings".
        let start = list.iter().take_while(|w| QUALIFIERS.contains(w)).count();
        let money = list.get(start).filter(|w| {
            self.marks
                .metric(w)
                .is_some_and(|m| matches!(m.unit.as_deref(), Some("$" | "€" | "£")))
        })?;
        let on = &list[start + 1..verb];
        if on.len() > 2 {
            return None;
        }
        let amount = join_words(&[&list[..start].join(" "), money]);
        let on = if on.is_empty() {
            String::new()
        } else {
            join_words(&["in", &on.join(" ")])
        };
        let rest = list[verb + 1..].join(" ");
        let rest = rest.strip_prefix("in ").unwrap_or(&rest);
        Some(self.resolve(&join_words(&["This saved", &amount, &on, rest])))
    }

    /// Whether the last sentence is a "This …" outcome open to one more.
    fn this_open(&self) -> bool {
        self.sentences
            .last()
            .is_some_and(|last| last.this && last.joined == 0)
    }

    /// An outcome told as "This …": joined to the open "This …" sentence
    /// before it ("This cut timeouts by 60% and saved $40K a month."), else
    /// a sentence of its own that the next outcome may join.
    fn this_sentence(&mut self, told: String) {
        if self.this_open() {
            if let (Some(last), Some(rest)) =
                (self.sentences.last_mut(), told.strip_prefix("This "))
            {
                last.text = format!("{} and {rest}", last.text);
                last.joined += 1;
                return;
            }
        }
        self.push(told, false);
        if let Some(last) = self.sentences.last_mut() {
            last.this = true;
        }
    }

    /// A change joined to the sentence before it when that is mine and has
    /// room (", cutting …"), else a sentence of its own ("The bill fell …").
    fn attach(&mut self, change: &Change<'w>) {
        // "I tested int8 quantization, and accuracy fell by 4.2 points": a
        // test finds a change, it does not make it.
        let finding = &self.engine.phrases.join.finding;
        let tested = matches!(self.win.kind, Kind::Experiment | Kind::NegativeResult)
            && self.sentences.last().is_some_and(|last| {
                finding
                    .iter()
                    .any(|verb| last.text.starts_with(&format!("I {verb} ")))
            });
        if tested {
            let within = self.tell(change, Form::Within);
            if let Some(open) = self.open_sentence().filter(|s| s.joined == 0) {
                open.text = format!("{}, and {within}", open.text);
                open.joined += 1;
                return;
            }
            let text = self.tell(change, Form::Stated);
            self.push(text, false);
            return;
        }
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
}

/// A short phrase that holds a number: it goes in brackets, not out.
fn counted(words: &str) -> bool {
    words.chars().any(|c| c == MARK || c.is_ascii_digit()) && words.split(' ').count() <= SHORT_TAIL
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
    let mut text = text.trim().trim_end_matches([',', ';', ':']);
    // "would have gone straight into the plan": a modal needs its subject.
    let modal = text.split(' ').next().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "would" | "could" | "might" | "should"
        )
    });
    let owned;
    if modal {
        owned = format!("it {text}");
        text = &owned;
    }
    // "Nobody will thank me but": a sentence does not end on a conjunction.
    while let Some((rest, last)) = text.rsplit_once(' ') {
        if !matches!(last, "but" | "and" | "or" | "so" | "though" | "although") {
            break;
        }
        text = rest.trim_end_matches([',', ';', ':']);
    }
    if text.is_empty() {
        return String::new();
    }
    let mut text = capitalize(text);
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}
