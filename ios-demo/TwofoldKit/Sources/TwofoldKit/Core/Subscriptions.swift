import Foundation
import TwofoldCore

/// Something the core gives back from a subscribe call that stops deliveries when cancelled
/// (`SubscriptionHandle` for documents and the home screen, `StatusSubscription` for sync).
protocol CoreSubscription: AnyObject {
    func cancel()
}

extension SubscriptionHandle: CoreSubscription {}
extension StatusSubscription: CoreSubscription {}

/// The live core subscriptions of one store (or sync session), so that closing it ends every
/// stream, and tests can see that a cancelled stream left nothing behind.
final class SubscriptionRegistry: @unchecked Sendable {
    private struct Entry {
        let subscription: CoreSubscription
        /// Finishes the stream the subscription feeds.
        let finish: () -> Void
    }

    private let lock = NSLock()
    private var live: [UUID: Entry] = [:]

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return live.count
    }

    func add(_ subscription: CoreSubscription, finish: @escaping () -> Void) -> UUID {
        let id = UUID()
        lock.lock()
        live[id] = Entry(subscription: subscription, finish: finish)
        lock.unlock()
        return id
    }

    /// The stream ended (its consumer was cancelled, or it was dropped): cancels its core
    /// subscription. A second call does nothing.
    func end(_ id: UUID) {
        lock.lock()
        let entry = live.removeValue(forKey: id)
        lock.unlock()
        entry?.subscription.cancel()
    }

    /// The owner closes: cancels every core subscription and finishes every stream, so the
    /// tasks iterating them end too.
    func cancelAll() {
        lock.lock()
        let all = live
        live.removeAll()
        lock.unlock()
        for entry in all.values {
            entry.subscription.cancel()
            entry.finish()
        }
    }
}

/// The core's listeners call back on their own threads; these forward each value into an
/// `AsyncStream`'s continuation (which is thread-safe), and do nothing else.
final class DocumentForwarder: DocumentListener, @unchecked Sendable {
    let continuation: AsyncStream<DocumentSnapshot>.Continuation
    init(_ continuation: AsyncStream<DocumentSnapshot>.Continuation) { self.continuation = continuation }
    func onDocument(snapshot: DocumentSnapshot) { continuation.yield(snapshot) }
}

final class HomeScreenForwarder: HomeScreenListener, @unchecked Sendable {
    let continuation: AsyncStream<HomeScreen>.Continuation
    init(_ continuation: AsyncStream<HomeScreen>.Continuation) { self.continuation = continuation }
    func onHomeScreen(home: HomeScreen) { continuation.yield(home) }
}

final class SyncStatusForwarder: SyncStatusListener, @unchecked Sendable {
    let continuation: AsyncStream<SyncStatus>.Continuation
    init(_ continuation: AsyncStream<SyncStatus>.Continuation) { self.continuation = continuation }
    func onStatus(status: SyncStatus) { continuation.yield(status) }
}

/// Makes a stream fed by a core listener: `subscribe` registers the listener (the core then
/// delivers the current value at once, then each change), and the stream's end — its consumer
/// task cancelled, or the stream dropped — cancels the core subscription.
///
/// Buffering keeps only the newest value: these are whole states (a document, the home screen,
/// a status), so a consumer that falls behind should see the latest one, not a backlog. The core
/// merges bursts the same way.
func coreStream<Value>(
    registry: SubscriptionRegistry,
    subscribe: (AsyncStream<Value>.Continuation) throws -> CoreSubscription
) throws -> AsyncStream<Value> {
    var captured: AsyncStream<Value>.Continuation?
    let stream = AsyncStream<Value>(bufferingPolicy: .bufferingNewest(1)) { captured = $0 }
    // The closure above runs synchronously inside `init`, so the continuation is set here.
    guard let continuation = captured else { preconditionFailure("AsyncStream did not run its build closure") }
    let subscription: CoreSubscription
    do {
        subscription = try mapped { try subscribe(continuation) }
    } catch {
        continuation.finish()
        throw error
    }
    let id = registry.add(subscription) { continuation.finish() }
    continuation.onTermination = { _ in registry.end(id) }
    return stream
}
