//! The fact check on answers a model could give: faithful ones that must
//! pass (numbers rounded, spelled out, scaled, told as a change or a ratio)
//! and unfaithful ones that must be refused, each for its own reason.
//! Written before the check itself (three faithful ones were added after,
//! to even the two halves, and four when names opening a sentence were
//! checked too: 25 faithful, 26 not).

use chrono::DateTime;

use super::*;
use crate::domain::metric::{Amount, Direction, Level, Metric};
use crate::domain::win::{NewWin, Role, Win};

const LIMIT: usize = 600;

fn pair(label: &str, before: f64, after: f64, unit: &str, change: f64) -> Metric {
    Metric {
        text: format!("{before}{unit} to {after}{unit}"),
        label: Some(label.to_string()),
        value: None,
        before: Some(before),
        after: Some(after),
        unit: Some(unit.to_string()),
        change_pct: Some(change),
        direction: Some(if change < 0.0 {
            Direction::Down
        } else {
            Direction::Up
        }),
        better: Some(true),
        level: Some(Level::System),
        written_before: None,
    }
}

fn lone(label: &str, value: f64, unit: &str, change: Option<f64>) -> Metric {
    Metric {
        text: format!("{value}{unit}"),
        label: Some(label.to_string()),
        value: Some(value),
        before: None,
        after: None,
        unit: Some(unit.to_string()),
        change_pct: change,
        direction: change.map(|c| {
            if c < 0.0 {
                Direction::Down
            } else {
                Direction::Up
            }
        }),
        better: change.map(|_| true),
        level: Some(Level::Business),
        written_before: None,
    }
}

fn win(text: &str, impact: Option<&str>, next: Option<&str>, metrics: Vec<Metric>) -> Win {
    let now = DateTime::parse_from_rfc3339("2026-11-21T17:05:00+01:00").unwrap();
    let mut entry = NewWin::new(text.to_string(), now);
    entry.impact = impact.map(str::to_string);
    entry.next = next.map(str::to_string);
    entry.metrics = metrics;
    entry.role = Some(Role::Led);
    entry.into_win(12)
}

/// Latency 240ms → 80ms, $1.2M saved, tickets −35%, two more regions next.
fn latency() -> (Win, &'static str) {
    let win = win(
        "cut p99 scoring latency from 240ms to 80ms by batching features in Feast",
        Some("saved $1.2M a year; support tickets -35%"),
        Some("roll out to two more regions"),
        vec![
            pair("p99 scoring latency", 240.0, 80.0, "ms", -66.7),
            lone("saved", 1_200_000.0, "$", None),
            lone("support tickets", 35.0, "%", Some(-35.0)),
        ],
    );
    let generated = "I cut p99 scoring latency from 240 ms to 80 ms by batching features in Feast, saving $1.2M a year and cutting support tickets by 35%. Next, I will roll it out to two more regions.";
    (win, generated)
}

/// Precision 78% → 91%, review hours 18h → 4h.
fn precision() -> (Win, &'static str) {
    let win = win(
        "raised fraud model precision from 78% to 91% with better labels",
        Some("review hours down from 18h to 4h"),
        None,
        vec![
            pair("precision", 78.0, 91.0, "%", 16.7),
            pair("review hours", 18.0, 4.0, "h", -77.8),
        ],
    );
    let generated = "I raised fraud model precision from 78% to 91% with better labels, cutting review hours from 18 hours to 4 hours.";
    (win, generated)
}

/// No metric at all; a number written as a word.
fn mentoring() -> (Win, &'static str) {
    let win = win(
        "mentored two new hires on the ranking stack",
        None,
        None,
        Vec::new(),
    );
    (win, "I mentored two new hires on the ranking stack.")
}

/// Money with a multiplier, an acronym the win has.
fn spend() -> (Win, &'static str) {
    let win = win(
        "saved $40K/month in GPU spend by moving batch jobs to spot instances",
        None,
        None,
        vec![lone("saved", 40_000.0, "$", None)],
    );
    let generated = "I saved $40K a month in GPU spend by moving batch jobs to spot instances.";
    (win, generated)
}

