import Foundation
import TwofoldCore

/// Pairing with a mentor (or a mentee): the owner shows an invite as a QR code, the other side
/// scans it, both screens show the same six-digit code, and the owner approves after comparing
/// them. Pairing shares nothing by itself (see `SharingModel`). The messages travel through the
/// relay's mailboxes, so each step syncs.
@MainActor
public final class PairingModel: ViewModel {
    let store: Store
    let sync: SyncModel
    let clock: Clock

    /// The invite text the QR code shows (owner side).
    public private(set) var invite: String? { willSet { willChange() } }
    /// Every device paired or pairing with this one.
    public private(set) var peers: [Peer] = [] { willSet { willChange() } }
    /// The owner this device asked to pair with, while it waits (joining side).
    public private(set) var joining: Peer? { willSet { willChange() } }

    public init(store: Store, sync: SyncModel, clock: Clock) {
        self.store = store
        self.sync = sync
        self.clock = clock
    }

    /// Requests to compare and approve or decline (owner side). The person's own devices are
    /// not here: they are on "Your devices" (`LinkDeviceModel`).
    public var requests: [Peer] { peers.filter { $0.status == .needsDecision && !$0.linked } }
    public var paired: [Peer] { peers.filter { $0.status == .paired && !$0.linked } }

    public func load() {
        do {
            peers = try store.read { try $0.peers() }
        } catch {
            failure = error as? StoreError
        }
    }

    /// Owner side: a one-time invite naming this device's relay, valid for `validFor` seconds.
    @discardableResult
    public func createInvite(displayName: String, validFor seconds: TimeInterval = 600) async -> Bool {
        guard let relay = sync.relayURL else {
            failure = .invalidInput(field: "relay", reason: "no relay chosen yet")
            return false
        }
        let expires = Clock.ms(clock.now().addingTimeInterval(seconds))
        return await attempt {
            try await store.write { try await $0.setDisplayName(name: displayName) }
            invite = try await store.write { try await $0.createInvite(relay: relay, expiresAtMs: expires) }
        }
    }

    /// Owner side: fetches join requests from the relay.
    public func checkForRequests() async {
        await sync.syncNow()
        load()
    }

    /// Owner side, after comparing the codes on both screens.
    @discardableResult
    public func approve(_ peer: Peer) async -> Bool {
        await decide { _ = try await $0.approvePairing(peerId: peer.id) }
    }

    @discardableResult
    public func decline(_ peer: Peer) async -> Bool {
        await decide { _ = try await $0.declinePairing(peerId: peer.id) }
    }

    /// Joining side: answers a scanned invite; the request goes out through the invite's relay.
    /// The code to compare appears in `joining?.verificationCode` once the owner's phone has
    /// answered with its half of it (commit-then-reveal; `checkApproval` syncs): empty until
    /// then.
    @discardableResult
    public func join(invite scanned: String, displayName: String) async -> Bool {
        let text = scanned.trimmingCharacters(in: .whitespacesAndNewlines)
        let nowMs = clock.nowMs
        let ok = await attempt {
            try await store.write { try await $0.setDisplayName(name: displayName) }
            joining = try await store.write {
                try await $0.acceptInvite(invite: text, displayName: displayName, nowMs: nowMs)
            }
        }
        guard ok, let relay = joining?.relay, sync.connect(relayURL: relay) else { return ok }
        await sync.syncNow()
        load()
        return true
    }

    /// Joining side: the code once the owner's half arrived, and whether the owner approved yet
    /// (syncs first).
    public func checkApproval() async {
        await sync.syncNow()
        load()
        if let id = joining?.id, let now = peers.first(where: { $0.id == id }) {
            joining = now
        }
    }

    /// Ends a pairing from either side: every share with that device ends.
    @discardableResult
    public func unpair(_ peer: Peer) async -> Bool {
        await decide { try await $0.unpair(peerId: peer.id) }
    }

    private func decide(_ call: @escaping (TwofoldStore) async throws -> Void) async -> Bool {
        let ok = await attempt { try await store.write(call) }
        if ok {
            await sync.syncNow()
            load()
        }
        return ok
    }
}

extension Peer: Identifiable {}
