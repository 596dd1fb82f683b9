import SwiftUI
import TwofoldKit

/// Sharing and consent, per document: who sees what, read-only or read-write, why and until
/// when; revoking (the other device keeps what it has, gets nothing new); the disclosure log.
struct SharingView: View {
    @ObservedObject var sharing: SharingModel
    @State private var draft = ShareDraft()
    @State private var expires = false
    @State private var expiry = Date().addingTimeInterval(30 * 86_400)
    @State private var revoking: Share?

    var body: some View {
        Form {
            ForEach(SharingModel.shareable, id: \.self) { kind in
                Section(Labels.kind(kind)) {
                    ForEach(sharing.shares(of: kind).filter { $0.endedAtMs == nil }) { share in
                        VStack(alignment: .leading) {
                            Text("sharing.with \(share.peerName)").font(.headline)
                            Text(Labels.access(share.access))
                            Text(share.purpose).foregroundStyle(.secondary)
                            if let until = share.expiresAtMs { Text("sharing.until \(Labels.date(ms: until))") }
                            Button("sharing.revoke", role: .destructive) { revoking = share }
                        }
                    }
                }
            }
            Section("sharing.new") {
                Picker("sharing.document", selection: $draft.kind) {
                    ForEach(SharingModel.shareable, id: \.self) { Text(Labels.kind($0)).tag($0) }
                }
                Picker("sharing.person", selection: $draft.peerId) {
                    Text("sharing.person.none").tag("")
                    ForEach(sharing.peers) { Text($0.displayName).tag($0.id) }
                }
                Picker("sharing.access", selection: $draft.access) {
                    Text(Labels.access(.read)).tag(Access.read)
                    Text(Labels.access(.write)).tag(Access.write)
                }
                TextField("sharing.purpose", text: $draft.purpose)
                Toggle("sharing.expires", isOn: $expires)
                if expires { DatePicker("sharing.expiry", selection: $expiry, in: Date()...) }
                Button("sharing.share") {
                    draft.expiresAt = expires ? expiry : nil
                    Task { if await sharing.share(draft) { draft = ShareDraft() } }
                }
                .disabled(draft.peerId.isEmpty)
            }
            Section("sharing.log") {
                ForEach(sharing.disclosures()) { entry in
                    VStack(alignment: .leading) {
                        Text(Labels.kind(entry.kind)).font(.headline)
                        Text("sharing.log.entry \(Int(entry.changes)) \(Labels.date(ms: entry.atMs))")
                            .font(.footnote)
                    }
                    .accessibilityElement(children: .combine)
                }
            }
            FailureText(failure: sharing.failure)
        }
        .navigationTitle("connect.sharing")
        .onAppear { sharing.load() }
        .confirmationDialog("sharing.revoke.confirm", isPresented: Binding(
            get: { revoking != nil }, set: { if !$0 { revoking = nil } }), presenting: revoking) { share in
            Button("sharing.revoke", role: .destructive) { Task { await sharing.revoke(share) } }
        } message: { _ in
            Text("sharing.revoke.keeps")
        }
    }
}
