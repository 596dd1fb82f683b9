// Direct sync from Kotlin (ADR 0011): two real stores paired and sharing through the suites'
// relay, then a DirectSession listening on loopback and another calling it by the address
// code an app would show as a QR code — the library's Noise KK session, not one written here —
// and the names an Android app registers with NsdManager to be found without a code.
package org.twofold.core.test

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

class DirectSyncTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private suspend fun device(name: String) = newDevice(tmp, name)

    private fun coping(text: String) = CopingStrategy(newItemId(), text, Domain.BOTH)

    @Test
    fun twoPhonesInOneRoomSyncByAnAddressCodeAndKnowEachOthersDiscoveryNames() = runBlocking<Unit> {
        val url = relayUrl()
        val owner = device("Sam")
        val mentor = device("Alex")
        val ownerSync = owner.syncSession(url)
        val mentorSync = mentor.syncSession(url)
        val mentorId = pairThroughRelay(owner, ownerSync, mentor, mentorSync, url)
        owner.share(DocumentKind.PLAN, mentorId, Access.WRITE, "in the room", null)
        syncUntilQuiet(ownerSync, mentorSync)
        val plan = mentor.sharedWithMe().single { it.kind == DocumentKind.PLAN }.docId

        // No relay from here: an edit on each side, then one direct session.
        val fromOwner = coping("walk to the river")
        val fromMentor = coping("text me after the meeting")
        owner.putCopingStrategy(fromOwner)
        mentor.sharedPut(plan, SectionItem.CopingStrategies(fromMentor))
        val listening = owner.directSession().listen(0u)
        val code = encodeAddressHint(AddressHint(port = listening.port(), addresses = listOf("127.0.0.1")))
        assertTrue(code.startsWith("TFD1:") && code.length < 40, code)
        val report = mentor.directSession().connectHint(code, owner.deviceId())
        assertNull(report.interrupted, "$report")
        assertEquals(owner.deviceId(), report.peer)
        assertEquals(Triple(1u, 1uL, 1uL), Triple(report.documents, report.sentChanges, report.appliedChanges), "$report")
        val served = listening.nextReport()
        assertNotNull(served)
        assertEquals(mentorId, served.peer)
        listening.stop()
        assertTrue(owner.listCopingStrategies().contains(fromMentor), "the mentor's edit arrived directly")
        assertEquals(owner.docHeads(plan), mentor.docHeads(plan))
        assertTrue(owner.disclosureLog().any { it.what == "direct" && it.peerId == mentorId })

        // What the app registers with NsdManager and looks for: names only the pair can make.
        assertEquals("_http._tcp.local.", discoveryServiceType())
        val samName = owner.directSession().discoveryName(mentorId)
        assertTrue(Regex("[0-9a-f]{20}").matches(samName), samName)
        assertTrue(mentor.directSession().peerDiscoveryNames(owner.deviceId()).contains(samName))
        assertNotEquals(samName, mentor.directSession().discoveryName(owner.deviceId()))
        val stranger = device("Eve")
        assertFailsWith<TwofoldException.NotAllowed> { stranger.directSession().discoveryName(owner.deviceId()) }
    }
}
