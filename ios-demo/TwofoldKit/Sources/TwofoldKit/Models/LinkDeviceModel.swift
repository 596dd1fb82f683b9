import Foundation
import TwofoldCore

/// Why the core refused to link this device, for a message that says what to do.
public enum LinkRefusal: Equatable, Sendable {
    /// Not a link code (a mentor's pairing code, a typo) or an old one.
    case notALinkCode
    /// This device already pairs or shares with someone: a device is linked before that.
    case alreadyPaired
}

/// "Your devices": linking the person's new phone or tablet (ADR 0012), and removing a lost one.
///
/// On the phone: a link code, shown as a QR code and as text; the new device answers it and both
/// screens show the same six digits; the person compares them and approves. The phone then sends
/// every one of the person's documents to the new device with the next syncs.
///
/// On the new device: the code scanned or pasted, the same digits shown, then waiting for the
/// approval and for the documents. What the device held before is kept (it merges in).
///
/// Removing a device ends everything it could read: it gets nothing new, its later changes are
/// refused, and if it comes online again it deletes what it had. The screen asks first
/// (`askToRemove`, then `confirmRemoval` or `keepDevice`).
///
/// The messages travel through the relay's mailboxes like pairing's, so each step syncs.
@MainActor
public final class LinkDeviceModel: ViewModel {
    /// The person's own documents, which the phone sends to a device it links.
    public static let personsKinds: [DocumentKind] = [.plan, .contacts, .schedule, .journal, .summary]

    let store: Store
    let sync: SyncModel
    let clock: Clock

    /// This phone: the link code to show as a QR code and as text (it works once).
    public private(set) var invite: String? { willSet { willChange() } }
    /// This phone: a new device that answered the code. Compare its digits, then approve.
    public private(set) var asking: Peer? { willSet { willChange() } }
    /// The new device: the phone it asked to join, while waiting and once approved.
    public private(set) var joining: Peer? { willSet { willChange() } }
    /// The new device: every one of the person's documents has arrived from the phone.
    public private(set) var documentsArrived = false { willSet { willChange() } }
    /// Devices this one linked: each can be removed from here.
    public private(set) var devices: [Peer] = [] { willSet { willChange() } }
    /// The device this one was linked to, if any. Devices are removed there, not here.
    public private(set) var linkedTo: Peer? { willSet { willChange() } }
    /// The device the person asked to remove, until they confirm or keep it.
    public private(set) var confirmingRemoval: Peer? { willSet { willChange() } }
    /// The new device: why the core refused the code.
    public private(set) var refusal: LinkRefusal? { willSet { willChange() } }

    /// The new device's own document ids before it answered the code: each is replaced by the
    /// person's when it arrives, so "every id changed" is "everything arrived". In memory only:
    /// after a restart the screen shows the devices, without the waiting step.
    private var ownDocsBefore: [DocumentKind: String] = [:]

    public init(store: Store, sync: SyncModel, clock: Clock) {
        self.store = store
        self.sync = sync
        self.clock = clock
    }

    public func load() {
        do {
            try publish()
        } catch {
            failure = error as? StoreError
        }
    }

    // MARK: the phone

    /// A new link code naming this device's relay, valid for `validFor` seconds.
    @discardableResult
    public func showLinkCode(validFor seconds: TimeInterval = 900) async -> Bool {
        guard let relay = sync.relayURL else {
            failure = .invalidInput(field: "relay", reason: "no relay chosen yet")
            return false
        }
        let expires = Clock.ms(clock.now().addingTimeInterval(seconds))
        return await attempt {
            invite = try await store.write { try await $0.createLinkInvite(relay: relay, expiresAtMs: expires) }
            asking = nil
        }
    }

    /// Syncs once; a new device that answered the code shows up as `asking`.
    public func checkForNewDevice() async {
        await sync.syncNow()
        load()
    }

    /// After comparing the digits: the new device is linked, and the documents go out now.
    @discardableResult
    public func approve(_ peer: Peer) async -> Bool {
        await decide { _ = try await $0.approvePairing(peerId: peer.id) }
    }

