package org.twofold.demo.model

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.Contact
import org.twofold.core.newItemId
import org.twofold.kit.DatabaseKey
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

/**
 * "Delete everything from this phone" through its state holder, against the real library:
 * the core erases the store (with its app lock), then the platform key goes — the wrapped key
 * file and the wrapping key (a file here, the Keystore on the phone) — so a copy of the old
 * files someone kept can never be opened; a fresh start makes a new key and an empty store.
 */
class EraseTest {
    @get:Rule
    val tmp = TemporaryFolder()

    @Test
    fun eraseRemovesTheStoreThenThePlatformKeyAndAFreshStartMakesANewKey() = runBlocking<Unit> {
        val dir = tmp.newFolder("phone")
        val kept = tmp.newFolder("kept") // what someone copied off the phone before the erase
        val wrapping = FileKeyWrapper(File(dir, "keystore/wrapping.key"))
        val keys = DatabaseKey(File(dir, "db.key"), wrapping)
        val path = File(dir, "twofold.db").path
        val holder = StoreHolder { Store.open(path, keys.getOrCreate()) }
        val scope = modelScope()
        val canary = "CANARY-kt-erase-8wkd"
        try {
            val settings = InMemorySettings()
            val gate = AppLockGate(path, keys::getOrCreate, holder, MutableClock(), scope)
            gate.check()
            val first = assertIs<Gate.Open>(gate.state.value)
            val screen = holder.lease()
            screen.store.call { putContact(Contact(newItemId(), canary)) }
            screen.store.call { enableAppLock("2468") }
            val oldKey = keys.getOrCreate()
            // The files, not the Keystore: its key never leaves the phone's secure hardware.
            for (f in dir.walkTopDown().filter { it.isFile && it.parentFile.name != "keystore" }) {
                f.copyTo(File(kept, f.relativeTo(dir).path))
            }

            var shownWhileErasing: Gate? = null
            val erase = EraseModel(
                holder, { Relays(it, settings) }, keys,
                beforeErase = { gate.erasing(); shownWhileErasing = gate.state.value },
                onErased = gate::erased, scope = scope,
            )
            erase.eraseEverything().join()
            assertEquals(Gate.Erasing, shownWhileErasing, "the app leaves the screen first")
            assertNull(erase.problem.value)
            val done = erase.state.value
            assertTrue((done.filesRemoved ?: 0u) >= 2u, "the database and the lock file at least: $done")
            assertTrue(screen.store.isClosed, "every screen's store is closed")
            screen.close()

            assertEquals(emptyList(), dir.walkTopDown().filter { it.isFile }.map { it.name }.toList(), "nothing is left")
            assertFalse(wrapping.file.exists(), "the wrapping key is deleted")
            val keptWrapped = File(kept, "db.key").readBytes()
            assertFailsWith<Exception>("the kept wrapped key unwraps with nothing on the phone") {
                keys.getOrCreate()
                wrapping.unwrap(keptWrapped)
            }

            // A fresh start: a new session, a new key, an empty unlocked store.
            val after = assertIs<Gate.Open>(gate.state.value)
            assertTrue(after.session > first.session)
            assertNull(after.problem)
            holder.lease().use { assertEquals(emptyList(), it.store.call { listContacts() }) }
            val newKey = keys.getOrCreate()
            assertFalse(newKey.contentEquals(oldKey), "a new key")
            val keptPath = File(kept, "twofold.db").path
            assertFailsWith<TwofoldError.WrongKey>("the kept copy does not open with the new key") {
                Store.openWithPin(keptPath, newKey, "2468")
            }
            for ((name, bytes) in filesUnder(dir)) assertFalse(bytes.holds(canary), "the old data is in $name")
        } finally {
            scope.cancel()
            holder.closeNow()
        }
    }
}
