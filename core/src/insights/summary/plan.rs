//! The plan's parts of the summary: each section the owner picked, in the person's own order
//! and words (escaped later by the renderer).

use super::{list_or_none, Block, Extras, SummaryPart};
use crate::docs::items;
use crate::docs::sections as s;
use crate::error::Result;
use crate::insights::compute::Sources;
use crate::insights::crisis;
use crate::insights::i18n::{self, label, Lang, Phrase};
use crate::insights::ladder::{Network, PersonToCall};
use crate::model::contacts::Phone;
use crate::model::plan::{MedicationPreference, Priority, TreatmentPreference, WarningStage};

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" — ")
}

fn phones(list: &[Phone]) -> String {
    list.iter()
        .map(|p| {
            if p.label.trim().is_empty() {
                p.number.clone()
            } else {
                format!("{} ({})", p.number, p.label)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn stage_label(lang: Lang, stage: WarningStage) -> String {
    let code = match stage {
        WarningStage::Early => "stage.early",
        WarningStage::BreakingDown => "stage.breaking_down",
        WarningStage::Crisis => "stage.crisis",
    };
    label(lang, code)
}

fn person_line(lang: Lang, p: &PersonToCall) -> String {
    let will = (!p.will_do.trim().is_empty()).then(|| {
        i18n::render(
            lang,
            &Phrase::new("summary.will").with("what", p.will_do.trim()),
        )
    });
    let when = (!p.availability.trim().is_empty()).then(|| {
        i18n::render(
            lang,
            &Phrase::new("summary.available").with("when", p.availability.trim()),
        )
    });
    join(&[
        &p.name,
        &phones(&p.phones),
        will.as_deref().unwrap_or(""),
        when.as_deref().unwrap_or(""),
    ])
}

pub(super) fn plan_part(
    src: &Sources<'_>,
    extras: &Extras<'_>,
    lang: Lang,
    part: SummaryPart,
) -> Result<Vec<Block>> {
    let plan = src.plan;
    let heading = |code: &str| Block::Heading(label(lang, code));
    let notes = |code: &str, list: Vec<crate::model::plan::PlanNote>| {
        vec![
            heading(code),
            list_or_none(lang, list.into_iter().map(|n| n.text).collect()),
        ]
    };
    Ok(match part {
        SummaryPart::WhenWell => {
            let text = items::get_text(plan, s::WHEN_WELL)?;
            let body = if text.trim().is_empty() {
                label(lang, "summary.none")
            } else {
                text
            };
            vec![heading("summary.when_well"), Block::Paragraph(body)]
        }
        SummaryPart::DailyMaintenance => {
            let lines = items::list(plan, s::DAILY_MAINTENANCE)?
                .into_iter()
                .map(|m| {
                    let p = match m.priority {
                        Priority::MustDo => label(lang, "summary.must_do"),
                        Priority::ShouldDo => label(lang, "summary.should_do"),
                    };
                    format!("{} ({p})", m.text.trim())
                })
                .collect();
            vec![
                heading("summary.daily_maintenance"),
                list_or_none(lang, lines),
            ]
        }
        SummaryPart::Triggers => {
            let lines = items::list(plan, s::TRIGGERS)?
                .into_iter()
                .map(|t| join(&[&t.description, &t.action_plan]))
                .collect();
            vec![heading("summary.triggers"), list_or_none(lang, lines)]
        }
        SummaryPart::WarningSigns => {
            let lines = items::list(plan, s::WARNING_SIGNS)?
                .into_iter()
                .map(|w| {
                    let first =
                        format!("{} ({})", w.description.trim(), stage_label(lang, w.stage));
                    join(&[&first, &w.action_plan])
                })
                .collect();
            vec![heading("summary.warning_signs"), list_or_none(lang, lines)]
        }
        SummaryPart::CopingStrategies => {
            let lines = items::list(plan, s::COPING_STRATEGIES)?
                .into_iter()
                .map(|c| c.description)
                .collect();
            vec![heading("summary.coping"), list_or_none(lang, lines)]
        }
        SummaryPart::Distractions => {
            let screen = crisis::screen(plan, src.contacts, None, None)?;
            let lines = screen
                .distractions
                .iter()
                .map(|d| join(&[&d.name, &d.notes, &phones(&d.phones)]))
                .collect();
            vec![heading("summary.distractions"), list_or_none(lang, lines)]
        }
        SummaryPart::PeopleToCall => {
            let ladder = Network::load(plan, src.contacts)?.ladder(plan)?;
            let lines = ladder.iter().map(|p| person_line(lang, p)).collect();
            vec![heading("summary.people_to_call"), list_or_none(lang, lines)]
        }
        SummaryPart::Professionals => {
            let screen = crisis::screen(plan, src.contacts, extras.local_line, None)?;
            let mut lines: Vec<String> = screen
                .professionals
                .iter()
                .map(|p| join(&[&p.name, &phones(&p.phones), &p.role_note, &p.availability]))
                .collect();
            lines.extend(screen.crisis_lines.iter().map(|l| {
                let kind = if l.is_local_default {
                    label(lang, "summary.crisis_line_default")
                } else {
                    String::new()
                };
                join(&[
                    &l.name,
                    &phones(&l.phones),
                    l.url.as_deref().unwrap_or(""),
                    &kind,
                ])
            }));
            vec![heading("summary.professionals"), list_or_none(lang, lines)]
        }
        SummaryPart::EnvironmentSafety => {
            let lines = items::list(plan, s::ENVIRONMENT_SAFETY)?
                .into_iter()
                .map(|e| {
                    let state = label(
                        lang,
                        if e.done {
                            "summary.done"
                        } else {
                            "summary.not_done"
                        },
                    );
                    format!("{} ({state})", e.description.trim())
                })
                .collect();
            vec![heading("summary.environment"), list_or_none(lang, lines)]
        }
        SummaryPart::Reasons => {
            let lines = items::list(plan, s::REASONS)?
                .into_iter()
                .map(|r| r.text)
                .collect();
            vec![heading("summary.reasons"), list_or_none(lang, lines)]
        }
        SummaryPart::Goals => {
            let steps = items::list(plan, s::GOAL_STEPS)?;
            let lines = items::list(plan, s::GOALS)?
                .into_iter()
                .map(|g| {
                    let mut line = g.title.trim().to_string();
                    if g.done {
                        line = format!("{line} ({})", label(lang, "summary.goal_done"));
                    }
                    let own: Vec<String> = steps
                        .iter()
                        .filter(|st| st.goal_id == g.id)
                        .map(|st| {
                            let mark = if st.done { "✓" } else { "○" };
                            format!("{mark} {}", st.text.trim())
                        })
                        .collect();
                    if own.is_empty() {
                        line
                    } else {
                        format!("{line}: {}", own.join("; "))
                    }
                })
                .collect();
            vec![heading("summary.goals"), list_or_none(lang, lines)]
        }
        SummaryPart::Medications => {
            let lines = items::list(plan, s::MEDICATIONS)?
                .into_iter()
                .map(|m| {
                    let pref = label(
                        lang,
                        match m.preference {
                            MedicationPreference::Preferred => "preference.preferred",
                            MedicationPreference::Acceptable => "preference.acceptable",
                            MedicationPreference::Unacceptable => "preference.unacceptable",
                        },
                    );
                    join(&[&format!("{} ({pref})", m.name.trim()), &m.reason])
                })
                .collect();
            vec![heading("summary.medications"), list_or_none(lang, lines)]
        }
        SummaryPart::Treatments => {
            let lines = items::list(plan, s::TREATMENTS)?
                .into_iter()
                .map(|t| {
                    let pref = label(
                        lang,
                        match t.preference {
                            TreatmentPreference::Preferred => "preference.preferred",
                            TreatmentPreference::Avoid => "preference.avoid",
                        },
                    );
                    join(&[&format!("{} ({pref})", t.name.trim()), &t.reason])
                })
                .collect();
            vec![heading("summary.treatments"), list_or_none(lang, lines)]
        }
        SummaryPart::WhatHelps => {
            let mut out = notes("summary.what_helps", items::list(plan, s::WHAT_HELPS)?);
            out.extend(notes(
                "summary.what_does_not_help",
                items::list(plan, s::WHAT_DOES_NOT_HELP)?,
            ));
            out
        }
        SummaryPart::LapsePlan => notes("summary.lapse_plan", items::list(plan, s::LAPSE_PLAN)?),
        SummaryPart::PostCrisisPlan => notes(
            "summary.post_crisis",
            items::list(plan, s::POST_CRISIS_PLAN)?,
        ),
        SummaryPart::Milestones
        | SummaryPart::LastThirtyDays
        | SummaryPart::Alerts
        | SummaryPart::MedicationAdherence => Vec::new(),
    })
}