/// A pair written in another unit than it is stored in (6h → 45m).
fn retrain() -> (Win, &'static str) {
    let mut metric = pair("retrain", 360.0, 45.0, "min", -87.5);
    metric.written_before = Some(Amount {
        value: 6.0,
        unit: Some("h".to_string()),
    });
    let win = win(
        "cut nightly retrain from 6h to 45m",
        None,
        None,
        vec![metric],
    );
    (win, "I cut nightly retrain from 6 hours to 45 minutes.")
}

fn accepted(case: (Win, &str), answer: &str) -> String {
    let (win, generated) = case;
    match check(answer, &win, generated, LIMIT) {
        Ok(statement) => statement,
        Err(refusal) => panic!("refused a faithful answer ({refusal}): {answer}"),
    }
}

fn refused(case: (Win, &str), answer: &str) -> Refusal {
    refused_within(case, answer, LIMIT)
}

fn refused_within(case: (Win, &str), answer: &str, limit: usize) -> Refusal {
    let (win, generated) = case;
    match check(answer, &win, generated, limit) {
        Ok(statement) => panic!("accepted an unfaithful answer: {statement}"),
        Err(refusal) => refusal,
    }
}

// Faithful answers.

#[test]
fn the_numbers_as_the_win_writes_them() {
    accepted(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast, which saved $1.2M a year and cut support tickets by 35%. Next, I will roll it out to two more regions.");
}

#[test]
fn a_pair_told_as_its_rounded_change_and_a_number_word_as_digits() {
    accepted(latency(), "I reduced p99 scoring latency by 67% by batching Feast features, saving $1.2M a year and cutting support tickets 35%; next, I am rolling it out to 2 more regions.");
}

#[test]
fn a_pair_told_as_a_ratio() {
    accepted(latency(), "I made p99 scoring 3x faster (240ms to 80ms) by batching features in Feast, which saved $1.2M a year and reduced support tickets by 35%.");
}

#[test]
fn money_written_out_in_full() {
    accepted(latency(), "By batching features in Feast, I cut p99 scoring latency from 240 ms to 80 ms, saving $1,200,000 a year and reducing support tickets by 35%.");
}

#[test]
fn money_in_words() {
    accepted(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast; it saved 1.2 million dollars a year and support tickets fell 35%.");
}

#[test]
fn a_quoted_answer_is_taken_without_its_quotes() {
    let statement = accepted(latency(), "\"I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.\"\n");
    assert!(statement.starts_with("I cut"), "{statement}");
    assert!(statement.ends_with("35%."), "{statement}");
}

#[test]
fn a_paragraph_wrapped_over_lines_is_one_paragraph() {
    let statement = accepted(latency(), "I cut p99 scoring latency from 240ms to 80ms\nby batching features in Feast, saving $1.2M a year\nand cutting support tickets by 35%.");
    assert!(!statement.contains('\n'), "{statement}");
    assert!(statement.contains("80ms by batching"), "{statement}");
}

#[test]
fn the_change_to_its_written_precision() {
    accepted(latency(), "I cut p99 scoring latency by 66.7% by batching features in Feast, saving $1.2M a year and cutting support tickets by 35%.");
}

#[test]
fn a_pair_told_as_the_difference() {
    accepted(latency(), "I took 160ms off p99 scoring latency by batching features in Feast, saving $1.2M a year and cutting support tickets by 35%.");
}

#[test]
fn a_name_in_other_capitals() {
    accepted(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching FEAST features, saving $1.2M a year and cutting support tickets by 35%.");
}

#[test]
fn both_pairs_with_units_spelled_out() {
    accepted(precision(), "I led better labelling that raised fraud model precision from 78% to 91%, which cut review hours from 18 to 4 hours.");
}

#[test]
fn a_percentage_pair_told_in_points() {
    accepted(precision(), "I raised fraud model precision by 13 points (78% to 91%) with better labels, and review hours fell from 18h to 4h.");
}

#[test]
fn a_pair_told_as_its_change_and_a_number_shared_with_another() {
    accepted(precision(), "I improved fraud model precision from 78% to 91% through better labels, cutting review hours by 78%.");
}

#[test]
fn no_metric_and_the_number_word_kept() {
    accepted(mentoring(), "I mentored two new hires on the ranking stack and got both to their first production change.");
}

#[test]
fn a_number_word_written_as_a_digit() {
    accepted(mentoring(), "I mentored 2 new hires on the ranking stack.");
}

#[test]
fn money_with_a_multiplier_written_out() {
    accepted(
        spend(),
        "I saved $40,000 a month in GPU spend by moving batch jobs onto spot instances.",
    );
}

#[test]
fn money_with_its_multiplier_and_an_acronym_of_the_win() {
    accepted(
        spend(),
        "By moving batch jobs to spot instances, I saved $40K a month in GPU spend.",
    );
}

#[test]
fn a_pair_in_the_units_the_note_wrote() {
    accepted(
        retrain(),
        "I cut the nightly retrain from 6 hours to 45 minutes.",
    );
}

#[test]
fn a_pair_in_the_units_it_is_stored_in_and_its_change() {
    accepted(
        retrain(),
        "I cut the nightly retrain by 88%, from 360 to 45 minutes.",
    );
}

#[test]
fn a_pair_told_as_its_change_alone() {
    accepted(retrain(), "I made the nightly retrain 87.5% faster.");
}

#[test]
fn a_pair_in_bare_numbers_and_its_change_in_brackets() {
    accepted(precision(), "I raised fraud model precision from 78% to 91%, and review hours dropped from 18 to 4 (a 78% cut).");
}

#[test]
fn money_told_as_a_cut() {
    accepted(
        spend(),
        "I cut GPU spend by $40K a month by moving batch jobs to spot instances.",
    );
}

#[test]
fn a_sentence_opening_with_a_capital() {
    accepted(
        mentoring(),
        "As a mentor, I onboarded two new hires onto the ranking stack.",
    );
}

#[test]
fn sentences_opening_with_a_gerund_an_opener_and_a_word_of_the_win() {
    accepted(latency(), "Batching features in Feast, I cut p99 scoring latency from 240ms to 80ms. Together, these changes saved $1.2M a year and cut support tickets by 35%. Next, I will roll it out to two more regions.");
    accepted(precision(), "Better labels let me raise fraud model precision from 78% to 91%. Review hours fell from 18h to 4h as a result.");
}

// Unfaithful answers.

#[test]
fn an_invented_percentage() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast, saving $1.2M a year and cutting support tickets by 40%.");
    assert_eq!(refusal, Refusal::Number("40%".into()));
    assert_eq!(
        refusal.to_string(),
        "the answer says 40%, which the win does not"
    );
}

#[test]
fn an_inflated_amount_of_money() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast, saving $1.5M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Number("$1.5M".into()));
}

