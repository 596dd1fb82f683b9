package org.twofold.demo.ui

import androidx.annotation.StringRes
import androidx.compose.runtime.Composable
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import org.twofold.core.Access
import org.twofold.core.ContactRole
import org.twofold.core.DocumentKind
import org.twofold.core.Domain
import org.twofold.core.MeetingFormat
import org.twofold.core.MeetingKind
import org.twofold.core.Phrase
import org.twofold.core.SyncProblem
import org.twofold.core.SyncStatus
import org.twofold.demo.R
import org.twofold.demo.model.PlanSection
import org.twofold.kit.TwofoldError

// Every word the screens show comes from string resources (values/, values-es/); the core
// hands over codes and enums, never display text. These tables are the only mapping.

@StringRes
fun PlanSection.title(): Int = when (this) {
    PlanSection.DAILY_MAINTENANCE -> R.string.section_daily_maintenance
    PlanSection.TRIGGERS -> R.string.section_triggers
    PlanSection.WARNING_SIGNS -> R.string.section_warning_signs
    PlanSection.COPING_STRATEGIES -> R.string.section_coping_strategies
    PlanSection.DISTRACTIONS -> R.string.section_distractions
    PlanSection.REASONS -> R.string.section_reasons
    PlanSection.GOALS -> R.string.section_goals
    PlanSection.GOAL_STEPS -> R.string.section_goal_steps
    PlanSection.TAKEOVER_SIGNS -> R.string.section_takeover_signs
    PlanSection.CRISIS_CONTACTS -> R.string.section_crisis_contacts
    PlanSection.DO_NOT_INVOLVE -> R.string.section_do_not_involve
    PlanSection.PROFESSIONALS -> R.string.section_professionals
    PlanSection.MEDICATIONS -> R.string.section_medications
    PlanSection.TREATMENTS -> R.string.section_treatments
    PlanSection.WHAT_HELPS -> R.string.section_what_helps
    PlanSection.WHAT_DOES_NOT_HELP -> R.string.section_what_does_not_help
    PlanSection.ENVIRONMENT_SAFETY -> R.string.section_environment_safety
    PlanSection.LAPSE_PLAN -> R.string.section_lapse_plan
    PlanSection.POST_CRISIS_PLAN -> R.string.section_post_crisis_plan
    PlanSection.NALOXONE_KITS -> R.string.section_naloxone_kits
    PlanSection.NEVER_USE_ALONE -> R.string.section_never_use_alone
    PlanSection.NALOXONE_RESPONDERS -> R.string.section_naloxone_responders
}

@StringRes
fun Domain.label(): Int = when (this) {
    Domain.SUBSTANCE -> R.string.choice_substance
    Domain.MENTAL_HEALTH -> R.string.choice_mental_health
    Domain.BOTH -> R.string.choice_both
}

/** A plan form's field, by the core's field name. */
@StringRes
fun fieldLabel(key: String): Int = when (key) {
    "text" -> R.string.field_text
    "priority" -> R.string.field_priority
    "description" -> R.string.field_description
    "kind" -> R.string.field_kind
    "domain" -> R.string.field_domain
    "action_plan" -> R.string.field_action_plan
    "stage" -> R.string.field_stage
    "name" -> R.string.field_name
    "contact_id" -> R.string.field_contact
    "notes" -> R.string.field_notes
    "title" -> R.string.field_title
    "target_date" -> R.string.field_target_date
    "done" -> R.string.field_done
    "goal_id" -> R.string.field_goal
    "will_do" -> R.string.field_will_do
    "reason" -> R.string.field_reason
    "role_note" -> R.string.field_role_note
    "preference" -> R.string.field_preference
    "location" -> R.string.field_location
    "expires" -> R.string.field_expires
    "remind_days_before" -> R.string.field_remind_days_before
    "phone" -> R.string.contacts_phone
    "note" -> R.string.field_notes
    // the medication schedule
    "dose_amount" -> R.string.field_dose_amount
    "dose_unit" -> R.string.field_dose_unit
    "reminder_offsets_minutes" -> R.string.field_reminder_offsets
    "pickup_place" -> R.string.field_pickup_place
    "refill_date" -> R.string.field_refill_date
    "refill_remind_days_before" -> R.string.field_refill_remind_days_before
    "show_name_in_reminders" -> R.string.field_show_name_in_reminders
    // contacts and meetings, for the field a refusal names
    "number" -> R.string.contacts_phone
    "email" -> R.string.contacts_email
    "start" -> R.string.field_start
    "time_zone" -> R.string.field_time_zone
    "duration_minutes" -> R.string.field_duration
    "rrule" -> R.string.field_rrule
    else -> R.string.field_other
}

