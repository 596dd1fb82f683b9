import Foundation
import TwofoldCore

/// Sync of one store over one relay: `syncNow` for background refresh (BGTaskScheduler),
/// live sync while the app is in the foreground, and the status as a stream for the UI.
public final class SyncService: @unchecked Sendable {
    public let relayURL: String
    let session: SyncSession
    private let registry = SubscriptionRegistry()

    /// A malformed address is `.invalidInput(field: "relay", …)`.
    public init(store: Store, relayURL: String) throws {
        self.relayURL = relayURL
        session = try store.read { try $0.syncSession(relayUrl: relayURL) }
    }

    /// Pushes everything waiting and pulls everything new. A network problem is not an error:
    /// it is in the report's `interrupted` (retry later); only local storage failures throw.
    public func syncNow() async throws -> SyncReport {
        try await mapped { try await session.syncNow() }
    }

    public func startLive() throws {
        try mapped { try session.startLive() }
    }

    /// Stops live sync and waits until it has stopped; nothing acknowledged is lost.
    public func stopLive() async {
        await session.stopLive()
    }

    public var isLive: Bool { session.isLive() }

    public var status: SyncStatus { session.status() }

    /// The current status first, then every change; ends when the consuming task is cancelled.
    public func statusStream() throws -> AsyncStream<SyncStatus> {
        try coreStream(registry: registry) { continuation in
            try session.watchStatus(listener: SyncStatusForwarder(continuation))
        }
    }

    /// Ends every status stream and live sync (before the store closes).
    public func shutDown() async {
        registry.cancelAll()
        await session.stopLive()
    }

    public var liveSubscriptionCount: Int { registry.count }
}

extension SyncStatus {
    /// What the status line shows, without its details.
    public enum Phase: Equatable, Sendable {
        case idle, syncing, upToDate, offline, failed
    }

    public var phase: Phase {
        switch self {
        case .idle: return .idle
        case .syncing: return .syncing
        case .upToDate: return .upToDate
        case .offline: return .offline
        case .error, .storageFailed: return .failed
        }
    }
}
