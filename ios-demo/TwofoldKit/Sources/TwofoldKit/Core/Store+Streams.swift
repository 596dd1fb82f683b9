import Foundation
import TwofoldCore

/// Change streams: each yields the current value first, then a new value after every change
/// (local edits, imports, changes arriving from peers), and ends — cancelling the core's
/// subscription — when the task iterating it is cancelled.
extension Store {
    /// One of the person's own documents, whole and typed.
    public func documentStream(_ kind: DocumentKind) throws -> AsyncStream<DocumentSnapshot> {
        try coreStream(registry: subscriptions) { continuation in
            try core.subscribeDocument(kind: kind, listener: DocumentForwarder(continuation))
        }
    }

    /// The home screen for `today` (`YYYY-MM-DD`); subscribe again when the date changes.
    public func homeStream(today: String) throws -> AsyncStream<HomeScreen> {
        try coreStream(registry: subscriptions) { continuation in
            try core.subscribeHomeScreen(today: today, listener: HomeScreenForwarder(continuation))
        }
    }

    /// A document someone shared with this device: their changes arriving, a new epoch, the
    /// share ending, and this device's own writes.
    public func sharedDocumentStream(docId: String) throws -> AsyncStream<DocumentSnapshot> {
        try coreStream(registry: subscriptions) { continuation in
            try core.subscribeSharedDocument(docId: docId, listener: DocumentForwarder(continuation))
        }
    }
}
