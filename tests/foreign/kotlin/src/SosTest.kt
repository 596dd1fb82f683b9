// A request for help from Kotlin (ADR 0013): two real stores paired through the suites' relay;
// Sam links his ladder contact to Alex's phone and sends his own words; Alex's listener hears
// it, Alex's overview puts Sam on top even in quiet hours, Alex answers "on my way", Sam sees
// the answer and closes the request. The relay's files never hold the words.
package org.twofold.core.test

import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

private const val WORDS = "CANARY-kt-sos-words-5d1c"

class SosTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private suspend fun device(name: String) = newDevice(tmp, name)

    private class Heard : SosListener {
        val events = CopyOnWriteArrayList<SosEvent>()
        override fun onSos(event: SosEvent) { events.add(event) }
    }

    @Test
    fun anSosReachesTheMentorIsAnsweredAndTopsTheOverview() = runBlocking<Unit> {
        val url = relayUrl()
        val sam = device("Sam")
        val alex = device("Alex")
        val samSync = sam.syncSession(url)
        val alexSync = alex.syncSession(url)
        val alexId = pairThroughRelay(sam, samSync, alex, alexSync, url)

        // Nobody linked yet: not allowed; the app offers the prepared SMS instead.
        assertFailsWith<TwofoldException.NotAllowed> { sam.sendSos(null, null, 300_000) }
        sam.putContact(Contact(
            id = "contact-alex", name = "Alex", roles = listOf(ContactRole.MENTOR),
            phones = listOf(Phone(label = "mobile", number = "+34 600 000 001")), crisisOrder = 1u,
        ))
        sam.linkSosContact("contact-alex", alexId)
        assertEquals(listOf("contact-alex" to alexId), sam.sosLadder().map { it.contactId to it.peer })

        val heard = Heard()
        val handle = alex.subscribeSos(heard)
        val sent = sam.sendSos(WORDS, null, 300_000)
        assertEquals(SosState.OPEN, sent.state)
        syncUntilQuiet(samSync, alexSync)
        for (i in 1..200) { if (heard.events.isNotEmpty()) break; delay(10) }
        assertEquals(1, heard.events.size, "${heard.events}")
        assertIs<SosEvent.Received>(heard.events[0])
        val got = alex.sosReceived().single()
        assertEquals(Triple(sent.sosId, WORDS, "Sam"), Triple(got.sosId, got.text, got.fromName))
        assertTrue(sam.disclosureLog().any { it.what == "sos" && it.peerId == alexId })

        // Alex's overview: Sam on top, and an SOS breaks through quiet hours.
        val minute = ((System.currentTimeMillis() / 60_000) % 1440).toInt()
        alex.setQuietHours(QuietHours(startMinute = ((minute + 23 * 60) % 1440).toUShort(), endMinute = ((minute + 60) % 1440).toUShort()))
        assertEquals(listOf("Sam" to Attention.SOS), alex.mentorView().mentees.map { it.name to it.attention })
        assertTrue(alex.shouldInterrupt(Interruption.SOS))
        assertFalse(alex.shouldInterrupt(Interruption.UPDATE))

        alex.answerSos(sam.deviceId(), sent.sosId, SosReply.ON_MY_WAY)
        syncUntilQuiet(alexSync, samSync)
        val answered = sam.sos(sent.sosId)
        assertEquals(SosState.ANSWERED, answered.state)
        assertEquals(SosReply.ON_MY_WAY, answered.rungs[0].reply)
        sam.closeSos(sent.sosId)
        syncUntilQuiet(samSync, alexSync)
        assertTrue(alex.sosReceived().single().closed)
        handle.cancel()
        assertFalse(relayFilesContain(WORDS), "the relay holds ciphertext only")
    }
}
