//! Whether a deployed win still waits for its outcome, and since when:
//! what `win pending`, the draft's notes and the checker's
//! `pending-impact` agree on.

use chrono::{DateTime, FixedOffset};

use crate::domain::win::{Stage, Win};

use super::metrics::states_a_number;

/// When the win reached the stage `shipped`: the follow-up that moved it
/// there, else the win's own date (it was recorded as shipped, or went
/// straight on to measured or adopted). A back-dated win recorded as
/// shipped and later marked measured was "shipped today" when this was the
/// first follow-up at any deployed stage.
pub fn shipped_at(win: &Win) -> DateTime<FixedOffset> {
    win.updates
        .iter()
        .find(|update| update.stage == Some(Stage::Shipped))
        .map_or(win.occurred_at, |update| update.at)
}

/// Whole days since [`shipped_at`].
pub fn waiting_days(win: &Win, now: DateTime<FixedOffset>) -> i64 {
    (now - shipped_at(win)).num_days().max(0)
}

/// A win at the stage `shipped` with no outcome yet: no impact, and no
/// follow-up since it shipped that states a number ("now used by 9
/// models"). A win at `measured` or `adopted` has its outcome, recorded
/// or not: it waits for nothing.
pub fn awaits_outcome(win: &Win) -> bool {
    if win.stage != Some(Stage::Shipped) || win.current_impact().is_some() {
        return false;
    }
    let since = shipped_at(win);
    !win.updates
        .iter()
        .filter(|update| update.at >= since)
        .flat_map(|update| [update.text.as_deref(), update.impact.as_deref()])
        .flatten()
        .any(states_a_number)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::{awaits_outcome, shipped_at, waiting_days};
    use crate::domain::win::{NewWin, Stage, Update, Win};

    fn at(text: &str) -> DateTime<chrono::FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn shipped_win(updates: &[(&str, Option<Stage>, &str)]) -> Win {
        let mut entry = NewWin::new(
            "deployed the churn model".into(),
            at("2026-11-21T10:00:00Z"),
        );
        entry.occurred_at = at("2026-04-22T10:00:00Z");
        entry.stage = Some(Stage::Shipped);
        for (when, stage, text) in updates {
            entry.updates.push(Update {
                at: at(when),
                stage: *stage,
                text: Some((*text).to_string()).filter(|t| !t.is_empty()),
                impact: None,
                next: None,
            });
            if stage.is_some() {
                entry.stage = *stage;
            }
        }
        Win { id: 1, entry }
    }

    #[test]
    fn a_back_dated_shipped_win_waits_since_its_own_date() {
        let now = at("2026-11-21T10:00:00Z");
        let win = shipped_win(&[]);
        assert_eq!(shipped_at(&win), win.occurred_at);
        assert_eq!(waiting_days(&win, now), 213);
        assert!(awaits_outcome(&win));
        // Shipped by a follow-up: since that follow-up.
        let mut later = shipped_win(&[("2026-06-01T10:00:00Z", Some(Stage::Shipped), "")]);
        later.entry.occurred_at = at("2026-03-01T10:00:00Z");
        assert_eq!(shipped_at(&later), at("2026-06-01T10:00:00Z"));
    }

    #[test]
    fn measured_and_adopted_wins_wait_for_nothing() {
        let measured = shipped_win(&[("2026-11-21T09:00:00Z", Some(Stage::Measured), "")]);
        assert!(!awaits_outcome(&measured));
        // And the stage measured is not when it shipped.
        assert_eq!(shipped_at(&measured), measured.occurred_at);
        let adopted = shipped_win(&[("2026-11-21T09:00:00Z", Some(Stage::Adopted), "")]);
        assert!(!awaits_outcome(&adopted));
    }

    #[test]
    fn a_follow_up_with_a_number_is_an_outcome() {
        assert!(!awaits_outcome(&shipped_win(&[(
            "2026-11-20T10:00:00Z",
            None,
            "now used by 9 models"
        )])));
        for words in [
            "rolled back on 2026-05-02",
            "ran a 10-day test",
            "handed it over",
        ] {
            assert!(
                awaits_outcome(&shipped_win(&[("2026-11-20T10:00:00Z", None, words)])),
                "{words}"
            );
        }
    }
}
