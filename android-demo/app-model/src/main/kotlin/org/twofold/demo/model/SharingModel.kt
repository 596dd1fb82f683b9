package org.twofold.demo.model

import java.time.Clock
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import org.twofold.core.Access
import org.twofold.core.Disclosure
import org.twofold.core.DocumentKind
import org.twofold.core.Peer
import org.twofold.core.PeerStatus
import org.twofold.core.Share
import org.twofold.kit.Store

data class SharingState(
    val loaded: Boolean = false,
    val peers: List<Peer> = emptyList(),
    /** Consent records in force. */
    val active: List<Share> = emptyList(),
    /** Revoked, expired or replaced: kept, so the person can see what they once agreed to. */
    val ended: List<Share> = emptyList(),
    /** Every batch that reached a device, newest first. */
    val disclosures: List<Disclosure> = emptyList(),
)

/**
 * Sharing and consent, per document: with whom, read-only or read-write, why, until when;
 * revoking (the other device keeps what it already has and gets nothing new — the screen says
 * so); and the disclosure log. The journal is never offered: the wellbeing summary (averages,
 * milestones, open alerts — never notes) is shared instead.
 */
class SharingModel(
    private val store: Store,
    private val relays: Relays,
    private val clock: Clock,
    scope: CoroutineScope,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(SharingState())
    val state: StateFlow<SharingState> = _state.asStateFlow()

    fun refresh(): Job = act { load() }

    /** Shares [kind] with [peerId]; [expiresInDays] `null` means until revoked. Sent at once. */
    fun share(kind: DocumentKind, peerId: String, access: Access, purpose: String, expiresInDays: Int?): Job = act {
        val expires = expiresInDays?.let { clock.millis() + it * DAY_MS }
        store.call { share(kind, peerId, access, purpose, expires) }
        push()
    }

    fun revoke(kind: DocumentKind, peerId: String): Job = act {
        store.call { revokeShare(kind, peerId) }
        push()
    }

    private suspend fun push() {
        for (relay in relays.all()) relay.syncNow()
        load()
    }

    private suspend fun load() {
        val shares = store.call { shares() }
        _state.value = SharingState(
            loaded = true,
            peers = store.call { peers() }.filter { it.status == PeerStatus.PAIRED },
            active = shares.filter { it.endedAtMs == null },
            ended = shares.filter { it.endedAtMs != null },
            disclosures = store.call { disclosureLog() }.sortedByDescending { it.atMs },
        )
    }

    companion object {
        private const val DAY_MS = 24L * 60 * 60 * 1000

        /** What the owner can share; the journal only as its summary. */
        val SHAREABLE = listOf(DocumentKind.PLAN, DocumentKind.CONTACTS, DocumentKind.SCHEDULE, DocumentKind.SUMMARY)
    }
}
