import SwiftUI
import TwofoldKit

/// The tabs, with the crisis button above every screen: one tap, from anywhere.
struct RootView: View {
    @ObservedObject var app: AppModel
    let gate: AppLockGate
    @State private var showsCrisis = false

    var body: some View {
        TabView {
            NavigationStack { TodayView(app: app, today: app.today) }
                .tabItem { Label("tab.today", systemImage: "sun.max") }
            NavigationStack { PlanView(plan: app.plan) }
                .tabItem { Label("tab.plan", systemImage: "list.bullet.rectangle") }
            NavigationStack { ScheduleView(schedule: app.schedule) }
                .tabItem { Label("tab.schedule", systemImage: "calendar") }
            NavigationStack { ContactsView(contacts: app.contacts) }
                .tabItem { Label("tab.contacts", systemImage: "person.2") }
            NavigationStack { MedicationsView(medications: app.medications) }
                .tabItem { Label("tab.medications", systemImage: "pills") }
            NavigationStack { ConnectView(app: app, gate: gate) }
                .tabItem { Label("tab.connect", systemImage: "link") }
        }
        .safeAreaInset(edge: .top) {
            CrisisButton { showsCrisis = true }
        }
        .sheet(isPresented: $showsCrisis) {
            NavigationStack { CrisisView(crisis: app.crisis) }
        }
    }
}

/// The always-visible way into the crisis screen.
struct CrisisButton: View {
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            Label("crisis.button", systemImage: "lifepreserver")
                .font(.headline)
                .frame(maxWidth: .infinity)
        }
        .buttonStyle(.borderedProminent)
        .tint(.red)
        .padding(.horizontal)
        .accessibilityLabel(Text("crisis.button.a11y"))
        .accessibilityHint(Text("crisis.button.hint"))
    }
}

/// Shows an action's failure under a form or list; field failures name the field.
struct FailureText: View {
    let failure: StoreError?

    var body: some View {
        if let failure {
            Text(message(failure))
                .font(.footnote)
                .foregroundStyle(.red)
                .accessibilityLabel(Text(message(failure)))
        }
    }

    private func message(_ failure: StoreError) -> LocalizedStringKey {
        switch failure {
        case .invalidInput(let field, _): return "error.field \(field)"
        case .notAllowed: return "error.notAllowed"
        case .storage: return "error.storage"
        case .closed: return "error.closed"
        default: return "error.generic"
        }
    }
}

/// When the store cannot be opened. A wrong key or a newer file never leads to deleting it.
struct OpenFailureView: View {
    let failure: StoreError

    var body: some View {
        VStack(spacing: 16) {
            Image(systemName: "lock.trianglebadge.exclamationmark").font(.largeTitle).accessibilityHidden(true)
            Text(title).font(.title2)
            Text("open.failure.kept").multilineTextAlignment(.center)
        }
        .padding()
    }

    private var title: LocalizedStringKey {
        switch failure {
        case .wrongKey: return "open.failure.wrongKey"
        case .newerVersion: return "open.failure.newer"
        case .corrupt: return "open.failure.corrupt"
        default: return "open.failure.generic"
        }
    }
}
