package org.twofold.demo.model

import java.io.File
import java.security.SecureRandom
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout
import org.twofold.kit.Store

internal val MADRID: ZoneId = ZoneId.of("Europe/Madrid")

/** Tuesday 3 March 2026, 08:30 in Madrid. */
internal val TUESDAY_MORNING: Clock = Clock.fixed(Instant.parse("2026-03-03T07:30:00Z"), MADRID)

/** The real clock: invites and shares are checked against now. */
internal val REAL_CLOCK: java.time.Clock = java.time.Clock.systemUTC()

internal fun randomKey(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }

internal suspend fun openStore(dir: File, name: String): Store = Store.open(File(dir, "$name.db").path, randomKey())

/** What an androidx viewModelScope is to the app: cancelled at the end of each test. */
internal fun modelScope() = CoroutineScope(SupervisorJob() + Dispatchers.Default)

/** The first state that satisfies [what], or a failure naming it after [timeoutMs]. */
internal suspend fun <T> StateFlow<T>.awaitState(what: String, timeoutMs: Long = 10_000, predicate: (T) -> Boolean): T =
    try {
        withTimeout(timeoutMs) { first(predicate) }
    } catch (e: Exception) {
        throw AssertionError("timed out waiting for: $what (last state: $value)", e)
    }
