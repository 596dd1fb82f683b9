import SwiftUI
import TwofoldKit

/// The app's entry: the app lock's gate decides what shows — the lock screen (nothing of the
/// person's data) or the tabs over the store opened with the Keychain's key. Background sync
/// is registered at launch, as BGTaskScheduler requires. Layout direction is never set:
/// SwiftUI lays an Arabic locale out right to left by itself.
@main
struct TwofoldApp: App {
    // One launcher for the process: the background task handler needs it before any view.
    @ObservedObject private var launcher = Launcher.shared
    @Environment(\.scenePhase) private var phase

    init() {
        BackgroundSync.register { Launcher.shared.gate?.app }
    }

    var body: some Scene {
        WindowGroup {
            Group {
                if let gate = launcher.gate {
                    GateView(gate: gate)
                } else if let failure = launcher.failure {
                    OpenFailureView(failure: failure)
                } else {
                    ProgressView().accessibilityLabel(Text("launch.opening"))
                }
            }
            // The app switcher keeps a picture of the screen: cover it whenever the app is not
            // in front, so nothing shows before an unlock — and, coming back, stay covered
            // in front, until the lock has decided whether to show the lock screen.
            .overlay { if phase != .active || launcher.covered { Color(uiColor: .systemBackground).ignoresSafeArea() } }
            .task { await launcher.open() }
        }
        .onChange(of: phase) { phase in
            Task { await launcher.phaseChanged(phase) }
        }
    }
}

/// The lock screen, the tabs, or why neither can show.
struct GateView: View {
    @ObservedObject var gate: AppLockGate

    var body: some View {
        switch gate.state {
        case .checking:
            ProgressView().accessibilityLabel(Text("launch.opening"))
        case .locked(let screen):
            LockView(gate: gate, screen: screen)
        case .erasing:
            ErasingView()
        case .failed(let failure):
            OpenFailureView(failure: failure)
        case .open:
            if let app = gate.app {
                RootView(app: app, gate: gate)
                    .id(gate.session) // a new session: new screens
                    .alert("erase.stopped", isPresented: Binding(
                        get: { gate.failure != nil }, set: { if !$0 { gate.dismissFailure() } })) {
                        Button("common.close", role: .cancel) {}
                    }
            }
        }
    }
}

/// Makes the gate once and follows the app's phases: live sync in the foreground; in the
/// background, reminders rescheduled, the next background refresh requested, and the clock
/// started for the app lock (back after a minute: the lock screen).
@MainActor
final class Launcher: ObservableObject {
    static let shared = Launcher()

    @Published private(set) var gate: AppLockGate?
    @Published private(set) var failure: StoreError?
    /// Covered from leaving the foreground until, back in front, the lock has decided.
    @Published private(set) var covered = false

    func open() async {
        guard gate == nil else { return }
        do {
            let directory = try FileManager.default.url(
                for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            let gate = AppLockGate(
                directory: directory, keys: KeychainKey(), preferences: PreferencesStore.load(),
                lang: coreLang(preferred: Locale.preferredLanguages), region: Locale.current.region?.identifier)
            gate.onOpen = { app in
                app.sync.goLive()
                _ = await Reminders.requestPermission()
                await Reminders.schedule(await app.reminders())
            }
            self.gate = gate
            await gate.start()
        } catch {
            failure = .internalFailure(reason: "the app's folder could not be made")
        }
    }

    func phaseChanged(_ phase: ScenePhase) async {
        guard let gate else { return }
        switch phase {
        case .active:
            await gate.willEnterForeground()
            covered = false
            guard let app = gate.app else { return }
            app.today.start()
            app.sync.goLive()
        case .background:
            covered = true
            gate.didEnterBackground()
            guard let app = gate.app else { return }
            PreferencesStore.save(app.preferences)
            await app.sync.pause()
            await Reminders.schedule(await app.reminders())
            BackgroundSync.schedule()
        default:
            break
        }
    }
}
