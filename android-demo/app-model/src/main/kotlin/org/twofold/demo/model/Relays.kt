package org.twofold.demo.model

import java.util.concurrent.ConcurrentHashMap
import org.twofold.core.PeerStatus
import org.twofold.kit.RelaySync
import org.twofold.kit.Store

/**
 * The relays this device syncs with: the one the person chose in settings, and the ones their
 * pairings went through (a mentor's app learns the owner's relay from the invite). No other
 * host is ever contacted for sync. One [RelaySync] per address, shared by every screen.
 */
class Relays(private val store: Store, private val settings: AppSettings) {
    private val sessions = ConcurrentHashMap<String, RelaySync>()

    fun session(url: String): RelaySync = sessions.getOrPut(url) { store.relay(url) }

    /** Every relay this device needs: the chosen one and each paired peer's. */
    suspend fun all(): List<RelaySync> {
        val peerRelays = store.call { peers() }
            .filter { it.status != PeerStatus.DECLINED }
            .mapNotNull { it.relay }
        val urls = (listOfNotNull(settings.relayUrl) + peerRelays).distinct()
        return urls.map(::session)
    }

    /** The chosen relay, for invites; `null` until the person picked one. */
    fun chosen(): RelaySync? = settings.relayUrl?.let(::session)
}
