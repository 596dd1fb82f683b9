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
        for (relay in relays) relay.stopLive()
        // Release the sessions first: each holds the core, which closes only when none does.
        relays.forEach { it.close() }
        relays.clear()
        scope.cancel()
        raw.closeStore()
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
    }
}
