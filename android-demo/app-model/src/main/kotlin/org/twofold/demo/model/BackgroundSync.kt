package org.twofold.demo.model

import org.twofold.kit.TwofoldError

/** What a periodic background sync asks of its scheduler. */
enum class SyncOutcome { DONE, RETRY_LATER }

/**
 * One background sync (WorkManager's periodic worker on Android): every relay once, pushing
 * what waits and pulling what is new. A network problem is not a failure — the report says it
 * was interrupted and the scheduler retries with its backoff; nothing done is lost.
 */
object BackgroundSync {
    suspend fun runOnce(relays: Relays): SyncOutcome {
        var interrupted = false
        for (relay in relays.all()) {
            try {
                if (relay.syncNow().interrupted != null) interrupted = true
            } catch (e: TwofoldError.Storage) {
                interrupted = true // the phone's storage: worth another try later
            }
        }
        return if (interrupted) SyncOutcome.RETRY_LATER else SyncOutcome.DONE
    }
}
