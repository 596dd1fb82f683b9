package org.twofold.demo.model

import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.Access
import org.twofold.core.DocumentKind
import org.twofold.core.DocumentSnapshot
import org.twofold.core.PeerStatus
import org.twofold.core.SyncStatus
import org.twofold.kit.Store

/** The real relay started by test-jvm.sh (or CI); without it this test fails, it never skips. */
private fun relayUrl(): String {
    val url = System.getenv("TWOFOLD_RELAY_URL") ?: ""
    assertTrue(url.startsWith("http://127.0.0.1:"), "TWOFOLD_RELAY_URL is '$url': run android-demo/test-jvm.sh")
    return url
}

/**
 * Two phones and a real `twofold-relay` process, through the screens' state holders: Lena
 * pairs with her mentor Rosa (QR invite, the same code on both screens, approval), shares
 * her plan read-write and her wellbeing summary read-only, and with live sync on an edit on
 * either phone arrives on the other's flow.
 */
class TwoDevicesTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private class Phone(val store: Store, val settings: AppSettings) {
        val relays = Relays(store, settings)
    }

    /** Runs [step] on each phone's sync until [done] holds (at most 20 rounds). */
    private suspend fun syncUntil(what: String, vararg phones: Phone, done: suspend () -> Boolean) {
        repeat(20) {
            if (done()) return
            for (p in phones) p.relays.all().forEach { it.syncNow() }
        }
        assertTrue(done(), "not reached after 20 sync rounds: $what")
    }

    private suspend fun checkInToday(store: Store) {
        val today = java.time.LocalDate.now(REAL_CLOCK).toString()
        store.call { recordCheckIn(org.twofold.core.NewCheckIn(day = today, mood = 6u, craving = 2u, note = "private words"), null) }
    }

    @Test
    fun anUnreachableRelayMakesTheWorkerRetryLater() = runBlocking {
        val store = openStore(tmp.root, "offline")
        try {
            val relays = Relays(store, InMemorySettings(relayUrl = "http://127.0.0.1:9"))
            store.call { createInvite("http://127.0.0.1:9", System.currentTimeMillis() + 600_000) }
            assertEquals(SyncOutcome.RETRY_LATER, BackgroundSync.runOnce(relays))
        } finally {
            store.close()
        }
    }

    @Test
    fun pairShareAndAnEditOnOnePhoneArrivesOnTheOthersFlow() = runBlocking {
        val url = relayUrl()
        val scope = modelScope()
        val lena = Phone(openStore(tmp.root, "lena"), InMemorySettings(relayUrl = url))
        val rosa = Phone(openStore(tmp.root, "rosa"), InMemorySettings()) // learns the relay from the invite
        try {
            // --- pairing: QR invite, the same six digits on both screens, approval -----------
            val lenaPairing = PairingModel(lena.store, lena.relays, lena.settings, REAL_CLOCK, scope)
            val rosaPairing = PairingModel(rosa.store, rosa.relays, rosa.settings, REAL_CLOCK, scope)
            lenaPairing.setDisplayName("Lena").join()
            lenaPairing.createInvite().join()
            val invite = assertNotNull(lenaPairing.state.value.invite, "${lenaPairing.problem.value}")
            rosaPairing.acceptInvite(invite, "Rosa").join()
            val rosaWaits = assertNotNull(rosaPairing.state.value.pending, "${rosaPairing.problem.value}")
            assertEquals(PeerStatus.AWAITING_APPROVAL, rosaWaits.status)
            assertEquals("", rosaWaits.verificationCode, "no code before Lena's phone answers")
            withTimeout(30_000) { lenaPairing.waitForAnswer(everyMs = 100) }
            val lenaSees = assertNotNull(lenaPairing.state.value.pending, "Rosa's answer arrived")
            rosaPairing.checkForApproval().join()
            val rosaSees = assertNotNull(rosaPairing.state.value.pending, "${rosaPairing.problem.value}")
            assertEquals(lenaSees.verificationCode, rosaSees.verificationCode, "both screens show the same code")
            assertEquals(6, rosaSees.verificationCode.length)
            assertEquals("Rosa", lenaSees.displayName)
            lenaPairing.approve(lenaSees.id).join()
            withTimeout(30_000) { rosaPairing.waitForApproval(everyMs = 100) }
            assertEquals(PeerStatus.PAIRED, rosaPairing.state.value.peers.single().status)
            assertEquals(url, rosa.relays.all().single().url, "Rosa syncs with Lena's relay only")

            // --- sharing and consent --------------------------------------------------------
            val lenaPlan = PlanModel(lena.store, scope)
            lenaPlan.state.awaitState("plan loaded") { it.loaded }
            lenaPlan.startNew(PlanSection.COPING_STRATEGIES)
            lenaPlan.editField("description", "call my sister")
            lenaPlan.save().join()
            val sharing = SharingModel(lena.store, lena.relays, REAL_CLOCK, scope)
            sharing.refresh().join()
            val mentorId = sharing.state.value.peers.single().id
            sharing.share(DocumentKind.PLAN, mentorId, Access.WRITE, "weekly sessions", expiresInDays = 90).join()
            sharing.share(DocumentKind.SUMMARY, mentorId, Access.READ, "how I'm doing", expiresInDays = null).join()
            val consent = sharing.state.value
            assertEquals(setOf(DocumentKind.PLAN, DocumentKind.SUMMARY), consent.active.map { it.kind }.toSet())
            assertEquals("weekly sessions", consent.active.single { it.kind == DocumentKind.PLAN }.purpose)
            assertNotNull(consent.active.single { it.kind == DocumentKind.PLAN }.expiresAtMs)

            val mentee = SharedWithMeModel(rosa.store, scope)
            syncUntil("Rosa has Lena's plan", lena, rosa) {
                mentee.refresh().join()
                mentee.state.value.people.singleOrNull()?.documents?.any { it.kind == DocumentKind.PLAN } == true
            }
            val person = mentee.state.value.people.single()
            assertEquals("Lena", person.name)
            val planDoc = person.documents.single { it.kind == DocumentKind.PLAN }
            assertEquals(Access.WRITE, planDoc.access)

            // --- live: an edit on one phone arrives on the other's flow ---------------------
            val views = Channel<List<String>>(Channel.UNLIMITED)
            val watcher = launch(Dispatchers.Default) {
                mentee.open(planDoc).collect { view ->
                    val plan = assertIs<DocumentSnapshot.Plan>(assertIs<SharedView.Document>(view).snapshot).plan
                    views.send(plan.copingStrategies.map { it.description })
                }
            }
            suspend fun nextView() = withTimeout(15_000) { views.receive() }
            assertEquals(listOf("call my sister"), nextView())

            val lenaSync = SyncModel(lena.relays, scope)
            val rosaSync = SyncModel(rosa.relays, scope)
            lenaSync.startLive().join()
            rosaSync.startLive().join()
            assertTrue(rosaSync.state.value.relays.single().live)
            lena.relays.all().single().status.awaitState("live sync up to date") { it is SyncStatus.UpToDate }

            lenaPlan.startNew(PlanSection.COPING_STRATEGIES)
            lenaPlan.editField("description", "text Jo")
            lenaPlan.save().join()
            var seen = nextView()
            while (seen.size < 2) seen = nextView()
            assertEquals(listOf("call my sister", "text Jo"), seen, "Lena's edit arrived on Rosa's flow, no sync asked")

            mentee.addCopingToShared(planDoc.docId, "walk together").join()
            lenaPlan.state.awaitState("Rosa's edit arrives on Lena's plan", timeoutMs = 15_000) { s ->
                s.sections.single { it.section == PlanSection.COPING_STRATEGIES }.entries.any { it.title == "walk together" }
            }
            watcher.cancel()

            // --- the mentor's view of the summary; a note and a suggestion back ---------------
            checkInToday(lena.store)
            val summaryDoc = person.documents.single { it.kind == DocumentKind.SUMMARY }
            assertEquals(Access.READ, summaryDoc.access)
            syncUntil("the summary has this week", lena, rosa) {
                val view = withTimeout(10_000) { mentee.open(summaryDoc).first() }
                assertIs<SharedView.Wellbeing>(view).weeks.isNotEmpty()
            }
            val wellbeing = assertIs<SharedView.Wellbeing>(withTimeout(10_000) { mentee.open(summaryDoc).first() })
            assertEquals(1u, wellbeing.weeks.last().checkIns, "numbers only: never the note")
            mentee.addNote(person.id, "Proud of you this week").join()
            mentee.suggestCoping(person.id, "cold water on the face", "it worked for me").join()
            assertEquals(null, mentee.problem.value)
            val fromMentor = SharedWithMeModel(lena.store, scope)
            syncUntil("Lena has Rosa's note and suggestion", lena, rosa) {
                fromMentor.refresh().join()
                fromMentor.state.value.notes.isNotEmpty() && fromMentor.state.value.suggestions.isNotEmpty()
            }
            assertEquals("Proud of you this week", fromMentor.state.value.notes.single().note.text)
            val suggestion = fromMentor.state.value.suggestions.single()
            assertEquals("Rosa", suggestion.fromName)
            assertEquals("cold water on the face", suggestion.title())
            assertEquals("it worked for me", suggestion.suggestion.message)
            fromMentor.accept(suggestion).join()
            lenaPlan.state.awaitState("the accepted suggestion is in Lena's plan") { s ->
                s.sections.single { it.section == PlanSection.COPING_STRATEGIES }.entries.any { it.title == "cold water on the face" }
            }

            // --- the disclosure log, and a revocation ----------------------------------------
            sharing.refresh().join()
            assertTrue(sharing.state.value.disclosures.any { it.kind == DocumentKind.PLAN && it.peerId == mentorId })
            sharing.revoke(DocumentKind.PLAN, mentorId).join()
            val ended = sharing.state.value.ended.single { it.kind == DocumentKind.PLAN }
            assertEquals("revoked", ended.endReason)
            lenaSync.stopLive().join()
            rosaSync.stopLive().join()
            assertEquals(SyncOutcome.DONE, BackgroundSync.runOnce(rosa.relays), "the worker's sync, with a relay there")
        } finally {
            scope.cancel()
            lena.store.close()
            rosa.store.close()
        }
    }
}
