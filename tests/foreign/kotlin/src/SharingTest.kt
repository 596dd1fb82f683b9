// Pairing, sharing and sync from Kotlin: two real stores, the suites' real relay, and the
// FFI's SyncSession — consent, shared reads and writes, authorship, typed refusals,
// revocation, and what the relay keeps (ciphertext only).
package org.twofold.core.test

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

private fun nowMs(): Long = System.currentTimeMillis()

class SharingTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private suspend fun device(name: String) = newDevice(tmp, name)

    private fun coping(text: String) = CopingStrategy(newItemId(), text, Domain.BOTH)

    @Test
    fun pairShareSyncAndReadOnTheMentorsSide() = runBlocking {
        val url = relayUrl()
        val owner = device("Sam")
        val mentor = device("Alex")
        val ownerSync = owner.syncSession(url)
        val mentorSync = mentor.syncSession(url)

        // Pairing: both screens show the same code; the owner approves.
        val invite = owner.createInvite(url, nowMs() + 600_000)
        val pending = mentor.acceptInvite(invite, "Alex")
        assertEquals(PeerStatus.AWAITING_APPROVAL, pending.status)
        syncUntilQuiet(mentorSync, ownerSync)
        val asking = owner.peers().single()
        assertEquals(PeerStatus.NEEDS_DECISION, asking.status)
        assertEquals("Alex", asking.displayName)
        assertEquals("", pending.verificationCode, "no code before the owner's half arrives")
        assertEquals(mentor.pairing(owner.deviceId())!!.verificationCode, asking.verificationCode)
        assertEquals(mentor.deviceId(), asking.id)
        owner.approvePairing(asking.id)
        syncUntilQuiet(ownerSync, mentorSync)
        val ownerSeen = mentor.peers().single()
        assertEquals(PeerStatus.PAIRED, ownerSeen.status)
        assertEquals("Sam", ownerSeen.displayName)
        assertEquals(owner.deviceId(), ownerSeen.id)
        assertEquals(emptyList(), mentor.sharedWithMe(), "a pairing shares nothing by itself")

        // Sharing: the plan read-write, the schedule read-only.
        val first = coping("call my sister")
        owner.putCopingStrategy(first)
        val meeting = Meeting(
            id = newItemId(), name = "Dual Recovery group", kind = MeetingKind.DUAL_RECOVERY_ANONYMOUS,
            format = MeetingFormat.IN_PERSON, start = "2026-03-03T19:00:00", timeZone = "Europe/Madrid",
            durationMinutes = 90u, rrule = "FREQ=WEEKLY;BYDAY=TU",
        )
        owner.putMeeting(meeting)
        owner.share(DocumentKind.PLAN, asking.id, Access.WRITE, "weekly sessions", null)
        owner.share(DocumentKind.SCHEDULE, asking.id, Access.READ, "meeting reminders")
        syncUntilQuiet(ownerSync, mentorSync)

        val docs = mentor.sharedWithMe()
        assertEquals(setOf(DocumentKind.PLAN to Access.WRITE, DocumentKind.SCHEDULE to Access.READ), docs.map { it.kind to it.access }.toSet())
        assertTrue(docs.all { it.ownerName == "Sam" && it.owner == owner.deviceId() })
        val plan = docs.single { it.kind == DocumentKind.PLAN }.docId
        val schedule = docs.single { it.kind == DocumentKind.SCHEDULE }.docId
        assertEquals(owner.docId(DocumentKind.PLAN), plan)
        assertEquals(listOf<SectionItem>(SectionItem.CopingStrategies(first)), mentor.sharedList(plan, SectionName.COPING_STRATEGIES))
        assertEquals(SectionItem.Meetings(meeting), mentor.sharedGet(schedule, SectionName.MEETINGS, meeting.id))

        // Both edit offline, the same item included; then both sync.
        owner.putCopingStrategy(first.copy(description = "call my sister, or text her"))
        mentor.sharedPut(plan, SectionItem.CopingStrategies(first.copy(domain = Domain.MENTAL_HEALTH)))
        val fromMentor = coping("box breathing, 4 counts")
        mentor.sharedPut(plan, SectionItem.CopingStrategies(fromMentor))
        syncUntilQuiet(ownerSync, mentorSync)
        assertEquals(CopingStrategy(first.id, "call my sister, or text her", Domain.MENTAL_HEALTH), owner.getCopingStrategy(first.id))
        assertEquals(fromMentor, owner.getCopingStrategy(fromMentor.id))
        assertEquals(owner.listCopingStrategies().map { SectionItem.CopingStrategies(it) }, mentor.sharedList(plan, SectionName.COPING_STRATEGIES))
        assertEquals(owner.docHeads(plan), mentor.docHeads(plan))
        assertEquals(Author.Peer(mentor.deviceId(), "Alex"), owner.authorship(plan, SectionName.COPING_STRATEGIES, fromMentor.id).createdBy)
        assertEquals(Author.ThisDevice, mentor.authorship(plan, SectionName.COPING_STRATEGIES, fromMentor.id).createdBy)
        val log = owner.disclosureLog()
        assertTrue(log.any { it.kind == DocumentKind.PLAN && it.what == "snapshot" })
        assertTrue(log.all { it.peerId == asking.id })
        assertTrue(!relayFilesContain("call my sister"), "the relay keeps ciphertext only")

        // Typed refusals: read-only, and an id that is not one.
        val readOnly = assertFailsWith<TwofoldException.NotAllowed> {
            mentor.sharedPut(schedule, SectionItem.Meetings(meeting.copy(id = newItemId())))
        }
        assertTrue(readOnly.reason.contains("schedule"))
        val badId = assertFailsWith<TwofoldException.InvalidInput> { owner.revokeShare(DocumentKind.PLAN, "not hex") }
        assertEquals("peer_id", badId.field)
        val badInvite = assertFailsWith<TwofoldException.InvalidInput> { mentor.acceptInvite("twofold:nonsense", "Alex") }
        assertEquals("invite", badInvite.field)

        // Revoking: the mentor keeps what it had and gets nothing new.
        owner.revokeShare(DocumentKind.PLAN, asking.id)
        val after = coping("after the revocation")
        owner.putCopingStrategy(after)
        syncUntilQuiet(ownerSync, mentorSync)
        assertNull(mentor.sharedWithMe().single { it.kind == DocumentKind.PLAN }.access)
        assertFailsWith<TwofoldException.NotFound> { mentor.sharedGet(plan, SectionName.COPING_STRATEGIES, after.id) }
        assertEquals(SectionItem.CopingStrategies(fromMentor), mentor.sharedGet(plan, SectionName.COPING_STRATEGIES, fromMentor.id))
        assertEquals("revoked", owner.shares().single { it.kind == DocumentKind.PLAN && it.endedAtMs != null }.endReason)

        owner.closeStore()
        mentor.closeStore()
    }
}
