package org.twofold.demo.model

import java.time.Clock
import java.time.LocalDate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.twofold.core.CheckInOutcome
import org.twofold.core.CopingStrategy
import org.twofold.core.DoseAnswer
import org.twofold.core.NewCheckIn
import org.twofold.core.Trigger
import org.twofold.core.WarningSign
import org.twofold.kit.Store
import org.twofold.kit.coreDay
import org.twofold.kit.journal
import org.twofold.kit.plan

/** What the person is entering. Defaults need no input at all: two taps and "save". */
data class CheckInDraft(
    val mood: Int = 5,
    val craving: Int = 0,
    val sleepHours: Double? = null,
    val medicationTaken: Boolean? = null,
    val usedSubstance: Boolean = false,
    val triggers: Set<String> = emptySet(),
    val coping: Set<String> = emptySet(),
    val warningSigns: Set<String> = emptySet(),
    val note: String = "",
    /** Per scheduled dose of the day: taken (true) or missed (false); unanswered ones are left out. */
    val doses: Map<DoseKey, Boolean> = emptyMap(),
)

/** A dose the schedule gives today: which medication, and its wall-clock time. */
data class DoseKey(val medicationId: String, val due: String)

/** A dose to answer, with the medication's name and dose for the form (the check-in is private). */
data class DueDoseView(val key: DoseKey, val name: String, val dose: String, val time: String)

/** The plan's items offered as one-tap chips. */
data class CheckInChoices(
    val triggers: List<Trigger> = emptyList(),
    val coping: List<CopingStrategy> = emptyList(),
    val warningSigns: List<WarningSign> = emptyList(),
    /** Today's scheduled doses, in time order. */
    val doses: List<DueDoseView> = emptyList(),
)

data class CheckInState(
    val draft: CheckInDraft = CheckInDraft(),
    val choices: CheckInChoices = CheckInChoices(),
    val saving: Boolean = false,
    /** Set once saved: the check-in and any alert it raised (show the plan's next steps). */
    val outcome: CheckInOutcome? = null,
)

/**
 * The check-in, made for 20 seconds: sliders with sensible defaults, the plan's triggers,
 * coping strategies and warning signs as chips, one save. Saving evaluates the early-warning
 * rules in the same call, so an alert shows on the confirmation at once.
 */
class CheckInModel(
    private val store: Store,
    private val clock: Clock,
    scope: CoroutineScope,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(CheckInState())
    val state: StateFlow<CheckInState> = _state.asStateFlow()

    init {
        scope.launch {
            store.plan().collect { plan ->
                _state.update {
                    it.copy(choices = it.choices.copy(triggers = plan.triggers, coping = plan.copingStrategies, warningSigns = plan.warningSigns))
                }
            }
        }
        scope.launch {
            // The schedule lives in the journal: a medication added or changed re-lists today's doses.
            store.journal().collect { journal ->
                val meds = journal.medicationSchedule.associateBy { it.id }
                val today = LocalDate.now(clock).coreDay()
                val due = store.call { dosesOn(today) }.map { d ->
                    val m = meds[d.medicationId]
                    DueDoseView(
                        DoseKey(d.medicationId, d.due),
                        name = m?.name ?: "",
                        dose = m?.let { "${it.doseAmount.toString().removeSuffix(".0")} ${it.doseUnit}" } ?: "",
                        time = d.due.substringAfter('T').take(5),
                    )
                }
                _state.update { it.copy(choices = it.choices.copy(doses = due)) }
            }
        }
    }

    /** Answers one dose: taken, missed, or (null) not answered. */
    fun answerDose(key: DoseKey, taken: Boolean?) = edit { d ->
        d.copy(doses = if (taken == null) d.doses - key else d.doses + (key to taken))
    }

    fun edit(change: (CheckInDraft) -> CheckInDraft) = _state.update { it.copy(draft = change(it.draft)) }

    fun save(): Job = act {
        _state.update { it.copy(saving = true) }
        try {
            val today = LocalDate.now(clock)
            val draft = _state.value.draft
            val outcome = store.call {
                recordCheckInAndEvaluate(draft.toNew(today), today.coreDay(), clock.millis())
            }
            _state.update { it.copy(outcome = outcome, draft = CheckInDraft()) }
        } finally {
            _state.update { it.copy(saving = false) }
        }
    }

    /** Back to an empty form after the confirmation. */
    fun startAgain() = _state.update { it.copy(outcome = null) }

    private fun CheckInDraft.toNew(day: LocalDate) = NewCheckIn(
        day = day.coreDay(),
        mood = mood.toUByte(),
        craving = craving.toUByte(),
        sleepHours = sleepHours,
        medicationTaken = medicationTaken,
        usedSubstance = usedSubstance,
        triggersMet = triggers.toList(),
        copingUsed = coping.toList(),
        warningSigns = warningSigns.toList(),
        note = note,
        doses = doses.map { (key, taken) -> DoseAnswer(key.medicationId, key.due, taken) },
    )
}
