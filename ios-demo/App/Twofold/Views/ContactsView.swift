import SwiftUI
import TwofoldKit
import UniformTypeIdentifiers

/// The support network: list, add, edit, delete, import a vCard.
struct ContactsView: View {
    @ObservedObject var contacts: ContactsModel
    @State private var editing: Contact?
    @State private var importing = false

    var body: some View {
        List {
            ForEach(contacts.contacts, id: \.id) { contact in
                Button { editing = contact } label: {
                    VStack(alignment: .leading) {
                        Text(contact.name).font(.headline)
                        if let phone = contact.phones.first { Text(phone.number).foregroundStyle(.secondary) }
                    }
                }
                .buttonStyle(.plain)
                .accessibilityHint(Text("contacts.edit.hint"))
            }
            .onDelete { offsets in
                let list = contacts.contacts
                for offset in offsets { Task { await contacts.remove(list[offset]) } }
            }
            FailureText(failure: contacts.failure)
        }
        .navigationTitle("tab.contacts")
        .toolbar {
            Button { importing = true } label: { Label("contacts.import", systemImage: "square.and.arrow.down") }
            Button { editing = contacts.newContact() } label: { Label("contacts.add", systemImage: "plus") }
        }
        .sheet(item: $editing) { contact in
            NavigationStack { ContactEditor(contacts: contacts, contact: contact) }
        }
        .fileImporter(isPresented: $importing, allowedContentTypes: [.vCard]) { result in
            guard case .success(let url) = result else { return }
            let accessing = url.startAccessingSecurityScopedResource()
            defer { if accessing { url.stopAccessingSecurityScopedResource() } }
            if let data = try? Data(contentsOf: url) { Task { await contacts.importVCard(data) } }
        }
    }
}

extension Contact: Identifiable {}

struct ContactEditor: View {
    @ObservedObject var contacts: ContactsModel
    @State var contact: Contact
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            TextField("contacts.name", text: $contact.name)
            TextField("contacts.phone", text: Binding(
                get: { contact.phones.first?.number ?? "" },
                set: { contact.phones = $0.isEmpty ? [] : [Phone(label: "mobile", number: $0)] }))
                .keyboardType(.phonePad)
            TextField("contacts.availability", text: $contact.availability)
            TextField("contacts.notes", text: $contact.notes, axis: .vertical)
            Toggle("contacts.doNotInvolve", isOn: $contact.doNotInvolve)
            FailureText(failure: contacts.failure)
        }
        .navigationTitle("contacts.edit")
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { dismiss() } }
            ToolbarItem(placement: .confirmationAction) {
                Button("common.save") { Task { if await contacts.save(contact) { dismiss() } } }
            }
        }
    }
}
