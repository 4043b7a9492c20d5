//! The words around the clause plan: the verb and object of what I did,
//! the article a subject needs, what others did with the work, asides in
//! brackets. Part of the `Composer`.

use super::compose::Composer;
use super::english::{self, join_words, with_article, PREPOSITIONS};
use super::marks::MARK;
use super::RolePhrases;

impl Composer<'_, '_> {
    /// "up", "back", "it": a word after a verb that takes no article.
    fn is_particle(&self, word: &str) -> bool {
        self.engine.phrases.join.particles.iter().any(|p| p == word)
    }

    /// "I cut the GPU bill …", with an honest verb for a shared result.
    pub(super) fn action(
        &self,
        past: &str,
        base: &str,
        rest: &str,
        role: Option<&RolePhrases>,
    ) -> String {
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
            _ => join_words(&["I", &past, &self.object(&self.or_it(&past, rest))]),
        }
    }

    /// What follows a verb, or "it" when the verb needs an object the note
    /// left out: "reverted" → "reverted it".
    pub(super) fn or_it(&self, past: &str, rest: &str) -> String {
        let needs = self.engine.phrases.join.needs_object.contains(past);
        if rest.is_empty() && needs {
            "it".to_string()
        } else if needs && (rest.starts_with("and ") || rest.starts_with("+ ")) {
            // "fixed + added row count checks": "fixed it and added …".
            format!("it {rest}")
        } else {
            rest.to_string()
        }
    }

    /// The object of a verb with the article it needs: "filed writeup" →
    /// "filed the writeup"; a particle, a name, a number or a plural stays.
    pub(super) fn object(&self, rest: &str) -> String {
        let first = rest.split(' ').next().unwrap_or_default();
        // "adopted as policy", "went to prod": no object to article.
        if first == "as" || english::is_function_word(first) {
            return rest.to_string();
        }
        let words: Vec<&str> = rest.split(' ').collect();
        let span = words
            .iter()
            .position(|w| PREPOSITIONS.contains(w))
            .unwrap_or(words.len());
        // "migrated feature pipeline off Airflow", "shipped v3 ranking
        // model": a bare noun phrase whose head the vocabulary knows, in
        // lower case (not a name).
        let version = |w: &str| {
            w.len() > 1
                && w.starts_with('v')
                && w[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
        };
        let named_head = (2..=4).contains(&span)
            && words[..span]
                .iter()
                .all(|w| version(w) || w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            && self.engine.vocabulary.is_noun_head(words[span - 1])
            && !words[span - 1].ends_with('s')
            && !self.is_particle(first)
            && !self.engine.vocabulary.is_verb(first)
            && (!first.ends_with("ing") || self.engine.phrases.join.artifacts.contains(first));
        if named_head {
            return with_article(rest);
        }
        // "wrote RFC for …", "fixed stuck model registry webhook": a thing
        // the phrase book knows, named bare.
        let owned: Vec<String> = words.iter().map(ToString::to_string).collect();
        // "tried distilling the model": a gerund after a verb is an action.
        let gerund = first.ends_with("ing") && !self.engine.phrases.join.artifacts.contains(first);
        if !self.is_particle(first) && !self.engine.vocabulary.is_past_form(first) && !gerund {
            if let Some(size) = self.bare_thing(&owned) {
                if size == span || words.get(size).is_none_or(|w| PREPOSITIONS.contains(w)) {
                    return join_words(&["the", rest]);
                }
            }
        }
        // One plain word: more words may start with a name ("dana", "omar").
        let plain = rest.split(' ').count() == 1
            && !first.ends_with('s')
            && first.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !first.is_empty()
            && !self.is_particle(first)
            && !PREPOSITIONS.contains(&first)
            && !first.ends_with("ly")
            && !self.engine.vocabulary.is_verb(first);
        if plain {
            with_article(rest)
        } else {
            rest.to_string()
        }
    }

    /// A short phrase with a number, in brackets after the sentence before
    /// it ("(14 DAGs)", "(6 teams using it)"), several in one pair.
    pub(super) fn aside(&mut self, words: &str) {
        let words = words.to_string();
        match self.sentences.last_mut() {
            Some(last) if last.text.ends_with(')') => {
                last.text.pop();
                last.text = format!("{}, {words})", last.text);
            }
            Some(last) => last.text = format!("{} ({words})", last.text),
            None => self.leave_out(&words),
        }
    }

    /// "used by 4 teams now", "adopted across 3 orgs": a participle of what
    /// others did with the work, and by whom.
    pub(super) fn passive_phrase(&self, words: &str) -> bool {
        let mut list = words.split(' ');
        let (Some(verb), Some(next)) = (list.next(), list.next()) else {
            return false;
        };
        (verb.ends_with("ed") || self.engine.vocabulary.is_verb(verb))
            && matches!(next, "by" | "across" | "in" | "for")
    }

    /// A clause whose subject is a compound common noun gets its article:
    /// "anomaly detector caught …" → "the anomaly detector caught …"; a
    /// one-word subject may be a name ("priya presented", "finance
    /// restated") and stays as written.
    pub(super) fn subject(&self, words: &str) -> String {
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
        if list
            .first()
            .is_some_and(|w| self.engine.phrases.join.group_nouns.iter().any(|g| g == w))
        {
            // "team called it out": a group the note names without its article.
            return format!("the {words}");
        }
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
    pub(super) fn passive(&self, past: &str, rest: &str) -> bool {
        past.ends_with("ed")
            && [
                "by", "for", "in", "across", "at", "before", "after", "within", "to",
            ]
            .iter()
            .any(|p| rest.split(' ').next() == Some(*p))
            && !rest.starts_with(MARK)
    }

    pub(super) fn says_scope(&self) -> bool {
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
