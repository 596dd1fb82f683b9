package org.twofold.demo.model

import java.time.Clock
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import org.twofold.core.DocumentKind
import org.twofold.core.Peer
import org.twofold.core.PeerStatus
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

/** Why the core refused to link this device, for a message that says what to do. */
enum class LinkRefusal {
    /** Not a link code (a mentor's pairing code, a typo) or an old one. */
    NOT_A_LINK_CODE,
    /** This device already pairs or shares with someone: a device is linked before that. */
    ALREADY_PAIRED,
}

data class LinkDeviceState(
    /** This phone: the link code to show as a QR code and as text (it works once). */
    val invite: String? = null,
    /** This phone: a new device that answered the code. Compare its digits, then approve. */
    val asking: Peer? = null,
    /** The new device: the phone it asked to join, while waiting and once approved. */
    val joining: Peer? = null,
    /** The new device: every one of the person's documents has arrived from the phone. */
    val documentsArrived: Boolean = false,
    /** Devices this one linked: each can be removed from here. */
    val devices: List<Peer> = emptyList(),
    /** The device this one was linked to, if any. Devices are removed there, not here. */
    val linkedTo: Peer? = null,
    /** The device the person asked to remove, until they confirm or keep it. */
    val confirmingRemoval: Peer? = null,
    /** No relay chosen yet: linking needs one. */
    val needsRelay: Boolean = false,
    /** The new device: why the core refused the code, for a message that says what to do. */
    val refusal: LinkRefusal? = null,
)

/**
 * "Your devices": linking the person's new phone or tablet (ADR 0012), and removing a lost one.
 *
 * On the phone: a link code, shown as a QR code and as text; the new device answers it and both
 * screens show the same six digits; the person compares them and approves. The phone then sends
 * every one of the person's documents to the new device with the next syncs.
 *
 * On the new device: the code scanned or pasted, the same digits shown, then waiting for the
 * approval and for the documents. What the device held before is kept (it merges in).
 *
 * Removing a device ends everything it could read: it gets nothing new, its later changes are
 * refused, and if it comes online again it deletes what it had. The screen asks first.
 *
 * The messages travel through the relay's mailboxes like pairing's, so each step syncs once;
 * the `waitFor…` loops do that every [POLL_MS] while the screen is shown.
 */
