// Pairing, sharing and sync from Kotlin: two real stores driven through the FFI's sans-IO
// engine and a map relay written here (dense positions per stream, capability tokens checked
// against their hashes, mailboxes), the way an Android app with its own transport would.
package org.twofold.core.test

import java.io.File
import java.security.MessageDigest
import java.security.SecureRandom
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

/** The relay's contract in a few maps: it stores opaque bytes and token hashes, nothing else. */
private class MapRelay {
    class Stream(val readHash: String, val appendHash: String) {
        val records = mutableListOf<ByteArray>()
    }

    val streams = mutableMapOf<String, Stream>()
    val mailboxes = mutableMapOf<String, MutableList<ByteArray>>()

    fun append(e: OutgoingEnvelope): ULong? {
        val s = streams.getOrPut(e.stream) { Stream(e.readTokenHash, e.appendTokenHash) }
        if (tokenHash(e.appendToken) != s.appendHash) return null
        val existing = s.records.indexOfFirst { it.contentEquals(e.envelope) }
        if (existing >= 0) return (existing + 1).toULong()
        s.records.add(e.envelope)
        return s.records.size.toULong()
    }

    fun read(stream: String, token: String, after: ULong): List<Pair<ULong, ByteArray>> {
        val s = streams[stream] ?: return emptyList()
        if (tokenHash(token) != s.readHash) return emptyList()
        return s.records.mapIndexed { i, r -> (i + 1).toULong() to r }.filter { it.first > after }
    }

    fun post(mailbox: String, bytes: ByteArray) {
        val box = mailboxes.getOrPut(mailbox) { mutableListOf() }
        if (box.none { it.contentEquals(bytes) }) box.add(bytes)
    }

    fun readMailbox(mailbox: String, after: ULong): List<Pair<ULong, ByteArray>> =
        (mailboxes[mailbox] ?: emptyList()).mapIndexed { i, r -> (i + 1).toULong() to r }.filter { it.first > after }

    fun allBytes(): List<ByteArray> = streams.values.flatMap { it.records } + mailboxes.values.flatten()

    companion object {
        /** docs/protocol.md: the relay stores H("twofold/v1/token-hash" ‖ token). */
        fun tokenHash(tokenHex: String): String {
            val sha = MessageDigest.getInstance("SHA-256")
            sha.update("twofold/v1/token-hash".toByteArray())
            sha.update(tokenHex.chunked(2).map { it.toInt(16).toByte() }.toByteArray())
            return sha.digest().joinToString("") { "%02x".format(it) }
        }
    }
}

private fun nowMs(): Long = System.currentTimeMillis()

/** One round of one device; returns how much moved. */
private suspend fun syncRound(store: TwofoldStore, relay: MapRelay): Int {
    val now = nowMs()
    var moved = 0
    val out = store.syncOutgoing(now)
    for (post in out.mailbox) {
        relay.post(post.mailbox, post.bytes)
        store.syncMailboxPosted(post.id)
        moved++
    }
    for (e in out.envelopes) {
        assertNotNull(relay.append(e), "the append token matches its hash")
        store.syncAcked(e.id, now)
        moved++
    }
    for (m in store.syncMailboxFollows()) {
        for ((pos, bytes) in relay.readMailbox(m.mailbox, m.after)) {
            if (store.syncReceiveMailbox(m.mailbox, pos, bytes, now) is Received.Control) moved++
        }
    }
    val seen = mutableSetOf<Pair<String, ULong>>()
    while (true) {
        val follows = store.syncFollows().filter { (it.stream to it.after) !in seen }
        if (follows.isEmpty()) return moved
        for (f in follows) {
            seen.add(f.stream to f.after)
            for ((pos, bytes) in relay.read(f.stream, f.readToken, f.after)) {
                when (store.syncReceive(f.stream, pos, bytes, now)) {
                    is Received.Applied, is Received.Control -> moved++
                    else -> {}
                }
            }
        }
    }
}

private suspend fun settle(relay: MapRelay, vararg stores: TwofoldStore) {
    repeat(30) {
        var moved = 0
        for (s in stores) moved += syncRound(s, relay)
        if (moved == 0) return
    }
    error("sync did not settle")
}

class SharingTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private suspend fun device(name: String): TwofoldStore {
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        return TwofoldStore.open(File(tmp.root, "$name.db").path, key).also { it.setDisplayName(name) }
    }

    private fun coping(text: String) = CopingStrategy(newItemId(), text, Domain.BOTH)

    @Test
    fun pairShareSyncAndReadOnTheMentorsSide() = runBlocking {
        val relay = MapRelay()
        val owner = device("Sam")
        val mentor = device("Alex")

        // Pairing: both screens show the same code; the owner approves.
        val invite = owner.createInvite("https://relay.example", nowMs() + 600_000)
        val pending = mentor.acceptInvite(invite, "Alex")
        assertEquals(PeerStatus.AWAITING_APPROVAL, pending.status)
        settle(relay, mentor, owner)
        val asking = owner.peers().single()
        assertEquals(PeerStatus.NEEDS_DECISION, asking.status)
        assertEquals("Alex", asking.displayName)
        assertEquals(pending.verificationCode, asking.verificationCode)
        assertEquals(mentor.deviceId(), asking.id)
        owner.approvePairing(asking.id)
        settle(relay, owner, mentor)
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
        settle(relay, owner, mentor)

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
        settle(relay, owner, mentor)
        assertEquals(CopingStrategy(first.id, "call my sister, or text her", Domain.MENTAL_HEALTH), owner.getCopingStrategy(first.id))
        assertEquals(fromMentor, owner.getCopingStrategy(fromMentor.id))
        assertEquals(owner.listCopingStrategies().map { SectionItem.CopingStrategies(it) }, mentor.sharedList(plan, SectionName.COPING_STRATEGIES))
        assertEquals(owner.docHeads(plan), mentor.docHeads(plan))
        assertEquals(Author.Peer(mentor.deviceId(), "Alex"), owner.authorship(plan, SectionName.COPING_STRATEGIES, fromMentor.id).createdBy)
        assertEquals(Author.ThisDevice, mentor.authorship(plan, SectionName.COPING_STRATEGIES, fromMentor.id).createdBy)
        val log = owner.disclosureLog()
        assertTrue(log.any { it.kind == DocumentKind.PLAN && it.what == "snapshot" })
        assertTrue(log.all { it.peerId == asking.id })
        assertTrue(relay.allBytes().none { String(it, Charsets.ISO_8859_1).contains("call my sister") }, "the relay sees ciphertext only")

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
        settle(relay, owner, mentor)
        assertNull(mentor.sharedWithMe().single { it.kind == DocumentKind.PLAN }.access)
        assertFailsWith<TwofoldException.NotFound> { mentor.sharedGet(plan, SectionName.COPING_STRATEGIES, after.id) }
        assertEquals(SectionItem.CopingStrategies(fromMentor), mentor.sharedGet(plan, SectionName.COPING_STRATEGIES, fromMentor.id))
        assertEquals("revoked", owner.shares().single { it.kind == DocumentKind.PLAN && it.endedAtMs != null }.endReason)

        owner.closeStore()
        mentor.closeStore()
    }
}
