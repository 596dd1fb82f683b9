import TwofoldCore

/// The person's side of their mentor's help: notes, and suggested items (a coping strategy, a
/// meeting…) to accept into their own plan or dismiss. Nothing a mentor suggests enters the
/// plan without the person's yes.
@MainActor
public final class MentorNotesModel: ViewModel {
    let store: Store

    public private(set) var notes: [ReceivedNote] = [] { willSet { willChange() } }
    /// Open ones first.
    public private(set) var suggestions: [ReceivedSuggestion] = [] { willSet { willChange() } }

    public init(store: Store) {
        self.store = store
    }

    public var open: [ReceivedSuggestion] { suggestions.filter { $0.suggestion.status == .open } }

    /// Re-reads them (after a sync, or when the screen appears).
    public func load() {
        do {
            (notes, suggestions) = try store.read { (try $0.mentorNotes(), try $0.suggestions()) }
        } catch {
            failure = error as? StoreError
        }
    }

    /// Copies the suggested item into the person's own document (checked like any write).
    @discardableResult
    public func accept(_ received: ReceivedSuggestion) async -> Bool {
        let ok = await attempt {
            try await store.write {
                try await $0.acceptSuggestion(notesDocId: received.notesDocId, id: received.suggestion.id)
            }
        }
        load()
        return ok
    }

    @discardableResult
    public func dismiss(_ received: ReceivedSuggestion) async -> Bool {
        let ok = await attempt {
            try await store.write {
                try await $0.dismissSuggestion(notesDocId: received.notesDocId, id: received.suggestion.id)
            }
        }
        load()
        return ok
    }
}
