package org.twofold.kit

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.twofold.core.LockState
import org.twofold.core.TwofoldStore

/**
 * A person's open, encrypted store: the one object the app holds, from opening to closing.
 *
 * Every call goes through [call], which runs on [dispatcher] (the core's plain reads touch
 * memory and sometimes the disk; never on the main thread) and turns the generated exceptions
 * into [TwofoldError]s. Change listeners are cold flows (see `DocumentFlows.kt`), sync over a
 * relay is a [RelaySync] from [relay].
 *
 * [close] (AutoCloseable) stops and releases the relay sessions made here (a session keeps the
 * core alive), then closes the store — everything acknowledged is already on disk. Later calls
 * fail with [TwofoldError.Closed]; the small native handle left is freed with the object. The
 * app ties it to its lifecycle through a lease counter (app-model's `StoreHolder`).
 */
class Store private constructor(
    /** The generated object, for calls the kit does not wrap; use it inside [call]. */
    val raw: TwofoldStore,
    private val dispatcher: CoroutineDispatcher,
) : AutoCloseable {
    /** Where relay sessions' status flows live; cancelled on close. */
    internal val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val relays = CopyOnWriteArrayList<RelaySync>()

    /** How many listener flows are being collected right now (a leak shows up here). */
    internal val openSubscriptions = AtomicInteger()
    val activeSubscriptions: Int get() = openSubscriptions.get()

    /** One call to the core, off the caller's thread, with typed errors. */
    suspend fun <T> call(block: suspend TwofoldStore.() -> T): T =
        withContext(dispatcher) { translating { raw.block() } }

    /** A sync session with the relay at [url]; closed with the store. */
    fun relay(url: String): RelaySync {
        val session = translating { raw.syncSession(url) }
        return RelaySync(url, session, scope).also { relays += it }
    }

    val isClosed: Boolean get() = raw.isClosed()

    /** Stops live sync of every session, then closes the store. Safe to call twice. */
    suspend fun shutdown() {
        endSessions()
        raw.closeStore()
    }

    /**
     * "Delete everything from this phone", the core's part: stops every sync session, closes
     * the store and removes the database, its WAL, the app lock's file and every side file;
     * returns how many files there were. Call `prepareErase` and a sync first, so paired
     * devices are asked to drop their copies; delete the platform key afterwards
     * ([DatabaseKey.delete]). Later calls fail with [TwofoldError.Closed].
     */
    suspend fun eraseEverything(): ULong {
        endSessions()
        return withContext(dispatcher) { translating { raw.eraseEverything() } }
    }

    private suspend fun endSessions() {
        for (relay in relays) relay.stopLive()
        // Release the sessions first: each holds the core, which closes only when none does.
        relays.forEach { it.close() }
        relays.clear()
        scope.cancel()
    }

    /** [shutdown] for `use {}` and lifecycle callbacks; blocks while live sync stops. */
    override fun close() = runBlocking { shutdown() }

    companion object {
        /**
         * Opens (or creates) the store at [path] with the app's 32-byte [key]. A wrong key is
         * [TwofoldError.WrongKey] and changes nothing; a damaged file is [TwofoldError.Corrupt].
         */
        suspend fun open(
            path: String,
            key: ByteArray,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): Store = withContext(dispatcher) {
            Store(translating { TwofoldStore.open(path, key) }, dispatcher)
        }

        /**
         * Opens the store at [path] that has an app lock, with the platform [key] and the
         * person's [pin] (ADR 0015). Each try is counted before it is checked (about 0.2 s of
         * Argon2id): a wrong PIN is [TwofoldError.WrongPin] with the wait the next try costs,
         * and during that wait every try is [TwofoldError.LockedOut], refused unchecked. The
         * duress PIN opens an empty store in place of the erased one, looking the same.
         */
        suspend fun openWithPin(
            path: String,
            key: ByteArray,
            pin: String,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): Store = withContext(dispatcher) {
            Store(translating { TwofoldStore.openWithPin(path, key, pin) }, dispatcher)
        }

        /**
         * Whether the store at [path] has an app lock, read with the platform [key] before
         * opening (nothing is written): which screen to show first. A key that does not open
         * the lock file is [TwofoldError.WrongKey].
         */
        suspend fun lockState(
            path: String,
            key: ByteArray,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): LockState = withContext(dispatcher) { translating { org.twofold.core.lockState(path, key) } }
    }
}
