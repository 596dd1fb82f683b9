import Foundation
import TwofoldCore

/// One person who shares documents with this device, with those documents.
public struct Mentee: Identifiable, Equatable, Sendable {
    public let id: String
    public let name: String
    public let documents: [SharedDocument]

    public func document(_ kind: DocumentKind) -> SharedDocument? {
        documents.first { $0.kind == kind }
    }
}

/// The mentor's side: everyone who shares something with this device.
@MainActor
public final class MentorModel: ViewModel {
    let store: Store
    let clock: Clock

    public private(set) var mentees: [Mentee] = [] { willSet { willChange() } }

    public init(store: Store, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    /// Re-reads what is shared with this device (after a sync, or when the screen appears).
    public func load() {
        do {
            let documents = try store.read { try $0.sharedWithMe() }
            var order: [String] = []
            var byOwner: [String: [SharedDocument]] = [:]
            for document in documents {
                if byOwner[document.owner] == nil { order.append(document.owner) }
                byOwner[document.owner, default: []].append(document)
            }
            mentees = order.map { owner in
                let docs = byOwner[owner] ?? []
                return Mentee(id: owner, name: docs.first?.ownerName ?? "", documents: docs)
            }
        } catch {
            failure = error as? StoreError
        }
    }

    public func model(for mentee: Mentee) -> MenteeModel {
        MenteeModel(store: store, mentee: mentee)
    }
}

/// A mentor's view of one mentee: the plan (editable when shared read-write), the schedule,
/// the wellbeing summary (weekly averages, milestones, open warnings — never notes), and the
/// notes and suggestions the mentor sends back.
@MainActor
public final class MenteeModel: ViewModel {
    let store: Store
    public let mentee: Mentee

    /// Nil when the plan is not shared; its access decides whether it can be edited.
    public let plan: PlanModel?
    public private(set) var meetings: [Meeting] = [] { willSet { willChange() } }
    public private(set) var weeks: [WeekSummary] = [] { willSet { willChange() } }
    public private(set) var milestones: [SharedMilestone] = [] { willSet { willChange() } }
    public private(set) var alerts: [SharedAlert] = [] { willSet { willChange() } }
    public private(set) var suggestions: [Suggestion] = [] { willSet { willChange() } }

    init(store: Store, mentee: Mentee) {
        self.store = store
        self.mentee = mentee
        plan = mentee.document(.plan).map { document in
            PlanModel(store: store, source: .shared(docId: document.docId, writable: document.access == .write))
        }
    }

    /// Subscribes; calling it again while running does nothing.
    public func start() {
        guard tasks.isEmpty else { return }
        plan?.start()
        do {
            if let schedule = mentee.document(.schedule) {
                consume(try store.sharedDocumentStream(docId: schedule.docId)) { [weak self] snapshot in
                    guard case .schedule(let document) = snapshot else { return }
                    self?.meetings = document.meetings
                }
            }
            if let summary = mentee.document(.summary) {
                consume(try store.sharedDocumentStream(docId: summary.docId)) { [weak self] _ in
                    self?.readSummary(summary.docId)
                }
            }
            suggestions = try store.read { try $0.suggestionsFor(peerId: mentee.id) }
        } catch {
            failure = error as? StoreError
        }
    }

    public override func stop() {
        plan?.stop()
        super.stop()
    }

    /// A note for the mentee; it reaches them at the next sync.
    @discardableResult
    public func addNote(_ text: String) async -> Bool {
        await attempt { _ = try await store.write { try await $0.addMentorNote(peerId: mentee.id, text: text) } }
    }

    /// Suggests an item for one of the mentee's sections (a coping strategy, a meeting…); the
    /// mentee accepts or dismisses it.
    @discardableResult
    public func suggest(_ item: SectionItem, message: String) async -> Bool {
        await attempt {
            _ = try await store.write { try await $0.suggest(peerId: mentee.id, item: item, message: message) }
            suggestions = try store.read { try $0.suggestionsFor(peerId: mentee.id) }
        }
    }

    /// The summary's typed sections, read from the shared document.
    private func readSummary(_ docId: String) {
        do {
            let (w, m, a) = try store.read { core in
                (try core.sharedList(docId: docId, section: .weeks),
                 try core.sharedList(docId: docId, section: .milestones),
                 try core.sharedList(docId: docId, section: .openAlerts))
            }
            weeks = w.compactMap { if case .weeks(let item) = $0 { return item } else { return nil } }
            milestones = m.compactMap { if case .milestones(let item) = $0 { return item } else { return nil } }
            alerts = a.compactMap { if case .openAlerts(let item) = $0 { return item } else { return nil } }
        } catch {
            failure = error as? StoreError
        }
    }
}
