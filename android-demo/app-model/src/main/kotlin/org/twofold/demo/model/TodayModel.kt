package org.twofold.demo.model

import java.time.Clock
import java.time.LocalDate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.flatMapLatest
import kotlinx.coroutines.flow.mapLatest
import kotlinx.coroutines.flow.stateIn
import org.twofold.core.Alert
import org.twofold.core.HomeScreen
import org.twofold.core.LadderRung
import org.twofold.core.Occurrence
import org.twofold.core.RecoveryProgress
import org.twofold.core.Rule
import org.twofold.kit.Store
import org.twofold.kit.coreDay
import org.twofold.kit.coreZone
import org.twofold.kit.homeScreen

data class TodayState(
    val loaded: Boolean = false,
    val today: LocalDate? = null,
    /** Show the check-in prompt. */
    val needsCheckIn: Boolean = false,
    val nextMeetings: List<Occurrence> = emptyList(),
    /** Each recovery's days, last milestone reached and the next one. */
    val milestones: List<RecoveryProgress> = emptyList(),
    val openAlerts: List<Alert> = emptyList(),
    /** Who to call first, for the crisis button's quick actions. */
    val crisisLadder: List<LadderRung> = emptyList(),
)

/**
 * The today screen: the check-in prompt, the next meetings, milestones and open alerts. Fed
 * by the core's home-screen listener, so a check-in, a meeting added or a mentor's edit
 * arriving updates it without a refresh; alerts and milestones are computed again on each.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class TodayModel(
    private val store: Store,
    private val clock: Clock,
    scope: CoroutineScope,
) : ScreenModel(scope) {
    /** The day shown, and a counter that forces a fresh read of the same day. */
    private data class Reading(val day: LocalDate, val round: Int)

    private val reading = MutableStateFlow(Reading(LocalDate.now(clock), 0))

    val state: StateFlow<TodayState> = reading
        .flatMapLatest { r -> store.homeScreen(r.day).mapLatest { home -> build(r.day, home) } }
        .stateIn(scope, SharingStarted.WhileSubscribed(STOP_AFTER_MS), TodayState())

    /** Call when the app comes back to the front: after midnight the screen is for a new day. */
    fun refreshDate() {
        val today = LocalDate.now(clock)
        if (today != reading.value.day) reading.value = Reading(today, 0)
    }

    /**
     * "I've seen this": the alert stays quiet until its situation changes. Acknowledging
     * changes no document, so no listener fires: read the screen again.
     */
    fun acknowledge(rule: Rule, situation: String): Job = act {
        store.call { acknowledgeAlert(rule, situation) }
        reading.value = reading.value.let { it.copy(round = it.round + 1) }
    }

    private suspend fun build(today: LocalDate, home: HomeScreen): TodayState {
        val zone = clock.zone.coreZone()
        return TodayState(
            loaded = true,
            today = today,
            needsCheckIn = !home.checkedInToday,
            nextMeetings = store.call { nextOccurrences(clock.millis(), NEXT_MEETINGS, zone) },
            milestones = store.call { recoveryProgress(today.coreDay()) },
            openAlerts = store.call { openAlerts(today.coreDay()) },
            crisisLadder = home.crisisLadder,
        )
    }

    companion object {
        private const val NEXT_MEETINGS = 3u
        /** Keep listening through a screen rotation, stop soon after the screen is gone. */
        const val STOP_AFTER_MS = 5_000L
    }
}
