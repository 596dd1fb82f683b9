package org.twofold.demo.model

import java.time.Clock
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import org.twofold.core.Peer
import org.twofold.core.PeerStatus
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

data class PairingState(
    /** Owner side: the invite to show as a QR code (it works once, for [INVITE_MINUTES]). */
    val invite: String? = null,
    /**
     * The pairing under way: compare [Peer.verificationCode] with the other screen. On the
     * mentor's side it is empty until the owner's phone has answered with its half of the code
     * (commit-then-reveal): show "waiting for the other phone" until then.
     */
    val pending: Peer? = null,
    val peers: List<Peer> = emptyList(),
    /** No relay chosen yet: pairing needs one. */
    val needsRelay: Boolean = false,
)

/**
 * Pairing with a mentor. The owner shows an invite as a QR code; the mentor scans it; once the
 * owner's phone has received the request and answered with its half of the code, both screens
 * show the same six digits; the owner compares them and approves. The messages go
 * through the relay's mailboxes, so each step here syncs once ([checkForAnswer],
 * [checkForApproval]); live sync in the foreground does the same without asking. A pairing
 * shares nothing by itself.
 */
class PairingModel(
    private val store: Store,
    private val relays: Relays,
    private val settings: AppSettings,
    private val clock: Clock,
    scope: CoroutineScope,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(PairingState())
    val state: StateFlow<PairingState> = _state.asStateFlow()

    fun refresh(): Job = act { publishPeers() }

    fun setDisplayName(name: String): Job = act { store.call { setDisplayName(name) } }

    // --- owner --------------------------------------------------------------------------

    /** A new invite; [displayName], when given, is set first (it is what the mentor sees). */
    fun createInvite(displayName: String? = null): Job = act {
        if (!displayName.isNullOrBlank()) store.call { setDisplayName(displayName) }
        val relay = settings.relayUrl
        if (relay == null) {
            _state.update { it.copy(needsRelay = true) }
            return@act
        }
        val invite = store.call { createInvite(relay, clock.millis() + INVITE_MINUTES * 60_000) }
        _state.update { it.copy(invite = invite, needsRelay = false) }
    }

    /** Syncs once; a mentor who scanned the invite shows up as [PairingState.pending]. */
    fun checkForAnswer(): Job = act {
        relays.chosen()?.syncNow()
        publishPeers()
        val asking = _state.value.peers.firstOrNull { it.status == PeerStatus.NEEDS_DECISION }
        if (asking != null) _state.update { it.copy(pending = asking) }
    }

    /**
     * While the invite is shown: [checkForAnswer] every [everyMs] until someone answers, so
     * the code appears without a tap. Call it from the screen (it stops when the screen goes).
     */
    suspend fun waitForAnswer(everyMs: Long = POLL_MS) {
        while (_state.value.invite != null && _state.value.pending == null) {
            checkForAnswer().join()
            if (_state.value.pending == null) delay(everyMs)
        }
    }

    /** After comparing the codes. Sends the decision at once. */
    fun approve(peerId: String): Job = act {
        store.call { approvePairing(peerId) }
        finishDecision()
    }

    fun decline(peerId: String): Job = act {
        store.call { declinePairing(peerId) }
        finishDecision()
    }

    private suspend fun finishDecision() {
        relays.chosen()?.syncNow()
        _state.update { it.copy(pending = null, invite = null) }
        publishPeers()
    }

    // --- mentor -------------------------------------------------------------------------

    /**
     * The scanned (or pasted) invite. The owner's relay comes from the invite, so the mentor
     * needs no relay setting of their own. A malformed or expired invite is a field error on
     * `invite`.
     */
    fun acceptInvite(invite: String, displayName: String): Job = act {
        val owner = store.call { acceptInvite(invite, displayName, clock.millis()) }
        _state.update { it.copy(pending = owner) }
        owner.relay?.let { relays.session(it).syncNow() } // the join request goes out now
        publishPeers()
    }

    /**
     * Syncs once: the code appears in [PairingState.pending] once the owner's half arrived;
     * [PairingState.pending] clears when the owner decided.
     */
    fun checkForApproval(): Job = act {
        val pending = _state.value.pending ?: return@act
        pending.relay?.let { relays.session(it).syncNow() }
        publishPeers()
        val now = store.call { pairing(pending.id) }
        _state.update {
            it.copy(pending = if (now == null || now.status != PeerStatus.AWAITING_APPROVAL) null else now)
        }
    }

    /** The mentor's side of [waitForAnswer]: [checkForApproval] until the owner decided. */
    suspend fun waitForApproval(everyMs: Long = POLL_MS) {
        while (_state.value.pending?.status == PeerStatus.AWAITING_APPROVAL) {
            checkForApproval().join()
            if (_state.value.pending != null) delay(everyMs)
        }
    }

    fun unpair(peerId: String): Job = act {
        store.call { unpair(peerId) }
        relays.all().forEach { it.syncNow() }
        publishPeers()
    }

    /** Mentors and mentees only: the person's own devices are on "Your devices" ([LinkDeviceModel]). */
    private suspend fun publishPeers() {
        val peers = store.call { peers() }.filter { !it.linked }
        _state.update { it.copy(peers = peers) }
    }

    companion object {
        const val INVITE_MINUTES = 15L
        /** How often a waiting pairing screen asks the relay (a few small requests a minute). */
        const val POLL_MS = 3_000L

        /** For callers that must tell a refused invite from other problems. */
        fun isBadInvite(e: TwofoldError?) = e is TwofoldError.InvalidInput && e.field == "invite"
    }
}
