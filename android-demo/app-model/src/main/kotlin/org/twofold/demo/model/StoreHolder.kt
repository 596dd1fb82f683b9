package org.twofold.demo.model

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.twofold.kit.Store

/**
 * The one open [Store] of the process, tied to the lifecycle of what uses it: each user (a
 * screen's ViewModel, the sync worker) takes a [Lease] and closes it when done; the first lease
 * opens the store and the last one to end closes it. So a background sync and an open screen
 * share one store, and nothing keeps the database open once neither needs it.
 *
 * One mutex orders opening and closing, so a new lease never gets a store that is closing and
 * two copies of the same file are never open at once.
 *
 * The app lock and "delete everything" end a store while leases may still be out ([closeNow],
 * [finish]): each store is a new *generation*, and a lease of an ended generation does nothing
 * when it closes, so it can never close the store opened after it.
 */
class StoreHolder(private val open: suspend () -> Store) {
    private val mutex = Mutex()
    private var store: Store? = null
    private var leases = 0
    private var generation = 0L

    inner class Lease internal constructor(val store: Store, private val generation: Long) : AutoCloseable {
        private var released = false

        /**
         * Ends this lease; the last one closes the store (which waits for live sync to stop).
         * Closing twice does nothing.
         */
        override fun close() {
            synchronized(this) {
                if (released) return
                released = true
            }
            runBlocking { release(generation) }
        }
    }

    /** A lease on the open store, opening it with the app's key first if none is open. */
    suspend fun lease(): Lease = mutex.withLock { leaseOf(store ?: open().also { store = it }) }

    /**
     * A lease on a store opened by [opener] (the lock screen: the PIN). A store still open is
     * closed first, so the PIN is always checked — an unlock never hands out a store that was
     * open already.
     */
    suspend fun leaseOpenedWith(opener: suspend () -> Store): Lease = mutex.withLock {
        endLocked()
        leaseOf(opener().also { store = it })
    }

    /** Closes the store now, whatever leases are out (the app lock locking again). */
    suspend fun closeNow() = mutex.withLock { endLocked() }

    /**
     * Runs [block] on the store (opened if none is) and ends it afterwards, whatever leases are
     * out: for "delete everything", which erases the store inside [block].
     */
    suspend fun <T> finish(block: suspend (Store) -> T): T = mutex.withLock {
        val current = store ?: open().also { store = it }
        try {
            block(current)
        } finally {
            endLocked()
        }
    }

    suspend fun openLeases(): Int = mutex.withLock { leases }

    private fun leaseOf(current: Store): Lease {
        leases++
        return Lease(current, generation)
    }

    private suspend fun endLocked() {
        store?.shutdown()
        store = null
        leases = 0
        generation++
    }

    private suspend fun release(of: Long) = mutex.withLock {
        if (of != generation) return@withLock
        leases--
        if (leases == 0) endLocked()
    }
}
