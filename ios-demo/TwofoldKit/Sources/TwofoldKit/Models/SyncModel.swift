import TwofoldCore

/// The sync status line and its controls: which relay, the live status, the last report.
/// Live sync runs while the app is in the foreground; `syncNow` serves background refresh.
@MainActor
public final class SyncModel: ViewModel {
    let store: Store

    public private(set) var service: SyncService? { willSet { willChange() } }
    public private(set) var status: SyncStatus = .idle { willSet { willChange() } }
    public private(set) var lastReport: SyncReport? { willSet { willChange() } }
    public var relayURL: String? { service?.relayURL }

    public init(store: Store) {
        self.store = store
    }

    /// Uses the relay at `relayURL` (the person's choice, or the one their mentor's invite
    /// names). A malformed address is `failure` on `relay`. Connecting again to the same relay
    /// does nothing.
    @discardableResult
    public func connect(relayURL: String) -> Bool {
        if service?.relayURL == relayURL { return true }
        stop()
        do {
            let service = try SyncService(store: store, relayURL: relayURL)
            self.service = service
            consume(try service.statusStream()) { [weak self] in self?.status = $0 }
            failure = nil
            return true
        } catch {
            failure = error as? StoreError
            return false
        }
    }

    /// One full exchange; a network problem is in the report (`interrupted`), not an error.
    @discardableResult
    public func syncNow() async -> SyncReport? {
        guard let service else { return nil }
        var report: SyncReport?
        await attempt { report = try await service.syncNow() }
        if let report { lastReport = report }
        return report
    }

    /// Foreground: follow the relay and push each edit at once.
    public func goLive() {
        guard let service else { return }
        do {
            try service.startLive()
        } catch {
            failure = error as? StoreError
        }
    }

    /// Background or closing: stop live sync (nothing acknowledged is lost).
    public func pause() async {
        await service?.stopLive()
    }

    public var isLive: Bool { service?.isLive ?? false }

    /// Stops everything before the store closes.
    public func shutDown() async {
        stop()
        await service?.shutDown()
    }
}
