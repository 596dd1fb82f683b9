// Sync over the real relay from Kotlin: the `twofold-relay` process scripts/foreign-tests.sh
// starts (its address in TWOFOLD_RELAY_URL), two real stores, and the FFI's SyncSession doing
// the network — syncNow as WorkManager would call it, live sync with a status listener as the
// foreground does, and what a sync against an unreachable relay reports.
package org.twofold.core.test

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

/** A port nothing listens on (TCP "discard"): connecting is refused at once. */
private const val CLOSED_PORT_URL = "http://127.0.0.1:9"

private fun clockMs(): Long = System.currentTimeMillis()

private suspend fun waitFor(what: String, timeoutMs: Long = 10_000, done: () -> Boolean) {
    val deadline = System.nanoTime() + timeoutMs * 1_000_000
    while (!done()) {
        assertTrue(System.nanoTime() < deadline, "timed out after ${timeoutMs}ms waiting: $what")
        delay(50)
    }
}

class RelaySyncTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private suspend fun device(name: String) = newDevice(tmp, name)

    private fun coping(text: String) = CopingStrategy(newItemId(), text, Domain.BOTH)

    private fun TwofoldStore.hasShared(docId: String, id: String): Boolean =
        try { sharedGet(docId, SectionName.COPING_STRATEGIES, id); true } catch (e: TwofoldException.NotFound) { false }

    private fun TwofoldStore.hasOwn(id: String): Boolean =
        try { getCopingStrategy(id); true } catch (e: TwofoldException.NotFound) { false }

    @Test
    fun pairShareEditOfflineConvergeThenDeliverLive() = runBlocking {
        val url = relayUrl()
        val owner = device("Sam")
        val mentor = device("Alex")
        val ownerSync = owner.syncSession(url)
        val mentorSync = mentor.syncSession(url)
        assertEquals(SyncStatus.Idle, mentorSync.status())

        // Pairing through the relay's mailboxes, with syncNow only.
        val invite = owner.createInvite(url, clockMs() + 600_000)
        val pending = mentor.acceptInvite(invite, "Alex")
        assertEquals(PeerStatus.AWAITING_APPROVAL, pending.status)
        val joined = mentorSync.syncNow()
        assertClean(joined)
        assertEquals(1uL, joined.mailboxSent, "the join request went out: $joined")
        var asking: Peer? = null
        for (i in 1..10) {
            assertClean(ownerSync.syncNow())
            asking = owner.peers().singleOrNull { it.status == PeerStatus.NEEDS_DECISION }
            if (asking != null) break
        }
        assertNotNull(asking, "the join request arrived through the relay")
        // Commit-then-reveal: the mentor's screen has no code until the owner's half arrives.
        assertEquals("", pending.verificationCode)
        var shown = ""
        for (i in 1..5) {
            assertClean(ownerSync.syncNow())
            assertClean(mentorSync.syncNow())
            shown = mentor.pairing(owner.deviceId())!!.verificationCode
            if (shown.isNotEmpty()) break
        }
        assertEquals(asking.verificationCode, shown, "both screens show the same code")
        assertEquals(6, shown.length)
        assertEquals("Alex", asking.displayName)
        assertEquals(mentor.deviceId(), asking.id)
        assertEquals(PeerStatus.PAIRED, owner.approvePairing(asking.id).status)
        syncUntilQuiet(ownerSync, mentorSync)
        val ownerSeen = mentor.peers().single()
        assertEquals(Triple(owner.deviceId(), PeerStatus.PAIRED, "Sam"), Triple(ownerSeen.id, ownerSeen.status, ownerSeen.displayName))

        // The plan read-write, the schedule read-only.
        val first = coping("call my sister")
        val meeting = Meeting(
            id = newItemId(), name = "Dual Recovery group", kind = MeetingKind.DUAL_RECOVERY_ANONYMOUS,
            format = MeetingFormat.IN_PERSON, start = "2026-03-03T19:00:00", timeZone = "Europe/Madrid",
            durationMinutes = 90u, rrule = "FREQ=WEEKLY;BYDAY=TU",
        )
        owner.putCopingStrategy(first)
        owner.putMeeting(meeting)
        owner.share(DocumentKind.PLAN, asking.id, Access.WRITE, "weekly sessions", null)
        owner.share(DocumentKind.SCHEDULE, asking.id, Access.READ, "meeting reminders", null)
        syncUntilQuiet(ownerSync, mentorSync)
        val docs = mentor.sharedWithMe()
        assertEquals(setOf(DocumentKind.PLAN to Access.WRITE, DocumentKind.SCHEDULE to Access.READ),
            docs.map { it.kind to it.access }.toSet())
        val plan = docs.single { it.kind == DocumentKind.PLAN }.docId
        val schedule = docs.single { it.kind == DocumentKind.SCHEDULE }.docId
        assertEquals(owner.docId(DocumentKind.PLAN), plan)
        assertEquals(listOf<SectionItem>(SectionItem.CopingStrategies(first)), mentor.sharedList(plan, SectionName.COPING_STRATEGIES))
        assertEquals(SectionItem.Meetings(meeting), mentor.sharedGet(schedule, SectionName.MEETINGS, meeting.id))

        // Offline on both sides, the same item included (different fields); then syncNow.
        owner.putCopingStrategy(first.copy(description = "call my sister, or text her"))
        mentor.sharedPut(plan, SectionItem.CopingStrategies(first.copy(domain = Domain.MENTAL_HEALTH)))
        val fromMentor = coping("box breathing, 4 counts")
        mentor.sharedPut(plan, SectionItem.CopingStrategies(fromMentor))
        assertFailsWith<TwofoldException.NotAllowed> {
            mentor.sharedPut(schedule, SectionItem.Meetings(meeting.copy(id = newItemId())))
        }
        val pushed = ownerSync.syncNow()
        assertClean(pushed)
        assertTrue(pushed.sent > 0uL && pushed.sentBytes > 0uL, "$pushed")
        val crossed = mentorSync.syncNow()
        assertClean(crossed)
        assertTrue(crossed.sent > 0uL && crossed.applied > 0uL, "pushed its edits, got the owner's: $crossed")
        syncUntilQuiet(ownerSync, mentorSync)
        assertIs<SyncStatus.UpToDate>(ownerSync.status())
        val merged = CopingStrategy(first.id, "call my sister, or text her", Domain.MENTAL_HEALTH)
        assertEquals(merged, owner.getCopingStrategy(first.id), "edits of different fields of one item merge")
        assertEquals(fromMentor, owner.getCopingStrategy(fromMentor.id))
        assertEquals(listOf(merged, fromMentor), owner.listCopingStrategies())
        assertEquals(owner.listCopingStrategies().map { SectionItem.CopingStrategies(it) },
            mentor.sharedList(plan, SectionName.COPING_STRATEGIES))
        assertEquals(owner.docHeads(plan), mentor.docHeads(plan))
        assertEquals(owner.docHeads(schedule), mentor.docHeads(schedule))

        // Live: a status listener, then an edit that arrives without any syncNow.
        val statuses = CopyOnWriteArrayList<SyncStatus>()
        val subscription = mentorSync.watchStatus(object : SyncStatusListener {
            override fun onStatus(status: SyncStatus) { statuses.add(status) }
        })
        waitFor("the current status") { statuses.isNotEmpty() }
        assertIs<SyncStatus.UpToDate>(statuses[0], "the last syncNow left it up to date")
        val before = statuses.size
        val snapshots = LinkedBlockingQueue<DocumentSnapshot>()
        val handle = mentor.subscribeSharedDocument(plan, object : DocumentListener {
            override fun onDocument(snapshot: DocumentSnapshot) { snapshots.put(snapshot) }
        })
        val current = assertIs<DocumentSnapshot.Plan>(snapshots.poll(10, TimeUnit.SECONDS))
        assertEquals(listOf(merged, fromMentor), current.plan.copingStrategies)
        ownerSync.startLive()
        mentorSync.startLive()
        assertTrue(ownerSync.isLive() && mentorSync.isLive())
        waitFor("live sync reports UpToDate") { statuses.drop(before).any { it is SyncStatus.UpToDate } }
        val live = coping("text Jo")
        owner.putCopingStrategy(live)
        waitFor("the owner's edit arrives live") { mentor.hasShared(plan, live.id) }
        val next = assertIs<DocumentSnapshot.Plan>(snapshots.poll(10, TimeUnit.SECONDS))
        assertEquals(listOf(merged, fromMentor, live), next.plan.copingStrategies)
        val back = coping("walk together")
        mentor.sharedPut(plan, SectionItem.CopingStrategies(back))
        waitFor("the mentor's edit arrives live") { owner.hasOwn(back.id) }
        waitFor("both sides agree") { owner.docHeads(plan) == mentor.docHeads(plan) }
        assertTrue(statuses.none { it is SyncStatus.Error || it is SyncStatus.StorageFailed }, "$statuses")
        ownerSync.stopLive()
        mentorSync.stopLive()
        assertTrue(!ownerSync.isLive() && !mentorSync.isLive())
        subscription.cancel()
        handle.cancel()
        owner.closeStore()
        mentor.closeStore()
    }

    @Test
    fun anUnreachableRelayIsAnOfflineReportAndAMalformedOneIsInvalidInput() = runBlocking {
        val store = device("Sam")
        store.putCopingStrategy(coping("waiting to go out"))
        store.createInvite(CLOSED_PORT_URL, clockMs() + 600_000) // a mailbox to read
        val session = store.syncSession(CLOSED_PORT_URL)
        val report = session.syncNow()
        assertEquals(SyncProblem.Offline, report.interrupted, "$report")
        assertEquals(listOf(0uL, 0uL, 0uL, 0uL), listOf(report.sent, report.mailboxSent, report.received, report.applied))
        val status = assertIs<SyncStatus.Offline>(session.status())
        assertEquals(SyncProblem.Offline, status.problem)
        for (bad in listOf("not a url", "ftp://relay.example", "")) {
            val e = assertFailsWith<TwofoldException.InvalidInput>(bad) { store.syncSession(bad) }
            assertEquals("relay", e.field)
        }
        store.closeStore()
    }
}
