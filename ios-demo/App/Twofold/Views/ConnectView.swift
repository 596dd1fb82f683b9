import SwiftUI
import TwofoldKit

/// Everything about other people's devices: sync, pairing, sharing and consent, mentees.
struct ConnectView: View {
    @ObservedObject var app: AppModel
    let gate: AppLockGate

    var body: some View {
        List {
            Section { SyncStatusRow(sync: app.sync) }
            NavigationLink("connect.sync") { SyncSettingsView(app: app, sync: app.sync) }
            NavigationLink("connect.pairing") { PairingView(pairing: app.pairing) }
            NavigationLink("connect.devices") { DevicesView(devices: app.devices) }
            NavigationLink("connect.sharing") { SharingView(sharing: app.sharing) }
            NavigationLink("connect.mentees") { MentorView(mentor: app.mentor) }
            NavigationLink("connect.fromMentor") { FromMentorView(model: app.fromMentor) }
            Toggle("connect.reminderDetail", isOn: Binding(
                get: { app.preferences.showReminderDetail }, set: { app.setShowReminderDetail($0) }))
                .accessibilityHint(Text("connect.reminderDetail.hint"))
            NavigationLink("lock.settings.title") { AppLockSettingsView(gate: gate, lock: app.appLock) }
            NavigationLink("erase.title") { EraseView(gate: gate) }
        }
        .navigationTitle("tab.connect")
    }
}

struct SyncStatusRow: View {
    @ObservedObject var sync: SyncModel

    var body: some View {
        HStack {
            Image(systemName: sync.status.phase == .upToDate ? "checkmark.icloud" : "icloud.slash")
                .accessibilityHidden(true)
            Text(Labels.phase(sync.status.phase))
            Spacer()
            if case .upToDate(let atMs) = sync.status {
                Text(Labels.date(ms: atMs)).font(.footnote).foregroundStyle(.secondary)
            }
        }
        .accessibilityElement(children: .combine)
    }
}

struct SyncSettingsView: View {
    let app: AppModel
    @ObservedObject var sync: SyncModel
    @State private var relay = ""

    var body: some View {
        Form {
            TextField("sync.relay", text: $relay).keyboardType(.URL).textInputAutocapitalization(.never)
            Button("sync.relay.save") { app.setRelay(relay); sync.goLive() }
            Button("sync.now") { Task { await sync.syncNow() } }
            SyncStatusRow(sync: sync)
            if let report = sync.lastReport {
                Text("sync.report \(Int(report.sent)) \(Int(report.applied))").font(.footnote)
            }
            FailureText(failure: sync.failure)
        }
        .navigationTitle("connect.sync")
        .onAppear { relay = sync.relayURL ?? "" }
    }
}
