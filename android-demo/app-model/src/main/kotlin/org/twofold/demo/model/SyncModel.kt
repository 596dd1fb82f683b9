package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import org.twofold.core.SyncReport
import org.twofold.core.SyncStatus

/** One relay as the sync screen shows it. */
data class RelayState(val url: String, val status: SyncStatus, val live: Boolean)

data class SyncState(
    val relays: List<RelayState> = emptyList(),
    val lastReport: SyncReport? = null,
)

/**
 * The sync status screen, and the foreground's live sync: [startLive] when the app comes to
 * the front, [stopLive] when it leaves (WorkManager's periodic [BackgroundSync] covers the
 * rest). Each relay's status is its session's StateFlow; [relayStatus] hands it to the UI.
 */
class SyncModel(private val relays: Relays, scope: CoroutineScope) : ScreenModel(scope) {
    private val _state = MutableStateFlow(SyncState())
    val state: StateFlow<SyncState> = _state.asStateFlow()

    /** The live status of one relay, for a status chip on every screen. */
    fun relayStatus(url: String): StateFlow<SyncStatus> = relays.session(url).status

    fun refresh(): Job = act { publish() }

    fun syncNow(): Job = act {
        var last: SyncReport? = null
        for (relay in relays.all()) last = relay.syncNow()
        publish(last)
    }

    fun startLive(): Job = act {
        relays.all().forEach { it.startLive() }
        publish()
    }

    fun stopLive(): Job = act {
        relays.all().forEach { it.stopLive() }
        publish()
    }

    private suspend fun publish(report: SyncReport? = _state.value.lastReport) {
        _state.value = SyncState(
            relays = relays.all().map { RelayState(it.url, it.currentStatus(), it.isLive) },
            lastReport = report,
        )
    }
}
