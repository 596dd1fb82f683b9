package org.twofold.demo.model

import org.twofold.core.CopingStrategy
import org.twofold.core.CrisisContact
import org.twofold.core.Distraction
import org.twofold.core.DistractionKind
import org.twofold.core.DoNotInvolve
import org.twofold.core.Domain
import org.twofold.core.Goal
import org.twofold.core.GoalStep
import org.twofold.core.MaintenanceItem
import org.twofold.core.Medication
import org.twofold.core.MedicationPreference
import org.twofold.core.NaloxoneKit
import org.twofold.core.NaloxoneResponder
import org.twofold.core.NeverUseAloneLine
import org.twofold.core.PlanDocument
import org.twofold.core.PlanNote
import org.twofold.core.Priority
import org.twofold.core.Professional
import org.twofold.core.Reason
import org.twofold.core.ReasonKind
import org.twofold.core.SafetyStep
import org.twofold.core.SectionName
import org.twofold.core.Treatment
import org.twofold.core.TreatmentKind
import org.twofold.core.TreatmentPreference
import org.twofold.core.Trigger
import org.twofold.core.TriggerKind
import org.twofold.core.TwofoldStore
import org.twofold.core.WarningSign
import org.twofold.core.WarningStage
import org.twofold.core.newItemId
import org.twofold.kit.Store

/** Every section of the plan, in the order the plan screen shows them. */
enum class PlanSection(val sectionName: SectionName) {
    DAILY_MAINTENANCE(SectionName.DAILY_MAINTENANCE),
    TRIGGERS(SectionName.TRIGGERS),
    WARNING_SIGNS(SectionName.WARNING_SIGNS),
    COPING_STRATEGIES(SectionName.COPING_STRATEGIES),
    DISTRACTIONS(SectionName.DISTRACTIONS),
    REASONS(SectionName.REASONS),
    GOALS(SectionName.GOALS),
    GOAL_STEPS(SectionName.GOAL_STEPS),
    TAKEOVER_SIGNS(SectionName.TAKEOVER_SIGNS),
    CRISIS_CONTACTS(SectionName.CRISIS_CONTACTS),
    DO_NOT_INVOLVE(SectionName.DO_NOT_INVOLVE),
    PROFESSIONALS(SectionName.PROFESSIONALS),
    MEDICATIONS(SectionName.MEDICATIONS),
    TREATMENTS(SectionName.TREATMENTS),
    WHAT_HELPS(SectionName.WHAT_HELPS),
    WHAT_DOES_NOT_HELP(SectionName.WHAT_DOES_NOT_HELP),
    ENVIRONMENT_SAFETY(SectionName.ENVIRONMENT_SAFETY),
    LAPSE_PLAN(SectionName.LAPSE_PLAN),
    POST_CRISIS_PLAN(SectionName.POST_CRISIS_PLAN),
    NALOXONE_KITS(SectionName.NALOXONE_KITS),
    NEVER_USE_ALONE(SectionName.NEVER_USE_ALONE),
    NALOXONE_RESPONDERS(SectionName.NALOXONE_RESPONDERS),
}

/** The core's longest warning before a kit's expiry, in days. */
const val MAX_REMIND_DAYS = 90

/** One line of a section as the plan screen lists it. */
data class PlanEntry(
    val id: String,
    val title: String,
    val detail: String = "",
    /** Substance, mental health or both — for the sections that carry it. */
    val domain: Domain? = null,
    val done: Boolean? = null,
    /** A contact this entry points at; the plan screen shows the contact's name as [title]. */
    val contactRef: String? = null,
    /** A fixed choice to show beside the title (`MUST_DO`, `PREFERRED`…), by enum name. */
    val tag: String? = null,
)

/**
 * How one section's items are listed, turned into a form and back, and written. Written once
 * per section below; the plan screen and its editor only see [PlanEntry] and [PlanItemForm].
 */
