import SwiftUI
import TwofoldKit

/// The app's entry: opens the store with the Keychain's key, then shows the tabs. Background
/// sync is registered at launch, as BGTaskScheduler requires.
@main
struct TwofoldApp: App {
    // One launcher for the process: the background task handler needs it before any view.
    @ObservedObject private var launcher = Launcher.shared
    @Environment(\.scenePhase) private var phase

    init() {
        BackgroundSync.register { Launcher.shared.app }
    }

    var body: some Scene {
        WindowGroup {
            Group {
                if let app = launcher.app {
                    RootView(app: app)
                } else if let failure = launcher.failure {
                    OpenFailureView(failure: failure)
                } else {
                    ProgressView().accessibilityLabel(Text("launch.opening"))
                }
            }
            .task { await launcher.open() }
        }
        .onChange(of: phase) { phase in
            Task { await launcher.phaseChanged(phase) }
        }
    }
}

/// Opens the store once and follows the app's phases: live sync in the foreground; in the
/// background, reminders rescheduled and the next background refresh requested.
@MainActor
final class Launcher: ObservableObject {
    static let shared = Launcher()

    @Published private(set) var app: AppModel?
    @Published private(set) var failure: StoreError?

    func open() async {
        guard app == nil else { return }
        do {
            let directory = try FileManager.default.url(
                for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            let lang = coreLang(preferred: Locale.preferredLanguages)
            let app = try await AppModel.open(
                directory: directory, keys: KeychainKey(), preferences: PreferencesStore.load(), lang: lang,
                region: Locale.current.region?.identifier)
            app.start()
            app.sync.goLive()
            self.app = app
            _ = await Reminders.requestPermission()
            await Reminders.schedule(await app.reminders())
        } catch let error as StoreError {
            failure = error
        } catch {
            failure = .internalFailure(reason: "the key could not be read")
        }
    }

    func phaseChanged(_ phase: ScenePhase) async {
        guard let app else { return }
        switch phase {
        case .active:
            app.today.start()
            app.sync.goLive()
        case .background:
            PreferencesStore.save(app.preferences)
            await app.sync.pause()
            await Reminders.schedule(await app.reminders())
            BackgroundSync.schedule()
        default:
            break
        }
    }
}