/** A choice by the generated enum constant's name (the plan forms' options). */
@StringRes
fun choiceLabel(name: String): Int = when (name) {
    "SUBSTANCE" -> R.string.choice_substance
    "MENTAL_HEALTH" -> R.string.choice_mental_health
    "BOTH" -> R.string.choice_both
    "MUST_DO" -> R.string.choice_must_do
    "SHOULD_DO" -> R.string.choice_should_do
    "INTERNAL" -> R.string.choice_internal
    "EXTERNAL" -> R.string.choice_external
    "EARLY" -> R.string.choice_early
    "BREAKING_DOWN" -> R.string.choice_breaking_down
    "CRISIS" -> R.string.choice_crisis
    "PERSON" -> R.string.choice_person
    "PLACE" -> R.string.choice_place
    "LIVING" -> R.string.choice_living
    "RECOVERY" -> R.string.choice_recovery
    "PREFERRED" -> R.string.choice_preferred
    "ACCEPTABLE" -> R.string.choice_acceptable
    "UNACCEPTABLE" -> R.string.choice_unacceptable
    "TREATMENT" -> R.string.choice_treatment
    "FACILITY" -> R.string.choice_facility
    "AVOID" -> R.string.choice_avoid
    else -> R.string.field_other
}

@StringRes
fun MeetingKind.label(): Int = when (this) {
    MeetingKind.PEER_SUPPORT_GROUP -> R.string.kind_peer_support
    MeetingKind.TWELVE_STEP -> R.string.kind_twelve_step
    MeetingKind.SMART -> R.string.kind_smart
    MeetingKind.DUAL_RECOVERY_ANONYMOUS -> R.string.kind_dra
    MeetingKind.THERAPY -> R.string.kind_therapy
    MeetingKind.PSYCHIATRY -> R.string.kind_psychiatry
    MeetingKind.MENTOR_SESSION -> R.string.kind_mentor_session
    MeetingKind.OTHER -> R.string.kind_other
}

@StringRes
fun MeetingFormat.label(): Int = when (this) {
    MeetingFormat.IN_PERSON -> R.string.format_in_person
    MeetingFormat.ONLINE -> R.string.format_online
    MeetingFormat.PHONE -> R.string.format_phone
    MeetingFormat.HYBRID -> R.string.format_hybrid
}

@StringRes
fun ContactRole.label(): Int = when (this) {
    ContactRole.PEER -> R.string.role_peer
    ContactRole.MENTOR -> R.string.role_mentor
    ContactRole.SPONSOR -> R.string.role_sponsor
    ContactRole.THERAPIST -> R.string.role_therapist
    ContactRole.PSYCHIATRIST -> R.string.role_psychiatrist
    ContactRole.CASE_MANAGER -> R.string.role_case_manager
    ContactRole.DOCTOR -> R.string.role_doctor
    ContactRole.FAMILY -> R.string.role_family
    ContactRole.FRIEND -> R.string.role_friend
    ContactRole.CRISIS_LINE -> R.string.role_crisis_line
    ContactRole.OTHER -> R.string.role_other
}

@StringRes
fun DocumentKind.label(): Int = when (this) {
    DocumentKind.PLAN -> R.string.doc_plan
    DocumentKind.CONTACTS -> R.string.doc_contacts
    DocumentKind.SCHEDULE -> R.string.doc_schedule
    DocumentKind.JOURNAL -> R.string.doc_journal
    DocumentKind.SUMMARY -> R.string.doc_summary
    DocumentKind.NOTES -> R.string.doc_notes
}

@StringRes
fun Access.label(): Int = when (this) {
    Access.READ -> R.string.access_read
    Access.WRITE -> R.string.access_write
}