class SectionSpec<T : Any>(
    val section: PlanSection,
    private val items: (PlanDocument) -> List<T>,
    private val entry: (T) -> PlanEntry,
    private val fields: (T?) -> List<FormField>,
    private val build: (id: String, form: PlanItemForm) -> T,
    private val put: suspend TwofoldStore.(T) -> Unit,
) {
    fun entries(plan: PlanDocument): List<PlanEntry> = items(plan).map(entry)

    fun newForm(): PlanItemForm = PlanItemForm(section, newItemId(), isNew = true, fields = fields(null))

    fun editForm(plan: PlanDocument, id: String): PlanItemForm? =
        items(plan).firstOrNull { entry(it).id == id }?.let { PlanItemForm(section, id, isNew = false, fields = fields(it)) }

    suspend fun save(store: Store, form: PlanItemForm) {
        val item = build(form.id, form)
        store.call { put(item) }
    }
}

private fun text(key: String, value: String?, multiline: Boolean = false) =
    FormField.Text(key, value ?: "", multiline)

private inline fun <reified E : Enum<E>> choice(key: String, value: E?, default: E) =
    FormField.Choice(key, (value ?: default).name, options<E>())

private fun contact(key: String, value: String?, optional: Boolean = false) =
    FormField.Pick(key, value, PickSource.CONTACTS, optional)

/** A plain line of text (takeover signs, what helps / does not, the lapse and post-crisis plans). */
private fun noteSpec(
    section: PlanSection,
    items: (PlanDocument) -> List<PlanNote>,
    put: suspend TwofoldStore.(PlanNote) -> Unit,
) = SectionSpec(
    section, items,
    entry = { PlanEntry(it.id, it.text) },
    fields = { listOf(text("text", it?.text, multiline = true)) },
    build = { id, f -> PlanNote(id, f.text("text")) },
    put = put,
)

