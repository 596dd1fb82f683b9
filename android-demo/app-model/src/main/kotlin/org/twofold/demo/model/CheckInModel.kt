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
import org.twofold.core.NewCheckIn
import org.twofold.core.Trigger
import org.twofold.core.WarningSign
import org.twofold.kit.Store
import org.twofold.kit.coreDay
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
)

/** The plan's items offered as one-tap chips. */
data class CheckInChoices(
    val triggers: List<Trigger> = emptyList(),
    val coping: List<CopingStrategy> = emptyList(),
    val warningSigns: List<WarningSign> = emptyList(),
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
                    it.copy(choices = CheckInChoices(plan.triggers, plan.copingStrategies, plan.warningSigns))
                }
            }
        }
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
    )
}
