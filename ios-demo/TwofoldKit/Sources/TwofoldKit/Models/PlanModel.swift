import TwofoldCore

/// Which plan a `PlanModel` shows: the person's own, or one a mentee shared with this device.
public enum PlanSource: Equatable, Sendable {
    case own
    case shared(docId: String, writable: Bool)
}

/// The support plan screen: every section, live, editable; the same model serves a mentor
/// looking at a mentee's shared plan (read-only or read-write, as the share says).
@MainActor
public final class PlanModel: ViewModel {
    public let source: PlanSource
    let store: Store

    public private(set) var whenWell = "" { willSet { willChange() } }
    public private(set) var entries: [PlanSection: [PlanEntry]] = [:] { willSet { willChange() } }
    /// The person's contacts, for the pickers of contact-based items and their names.
    public private(set) var contacts: [Contact] = [] { willSet { willChange() } }
    public private(set) var goals: [Goal] = [] { willSet { willChange() } }
    public private(set) var isLoaded = false { willSet { willChange() } }
    private var plan: PlanDocument?

    public init(store: Store, source: PlanSource = .own) {
        self.store = store
        self.source = source
    }

    /// Whether this device may change the plan (a shared plan may be read-only).
    public var canEdit: Bool {
        switch source {
        case .own: return true
        case .shared(_, let writable): return writable
        }
    }

    /// "When I'm well" is a document field, not an item: shared documents have no call to
    /// write it (only items), so only the owner edits it.
    public var canEditWhenWell: Bool { source == .own }

    /// Subscribes; calling it again while running does nothing.
    public func start() {
        guard tasks.isEmpty else { return }
        do {
            switch source {
            case .own:
                consume(try store.documentStream(.plan)) { [weak self] in self?.apply($0) }
                consume(try store.documentStream(.contacts)) { [weak self] snapshot in
                    guard let self, case .contacts(let document) = snapshot else { return }
                    self.contacts = document.contacts
                    if let plan = self.plan { self.show(plan) }
                }
            case .shared(let docId, _):
                consume(try store.sharedDocumentStream(docId: docId)) { [weak self] in self?.apply($0) }
            }
        } catch {
            failure = error as? StoreError
        }
    }

    public func entries(in section: PlanSection) -> [PlanEntry] {
        entries[section] ?? []
    }

    /// Adds or replaces the item in the form; `false` with `failure` naming the field if the
    /// core refused it (nothing was written then).
    @discardableResult
    public func save(_ draft: PlanItemDraft) async -> Bool {
        await attempt {
            switch source {
            case .own: try await store.put(draft.item)
            case .shared(let docId, _):
                try await store.write { try await $0.sharedPut(docId: docId, item: draft.item) }
            }
        }
    }

    @discardableResult
    public func remove(_ entry: PlanEntry) async -> Bool {
        await attempt {
            switch source {
            case .own: try await store.remove(entry.section.name, id: entry.id)
            case .shared(let docId, _):
                try await store.write { try await $0.sharedRemove(docId: docId, section: entry.section.name, id: entry.id) }
            }
        }
    }

    @discardableResult
    public func setWhenWell(_ text: String) async -> Bool {
        await attempt { try await store.write { try await $0.setWhenWell(text: text) } }
    }

    private func apply(_ snapshot: DocumentSnapshot) {
        guard case .plan(let plan) = snapshot else { return }
        self.plan = plan
        show(plan)
        isLoaded = true
    }

    private func show(_ plan: PlanDocument) {
        let names = Dictionary(contacts.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var all: [PlanSection: [PlanEntry]] = [:]
        for section in PlanSection.allCases {
            all[section] = section.items(in: plan).map { PlanEntry(section: section, item: $0, contactNames: names) }
        }
        whenWell = plan.whenWell
        goals = plan.goals
        entries = all
    }
}

extension PlanEntry {
    /// The row for an item: its main text, second line and domain tag.
    init(section: PlanSection, item: SectionItem, contactNames: [String: String]) {
        self.section = section
        self.item = item
        func name(_ id: String?) -> String { id.flatMap { contactNames[$0] } ?? "" }
        switch item {
        case .dailyMaintenance(let i): (text, detail, domain) = (i.text, "", nil)
        case .triggers(let i): (text, detail, domain) = (i.description, i.actionPlan, i.domain)
        case .warningSigns(let i): (text, detail, domain) = (i.description, i.actionPlan, i.domain)
        case .copingStrategies(let i): (text, detail, domain) = (i.description, "", i.domain)
        case .distractions(let i): (text, detail, domain) = (i.name, i.notes, nil)
        case .reasons(let i): (text, detail, domain) = (i.text, "", nil)
        case .goals(let i): (text, detail, domain) = (i.title, i.targetDate ?? "", nil)
        case .goalSteps(let i): (text, detail, domain) = (i.text, "", nil)
        case .crisisContacts(let i): (text, detail, domain) = (name(i.contactId), i.willDo, nil)
        case .doNotInvolve(let i): (text, detail, domain) = (i.name, i.reason, nil)
        case .professionals(let i): (text, detail, domain) = (name(i.contactId), i.roleNote, nil)
        case .medications(let i): (text, detail, domain) = (i.name, i.reason, nil)
        case .treatments(let i): (text, detail, domain) = (i.name, i.reason, nil)
        case .environmentSafety(let i): (text, detail, domain) = (i.description, "", nil)
        case .takeoverSigns(let i), .whatHelps(let i), .whatDoesNotHelp(let i), .lapsePlan(let i), .postCrisisPlan(let i):
            (text, detail, domain) = (i.text, "", nil)
        case .naloxoneKits(let i): (text, detail, domain) = (i.location, i.expires ?? "", nil)
        case .neverUseAlone(let i): (text, detail, domain) = (i.name, i.phone, nil)
        case .naloxoneResponders(let i): (text, detail, domain) = (name(i.contactId), i.note, nil)
        default: (text, detail, domain) = ("", "", nil)
        }
    }
}
