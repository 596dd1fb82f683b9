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
 */
class StoreHolder(private val open: suspend () -> Store) {
    private val mutex = Mutex()
    private var store: Store? = null
    private var leases = 0

    inner class Lease internal constructor(val store: Store) : AutoCloseable {
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
            runBlocking { release() }
        }
    }

    suspend fun lease(): Lease = mutex.withLock {
        val current = store ?: open().also { store = it }
        leases++
        Lease(current)
    }

    suspend fun openLeases(): Int = mutex.withLock { leases }

    private suspend fun release() = mutex.withLock {
        leases--
        if (leases == 0) {
            store?.shutdown()
            store = null
        }
    }
}
