import Foundation
import TwofoldCore

/// The support network: peers, mentor, sponsor, professionals, crisis lines; live, editable,
/// importable from a vCard.
@MainActor
public final class ContactsModel: ViewModel {
    let store: Store

    public private(set) var contacts: [Contact] = [] { willSet { willChange() } }
    public private(set) var lastImport: ImportReport? { willSet { willChange() } }

    public init(store: Store) {
        self.store = store
    }

    /// Subscribes; calling it again while running does nothing.
    public func start() {
        guard tasks.isEmpty else { return }
        do {
            consume(try store.documentStream(.contacts)) { [weak self] snapshot in
                guard case .contacts(let document) = snapshot else { return }
                self?.contacts = document.contacts
            }
        } catch {
            failure = error as? StoreError
        }
    }

    /// A new contact's form (its id is new).
    public func newContact() -> Contact {
        Contact(id: newItemId(), name: "")
    }

    @discardableResult
    public func save(_ contact: Contact) async -> Bool {
        await attempt { try await store.put(.contacts(item: contact)) }
    }

    /// Refused (`failure.field == "id"`) while the crisis plan still points at the contact.
    @discardableResult
    public func remove(_ contact: Contact) async -> Bool {
        await attempt { try await store.remove(.contacts, id: contact.id) }
    }

    /// Imports the cards of a vCard file (from the Files app or a share).
    @discardableResult
    public func importVCard(_ data: Data) async -> Bool {
        await attempt { lastImport = try await store.write { try await $0.importVcard(vcf: data) } }
    }
}
