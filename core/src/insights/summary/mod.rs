//! The one-page summary to bring to a clinician or mentor: the parts of the plan the owner
//! picks and, if picked, the last 30 days — in Markdown and in print-ready HTML with an inline
//! SVG chart, in any language of the catalogue (the HTML sets `lang` and `dir`, right to left
//! for Arabic). The person's own words appear as they wrote them: as list items, or quoted.
//!
//! Building and rendering are split: `build` turns documents into a list of neutral blocks of
//! *unescaped* text, and the Markdown and HTML renderers escape every string they are given.
//! User text therefore has exactly one way into the output, and it is always escaped. Check-in
//! notes are never included: they are the most private thing in the journal.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::insights::compute::Sources;
use crate::insights::crisis::LocalCrisisLine;
use crate::insights::i18n::{self, decimal, label, Lang, Phrase};
use crate::insights::rules::Alert;
use crate::model::time::Day;

mod adherence;
mod chart;
mod html;
mod markdown;
mod month;
mod plan;

/// A part of the summary the owner can include.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SummaryPart {
    WhenWell,
    DailyMaintenance,
    Triggers,
    WarningSigns,
    CopingStrategies,
    Distractions,
    PeopleToCall,
    Professionals,
    EnvironmentSafety,
    Reasons,
    Goals,
    Medications,
    /// Doses taken of doses due per scheduled medication, last 30 days.
    MedicationAdherence,
    Treatments,
    WhatHelps,
    LapsePlan,
    PostCrisisPlan,
    Milestones,
    /// Mood and craving averages, the chart, triggers, coping and meetings of the last 30 days.
    LastThirtyDays,
    /// The early warnings open right now.
    Alerts,
}

impl SummaryPart {
    /// Every part, in the order the summary prints them.
    pub const ALL: [SummaryPart; 20] = [
        SummaryPart::WhenWell,
        SummaryPart::DailyMaintenance,
        SummaryPart::Triggers,
        SummaryPart::WarningSigns,
        SummaryPart::CopingStrategies,
        SummaryPart::Distractions,
        SummaryPart::PeopleToCall,
        SummaryPart::Professionals,
        SummaryPart::EnvironmentSafety,
        SummaryPart::Reasons,
        SummaryPart::Goals,
        SummaryPart::Medications,
        SummaryPart::MedicationAdherence,
        SummaryPart::Treatments,
        SummaryPart::WhatHelps,
        SummaryPart::LapsePlan,
        SummaryPart::PostCrisisPlan,
        SummaryPart::Milestones,
        SummaryPart::LastThirtyDays,
        SummaryPart::Alerts,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryOptions {
    pub lang: Lang,
    pub today: Day,
    /// Only these parts appear (in the summary's fixed order).
    pub parts: Vec<SummaryPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub markdown: String,
    pub html: String,
}

/// Rows of text with a caption and headers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Thirty days of mood and craving, for the SVG and its text alternative.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    pub title: String,
    pub desc: String,
    pub legend_mood: String,
    pub legend_craving: String,
    /// One entry per calendar day, oldest first; `None` where there was no check-in.
    pub points: Vec<(Day, Option<f64>, Option<f64>)>,
    pub table: Table,
}

/// Neutral output blocks; all text is unescaped until a renderer takes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Paragraph(String),
    List(Vec<String>),
    Chart(Chart),
}

/// Everything the summary may need besides the documents.
#[derive(Debug, Clone, Copy)]
pub struct Extras<'a> {
    pub local_line: Option<&'a LocalCrisisLine>,
    /// Open alerts, already evaluated (only read when the Alerts part is picked).
    pub alerts: &'a [Alert],
}

/// The summary's blocks, for the parts in `options`.
pub(crate) fn build(
    src: &Sources<'_>,
    extras: &Extras<'_>,
    options: &SummaryOptions,
) -> Result<Vec<Block>> {
    let lang = options.lang;
    let mut blocks = vec![
        Block::Title(label(lang, "summary.title")),
        Block::Paragraph(i18n::render(
            lang,
            &Phrase::new("summary.prepared").with("day", options.today),
        )),
    ];
    for part in SummaryPart::ALL {
        if !options.parts.contains(&part) {
            continue;
        }
        match part {
            SummaryPart::Milestones => {
                blocks.extend(month::milestones_part(src, lang, options.today)?)
            }
            SummaryPart::MedicationAdherence => {
                blocks.extend(adherence::adherence_part(src, lang, options.today)?)
            }
            SummaryPart::LastThirtyDays => {
                blocks.extend(month::month_part(src, lang, options.today)?)
            }
            SummaryPart::Alerts => {
                blocks.push(Block::Heading(label(lang, "summary.alerts")));
                let lines = extras
                    .alerts
                    .iter()
                    .map(|a| i18n::render(lang, &a.reason))
                    .collect();
                blocks.push(list_or_none(lang, lines));
            }
            _ => blocks.extend(plan::plan_part(src, extras, lang, part)?),
        }
    }
    Ok(blocks)
}

/// Builds and renders the summary in both formats.
pub fn summary(
    src: &Sources<'_>,
    extras: &Extras<'_>,
    options: &SummaryOptions,
) -> Result<Summary> {
    let blocks = build(src, extras, options)?;
    Ok(Summary {
        markdown: markdown::render(&blocks),
        html: html::render(options.lang, &blocks),
    })
}

fn list_or_none(lang: Lang, lines: Vec<String>) -> Block {
    if lines.is_empty() {
        Block::Paragraph(label(lang, "summary.none"))
    } else {
        Block::List(lines)
    }
}

fn opt_decimal(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| label(lang, "summary.no_entry"), |v| decimal(lang, v))
}