#[test]
fn a_headline_pair_dropped() {
    let refusal = refused(latency(), "I sped up p99 scoring latency by batching features in Feast, saving $1.2M a year and cutting support tickets by 35%.");
    let Refusal::Dropped(what) = &refusal else {
        panic!("{refusal:?}")
    };
    assert!(what.contains("240ms → 80ms"), "{what}");
    assert!(
        refusal.to_string().starts_with("the answer leaves out"),
        "{refusal}"
    );
}

#[test]
fn a_headline_change_dropped() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast, saving $1.2M a year and cutting support tickets.");
    assert!(
        matches!(&refusal, Refusal::Dropped(what) if what.contains("support tickets")),
        "{refusal:?}"
    );
}

#[test]
fn an_invented_product() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast on Snowflake, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Name("Snowflake".into()));
    assert_eq!(
        refusal.to_string(),
        "the answer names Snowflake, which the win does not"
    );
}

#[test]
fn an_invented_team() {
    let refusal = refused(latency(), "With the Payments team, I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Name("Payments".into()));
}

#[test]
fn an_invented_acronym_at_the_start_of_a_sentence() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%. AWS costs fell too.");
    assert_eq!(refusal, Refusal::Name("AWS".into()));
}

#[test]
fn the_third_person() {
    let refusal = refused(latency(), "The engineer cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::NotFirstPerson);
}

#[test]
fn two_paragraphs() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year.\n\nI also cut support tickets by 35%.");
    assert_eq!(refusal, Refusal::Paragraphs);
}

