package org.twofold.kit

import java.io.File
import java.security.SecureRandom
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import org.twofold.core.Contact
import org.twofold.core.newItemId

internal fun randomKey(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }

internal suspend fun openStore(dir: File, name: String = "twofold", key: ByteArray = randomKey()): Store =
    Store.open(File(dir, "$name.db").path, key)

internal fun contact(name: String) = Contact(id = newItemId(), name = name)

/** Polls [done] until true or [timeoutMs] passes (for effects on other threads). */
internal suspend fun eventually(what: String, timeoutMs: Long = 10_000, done: () -> Boolean) {
    try {
        withTimeout(timeoutMs) { while (!done()) delay(20) }
    } catch (e: Exception) {
        throw AssertionError("timed out waiting: $what", e)
    }
}
