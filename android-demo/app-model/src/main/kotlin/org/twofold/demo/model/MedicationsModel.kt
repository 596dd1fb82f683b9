package org.twofold.demo.model

import java.time.ZoneId
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.twofold.core.ScheduledMedication
import org.twofold.core.SectionName
import org.twofold.core.newItemId
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError
import org.twofold.kit.coreZone
import org.twofold.kit.journal

/**
 * A medication as the form edits it: text the person types, turned into the core's record on
 * save. Keys in [MedicationsState.errors] are the core's field names, so a refusal naming
 * `medication_schedule.dose_amount` lands under the dose.
 */
data class MedicationDraft(
    val id: String,
    val isNew: Boolean,
    val name: String = "",
    val doseAmount: String = "",
    val doseUnit: String = "mg",
    /** The first dose, `YYYY-MM-DDTHH:MM`, in [timeZone]. */
    val start: String = "",
    val timeZone: String,
    /** An RRULE without `RRULE:`; empty for a single dose. */
    val rrule: String = "FREQ=DAILY",
    /** Minutes before each dose to remind, comma-separated. */
    val reminderOffsets: String = "0",
    val pickupPlace: String = "",
    val refillDate: String = "",
    val refillRemindDaysBefore: Int = 2,
    val showNameInReminders: Boolean = false,
)

data class MedicationsState(
    val loaded: Boolean = false,
    val medications: List<ScheduledMedication> = emptyList(),
    val editing: MedicationDraft? = null,
    /** The field the core refused, by key, with its reason. */
    val errors: Map<String, String> = emptyMap(),
)

/**
 * The medication schedule (the journal's, private by default): listed from the journal's
 * listener, each medication edited through a [MedicationDraft]. Reminders name no drug unless
 * the person turns [MedicationDraft.showNameInReminders] on.
 */
class MedicationsModel(private val store: Store, private val zone: ZoneId, scope: CoroutineScope) : ScreenModel(scope) {
    private val _state = MutableStateFlow(MedicationsState())
    val state: StateFlow<MedicationsState> = _state.asStateFlow()

    init {
        scope.launch {
            store.journal().collect { journal ->
                _state.update { it.copy(loaded = true, medications = journal.medicationSchedule) }
            }
        }
    }

    fun startNew() = _state.update {
        it.copy(editing = MedicationDraft(newItemId(), isNew = true, timeZone = zone.coreZone()), errors = emptyMap())
    }

    fun startEdit(id: String) {
        val m = _state.value.medications.firstOrNull { it.id == id } ?: return
        _state.update { it.copy(editing = m.toDraft(), errors = emptyMap()) }
    }

    fun edit(change: (MedicationDraft) -> MedicationDraft) = _state.update { s -> s.copy(editing = s.editing?.let(change)) }

    fun cancel() = _state.update { it.copy(editing = null, errors = emptyMap()) }

    /** Saves the form; a refused field stays open with its reason, and nothing is written. */
    fun save(): Job = act {
        val draft = _state.value.editing ?: return@act
        val offsets = draft.reminderOffsets.split(',').map { it.trim() }.filter { it.isNotEmpty() }
        val parsed = offsets.mapNotNull { it.toUIntOrNull() }
        if (parsed.size != offsets.size) {
            _state.update { it.copy(errors = it.errors + ("reminder_offsets_minutes" to "not a number of minutes")) }
            return@act
        }
        try {
            store.call { putScheduledMedication(draft.toCore(parsed)) }
            _state.update { it.copy(editing = null, errors = emptyMap()) }
        } catch (e: TwofoldError.InvalidInput) {
            val key = e.field.substringAfterLast('.')
            _state.update { it.copy(errors = it.errors + (key to e.reason)) }
        }
    }

    fun remove(id: String): Job = act { store.call { removeItem(SectionName.MEDICATION_SCHEDULE, id) } }

    private fun MedicationDraft.toCore(offsets: List<UInt>) = ScheduledMedication(
        id = id,
        name = name.trim(),
        // An unreadable amount goes to the core as 0, which it refuses naming `dose_amount`.
        doseAmount = doseAmount.replace(',', '.').toDoubleOrNull() ?: 0.0,
        doseUnit = doseUnit.trim(),
        start = start.trim(),
        timeZone = timeZone,
        rrule = rrule.trim().ifEmpty { null },
        reminderOffsetsMinutes = offsets,
        pickupPlace = pickupPlace.trim(),
        refillDate = refillDate.trim().ifEmpty { null },
        refillRemindDaysBefore = refillRemindDaysBefore.toUInt(),
        showNameInReminders = showNameInReminders,
    )

    private fun ScheduledMedication.toDraft() = MedicationDraft(
        id = id,
        isNew = false,
        name = name,
        doseAmount = doseAmount.toString(),
        doseUnit = doseUnit,
        start = start.take(16),
        timeZone = timeZone,
        rrule = rrule ?: "",
        reminderOffsets = reminderOffsetsMinutes.joinToString(","),
        pickupPlace = pickupPlace,
        refillDate = refillDate ?: "",
        refillRemindDaysBefore = refillRemindDaysBefore.toInt(),
        showNameInReminders = showNameInReminders,
    )
}
