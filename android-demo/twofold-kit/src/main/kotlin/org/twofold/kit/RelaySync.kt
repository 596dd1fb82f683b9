package org.twofold.kit

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.stateIn
import org.twofold.core.SyncReport
import org.twofold.core.SyncSession
import org.twofold.core.SyncStatus
import org.twofold.core.SyncStatusListener
import java.util.concurrent.atomic.AtomicInteger

/**
 * Sync of one store over the relay at [url]: [syncNow] for WorkManager, [startLive] /
 * [stopLive] for the foreground, [status] for the UI.
 *
 * [status] is a `StateFlow` fed by one native status listener while anyone collects it; with
 * `WhileSubscribed(0)` that listener is cancelled as soon as the last collector goes, so a
 * screen that is not shown costs no thread. Its `value` is the last status seen while
 * watched; [currentStatus] asks the session directly.
 */
class RelaySync internal constructor(
    val url: String,
    private val session: SyncSession,
    scope: CoroutineScope,
) : AutoCloseable {
    private val watching = AtomicInteger()

    /** How many native status listeners are running (0 or 1). */
    val activeStatusListeners: Int get() = watching.get()

    val status: StateFlow<SyncStatus> = callbackFlow {
        val subscription = translating {
            session.watchStatus(object : SyncStatusListener {
                override fun onStatus(status: SyncStatus) {
                    trySend(status)
                }
            })
        }
        watching.incrementAndGet()
        awaitClose {
            subscription.cancel()
            subscription.close()
            watching.decrementAndGet()
        }
    }.buffer(Channel.CONFLATED)
        .stateIn(scope, SharingStarted.WhileSubscribed(), session.status())

    /** The status right now, watched or not. */
    fun currentStatus(): SyncStatus = session.status()

    /**
     * Pushes what waits, pulls what is new. A network problem is in the report's
     * `interrupted` (retry later), not an exception; only the phone's storage failing throws.
     */
    suspend fun syncNow(): SyncReport = translating { session.syncNow() }

    /** Follows the relay and pushes each commit at once, reconnecting with backoff. */
    fun startLive() = translating { session.startLive() }

    /** Stops live sync and waits until it has stopped; nothing acknowledged is lost. */
    suspend fun stopLive() = session.stopLive()

    val isLive: Boolean get() = session.isLive()

    /** Releases the native session (the store stays open). */
    override fun close() = session.close()
}
