import Foundation
import TwofoldCore

/// The sharing form: one document, one paired device, read-only or read-write, why, and until
/// when. Each share is a consent record.
public struct ShareDraft: Equatable, Sendable {
    public var kind: DocumentKind = .plan
    public var peerId = ""
    public var access: Access = .read
    public var purpose = ""
    /// Nil: until revoked.
    public var expiresAt: Date?

    public init(peerId: String = "") {
        self.peerId = peerId
    }
}

/// Sharing and consent, per document: what is shared with whom (in force and ended), sharing
/// and revoking, and the disclosure log — every batch that reached a device.
@MainActor
public final class SharingModel: ViewModel {
    let store: Store
    let sync: SyncModel

    /// The documents a person can share. The journal itself is private by default: the
    /// wellbeing summary (numbers and milestones, never notes) is offered first.
    public static let shareable: [DocumentKind] = [.plan, .contacts, .schedule, .summary, .journal]

    public private(set) var peers: [Peer] = [] { willSet { willChange() } }
    public private(set) var shares: [Share] = [] { willSet { willChange() } }
    public private(set) var disclosures: [Disclosure] = [] { willSet { willChange() } }

    public init(store: Store, sync: SyncModel) {
        self.store = store
        self.sync = sync
    }

    public var activeShares: [Share] { shares.filter { $0.endedAtMs == nil } }
    public var endedShares: [Share] { shares.filter { $0.endedAtMs != nil } }

    /// The consent records of one document.
    public func shares(of kind: DocumentKind) -> [Share] {
        shares.filter { $0.kind == kind }
    }

    /// Newest first, as the log screen shows it.
    public func disclosures(of kind: DocumentKind? = nil) -> [Disclosure] {
        disclosures.filter { kind == nil || $0.kind == kind }.sorted { $0.atMs > $1.atMs }
    }

    public func load() {
        do {
            (peers, shares, disclosures) = try store.read { core in
                (try core.peers().filter { $0.status == .paired }, try core.shares(), try core.disclosureLog())
            }
        } catch {
            failure = error as? StoreError
        }
    }

    /// Shares (or re-shares, replacing the earlier consent) and sends it at once.
    @discardableResult
    public func share(_ draft: ShareDraft) async -> Bool {
        let expires = draft.expiresAt.map(Clock.ms)
        return await change {
            try await $0.share(kind: draft.kind, peerId: draft.peerId, access: draft.access,
                               purpose: draft.purpose, expiresAtMs: expires)
        }
    }

    /// Ends a share. The device keeps what it already received and gets nothing new (the
    /// screen says so before the person confirms).
    @discardableResult
    public func revoke(_ share: Share) async -> Bool {
        await change { try await $0.revokeShare(kind: share.kind, peerId: share.peer) }
    }

    private func change(_ call: @escaping (TwofoldStore) async throws -> Void) async -> Bool {
        let ok = await attempt { try await store.write(call) }
        if ok {
            await sync.syncNow()
        }
        load()
        return ok
    }
}

extension Share: Identifiable {
    /// A consent record is one grant: document, device and when.
    public var id: String { "\(docId)-\(peer)-\(grantedAtMs)" }
}

extension Disclosure: Identifiable {
    public var id: String { "\(docId)-\(peerId)-\(atMs)-\(changes)" }
}
