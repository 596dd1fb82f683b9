package org.twofold.demo.model

import java.io.File
import java.security.SecureRandom
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec
import org.twofold.kit.KeyWrapper

/**
 * The Keystore's part played by a file: an AES-256 key in [file], made on first use, gone
 * with [deleteKey]. On the phone the key stays in secure hardware; here the test can see that
 * deleting it leaves nothing that unwraps the old key.
 */
internal class FileKeyWrapper(val file: File) : KeyWrapper {
    private fun secret(): SecretKeySpec {
        if (!file.exists()) {
            file.parentFile?.mkdirs()
            file.writeBytes(ByteArray(32).also { SecureRandom().nextBytes(it) })
        }
        return SecretKeySpec(file.readBytes(), "AES")
    }

    override fun wrap(plain: ByteArray): ByteArray {
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, secret(), GCMParameterSpec(128, iv)) }
        return iv + cipher.doFinal(plain)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        check(file.exists()) { "no wrapping key" }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
            .apply { init(Cipher.DECRYPT_MODE, secret(), GCMParameterSpec(128, wrapped.copyOfRange(0, 12))) }
        return cipher.doFinal(wrapped, 12, wrapped.size - 12)
    }

    override fun deleteKey() {
        file.delete()
    }
}

/** A clock the test moves by hand (the lock screen's countdown, the time in the background). */
internal class MutableClock(var now: Instant = Instant.now(), private val zone: ZoneId = ZoneOffset.UTC) : Clock() {
    override fun getZone(): ZoneId = zone
    override fun withZone(zone: ZoneId): Clock = MutableClock(now, zone)
    override fun instant(): Instant = now
    fun advance(by: Duration) {
        now = now.plus(by)
    }
}

/** Every file under [dir], with its bytes (to look for a canary). */
internal fun filesUnder(dir: File): Map<String, ByteArray> =
    dir.walkTopDown().filter { it.isFile }.associate { it.relativeTo(dir).path to it.readBytes() }

internal fun ByteArray.holds(text: String): Boolean {
    val needle = text.toByteArray()
    return (0..size - needle.size).any { i -> needle.indices.all { this[i + it] == needle[it] } }
}
