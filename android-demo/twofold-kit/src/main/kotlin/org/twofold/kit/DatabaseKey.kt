package org.twofold.kit

import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.security.SecureRandom

/**
 * Wraps the database key with a key that never leaves secure hardware (on Android: an AES key
 * in the Android Keystore). Only wrapped bytes ever reach the disk.
 */
interface KeyWrapper {
    fun wrap(plain: ByteArray): ByteArray
    fun unwrap(wrapped: ByteArray): ByteArray
}

/** The wrapped key file exists but cannot be unwrapped (e.g. the Keystore key is gone). */
class KeyUnavailable(cause: Throwable) : Exception("the database key cannot be unwrapped", cause)

/**
 * The store's 32-byte key: random, made once, kept only wrapped in [file].
 *
 * The core takes a raw random key (no password KDF at open), so the key's secrecy is the
 * wrapper's. If the file exists but does not unwrap, this throws [KeyUnavailable] and never
 * makes a new key: a new key would not open the existing store, and the person's data must
 * stay recoverable (the core never deletes a store it cannot open either).
 */
class DatabaseKey(
    private val file: File,
    private val wrapper: KeyWrapper,
    private val random: SecureRandom = SecureRandom(),
) {
    @Synchronized
    fun getOrCreate(): ByteArray {
        if (file.exists()) {
            val wrapped = file.readBytes()
            return try {
                wrapper.unwrap(wrapped).also { check(it.size == KEY_BYTES) { "unwrapped key has the wrong size" } }
            } catch (e: Exception) {
                throw KeyUnavailable(e)
            }
        }
        val key = ByteArray(KEY_BYTES).also(random::nextBytes)
        writeAtomically(wrapper.wrap(key))
        return key
    }

    /** Write, flush to the device, then rename: a crash leaves the old state or the new, never half. */
    private fun writeAtomically(bytes: ByteArray) {
        file.parentFile?.mkdirs()
        val tmp = File(file.path + ".tmp")
        FileOutputStream(tmp).use { out ->
            out.write(bytes)
            out.fd.sync()
        }
        if (!tmp.renameTo(file)) throw IOException("could not store the wrapped database key")
    }

    companion object {
        const val KEY_BYTES = 32
    }
}