/** A text from the core (a code and parameters) in the app's language. */
@Composable
fun phraseText(phrase: Phrase): String {
    fun p(name: String) = phrase.params.firstOrNull { it.name == name }?.value ?: ""
    val count = p("count").toIntOrNull() ?: 0
    return when (phrase.code) {
        "alert.high_craving" -> stringResource(R.string.alert_high_craving, p("count"), p("window_days"))
        "alert.mood_drop" -> stringResource(R.string.alert_mood_drop, p("drop"), p("days"))
        "alert.warning_sign" -> pluralStringResource(R.plurals.alert_warning_sign, count, count)
        "alert.medication_missed" -> pluralStringResource(R.plurals.alert_medication_missed, count, count)
        "alert.meetings_missed" -> pluralStringResource(R.plurals.alert_meetings_missed, count, count)
        "alert.no_check_in" -> pluralStringResource(R.plurals.alert_no_check_in, count, count)
        "milestone.days" -> pluralStringResource(R.plurals.milestone_days, count, count)
        "milestone.years" -> pluralStringResource(R.plurals.milestone_years, count, count)
        else -> stringResource(R.string.alert_generic)
    }
}

@Composable
fun syncStatusText(status: SyncStatus): String = when (status) {
    SyncStatus.Idle -> stringResource(R.string.sync_idle)
    is SyncStatus.Syncing -> stringResource(R.string.sync_syncing)
    is SyncStatus.UpToDate -> stringResource(R.string.sync_up_to_date)
    is SyncStatus.Offline -> stringResource(R.string.sync_offline)
    is SyncStatus.Error -> when (status.problem) {
        is SyncProblem.Refused -> stringResource(R.string.sync_refused)
        else -> stringResource(R.string.sync_error)
    }
    SyncStatus.StorageFailed -> stringResource(R.string.sync_storage_failed)
}

/** What went wrong, for a snackbar or a line under a form. No data, only the kind. */
@Composable
fun problemText(e: TwofoldError): String = when (e) {
    is TwofoldError.InvalidInput -> when (e.field) {
        // The app lock's PIN fields: what to do, never the PIN.
        "confirm_pin" -> stringResource(R.string.lock_pin_mismatch)
        "pin", "new_pin", "duress_pin" ->
            stringResource(if ("differ" in e.reason) R.string.lock_pin_must_differ else R.string.lock_pin_rules)
        else -> stringResource(R.string.problem_invalid, stringResource(fieldLabel(e.field.substringAfterLast('.'))))
    }
    is TwofoldError.NotFound -> stringResource(R.string.problem_not_found)
    is TwofoldError.WrongKey -> stringResource(R.string.problem_wrong_key)
    is TwofoldError.Corrupt -> stringResource(R.string.problem_corrupt)
    is TwofoldError.WrongPassphrase -> stringResource(R.string.problem_wrong_passphrase)
    is TwofoldError.NewerVersion -> stringResource(R.string.problem_newer_version)
    is TwofoldError.ImportRefused -> stringResource(R.string.problem_import_refused)
    is TwofoldError.Storage -> stringResource(R.string.problem_storage)
    is TwofoldError.NotAllowed -> stringResource(R.string.problem_not_allowed)
    is TwofoldError.Locked -> stringResource(R.string.problem_locked)
    is TwofoldError.WrongPin -> stringResource(R.string.problem_wrong_pin)
    is TwofoldError.LockedOut -> stringResource(R.string.problem_locked_out)
    is TwofoldError.Closed -> stringResource(R.string.problem_closed)
    is TwofoldError.Internal -> stringResource(R.string.problem_internal)
}

/** An open warning in a shared summary, by its rule's code (`high_craving`, …). */
@StringRes
fun ruleLabel(code: String): Int = when (code) {
    "high_craving" -> R.string.rule_high_craving
    "mood_drop" -> R.string.rule_mood_drop
    "warning_sign" -> R.string.rule_warning_sign
    "medication_missed" -> R.string.rule_medication_missed
    "meetings_missed" -> R.string.rule_meetings_missed
    "no_check_in" -> R.string.rule_no_check_in
    else -> R.string.alert_generic
}
