package org.twofold.demo.model

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.Access
import org.twofold.core.CopingStrategy
import org.twofold.core.DocumentKind
import org.twofold.core.Domain
import org.twofold.core.PeerStatus
import org.twofold.core.newItemId
import org.twofold.kit.Store

/**
 * "Your devices" through its state holder, with a real `twofold-relay` process: Lena's phone
 * shows a link code, her tablet answers it, both show the same digits, the phone approves and
 * the tablet waits until every document has arrived; the phone lists the tablet, the tablet
 * the phone it is linked to. Then "Remove this device", kept once and confirmed once: the
 * tablet leaves the list, and when it next syncs the person's plan leaves it; it says it was
 * removed from Lena's devices, and a new code links it again.
 */
class LinkDeviceTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private class Device(val store: Store, val settings: AppSettings) {
        val relays = Relays(store, settings)
    }

    private fun relayUrl(): String {
        val url = System.getenv("TWOFOLD_RELAY_URL") ?: ""
        assertTrue(url.startsWith("http://127.0.0.1:"), "TWOFOLD_RELAY_URL is '$url': run android-demo/test-jvm.sh")
        return url
    }

    private suspend fun copings(store: Store) = store.call { listCopingStrategies() }.map { it.description }

    @Test
    fun linkATabletThenRemoveIt() = runBlocking {
        val url = relayUrl()
        val scope = modelScope()
        val phone = Device(openStore(tmp.root, "phone"), InMemorySettings(relayUrl = url))
        val tablet = Device(openStore(tmp.root, "tablet"), InMemorySettings()) // the code names the relay
        try {
            phone.store.call { setDisplayName("Lena") }
            phone.store.call { putCopingStrategy(CopingStrategy(newItemId(), "walk by the river", Domain.BOTH)) }
            val onPhone = LinkDeviceModel(phone.store, phone.relays, phone.settings, REAL_CLOCK, scope)
            val onTablet = LinkDeviceModel(tablet.store, tablet.relays, tablet.settings, REAL_CLOCK, scope)

            // No relay chosen: the phone says so instead of showing a code.
            val noRelay = LinkDeviceModel(phone.store, phone.relays, InMemorySettings(), REAL_CLOCK, scope)
            noRelay.showLinkCode().join()
            assertTrue(noRelay.state.value.needsRelay)
            assertNull(noRelay.state.value.invite)

            // A mentor's pairing code is refused on the tablet, with a reason to show.
            val pairingCode = phone.store.call { createInvite(url, System.currentTimeMillis() + 600_000) }
            onTablet.join(pairingCode, "Lena's tablet").join()
            assertEquals(LinkRefusal.NOT_A_LINK_CODE, onTablet.state.value.refusal)
            assertNull(onTablet.state.value.joining)

            // A code the phone declines ("Not my device"): the tablet says so, then starts over.
            onPhone.showLinkCode().join()
            onTablet.join(assertNotNull(onPhone.state.value.invite), "Lena's tablet").join()
            withTimeout(30_000) { onPhone.waitForNewDevice(everyMs = 100) }
            onPhone.decline(assertNotNull(onPhone.state.value.asking).id).join()
            assertNull(onPhone.state.value.asking)
            assertEquals(emptyList(), onPhone.state.value.devices)
            withTimeout(30_000) { onTablet.waitForDocuments(everyMs = 100) }
            assertEquals(PeerStatus.DECLINED, onTablet.state.value.joining?.status)
            assertTrue(!onTablet.state.value.documentsArrived)
            onTablet.startOver()
            assertNull(onTablet.state.value.joining)

            // The code, the same digits on both screens, the approval.
            onPhone.showLinkCode().join()
            val code = assertNotNull(onPhone.state.value.invite, "${onPhone.problem.value}")
            assertTrue(code.startsWith("twofold:link:2:"), code)
            onTablet.join("  $code\n", "Lena's tablet").join() // pasted, with the spaces a paste brings
            assertNull(onTablet.state.value.refusal)
            val waiting = assertNotNull(onTablet.state.value.joining, "${onTablet.problem.value}")
            assertEquals(PeerStatus.AWAITING_APPROVAL, waiting.status)
            assertEquals("", waiting.verificationCode, "no digits before the phone answers")
            withTimeout(30_000) { onPhone.waitForNewDevice(everyMs = 100) }
            val asking = assertNotNull(onPhone.state.value.asking)
            assertEquals("Lena's tablet", asking.displayName)
            onTablet.checkForApproval().join()
            val shown = assertNotNull(onTablet.state.value.joining).verificationCode
            assertEquals(asking.verificationCode, shown, "both screens show the same digits")
            assertEquals(6, shown.length)
            val pairing = PairingModel(phone.store, phone.relays, phone.settings, REAL_CLOCK, scope)
            pairing.checkForAnswer().join()
            assertNull(pairing.state.value.pending, "a device asking to link is not a mentor asking to pair")
            assertEquals(emptyList(), pairing.state.value.peers)

            onPhone.approve(asking.id).join()
            assertNull(onPhone.state.value.asking)
            assertNull(onPhone.state.value.invite, "a code works once")
            assertEquals(listOf("Lena's tablet"), onPhone.state.value.devices.map { it.displayName })
            assertNull(onPhone.state.value.linkedTo)

            withTimeout(60_000) { onTablet.waitForDocuments(everyMs = 100) }
            val linked = onTablet.state.value
            assertTrue(linked.documentsArrived, "$linked ${onTablet.problem.value}")
            assertEquals(PeerStatus.PAIRED, linked.joining?.status)
            assertEquals("Lena", linked.linkedTo?.displayName)
            assertEquals(emptyList(), linked.devices, "the tablet cannot remove the phone")
            for (kind in LinkDeviceModel.PERSONS_KINDS) {
                assertEquals(phone.store.call { docId(kind) }, tablet.store.call { docId(kind) }, "$kind")
            }
            assertEquals(listOf("walk by the river"), copings(tablet.store))

            // A device already linked (or paired) is not linked again.
            onPhone.showLinkCode().join()
            onTablet.join(assertNotNull(onPhone.state.value.invite), "Lena's tablet").join()
            assertEquals(LinkRefusal.ALREADY_PAIRED, onTablet.state.value.refusal)

            // "Remove this device": asked first; kept once, then confirmed.
            val device = onPhone.state.value.devices.single()
            onPhone.askToRemove(device)
            assertEquals(device, onPhone.state.value.confirmingRemoval)
            onPhone.keepDevice()
            assertNull(onPhone.state.value.confirmingRemoval)
            onPhone.refresh().join()
            assertEquals(1, onPhone.state.value.devices.size, "kept")
            onPhone.askToRemove(device)
            onPhone.confirmRemoval().join()
            assertNull(onPhone.problem.value)
            assertNull(onPhone.state.value.confirmingRemoval)
            assertEquals(emptyList(), onPhone.state.value.devices)
            assertTrue(phone.store.call { shares() }.filter { it.peer == device.id }.all { it.endedAtMs != null })

            // The tablet's next syncs: the person's plan leaves it; the phone hears nothing new.
            phone.store.call { putCopingStrategy(CopingStrategy(newItemId(), "PHONE-AFTER-REMOVAL", Domain.BOTH)) }
            phone.relays.all().forEach { it.syncNow() }
            repeat(3) { tablet.relays.session(url).syncNow() }
            assertEquals(emptyList(), copings(tablet.store), "the person's plan left the removed tablet")
            assertTrue(tablet.store.call { docId(DocumentKind.PLAN) } != phone.store.call { docId(DocumentKind.PLAN) })

            // The tablet says it was removed, and from whose devices (not that a request was
            // declined); a new code from the phone links it again.
            onTablet.refresh().join()
            val removed = onTablet.state.value
            assertEquals("Lena", removed.removedFrom?.displayName, "$removed")
            assertNull(removed.linkedTo)
            assertNull(removed.joining, "a removal is not a declined request")
            assertTrue(!removed.isMain)
            onPhone.showLinkCode().join()
            onTablet.join(assertNotNull(onPhone.state.value.invite), "Lena's tablet").join()
            assertNull(onTablet.state.value.refusal, "a removed device can be linked again")
            assertEquals(PeerStatus.AWAITING_APPROVAL, onTablet.state.value.joining?.status)
            assertNull(onTablet.state.value.removedFrom)
            withTimeout(30_000) { onPhone.waitForNewDevice(everyMs = 100) }
            assertEquals("Lena's tablet", onPhone.state.value.asking?.displayName)
        } finally {
            scope.cancel()
            phone.store.close()
            tablet.store.close()
        }
    }

    /**
     * "My phone is lost" on the tablet: refused while the phone has handed nothing over, asked
     * first, then the tablet takes the phone's place. It is the person's main device, and the
     * mentor paired with the phone follows it: her overview shows Lena on the tablet.
     */
    @Test
    fun theTabletTakesThePlaceOfTheLostPhone() = runBlocking {
        val url = relayUrl()
        val scope = modelScope()
        val phone = Device(openStore(tmp.root, "phone"), InMemorySettings(relayUrl = url))
        val mentor = Device(openStore(tmp.root, "mentor"), InMemorySettings())
        val tablet = Device(openStore(tmp.root, "tablet"), InMemorySettings())
        suspend fun settle(vararg order: Device) = order.forEach { d -> d.relays.all().forEach { it.syncNow() } }
        try {
            // Rosa pairs with Lena's phone; the phone shares its plan with her.
            val lenaPairing = PairingModel(phone.store, phone.relays, phone.settings, REAL_CLOCK, scope)
            val rosaPairing = PairingModel(mentor.store, mentor.relays, mentor.settings, REAL_CLOCK, scope)
            lenaPairing.setDisplayName("Lena").join()
            lenaPairing.createInvite().join()
            rosaPairing.acceptInvite(assertNotNull(lenaPairing.state.value.invite), "Rosa").join()
            withTimeout(30_000) { lenaPairing.waitForAnswer(everyMs = 100) }
            lenaPairing.approve(assertNotNull(lenaPairing.state.value.pending).id).join()
            withTimeout(30_000) { rosaPairing.waitForApproval(everyMs = 100) }
            val rosaId = lenaPairing.state.value.peers.single().id
            phone.store.call { share(DocumentKind.PLAN, rosaId, Access.WRITE, "support", null) }

            // The tablet asks to link. Before the phone handed anything over, taking its place
            // is refused with a message that says why.
            val onPhone = LinkDeviceModel(phone.store, phone.relays, phone.settings, REAL_CLOCK, scope)
            val onTablet = LinkDeviceModel(tablet.store, tablet.relays, tablet.settings, REAL_CLOCK, scope)
            onPhone.showLinkCode().join()
            onTablet.join(assertNotNull(onPhone.state.value.invite), "Lena's tablet").join()
            val waiting = assertNotNull(onTablet.state.value.joining, "${onTablet.problem.value}")
            onTablet.askToTakeOver(waiting)
            onTablet.confirmTakeover().join()
            assertTrue(onTablet.state.value.takeoverRefused, "${onTablet.state.value} ${onTablet.problem.value}")
            assertNull(onTablet.problem.value)

            withTimeout(30_000) { onPhone.waitForNewDevice(everyMs = 100) }
            onPhone.approve(assertNotNull(onPhone.state.value.asking).id).join()
            withTimeout(60_000) { onTablet.waitForDocuments(everyMs = 100) }
            settle(phone, mentor, tablet)
            settle(mentor, tablet, phone)
            onTablet.refresh().join()
            val lost = assertNotNull(onTablet.state.value.linkedTo, "${onTablet.state.value}")
            assertEquals("Lena", lost.displayName)
            assertTrue(!onTablet.state.value.isMain)

            // "My phone is lost": asked first; "Not now" once, then confirmed.
            onTablet.askToTakeOver(lost)
            assertEquals(lost, onTablet.state.value.confirmingTakeover)
            assertTrue(!onTablet.state.value.takeoverRefused)
            onTablet.keepWaiting()
            assertNull(onTablet.state.value.confirmingTakeover)
            onTablet.refresh().join()
            assertEquals(lost, onTablet.state.value.linkedTo, "kept")
            onTablet.askToTakeOver(lost)
            onTablet.confirmTakeover().join()
            val took = onTablet.state.value
            assertNull(onTablet.problem.value)
            assertTrue(!took.takeoverRefused, "$took")
            assertNull(took.confirmingTakeover)
            assertNull(took.linkedTo, "$took")
            assertNull(took.removedFrom)
            assertTrue(took.isMain, "this device is the person's main device now")
            assertEquals(url, tablet.settings.relayUrl, "the lost phone's relay is this device's now")

            // Rosa follows at her next sync: her overview shows Lena on the tablet.
            val tabletId = tablet.store.call { deviceId() }
            suspend fun rosaSees() = mentor.store.call { mentorView() }.mentees.map { it.peer to it.name }
            repeat(10) { if (rosaSees() != listOf(tabletId to "Lena")) settle(mentor, tablet) }
            assertEquals(listOf(tabletId to "Lena"), rosaSees(), "tablet syncs with ${tablet.relays.all().map { it.url }}")
        } finally {
            scope.cancel()
            phone.store.close()
            mentor.store.close()
            tablet.store.close()
        }
    }
}
