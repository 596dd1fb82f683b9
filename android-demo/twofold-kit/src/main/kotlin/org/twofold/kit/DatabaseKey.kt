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

    /**
     * Deletes the wrapping key itself (the Keystore entry), so nothing it ever wrapped can be
     * unwrapped again. The next [wrap] makes a new one. Deleting a key that is not there is
     * not an error.
     */
    fun deleteKey()
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
 *
 * [delete] is the one way a key ends: "delete everything from this phone" calls it after the
 * core has erased the store, so no copy of the old store (a backup of the files, a block the
 * flash kept) can ever be opened with it. A fresh start afterwards makes a new key under a
 * new wrapping key.
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
        // No wrapped key: whatever wrapping key is left (an erase interrupted between the file
        // and the Keystore entry) protects nothing, so a new store gets a new one too.
        wrapper.deleteKey()
        val key = ByteArray(KEY_BYTES).also(random::nextBytes)
        writeAtomically(wrapper.wrap(key))
        return key
    }

    /**
     * Forgets the key for good: the wrapped key file first, then the wrapping key. In this
     * order an interruption leaves at worst a wrapping key that wraps nothing (the next
     * [getOrCreate] deletes it), never a wrapped key file that no longer unwraps
     * ([KeyUnavailable] on every start). Call it only once the store is erased: a store whose
     * key is deleted can never be opened again.
     */
    @Synchronized
    fun delete() {
        for (f in listOf(File(file.path + ".tmp"), file)) {
            if (f.exists() && !f.delete()) throw IOException("could not delete the wrapped database key")
        }
        wrapper.deleteKey()
    }

    /** Whether a key has been made (and not deleted). */
    val exists: Boolean get() = file.exists()

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
