package org.twofold.kit

import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

/** AES-GCM with a key in memory: what the Android Keystore wrapper does, with the key in hardware there. */
private class SoftwareWrapper(private var secret: SecretKey = newSecret()) : KeyWrapper {
    var deletions = 0
    override fun wrap(plain: ByteArray): ByteArray {
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, secret, GCMParameterSpec(128, iv)) }
        return iv + cipher.doFinal(plain)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
            .apply { init(Cipher.DECRYPT_MODE, secret, GCMParameterSpec(128, wrapped.copyOfRange(0, 12))) }
        return cipher.doFinal(wrapped, 12, wrapped.size - 12)
    }

    override fun deleteKey() {
        deletions++
        secret = newSecret() // the old one is gone: what it wrapped no longer unwraps
    }
}

private fun newSecret(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

class DatabaseKeyTest {
    @get:Rule
    val tmp = TemporaryFolder()

    @Test
    fun theKeyIsMadeOnceKeptOnlyWrappedAndOpensTheStoreAgain() = runBlocking {
        val wrapper = SoftwareWrapper()
        val file = tmp.root.resolve("keys/db.key")
        val key = DatabaseKey(file, wrapper).getOrCreate()
        assertEquals(32, key.size)
        assertFalse(file.readBytes().toList().windowed(32).any { it == key.toList() }, "the raw key is never on disk")
        assertContentEquals(key, DatabaseKey(file, wrapper).getOrCreate(), "a second start reads the same key")

        openStore(tmp.root, "s", key).use { it.call { putContact(contact("Alex")) } }
        openStore(tmp.root, "s", DatabaseKey(file, wrapper).getOrCreate()).use {
            assertEquals(1, it.call { listContacts() }.size)
        }
    }

    @Test
    fun aKeyThatNoLongerUnwrapsIsAnErrorNeverANewKey() {
        val file = tmp.root.resolve("db.key")
        DatabaseKey(file, SoftwareWrapper()).getOrCreate()
        val before = file.readBytes()
        assertFailsWith<KeyUnavailable> { DatabaseKey(file, SoftwareWrapper()).getOrCreate() }
        assertContentEquals(before, file.readBytes(), "the wrapped key is left as it was")
    }

    @Test
    fun deletingTheKeyRemovesTheFileAndTheWrappingKeyAndAFreshStartMakesANewOne() {
        val wrapper = SoftwareWrapper()
        val file = tmp.root.resolve("db.key")
        val keys = DatabaseKey(file, wrapper)
        val old = keys.getOrCreate()
        val oldWrapped = file.readBytes()
        val made = wrapper.deletions // a fresh start clears any leftover wrapping key first

        keys.delete()
        assertFalse(file.exists(), "the wrapped key file is gone")
        assertFalse(keys.exists)
        assertEquals(made + 1, wrapper.deletions, "the wrapping key is deleted")
        assertFailsWith<Exception>("a kept copy of the wrapped key no longer unwraps") { wrapper.unwrap(oldWrapped) }

        val fresh = keys.getOrCreate()
        assertFalse(fresh.contentEquals(old), "a fresh start makes a new key")
        keys.delete()
        keys.delete() // deleting what is not there is not an error
    }
}
