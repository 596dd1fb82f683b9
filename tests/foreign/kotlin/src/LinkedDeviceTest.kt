// The person's second device from Kotlin (ADR 0012), through the suites' real relay and the
// FFI's SyncSession: a tablet linked to the phone with a link invite and the same code gets the
// person's documents, its check-in reaches the phone and its plan edit the mentor; removed on the
// phone, it gets nothing new, its later edits reach nobody, and the person's documents leave it
// when it next syncs. The Python suite's test_linked_device.py, in Kotlin.
package org.twofold.core.test

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

class LinkedDeviceTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private fun coping(text: String) = CopingStrategy(newItemId(), text, Domain.BOTH)

    private fun descriptions(store: TwofoldStore) = store.listCopingStrategies().map { it.description }.sorted()

    private fun checkIn(day: String, note: String) = NewCheckIn(
        day = day, mood = 6u.toUByte(), craving = 2u.toUByte(), sleepHours = null, medicationTaken = null, note = note)

    /** After the removal the phone and the mentor refuse the tablet's changes, so rounds are
     *  not clean: only "not interrupted" is asked. Returns every refusal's reason. */
    private suspend fun syncRounds(rounds: Int, vararg sessions: SyncSession): Set<String> {
        val reasons = mutableSetOf<String>()
        repeat(rounds) {
            for (s in sessions) {
                val r = s.syncNow()
                assertEquals(null, r.interrupted, "$r")
                r.rejected.forEach { reasons += it.reason }
            }
        }
        return reasons
    }

    @Test
    fun aLinkedTabletGetsTheDocumentsWritesAndGetsNothingNewOnceRemoved() = runBlocking {
        val url = relayUrl()
        val phone = newDevice(tmp, "Lena")
        val mentor = newDevice(tmp, "Rosa")
        val tablet = newDevice(tmp, "Lena-tablet")
        val phoneSync = phone.syncSession(url)
        val mentorSync = mentor.syncSession(url)
        val tabletSync = tablet.syncSession(url)

        phone.putCopingStrategy(coping("walk by the river"))
        val rosa = pairThroughRelay(phone, phoneSync, mentor, mentorSync, url)
        phone.share(DocumentKind.PLAN, rosa, Access.WRITE, "support", null)
        // The tablet's own check-in from before it was linked: it merges into the person's journal.
        tablet.recordCheckIn(checkIn("2026-12-01", "tablet before linking"), null)
        syncUntilQuiet(phoneSync, mentorSync)

        // The link invite is not a pairing invite, and the reverse.
        val link = phone.createLinkInvite(url, System.currentTimeMillis() + 600_000)
        assertTrue(link.startsWith("twofold:link:2:"), link)
        assertEquals("invite", assertFailsWith<TwofoldException.InvalidInput> { mentor.acceptInvite(link, "Rosa") }.field)
        val invite = phone.createInvite(url, System.currentTimeMillis() + 600_000)
        assertEquals("invite", assertFailsWith<TwofoldException.InvalidInput> { tablet.acceptLinkInvite(invite, "Lena's tablet") }.field)
        // A device already paired is not linked (its shares would point at documents it loses).
        assertEquals("device", assertFailsWith<TwofoldException.InvalidInput> { mentor.acceptLinkInvite(link, "Rosa") }.field)

        // The same six digits on both screens; the phone approves.
        val pending = tablet.acceptLinkInvite(link, "Lena's tablet")
        assertTrue(pending.linked)
        assertEquals(PeerStatus.AWAITING_APPROVAL, pending.status)
        assertEquals(phone.deviceId(), pending.id)
        syncUntilQuiet(tabletSync, phoneSync)
        val asking = phone.peers().single { it.status == PeerStatus.NEEDS_DECISION }
        assertTrue(asking.linked)
        assertEquals("Lena's tablet", asking.displayName)
        assertEquals("", pending.verificationCode)
        assertEquals(tablet.pairing(phone.deviceId())!!.verificationCode, asking.verificationCode)
        assertEquals(listOf(false), phone.peers().filter { it.id == rosa }.map { it.linked }, "the mentor is not a linked device")
        val tabletId = asking.id
        val ownBefore = tablet.docId(DocumentKind.PLAN)
        phone.approvePairing(tabletId)
        syncUntilQuiet(phoneSync, tabletSync, mentorSync)

        // The person's documents on the tablet, in place of its own; its check-in merged.
        for (kind in listOf(DocumentKind.PLAN, DocumentKind.JOURNAL, DocumentKind.CONTACTS, DocumentKind.SCHEDULE, DocumentKind.SUMMARY)) {
            assertEquals(phone.docId(kind), tablet.docId(kind), "$kind adopted")
        }
        assertNotEquals(ownBefore, tablet.docId(DocumentKind.PLAN))
        assertEquals(listOf("walk by the river"), descriptions(tablet))
        // The tablet's one linked peer is the phone (the mentor, introduced to it, is not linked).
        assertEquals(listOf(phone.deviceId() to PeerStatus.PAIRED), tablet.peers().filter { it.linked }.map { it.id to it.status })
        assertEquals(listOf("tablet before linking"), phone.checkInsBetween("2026-12-01", "2026-12-31").map { it.note })

        // The tablet writes like the phone: a check-in reaches the phone, a plan edit the mentor.
        tablet.recordCheckIn(checkIn("2026-12-03", "from the tablet"), null)
        tablet.putCopingStrategy(coping("call Rosa from the tablet"))
        syncUntilQuiet(tabletSync, phoneSync, mentorSync)
        syncUntilQuiet(phoneSync, mentorSync, tabletSync)
        assertEquals(listOf("tablet before linking", "from the tablet"), phone.checkInsBetween("2026-12-01", "2026-12-31").map { it.note })
        assertEquals(listOf("call Rosa from the tablet", "walk by the river"), descriptions(phone))
        val plan = phone.docId(DocumentKind.PLAN)
        val seen = mentor.sharedList(plan, SectionName.COPING_STRATEGIES).map { (it as SectionItem.CopingStrategies).item.description }.sorted()
        assertEquals(listOf("call Rosa from the tablet", "walk by the river"), seen)
        assertEquals(phone.docHeads(plan), tablet.docHeads(plan))
        assertEquals(phone.docHeads(plan), mentor.docHeads(plan))
        assertTrue(phone.shares().any { it.peer == tabletId && it.purpose == "this person's own device" && it.endedAtMs == null })
        assertTrue(!relayFilesContain("from the tablet"), "the relay keeps ciphertext only")

        // Removal: only on the phone; then the tablet gets nothing new and is heard by no one.
        assertEquals("device", assertFailsWith<TwofoldException.InvalidInput> { tablet.removeDevice(phone.deviceId()) }.field)
        assertEquals("device", assertFailsWith<TwofoldException.InvalidInput> { phone.removeDevice(rosa) }.field)
        phone.removeDevice(tabletId)
        assertTrue(phone.peers().none { it.id == tabletId })
        assertTrue(phone.shares().filter { it.peer == tabletId }.all { it.endedAtMs != null })
        // The tablet writes and syncs before the phone has told anyone: its changes reach the
        // relay on the old streams. The phone's next sync grants new streams and deletes the old
        // ones on the relay (ADR 0023), so nobody reads them; what was read before is refused.
        tablet.putCopingStrategy(coping("TABLET-AFTER-REMOVAL"))
        tablet.recordCheckIn(checkIn("2026-12-04", "TABLET-AFTER-REMOVAL"), null)
        val early = tabletSync.syncNow()
        assertEquals(null, early.interrupted)
        assertTrue(early.sent > 0uL, "the removed tablet's changes reached the relay: $early")
        phone.putCopingStrategy(coping("PHONE-AFTER-REMOVAL"))
        syncRounds(2, phoneSync, mentorSync)
        syncRounds(3, tabletSync, phoneSync, mentorSync)
        assertTrue("TABLET-AFTER-REMOVAL" !in descriptions(phone))
        assertTrue(phone.checkInsBetween("2026-12-01", "2026-12-31").none { it.note == "TABLET-AFTER-REMOVAL" })
        assertTrue(mentor.sharedList(plan, SectionName.COPING_STRATEGIES).none {
            (it as SectionItem.CopingStrategies).item.description == "TABLET-AFTER-REMOVAL"
        })
        assertTrue("PHONE-AFTER-REMOVAL" in descriptions(phone))
        assertEquals(emptyList(), descriptions(tablet), "the person's plan left the removed tablet")
        assertTrue(tablet.checkInsBetween("2026-12-01", "2026-12-31").none { it.note == "from the tablet" })
        assertNotEquals(plan, tablet.docId(DocumentKind.PLAN), "the tablet starts an empty plan of its own")

        phone.closeStore()
        mentor.closeStore()
        tablet.closeStore()
    }
}
