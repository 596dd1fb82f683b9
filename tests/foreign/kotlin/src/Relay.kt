// The real relay the suites share (scripts/foreign-tests.sh starts it), and syncing over it
// with the FFI's SyncSession: the exchange loop the library runs, not one written here.
package org.twofold.core.test

import java.io.File
import java.security.SecureRandom
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

/** The relay started for the suites; never a skip: without it the test fails. */
fun relayUrl(): String {
    val url = System.getenv("TWOFOLD_RELAY_URL") ?: ""
    assertTrue(url.startsWith("http://127.0.0.1:"),
        "TWOFOLD_RELAY_URL is '$url': run through scripts/foreign-tests.sh, which starts the relay")
    return url
}

/** Whether any file the relay keeps (its SQLite database and journal) holds `text`. */
fun relayFilesContain(text: String): Boolean {
    val dir = System.getenv("TWOFOLD_RELAY_DATA_DIR") ?: ""
    assertTrue(dir.isNotEmpty() && File(dir).isDirectory,
        "TWOFOLD_RELAY_DATA_DIR is '$dir': run through scripts/foreign-tests.sh")
    val needle = text.toByteArray()
    return File(dir).walkTopDown().filter { it.isFile }.any { file ->
        val hay = file.readBytes()
        (0..hay.size - needle.size).any { i -> needle.indices.all { hay[i + it] == needle[it] } }
    }
}

fun assertClean(report: SyncReport) {
    assertNull(report.interrupted, "$report")
    assertEquals(emptyList(), report.rejected, "$report")
    assertEquals(0uL, report.pending, "$report")
}

/** syncNow on each in turn until a whole round moves nothing; every report clean. */
suspend fun syncUntilQuiet(vararg sessions: SyncSession) {
    repeat(10) {
        var moved = 0uL
        for (s in sessions) {
            val r = s.syncNow()
            assertClean(r)
            moved += r.sent + r.mailboxSent + r.applied
        }
        if (moved == 0uL) return
    }
    error("the devices did not settle in 10 rounds")
}

/** Pairs `joiner` with `owner` through the relay (syncNow only); the joiner's id on the owner's phone. */
suspend fun pairThroughRelay(owner: TwofoldStore, ownerSync: SyncSession, joiner: TwofoldStore, joinerSync: SyncSession, url: String): String {
    val invite = owner.createInvite(url, System.currentTimeMillis() + 600_000)
    joiner.acceptInvite(invite, joiner.displayName())
    assertClean(joinerSync.syncNow())
    var asking: Peer? = null
    for (i in 1..10) {
        assertClean(ownerSync.syncNow())
        asking = owner.peers().singleOrNull { it.status == PeerStatus.NEEDS_DECISION }
        if (asking != null) break
    }
    assertNotNull(asking, "the join request arrived through the relay")
    owner.approvePairing(asking.id)
    syncUntilQuiet(ownerSync, joinerSync)
    return asking.id
}

/** A new store named `name` in the test's folder, its display name set. */
suspend fun newDevice(tmp: TemporaryFolder, name: String): TwofoldStore {
    val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
    return TwofoldStore.open(File(tmp.root, "$name.db").path, key).also { it.setDisplayName(name) }
}
