package org.twofold.kit

import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import org.twofold.core.DocumentListener
import org.twofold.core.DocumentSnapshot
import org.twofold.core.HomeScreen
import org.twofold.core.HomeScreenListener
import org.twofold.core.SubscriptionHandle

/**
 * A cold flow over one of the core's listeners: each collection subscribes anew; the core
 * delivers the current value first, then a fresh value after every change; when the collector
 * is cancelled the [SubscriptionHandle] is cancelled at once (not when the garbage collector
 * gets to it), so the core stops delivering into a dead flow.
 *
 * Conflated: every value is a whole state, so a slow collector only needs the latest one (the
 * core merges bursts the same way). [open] counts live subscriptions, to find leaks.
 */
internal fun <T> listenerFlow(
    open: AtomicInteger,
    subscribe: (deliver: (T) -> Unit) -> SubscriptionHandle,
): Flow<T> = callbackFlow {
    // Values arrive on one of the core's threads; trySend is thread-safe and, with a
    // conflated buffer, never fails while the flow is open.
    // Counted before subscribing: the first value may arrive before `subscribe` returns.
    open.incrementAndGet()
    val handle = try {
        translating { subscribe { value -> trySend(value) } }
    } catch (e: Throwable) {
        open.decrementAndGet()
        throw e
    }
    awaitClose {
        handle.cancel()
        handle.close() // releases the native object
        open.decrementAndGet()
    }
}.buffer(Channel.CONFLATED)

internal fun documentListener(deliver: (DocumentSnapshot) -> Unit) = object : DocumentListener {
    override fun onDocument(snapshot: DocumentSnapshot) = deliver(snapshot)
}

internal fun homeScreenListener(deliver: (HomeScreen) -> Unit) = object : HomeScreenListener {
    override fun onHomeScreen(home: HomeScreen) = deliver(home)
}
