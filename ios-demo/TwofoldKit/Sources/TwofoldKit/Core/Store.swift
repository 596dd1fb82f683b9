import Foundation
import TwofoldCore

/// A person's encrypted store: the one object the app holds, over the generated `TwofoldStore`.
///
/// Every call goes through `read` (short in-memory reads, on the caller's thread) or `write`
/// (writes and long calls, awaited: the core runs them on its own threads), which turn the
/// core's errors into `StoreError`. The typed calls the models use are in the `Store+*.swift`
/// extensions; `read`/`write` stay public for the rest of the FFI's surface.
public final class Store: @unchecked Sendable {
    /// The generated object. `@unchecked Sendable` above is sound because it is immutable here
    /// and the core makes every call on it thread-safe.
    public let core: TwofoldStore
    let subscriptions = SubscriptionRegistry()

    init(core: TwofoldStore) {
        self.core = core
    }

    /// Opens (or creates) the store at `url` with the app's 32-byte key. A wrong key is
    /// `.wrongKey` and changes nothing; a damaged file is moved aside (`.corrupt`).
    public static func open(at url: URL, key: Data) async throws -> Store {
        let core = try await mapped { try await TwofoldStore.open(path: url.path, key: key) }
        return Store(core: core)
    }

    /// Closes the store: listeners stop, later calls fail with `.closed`. Stop sync sessions
    /// first (a session keeps the core alive until it is released).
    public func close() {
        subscriptions.cancelAll()
        core.close()
    }

    public var isClosed: Bool { core.isClosed() }

    public func read<T>(_ body: (TwofoldStore) throws -> T) throws -> T {
        try mapped { try body(core) }
    }

    public func write<T>(_ body: (TwofoldStore) async throws -> T) async throws -> T {
        try await mapped { try await body(core) }
    }

    /// Subscriptions whose stream has not ended yet (each stream's end cancels its core
    /// subscription; tests check that nothing is left behind).
    public var liveSubscriptionCount: Int { subscriptions.count }
}
