package org.twofold.kit

import java.time.LocalDate
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.DocumentKind
import org.twofold.core.DocumentSnapshot
import org.twofold.core.NewCheckIn
import org.twofold.core.SubscriptionHandle
import org.twofold.core.SyncProblem
import org.twofold.core.SyncStatus

/** The kit's flows over the core's listeners, against the real library. */
class FlowsTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private suspend fun <T> Channel<T>.next(): T = withTimeout(10_000) { receive() }

    @Test
    fun aDocumentFlowEmitsTheCurrentValueThenEachChangeAndStopsWhenCancelled() = runBlocking {
        val store = openStore(tmp.root)
        val alex = contact("Alex").also { store.call { putContact(it) } }
        val seen = Channel<List<String>>(Channel.UNLIMITED)
        val collector = launch(Dispatchers.Default) {
            store.contacts().collect { doc -> seen.send(doc.contacts.map { it.name }) }
        }
        assertEquals(listOf("Alex"), seen.next(), "the current value first")
        assertEquals(1, store.activeSubscriptions)

        // Changes made from other threads, one at a time: each arrives as a whole new state.
        store.call { putContact(contact("Sam")) }
        assertEquals(listOf("Alex", "Sam"), seen.next())
        store.call { putContact(alex.copy(notes = "evenings")) }
        assertEquals(listOf("Alex", "Sam"), seen.next(), "an edit of a field is a change too")

        collector.cancel()
        collector.join()
        assertEquals(0, store.activeSubscriptions, "cancelling the collector ends the subscription")
        store.call { putContact(contact("Jo")) }
        delay(300)
        assertTrue(seen.tryReceive().isFailure, "nothing arrives after cancellation")
        store.close()
    }

    @Test
    fun theNativeSubscriptionIsCancelledWithTheCollectorNotLater() = runBlocking {
        val store = openStore(tmp.root)
        val handles = CopyOnWriteArrayList<SubscriptionHandle>()
        val delivered = CopyOnWriteArrayList<DocumentSnapshot>()
        // The same listenerFlow the public flows use, with the native handle and every raw
        // delivery recorded, so the test sees what happens below the flow.
        val flow = listenerFlow<DocumentSnapshot>(store.openSubscriptions) { deliver ->
            store.raw.subscribeDocument(DocumentKind.CONTACTS, documentListener { delivered += it; deliver(it) })
                .also { handles += it }
        }
        val first = flow.first() // first() cancels the collection after one value
        assertIs<DocumentSnapshot.Contacts>(first)
        val handle = handles.single()
        // Cancelled, then released: the native object is gone as soon as the collector stops.
        assertFailsWith<IllegalStateException>("the handle was released") { handle.isCancelled() }
        assertEquals(0, store.activeSubscriptions)
        val before = delivered.size
        store.call { putContact(contact("after")) }
        delay(300)
        assertEquals(before, delivered.size, "the core delivers nothing more to the listener")
        store.close()
    }

    @Test
    fun theHomeScreenFlowFollowsACheckIn() = runBlocking {
        val store = openStore(tmp.root)
        val today = LocalDate.of(2026, 3, 3)
        val homes = Channel<Boolean>(Channel.UNLIMITED)
        val collector = launch(Dispatchers.Default) { store.homeScreen(today).collect { homes.send(it.checkedInToday) } }
        assertFalse(homes.next())
        store.call { recordCheckIn(NewCheckIn(day = today.coreDay(), mood = 7u, craving = 1u), null) }
        assertTrue(homes.next())
        collector.cancel()
        collector.join()
        assertEquals(0, store.activeSubscriptions)
        store.close()
    }

    @Test
    fun syncStatusIsAStateFlowWithOneNativeListenerWhileWatched() = runBlocking {
        val store = openStore(tmp.root)
        val closedPort = "http://127.0.0.1:9" // nothing listens there: Offline
        store.call { createInvite(closedPort, System.currentTimeMillis() + 600_000) } // a mailbox to read
        val relay = store.relay(closedPort)
        assertEquals(SyncStatus.Idle, relay.status.value, "the current status before anyone watches")
        assertEquals(0, relay.activeStatusListeners)

        val statuses = Channel<SyncStatus>(Channel.UNLIMITED)
        val watcher = launch(Dispatchers.Default, start = CoroutineStart.UNDISPATCHED) {
            relay.status.collect { statuses.send(it) }
        }
        assertEquals(SyncStatus.Idle, statuses.next())
        eventually("the native listener starts") { relay.activeStatusListeners == 1 }

        val report = relay.syncNow()
        assertEquals(SyncProblem.Offline, report.interrupted, "a network problem is in the report, not thrown")
        var status = statuses.next()
        while (status !is SyncStatus.Offline) status = statuses.next()
        assertEquals(SyncProblem.Offline, status.problem)
        assertIs<SyncStatus.Offline>(relay.status.value)
        assertIs<SyncStatus.Offline>(relay.currentStatus())

        watcher.cancel()
        watcher.join()
        eventually("the native listener is cancelled with the last collector") { relay.activeStatusListeners == 0 }
        store.close()
    }
}