    /// Not the person's device, or the digits differ: nothing is linked.
    @discardableResult
    public func decline(_ peer: Peer) async -> Bool {
        await decide { _ = try await $0.declinePairing(peerId: peer.id) }
    }

    /// "Remove this device": asks first.
    public func askToRemove(_ device: Peer) {
        confirmingRemoval = device
    }

    public func keepDevice() {
        confirmingRemoval = nil
    }

    /// Removes the device the person confirmed: every document it could read starts a new epoch
    /// without it, and the sync right after tells the devices they are shared with.
    @discardableResult
    public func confirmRemoval() async -> Bool {
        guard let device = confirmingRemoval else { return false }
        confirmingRemoval = nil
        return await decide { try await $0.removeDevice(peerId: device.id) }
    }

    private func decide(_ call: @escaping (TwofoldStore) async throws -> Void) async -> Bool {
        let ok = await attempt { try await store.write(call) }
        if ok {
            invite = nil
            asking = nil
            await sync.syncNow()
            load()
        }
        return ok
    }

    // MARK: the new device

    /// The link code scanned (or pasted) from the person's phone, under `deviceName` ("Lena's
    /// tablet"). The phone's relay comes with the code; the join request goes out at once.
    @discardableResult
    public func join(code scanned: String, deviceName: String) async -> Bool {
        let text = scanned.trimmingCharacters(in: .whitespacesAndNewlines)
        let nowMs = clock.nowMs
        refusal = nil
        var phone: Peer?
        var before: [DocumentKind: String] = [:]
        do {
            before = try ownDocIds()
            phone = try await store.write {
                try await $0.acceptLinkInvite(invite: text, deviceName: deviceName, nowMs: nowMs)
            }
            failure = nil
        } catch StoreError.invalidInput(let field, _) where field == "invite" || field == "device" {
            refusal = field == "invite" ? .notALinkCode : .alreadyPaired
            return false
        } catch {
            failure = error as? StoreError ?? .internalFailure(reason: "unexpected error")
            return false
        }
        ownDocsBefore = before
        documentsArrived = false
        joining = phone
        guard let relay = phone?.relay, sync.connect(relayURL: relay) else { return true }
        await sync.syncNow()
        load()
        return true
    }

    /// After the phone said no: back to answering a code (a new one from the phone).
    public func startOver() {
        ownDocsBefore = [:]
        joining = nil
        documentsArrived = false
        refusal = nil
    }

    /// Syncs once with the phone's relay: its approval, then the documents.
    public func checkForApproval() async {
        await sync.syncNow()
        load()
    }

    // MARK: both

    private func ownDocIds() throws -> [DocumentKind: String] {
        try store.read { core in
            try Dictionary(uniqueKeysWithValues: Self.personsKinds.map { ($0, try core.docId(kind: $0)) })
        }
    }

    private func publish() throws {
        let peers = try store.read { try $0.peers() }.filter(\.linked)
        // A device this one linked holds shares from here (the person's documents); the device
        // this one was linked to never does: nothing is shared with a device's own origin.
        let sharedWith = Set(try store.read { try $0.shares() }.filter { $0.endedAtMs == nil }.map(\.peer))
        devices = peers.filter { $0.status == .paired && sharedWith.contains($0.id) }
        // The phone this device answered (a declined one stays listed as such); after a
        // restart, the one it is linked to.
        let joined = peers.first { $0.id == joining?.id }
        let origin = joined ?? peers.first { $0.status == .paired && !sharedWith.contains($0.id) }
        linkedTo = origin?.status == .paired ? origin : nil
        asking = peers.first { $0.status == .needsDecision }
        if joining != nil { joining = joined }
        if !documentsArrived, joined?.status == .paired, !ownDocsBefore.isEmpty {
            let now = try ownDocIds()
            documentsArrived = now.allSatisfy { kind, id in ownDocsBefore[kind] != id }
        }
    }
}
