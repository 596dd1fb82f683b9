//! Typed methods for every section of every document: `put_<item>` (add, or replace the item
//! with the same id; async, durable when it returns), `get_<item>(id)` and `list_<items>()`
//! (in the person's order, or time order for time-keyed sections).
//!
//! One macro line per section, over the core's typed `Section<T>` constants. The operations
//! that work on any section (`remove_item`, `move_item`, `item_conflicts`, `count_items`) take
//! a `SectionName` and live in `store`.

use twofold_core::sections;

use crate::convert::{self, ToCore};
use crate::error::Result;
use crate::model::contacts::Contact;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::plan::*;
use crate::model::schedule::{Attendance, Meeting};
use crate::store::TwofoldStore;

macro_rules! section_methods {
    ($( $section:ident : $item:ident => $put:ident, $get:ident, $list:ident; )+) => {
        #[uniffi::export(async_runtime = "tokio")]
        impl TwofoldStore {
            $(
                /// Adds the item, or replaces the item with the same id (only changed fields
                /// are written). Checked first: an invalid item changes nothing.
                pub async fn $put(&self, item: $item) -> Result<()> {
                    self.write(move |core| {
                        let section = sections::$section;
                        let item = item.to_core(section.id.key())?;
                        Ok(core.put(section, item)?)
                    })
                    .await
                }

                /// One item by id (`NotFound` if there is none).
                pub fn $get(&self, id: String) -> Result<$item> {
                    self.read(|core| {
                        let section = sections::$section;
                        let id = convert::id::to_core(id, section.id.key(), "id")?;
                        Ok(core.get(section, &id)?.into())
                    })
                }

                /// Every item of the section, in order.
                pub fn $list(&self) -> Result<Vec<$item>> {
                    self.read(|core| {
                        let items = core.list(sections::$section)?;
                        Ok(items.into_iter().map(Into::into).collect())
                    })
                }
            )+
        }
    };
}

section_methods! {
    // plan
    DAILY_MAINTENANCE: MaintenanceItem => put_maintenance_item, get_maintenance_item, list_daily_maintenance;
    TRIGGERS: Trigger => put_trigger, get_trigger, list_triggers;
    WARNING_SIGNS: WarningSign => put_warning_sign, get_warning_sign, list_warning_signs;
    COPING_STRATEGIES: CopingStrategy => put_coping_strategy, get_coping_strategy, list_coping_strategies;
    DISTRACTIONS: Distraction => put_distraction, get_distraction, list_distractions;
    REASONS: Reason => put_reason, get_reason, list_reasons;
    GOALS: Goal => put_goal, get_goal, list_goals;
    GOAL_STEPS: GoalStep => put_goal_step, get_goal_step, list_goal_steps;
    TAKEOVER_SIGNS: PlanNote => put_takeover_sign, get_takeover_sign, list_takeover_signs;
    CRISIS_CONTACTS: CrisisContact => put_crisis_contact, get_crisis_contact, list_crisis_contacts;
    DO_NOT_INVOLVE: DoNotInvolve => put_do_not_involve, get_do_not_involve, list_do_not_involve;
    PROFESSIONALS: Professional => put_professional, get_professional, list_professionals;
    MEDICATIONS: Medication => put_medication, get_medication, list_medications;
    TREATMENTS: Treatment => put_treatment, get_treatment, list_treatments;
    WHAT_HELPS: PlanNote => put_what_helps, get_what_helps, list_what_helps;
    WHAT_DOES_NOT_HELP: PlanNote => put_what_does_not_help, get_what_does_not_help, list_what_does_not_help;
    ENVIRONMENT_SAFETY: SafetyStep => put_safety_step, get_safety_step, list_environment_safety;
    LAPSE_PLAN: PlanNote => put_lapse_plan_step, get_lapse_plan_step, list_lapse_plan;
    POST_CRISIS_PLAN: PlanNote => put_post_crisis_step, get_post_crisis_step, list_post_crisis_plan;
    // contacts
    CONTACTS: Contact => put_contact, get_contact, list_contacts;
    // schedule
    MEETINGS: Meeting => put_meeting, get_meeting, list_meetings;
    ATTENDANCE: Attendance => put_attendance, get_attendance, list_attendance;
    // journal
    CHECK_INS: CheckIn => put_check_in, get_check_in, list_check_ins;
    RECOVERIES: Recovery => put_recovery, get_recovery, list_recoveries;
    LAPSES: Lapse => put_lapse, get_lapse, list_lapses;
}