class LinkDeviceModel(
    private val store: Store,
    private val relays: Relays,
    private val settings: AppSettings,
    private val clock: Clock,
    scope: CoroutineScope,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(LinkDeviceState())
    val state: StateFlow<LinkDeviceState> = _state.asStateFlow()

    /**
     * The new device's own document ids before it answered the code: each is replaced by the
     * person's when it arrives, so "every id changed" is "everything arrived". Kept in memory
     * only: after a restart the screen shows the devices, without the waiting step.
     */
    private var ownDocsBefore: Map<DocumentKind, String> = emptyMap()

    fun refresh(): Job = act { publish() }

    // --- the phone ----------------------------------------------------------------------

    /** A new link code for [INVITE_MINUTES]; needs the relay chosen in settings. */
    fun showLinkCode(): Job = act {
        val relay = settings.relayUrl
        if (relay == null) {
            _state.update { it.copy(needsRelay = true) }
            return@act
        }
        val invite = store.call { createLinkInvite(relay, clock.millis() + INVITE_MINUTES * 60_000) }
        _state.update { it.copy(invite = invite, needsRelay = false, asking = null) }
    }

    /** Syncs once; a new device that answered the code shows up as [LinkDeviceState.asking]. */
    fun checkForNewDevice(): Job = act {
        relays.chosen()?.syncNow()
        publish()
    }

    /** While the code is shown: [checkForNewDevice] every [everyMs] until a device answers. */
    suspend fun waitForNewDevice(everyMs: Long = POLL_MS) {
        while (_state.value.invite != null && _state.value.asking == null) {
            checkForNewDevice().join()
            if (_state.value.asking == null) delay(everyMs)
        }
    }

    /** After comparing the digits: the new device is linked, and the documents go out now. */
    fun approve(peerId: String): Job = act {
        store.call { approvePairing(peerId) }
        finishDecision()
    }

    /** Not the person's device, or the digits differ: nothing is linked. */
    fun decline(peerId: String): Job = act {
        store.call { declinePairing(peerId) }
        finishDecision()
    }

    private suspend fun finishDecision() {
        relays.chosen()?.syncNow()
        _state.update { it.copy(invite = null, asking = null) }
        publish()
    }

    /** "Remove this device": asks first ([confirmRemoval] or [keepDevice]). */
    fun askToRemove(device: Peer) {
        _state.update { it.copy(confirmingRemoval = device) }
    }

    fun keepDevice() {
        _state.update { it.copy(confirmingRemoval = null) }
    }

    /**
     * Removes the device the person confirmed: every document it could read starts a new epoch
     * without it, and the sync right after tells the devices they are shared with.
     */
    fun confirmRemoval(): Job = act {
        val device = _state.value.confirmingRemoval ?: return@act
        try {
            store.call { removeDevice(device.id) }
        } finally {
            _state.update { it.copy(confirmingRemoval = null) }
        }
        relays.all().forEach { it.syncNow() }
        publish()
    }

    // --- the new device -----------------------------------------------------------------

    /**
     * The link code scanned (or pasted) from the person's phone, under [deviceName] ("Lena's
     * tablet"). The phone's relay comes with the code. The join request goes out at once.
     */
    fun join(code: String, deviceName: String): Job = act {
        _state.update { it.copy(refusal = null) }
        val before = ownDocIds()
        val phone = try {
            store.call { acceptLinkInvite(code.trim(), deviceName, clock.millis()) }
        } catch (e: TwofoldError.InvalidInput) {
            val refusal = when (e.field) {
                "invite" -> LinkRefusal.NOT_A_LINK_CODE
                "device" -> LinkRefusal.ALREADY_PAIRED
                else -> throw e
            }
            _state.update { it.copy(refusal = refusal) }
            return@act
        }
        ownDocsBefore = before
        _state.update { it.copy(joining = phone, documentsArrived = false) }
        phone.relay?.let { relays.session(it).syncNow() }
        publish()
    }

    /** After the phone said no: back to answering a code (a new one from the phone). */
    fun startOver() {
        ownDocsBefore = emptyMap()
        _state.update { it.copy(joining = null, documentsArrived = false, refusal = null) }
    }

    /** Syncs once with the phone's relay: its approval, then the documents. */
    fun checkForApproval(): Job = act {
        val joining = _state.value.joining ?: return@act
        joining.relay?.let { relays.session(it).syncNow() }
        publish()
    }

    /**
     * While the new device waits: [checkForApproval] every [everyMs] until the phone declined,
     * or approved and every document arrived.
     */
    suspend fun waitForDocuments(everyMs: Long = POLL_MS) {
        while (true) {
            val s = _state.value
            val joining = s.joining ?: return
            if (joining.status == PeerStatus.DECLINED || s.documentsArrived) return
            checkForApproval().join()
            val now = _state.value
            if (now.joining?.status == PeerStatus.DECLINED || now.documentsArrived) return
            delay(everyMs)
        }
    }

    // --- both ---------------------------------------------------------------------------

    private suspend fun ownDocIds(): Map<DocumentKind, String> =
        PERSONS_KINDS.associateWith { kind -> store.call { docId(kind) } }

    private suspend fun publish() {
        val peers = store.call { peers() }.filter { it.linked }
        // A device this one linked holds shares from here (the person's documents); the device
        // this one was linked to never does: nothing is shared with a device's own origin.
        val sharedWith = store.call { shares() }.filter { it.endedAtMs == null }.map { it.peer }.toSet()
        val devices = peers.filter { it.status == PeerStatus.PAIRED && it.id in sharedWith }
        val joiningId = _state.value.joining?.id
        // The phone this device answered (declined stays listed as such); after a restart,
        // the one it is linked to.
        val joined = peers.firstOrNull { it.id == joiningId }
        val origin = joined ?: peers.firstOrNull { it.status == PeerStatus.PAIRED && it.id !in sharedWith }
        val arrived = _state.value.documentsArrived || (
            joined?.status == PeerStatus.PAIRED && ownDocsBefore.isNotEmpty() &&
                ownDocIds().all { (kind, id) -> ownDocsBefore[kind] != id }
            )
        _state.update {
            it.copy(
                devices = devices,
                linkedTo = origin?.takeIf { o -> o.status == PeerStatus.PAIRED },
                asking = peers.firstOrNull { p -> p.status == PeerStatus.NEEDS_DECISION },
                joining = joined,
                documentsArrived = arrived,
            )
        }
    }

    companion object {
        const val INVITE_MINUTES = 15L
        /** How often a waiting screen asks the relay (a few small requests a minute). */
        const val POLL_MS = 3_000L
        /** The person's own documents, which the phone sends to a device it links. */
        val PERSONS_KINDS = listOf(DocumentKind.PLAN, DocumentKind.CONTACTS, DocumentKind.SCHEDULE, DocumentKind.JOURNAL, DocumentKind.SUMMARY)
    }
}
