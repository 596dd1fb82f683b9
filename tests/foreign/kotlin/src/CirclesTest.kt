// Peer circles from Kotlin (ADR 0019), through the suites' real relay: a host starts a circle,
// two members join with a circle invite and the code comparison, post while apart and see one
// order; a reaction, a status and the pinned note reach the others; nobody met in the circle is
// in the people list; the host removes a member, who gets nothing new and can no longer post;
// and the relay's files hold none of the words. The Python suite's test_circles.py, in Kotlin.
package org.twofold.core.test

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

class CirclesTest {
    @get:Rule
    val tmp = TemporaryFolder()

    /** The host's invite, answered by `member` under `name`; the codes compared; approved. */
    private suspend fun join(
        host: TwofoldStore, hostSync: SyncSession, circle: String,
        member: TwofoldStore, memberSync: SyncSession, name: String, url: String,
    ): String {
        val invite = host.createCircleInvite(circle, url, System.currentTimeMillis() + 600_000)
        assertTrue(invite.startsWith("twofold:circle:2:"), invite)
        assertEquals("invite", assertFailsWith<TwofoldException.InvalidInput> { member.acceptInvite(invite, name) }.field)
        val pending = member.acceptCircleInvite(invite, name)
        settle(memberSync, hostSync)
        val asking = host.circleJoinRequests(circle).single()
        assertEquals("", pending.verificationCode)
        assertEquals(member.pairing(host.deviceId())!!.verificationCode, asking.verificationCode)
        host.approvePairing(asking.id)
        settle(hostSync, memberSync)
        return asking.id
    }

    /** Syncs until a round moves nothing. A join or a removal starts a new epoch, so a member
     *  that wrote on the old stream meanwhile is refused as `stale_epoch` (ADR 0004's window);
     *  any other refusal fails the test. */
    private suspend fun settle(vararg sessions: SyncSession) {
        repeat(10) {
            var moved = 0uL
            for (s in sessions) {
                val r = s.syncNow()
                assertEquals(null, r.interrupted, "$r")
                assertEquals(emptyList(), r.rejected.map { it.reason }.filter { it != "stale_epoch" }, "$r")
                moved += r.sent + r.mailboxSent + r.applied
            }
            if (moved == 0uL) return
        }
        error("the devices did not settle in 10 rounds")
    }

    private fun texts(store: TwofoldStore, circle: String) = store.circle(circle).messages.map { it.text }

    @Test
    fun aCircleMergesPostsInOneOrderAndARemovedMemberGetsNothingNew() = runBlocking {
        val url = relayUrl()
        val host = newDevice(tmp, "Samantha")
        val anna = newDevice(tmp, "Anna")
        val ben = newDevice(tmp, "Ben")
        val hostSync = host.syncSession(url)
        val annaSync = anna.syncSession(url)
        val benSync = ben.syncSession(url)

        val circle = host.createCircle("KT-CIRCLE Tuesday group", "Sam")
        host.setCircleGuidelines(circle, "What is said here stays here.")
        join(host, hostSync, circle, anna, annaSync, "KT-NAME Anna", url)
        val benId = join(host, hostSync, circle, ben, benSync, "Ben", url)
        settle(hostSync, annaSync, benSync)

        // Apart: each posts; then everyone meets and every copy shows one order.
        val first = anna.postCircleMessage(circle, "KT-MSG anna", null)
        ben.postCircleMessage(circle, "KT-MSG ben", null)
        host.postCircleMessage(circle, "KT-MSG sam", null)
        ben.setCircleStatus(circle, "KT-STATUS tired but ok", "#3a7bd5")
        settle(hostSync, annaSync, benSync)
        settle(hostSync, annaSync, benSync)
        val order = host.circle(circle).messages.map { it.id }
        assertEquals(3, order.size)
        assertEquals(order, anna.circle(circle).messages.map { it.id })
        assertEquals(order, ben.circle(circle).messages.map { it.id })

        host.reactInCircle(circle, first, "💛")
        settle(hostSync, annaSync)
        val view = anna.circle(circle)
        assertEquals(listOf("💛"), view.messages.single { it.id == first }.reactions.map { it.reaction })
        assertEquals(listOf("KT-STATUS tired but ok"), view.statuses.map { it.words })
        assertEquals("What is said here stays here.", view.guidelines)
        assertEquals(listOf("Ben", "KT-NAME Anna", "Sam"), view.members.map { it.name }.sorted())
        assertEquals(CircleRole.MEMBER, view.summary.myRole)
        assertTrue(view.summary.active)

        // Circle members are not the person's people.
        assertEquals(emptyList(), host.peers())
        assertEquals(emptyList(), anna.peers())

        // A member cannot remove anyone; the host removes Ben, who gets nothing new.
        assertFailsWith<TwofoldException.InvalidInput> { anna.removeCircleMember(circle, benId) }
        host.removeCircleMember(circle, benId)
        settle(hostSync, annaSync, benSync)
        host.postCircleMessage(circle, "KT-AFTER-BEN", null)
        settle(hostSync, annaSync, benSync)
        assertTrue("KT-AFTER-BEN" in texts(anna, circle))
        assertFalse("KT-AFTER-BEN" in texts(ben, circle))
        assertFalse(ben.circle(circle).summary.active)
        assertFailsWith<TwofoldException.NotAllowed> { ben.postCircleMessage(circle, "KT-BEN-LATE", null) }

        // Hidden for me: only here.
        anna.hideCircleMessage(circle, first, false)
        assertFalse(first in anna.circle(circle).messages.map { it.id })
        assertTrue(first in host.circle(circle).messages.map { it.id })

        for (word in listOf("KT-CIRCLE", "KT-NAME", "KT-MSG", "KT-STATUS", "KT-AFTER-BEN")) {
            assertFalse(relayFilesContain(word), "the relay's files hold $word")
        }
        host.closeStore()
        anna.closeStore()
        ben.closeStore()
    }
}