#[test]
fn bold_markup() {
    let refusal = refused(latency(), "**I cut p99 scoring latency** from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert!(matches!(refusal, Refusal::Markup(_)), "{refusal:?}");
}

#[test]
fn a_bulleted_list() {
    let refusal = refused(latency(), "- I cut p99 scoring latency from 240ms to 80ms\n- I saved $1.2M a year and cut support tickets by 35%");
    assert!(matches!(refusal, Refusal::Markup(_)), "{refusal:?}");
}

#[test]
fn a_link() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms by batching features in [Feast](https://feast.dev), saving $1.2M a year and cutting support tickets by 35%.");
    assert!(matches!(refusal, Refusal::Markup(_)), "{refusal:?}");
}

#[test]
fn an_escape_sequence() {
    let refusal = refused(latency(), "I cut \u{1b}[31mp99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Control);
}

#[test]
fn text_that_reverses_on_screen() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms\u{202e}, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Control);
}

#[test]
fn longer_than_the_limit() {
    let answer = "I cut p99 scoring latency from 240ms to 80ms by batching features in Feast, saving $1.2M a year and cutting support tickets by 35%.";
    let refusal = refused_within(latency(), answer, 80);
    assert_eq!(
        refusal,
        Refusal::TooLong {
            chars: answer.chars().count(),
            limit: 80
        }
    );
    let padded = format!("{answer} {}", "I kept going. ".repeat(40));
    assert!(matches!(
        refused(latency(), &padded),
        Refusal::TooLong { limit: 600, .. }
    ));
}

#[test]
fn an_empty_answer() {
    assert_eq!(refused(latency(), "  \n \n"), Refusal::Empty);
}

#[test]
fn a_preamble() {
    let refusal = refused(latency(), "Here is the rewritten statement: I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Preamble);
}

#[test]
fn an_invented_year() {
    let refusal = refused(latency(), "In 2026 I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Number("2026".into()));
}

#[test]
fn another_percentile() {
    let refusal = refused(latency(), "I cut p95 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%.");
    assert_eq!(refusal, Refusal::Number("p95".into()));
}

#[test]
fn a_pair_with_a_changed_end() {
    let refusal = refused(precision(), "I raised fraud model precision from 78% to 92% with better labels, cutting review hours from 18h to 4h.");
    assert_eq!(refusal, Refusal::Number("92%".into()));
}

#[test]
fn a_number_word_the_win_does_not_have() {
    let refusal = refused(
        mentoring(),
        "I mentored three new hires on the ranking stack.",
    );
    assert_eq!(refusal, Refusal::Number("three".into()));
}

#[test]
fn we_instead_of_i() {
    let refusal = refused(
        mentoring(),
        "We mentored two new hires on the ranking stack.",
    );
    assert_eq!(refusal, Refusal::NotFirstPerson);
}

#[test]
fn a_pair_whose_end_was_invented() {
    let refusal = refused(
        retrain(),
        "I cut the nightly retrain from 6 hours to 30 minutes.",
    );
    assert_eq!(refusal, Refusal::Number("30".into()));
}

#[test]
fn money_with_another_multiplier() {
    let refusal = refused(
        spend(),
        "I saved $40M a month in GPU spend by moving batch jobs to spot instances.",
    );
    assert_eq!(refusal, Refusal::Number("$40M".into()));
}

#[test]
fn an_invented_product_at_the_start_of_a_sentence() {
    let refusal = refused(latency(), "I cut p99 scoring latency from 240ms to 80ms, saving $1.2M a year and cutting support tickets by 35%. Snowflake costs fell as well.");
    assert_eq!(refusal, Refusal::Name("Snowflake".into()));
}

#[test]
fn an_invented_person_opening_the_answer() {
    let refusal = refused(
        mentoring(),
        "Priya and I mentored two new hires on the ranking stack.",
    );
    assert_eq!(refusal, Refusal::Name("Priya".into()));
}
