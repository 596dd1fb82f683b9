package org.twofold.demo.model

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotSame
import kotlin.test.assertSame
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.kit.Store

/** The store's lifecycle: opened by the first lease, closed by the last, reopened on demand. */
class StoreHolderTest {
    @get:Rule
    val tmp = TemporaryFolder()

    @Test
    fun theLastLeaseClosesTheStoreAndANewOneReopensIt() = runBlocking {
        val key = randomKey()
        var opened = 0
        val holder = StoreHolder { opened++; Store.open(File(tmp.root, "s.db").path, key) }
        val screen = holder.lease()
        val worker = holder.lease()
        assertSame(screen.store, worker.store, "one store for every user")
        assertEquals(1, opened)
        screen.close()
        screen.close() // twice is harmless
        assertFalse(worker.store.isClosed, "still leased by the worker")
        worker.store.call { putContact(org.twofold.core.Contact(org.twofold.core.newItemId(), "Rosa")) }
        worker.close()
        assertTrue(worker.store.isClosed, "the last lease closed it")
        assertEquals(0, holder.openLeases())

        holder.lease().use { again ->
            assertEquals(2, opened)
            assertEquals(listOf("Rosa"), again.store.call { listContacts() }.map { it.name })
        }
    }

    @Test
    fun closingNowEndsTheStoreForEveryLeaseAndAnUnlockNeverReusesAnOpenStore() = runBlocking<Unit> {
        val key = randomKey()
        val path = File(tmp.root, "s.db").path
        val holder = StoreHolder { Store.open(path, key) }
        val old = holder.lease()
        holder.closeNow() // the app lock locking again, with a screen's lease still out
        assertTrue(old.store.isClosed)
        val fresh = holder.lease()
        old.close() // a lease of the ended store
        assertFalse(fresh.store.isClosed, "an old lease never closes the store opened after it")

        var checked = 0
        val unlocked = holder.leaseOpenedWith { checked++; Store.open(path, key) }
        assertEquals(1, checked, "the opener (the PIN) runs although a store was open")
        assertTrue(fresh.store.isClosed, "the store that was open is closed first")
        assertNotSame(fresh.store, unlocked.store)
        assertSame(unlocked.store, holder.lease().store, "screens then share the unlocked store")
        holder.closeNow()
        assertEquals(0, holder.openLeases())
    }
}