object PlanSections {
    val all: Map<PlanSection, SectionSpec<*>> = listOf(
        SectionSpec(
            PlanSection.DAILY_MAINTENANCE, { it.dailyMaintenance },
            entry = { PlanEntry(it.id, it.text, tag = it.priority.name) },
            fields = { listOf(text("text", it?.text), choice("priority", it?.priority, Priority.MUST_DO)) },
            build = { id, f -> MaintenanceItem(id, f.text("text"), Priority.valueOf(f.choice("priority"))) },
            put = { putMaintenanceItem(it) },
        ),
        SectionSpec(
            PlanSection.TRIGGERS, { it.triggers },
            entry = { PlanEntry(it.id, it.description, it.actionPlan, it.domain) },
            fields = {
                listOf(
                    text("description", it?.description),
                    choice("kind", it?.kind, TriggerKind.EXTERNAL),
                    choice("domain", it?.domain, Domain.BOTH),
                    text("action_plan", it?.actionPlan, multiline = true),
                )
            },
            build = { id, f ->
                Trigger(id, f.text("description"), TriggerKind.valueOf(f.choice("kind")),
                    Domain.valueOf(f.choice("domain")), f.text("action_plan"))
            },
            put = { putTrigger(it) },
        ),
        SectionSpec(
            PlanSection.WARNING_SIGNS, { it.warningSigns },
            entry = { PlanEntry(it.id, it.description, it.actionPlan, it.domain) },
            fields = {
                listOf(
                    text("description", it?.description),
                    choice("stage", it?.stage, WarningStage.EARLY),
                    choice("domain", it?.domain, Domain.BOTH),
                    text("action_plan", it?.actionPlan, multiline = true),
                )
            },
            build = { id, f ->
                WarningSign(id, f.text("description"), WarningStage.valueOf(f.choice("stage")),
                    Domain.valueOf(f.choice("domain")), f.text("action_plan"))
            },
            put = { putWarningSign(it) },
        ),
        SectionSpec(
            PlanSection.COPING_STRATEGIES, { it.copingStrategies },
            entry = { PlanEntry(it.id, it.description, domain = it.domain) },
            fields = { listOf(text("description", it?.description), choice("domain", it?.domain, Domain.BOTH)) },
            build = { id, f -> CopingStrategy(id, f.text("description"), Domain.valueOf(f.choice("domain"))) },
            put = { putCopingStrategy(it) },
        ),
        SectionSpec(
            PlanSection.DISTRACTIONS, { it.distractions },
            entry = { PlanEntry(it.id, it.name, it.notes) },
            fields = {
                listOf(
                    choice("kind", it?.kind, DistractionKind.PERSON),
                    text("name", it?.name),
                    contact("contact_id", it?.contactId, optional = true),
                    text("notes", it?.notes),
                )
            },
            build = { id, f ->
                Distraction(id, DistractionKind.valueOf(f.choice("kind")), f.text("name"), f.pick("contact_id"), f.text("notes"))
            },
            put = { putDistraction(it) },
        ),
        SectionSpec(
            PlanSection.REASONS, { it.reasons },
            entry = { PlanEntry(it.id, it.text, tag = it.kind.name) },
            fields = { listOf(choice("kind", it?.kind, ReasonKind.RECOVERY), text("text", it?.text, multiline = true)) },
            build = { id, f -> Reason(id, ReasonKind.valueOf(f.choice("kind")), f.text("text")) },
            put = { putReason(it) },
        ),
        SectionSpec(
            PlanSection.GOALS, { it.goals },
            entry = { PlanEntry(it.id, it.title, it.targetDate ?: "", done = it.done) },
            fields = {
                listOf(text("title", it?.title), FormField.Day("target_date", it?.targetDate ?: ""),
                    FormField.Flag("done", it?.done ?: false))
            },
            build = { id, f -> Goal(id, f.text("title"), f.day("target_date"), f.flag("done")) },
            put = { putGoal(it) },
        ),
        SectionSpec(
            PlanSection.GOAL_STEPS, { it.goalSteps },
            entry = { PlanEntry(it.id, it.text, done = it.done) },
            fields = {
                listOf(FormField.Pick("goal_id", it?.goalId, PickSource.GOALS, optional = false),
                    text("text", it?.text), FormField.Flag("done", it?.done ?: false))
            },
            build = { id, f -> GoalStep(id, f.pick("goal_id") ?: "", f.text("text"), f.flag("done")) },
            put = { putGoalStep(it) },
        ),
        noteSpec(PlanSection.TAKEOVER_SIGNS, { it.takeoverSigns }) { putTakeoverSign(it) },
        SectionSpec(
            PlanSection.CRISIS_CONTACTS, { it.crisisContacts },
            entry = { PlanEntry(it.id, it.contactId, it.willDo, contactRef = it.contactId) },
            fields = { listOf(contact("contact_id", it?.contactId), text("will_do", it?.willDo)) },
            build = { id, f -> CrisisContact(id, f.pick("contact_id") ?: "", f.text("will_do")) },
            put = { putCrisisContact(it) },
        ),
        SectionSpec(
            PlanSection.DO_NOT_INVOLVE, { it.doNotInvolve },
            entry = { PlanEntry(it.id, it.name, it.reason) },
            fields = {
                listOf(text("name", it?.name), contact("contact_id", it?.contactId, optional = true), text("reason", it?.reason))
            },
            build = { id, f -> DoNotInvolve(id, f.pick("contact_id"), f.text("name"), f.text("reason")) },
            put = { putDoNotInvolve(it) },
        ),
        SectionSpec(
            PlanSection.PROFESSIONALS, { it.professionals },
            entry = { PlanEntry(it.id, it.contactId, it.roleNote, contactRef = it.contactId) },
            fields = { listOf(contact("contact_id", it?.contactId), text("role_note", it?.roleNote)) },
            build = { id, f -> Professional(id, f.pick("contact_id") ?: "", f.text("role_note")) },
            put = { putProfessional(it) },
        ),
        SectionSpec(
            PlanSection.MEDICATIONS, { it.medications },
            entry = { PlanEntry(it.id, it.name, it.reason, tag = it.preference.name) },
            fields = {
                listOf(text("name", it?.name), choice("preference", it?.preference, MedicationPreference.PREFERRED),
                    text("reason", it?.reason))
            },
            build = { id, f -> Medication(id, f.text("name"), MedicationPreference.valueOf(f.choice("preference")), f.text("reason")) },
            put = { putMedication(it) },
        ),
        SectionSpec(
            PlanSection.TREATMENTS, { it.treatments },
            entry = { PlanEntry(it.id, it.name, it.reason, tag = it.preference.name) },
            fields = {
                listOf(text("name", it?.name), choice("kind", it?.kind, TreatmentKind.TREATMENT),
                    choice("preference", it?.preference, TreatmentPreference.PREFERRED), text("reason", it?.reason))
            },
            build = { id, f ->
                Treatment(id, f.text("name"), TreatmentKind.valueOf(f.choice("kind")),
                    TreatmentPreference.valueOf(f.choice("preference")), f.text("reason"))
            },
            put = { putTreatment(it) },
        ),
        noteSpec(PlanSection.WHAT_HELPS, { it.whatHelps }) { putWhatHelps(it) },
        noteSpec(PlanSection.WHAT_DOES_NOT_HELP, { it.whatDoesNotHelp }) { putWhatDoesNotHelp(it) },
        SectionSpec(
            PlanSection.ENVIRONMENT_SAFETY, { it.environmentSafety },
            entry = { PlanEntry(it.id, it.description, done = it.done) },
            fields = { listOf(text("description", it?.description), FormField.Flag("done", it?.done ?: false)) },
            build = { id, f -> SafetyStep(id, f.text("description"), f.flag("done")) },
            put = { putSafetyStep(it) },
        ),
        noteSpec(PlanSection.LAPSE_PLAN, { it.lapsePlan }) { putLapsePlanStep(it) },
        noteSpec(PlanSection.POST_CRISIS_PLAN, { it.postCrisisPlan }) { putPostCrisisStep(it) },
        // Harm reduction: every name and number here is the person's own; the app suggests none.
        SectionSpec(
            PlanSection.NALOXONE_KITS, { it.naloxoneKits },
            entry = { PlanEntry(it.id, it.location, it.expires ?: "") },
            fields = {
                listOf(
                    text("location", it?.location),
                    FormField.Day("expires", it?.expires ?: ""),
                    FormField.Number("remind_days_before", it?.remindDaysBefore?.toInt() ?: 30, 0, MAX_REMIND_DAYS),
                    text("notes", it?.notes),
                )
            },
            build = { id, f ->
                NaloxoneKit(id, f.text("location"), f.day("expires"), f.number("remind_days_before").toUInt(), f.text("notes"))
            },
            put = { putNaloxoneKit(it) },
        ),
        SectionSpec(
            PlanSection.NEVER_USE_ALONE, { it.neverUseAlone },
            entry = { PlanEntry(it.id, it.name, it.phone) },
            fields = { listOf(text("name", it?.name), text("phone", it?.phone), text("notes", it?.notes)) },
            build = { id, f -> NeverUseAloneLine(id, f.text("name"), f.text("phone"), f.text("notes")) },
            put = { putNeverUseAloneLine(it) },
        ),
        SectionSpec(
            PlanSection.NALOXONE_RESPONDERS, { it.naloxoneResponders },
            entry = { PlanEntry(it.id, it.contactId, it.note, contactRef = it.contactId) },
            fields = { listOf(contact("contact_id", it?.contactId), text("note", it?.note)) },
            build = { id, f -> NaloxoneResponder(id, f.pick("contact_id") ?: "", f.text("note")) },
            put = { putNaloxoneResponder(it) },
        ),
    ).associateBy { it.section }

    fun spec(section: PlanSection): SectionSpec<*> = all.getValue(section)
}
