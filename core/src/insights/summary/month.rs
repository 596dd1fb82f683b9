//! The journal's parts of the summary: recovery milestones and the last 30 days — averages
//! said against the 30 days before, the course over the last 14 days, the chart's data and its
//! text alternative, triggers, coping and meetings. Never a check-in's note.

use std::collections::BTreeMap;

use super::{list_or_none, opt_decimal, Block, Chart, Table};
use crate::error::Result;
use crate::insights::compute::{self, Sources};
use crate::insights::course::{self, Course, COURSE_DAYS};
use crate::insights::daily::{self, DayStats};
use crate::insights::i18n::{self, label, Lang, Phrase};
use crate::insights::patterns::{Direction, Trend};
use crate::model::time::Day;

pub(super) fn milestones_part(src: &Sources<'_>, lang: Lang, today: Day) -> Result<Vec<Block>> {
    let lines = compute::progress(src, today)?
        .into_iter()
        .map(|p| {
            i18n::render(
                lang,
                &Phrase::new("summary.milestone_line")
                    .with("substance", p.substance.trim())
                    .with("days", p.days)
                    .with("since", p.since)
                    .with("next", i18n::render(lang, &p.next.name))
                    .with("to_next", p.days_to_next)
                    .with("lapses", p.lapses.count),
            )
        })
        .collect();
    Ok(vec![
        Block::Heading(label(lang, "summary.milestones")),
        list_or_none(lang, lines),
    ])
}

fn chart(lang: Lang, days: &BTreeMap<Day, DayStats>, today: Day) -> Chart {
    let from = daily::minus(today, 29);
    let points: Vec<(Day, Option<f64>, Option<f64>)> = (0..30)
        .map(|i| {
            let day = daily::plus(from, i);
            let stats = days.get(&day);
            (day, stats.map(|s| s.mood), stats.map(|s| s.craving))
        })
        .collect();
    let moods: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
    let cravings: Vec<f64> = points.iter().filter_map(|p| p.2).collect();
    let stat = |v: &[f64], f: fn(f64, f64) -> f64| v.iter().copied().reduce(f);
    let desc = if moods.is_empty() {
        label(lang, "summary.chart_empty")
    } else {
        i18n::render(
            lang,
            &Phrase::new("summary.chart_desc")
                .with("from", from)
                .with("to", today)
                .with(
                    "mood",
                    opt_decimal(lang, daily::mean(moods.iter().copied())),
                )
                .with("mood_min", opt_decimal(lang, stat(&moods, f64::min)))
                .with("mood_max", opt_decimal(lang, stat(&moods, f64::max)))
                .with(
                    "craving",
                    opt_decimal(lang, daily::mean(cravings.iter().copied())),
                )
                .with("craving_min", opt_decimal(lang, stat(&cravings, f64::min)))
                .with("craving_max", opt_decimal(lang, stat(&cravings, f64::max)))
                .with("count", moods.len()),
        )
    };
    let rows = points
        .iter()
        .map(|(day, mood, craving)| {
            vec![
                day.to_string(),
                opt_decimal(lang, *mood),
                opt_decimal(lang, *craving),
            ]
        })
        .collect();
    Chart {
        title: label(lang, "summary.chart_title"),
        desc,
        legend_mood: label(lang, "summary.legend_mood"),
        legend_craving: label(lang, "summary.legend_craving"),
        points,
        table: Table {
            caption: label(lang, "summary.table_caption"),
            headers: vec![
                label(lang, "summary.day"),
                label(lang, "summary.mood"),
                label(lang, "summary.craving"),
            ],
            rows,
        },
    }
}

/// "up from 4.0 in the 30 days before": what the average is compared with, said.
fn comparison(lang: Lang, t: &Trend) -> String {
    let code = match (t.previous_average, t.direction) {
        (None, _) | (_, Direction::Unknown) => "summary.compare_none",
        (Some(_), Direction::Rising) => "summary.compare_up",
        (Some(_), Direction::Falling) => "summary.compare_down",
        (Some(_), Direction::Steady) => "summary.compare_same",
    };
    i18n::render(
        lang,
        &Phrase::new(code).with("before", opt_decimal(lang, t.previous_average)),
    )
}

/// "over the last 14 days: falling, by about 3.0 points".
pub(crate) fn course_text(lang: Lang, c: &Course) -> String {
    let code = match c.direction {
        Direction::Rising => "summary.course_rising",
        Direction::Falling => "summary.course_falling",
        Direction::Steady => "summary.course_steady",
        Direction::Unknown => "summary.course_unknown",
    };
    i18n::render(
        lang,
        &Phrase::new(code)
            .with("days", c.days)
            .with("change", opt_decimal(lang, c.change.map(f64::abs))),
    )
}

pub(super) fn month_part(src: &Sources<'_>, lang: Lang, today: Day) -> Result<Vec<Block>> {
    let (w, days) = compute::month(src, today)?;
    let trend_line = |code: &str, t: &Trend, c: Course| {
        i18n::render(
            lang,
            &Phrase::new(code)
                .with("avg", opt_decimal(lang, t.average))
                .with("comparison", comparison(lang, t))
                .with("course", course_text(lang, &c)),
        )
    };
    let mood_course = course::course(&days, today, COURSE_DAYS, |d| d.mood);
    let craving_course = course::course(&days, today, COURSE_DAYS, |d| d.craving);
    let mut out = vec![
        Block::Heading(label(lang, "summary.last_30")),
        Block::Paragraph(i18n::render(
            lang,
            &Phrase::new("summary.check_in_days").with("count", w.days_with_check_in),
        )),
        Block::List(vec![
            trend_line("summary.mood_line", &w.mood, mood_course),
            trend_line("summary.craving_line", &w.craving, craving_course),
        ]),
        Block::Chart(chart(lang, &days, today)),
        Block::Subheading(label(lang, "summary.top_triggers")),
    ];
    let removed = label(lang, "summary.removed_item");
    out.push(list_or_none(
        lang,
        w.triggers
            .iter()
            .map(|t| {
                i18n::render(
                    lang,
                    &Phrase::new("summary.trigger_line")
                        .with("name", t.description.as_deref().unwrap_or(&removed).trim())
                        .with("count", t.days),
                )
            })
            .collect(),
    ));
    out.push(Block::Subheading(label(lang, "summary.coping_used")));
    out.push(list_or_none(
        lang,
        w.coping
            .iter()
            .map(|c| {
                i18n::render(
                    lang,
                    &Phrase::new("summary.coping_line")
                        .with("name", c.description.as_deref().unwrap_or(&removed).trim())
                        .with("count", c.days_used)
                        .with("same", opt_decimal(lang, c.craving_same_day))
                        .with("next", opt_decimal(lang, c.craving_next_day)),
                )
            })
            .collect(),
    ));
    out.push(Block::Subheading(label(lang, "summary.attendance")));
    let a = &w.attendance;
    out.push(Block::Paragraph(i18n::render(
        lang,
        &Phrase::new("summary.attendance_line")
            .with("attended", a.attended)
            .with("missed", a.missed)
            .with("on", opt_decimal(lang, a.mood_on_meeting_days))
            .with("other", opt_decimal(lang, a.mood_other_days)),
    )));
    Ok(out)
}
