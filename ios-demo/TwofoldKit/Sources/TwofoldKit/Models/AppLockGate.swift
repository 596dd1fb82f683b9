import Foundation
import TwofoldCore

/// The app lock at the door (ADR 0015), and the app's composition above `AppModel`: at start
/// `start()` reads the lock's state with the platform key and opens the app (no lock) or shows
/// the lock screen; `unlock(pin:)` opens the store with the PIN; a wrong PIN shows the wait
/// the core imposes as a countdown (`tick()` moves it; a task ticks every second). Back from
/// the background after `relockAfter` (or on "lock now"), `lockNow()` shows the lock screen
/// again and closes the store, so whoever picks up the phone sees nothing.
/// `eraseEverything()` is "delete everything from this phone": the core's erase, then the
/// platform key (`KeyProvider.deleteKey`), then a fresh, empty app under a new key.
///
/// Every try goes to the core, which counts it before checking it; this model keeps no count
/// of its own and never says whether a PIN was the duress PIN.
@MainActor
public final class AppLockGate: ViewModel {
    public enum State: Equatable {
        /// Reading whether the store has a lock (the screen shows nothing yet).
        case checking
        /// The lock screen: nothing of the store is read while it shows.
        case locked(LockScreen)
        /// The app: `app` is set.
        case open
        /// "Delete everything" is running.
        case erasing
        /// The store cannot be opened (a platform key that does not open it, a newer file…).
        /// Nothing is deleted.
        case failed(StoreError)
    }

    /// What the lock screen shows. The same whether or not a duress PIN exists.
    public struct LockScreen: Equatable, Sendable {
        /// A PIN is being checked.
        public var checking = false
        /// The last PIN tried was wrong.
        public var wrongPin = false
        /// Tries are refused until then; nil when a try is free.
        public var waitUntil: Date?
        /// What the countdown shows: whole seconds left, rounded up.
        public var waitSeconds = 0
        /// Something other than the PIN went wrong (storage); the PIN can be tried again.
        public var problem: StoreError?

        public var canTry: Bool { !checking && waitUntil == nil }

        public init(checking: Bool = false, wrongPin: Bool = false, waitUntil: Date? = nil, waitSeconds: Int = 0,
                    problem: StoreError? = nil) {
            self.checking = checking
            self.wrongPin = wrongPin
            self.waitUntil = waitUntil
            self.waitSeconds = waitSeconds
            self.problem = problem
        }
    }

    /// Away this long, the app asks for the PIN again: long enough for a call or a QR scan.
    public nonisolated static let relockAfter: TimeInterval = 60

    public private(set) var state: State = .checking { willSet { willChange() } }
    /// The open app; nil whenever the lock screen (or anything else) shows.
    public private(set) var app: AppModel? { willSet { willChange() } }
    /// Counts the sessions opened (each unlock and each erase starts a new one).
    public private(set) var session = 0

    /// Called with each newly opened app (the app starts live sync and reminders there).
    public var onOpen: (@MainActor (AppModel) async -> Void)?

    let directory: URL
    let keys: KeyProvider
    var preferences: Preferences
    let clock: Clock
    let lang: Lang
    let region: String?
    let relockAfter: TimeInterval
    private var backgroundSince: Date?
    private var lockOnAtBackground = false
    private var countdown: Task<Void, Never>?

    public init(directory: URL, keys: KeyProvider, preferences: Preferences = Preferences(), clock: Clock = .system,
                lang: Lang = .en, region: String? = nil, relockAfter: TimeInterval = AppLockGate.relockAfter) {
        self.directory = directory
        self.keys = keys
        self.preferences = preferences
        self.clock = clock
        self.lang = lang
        self.region = region
        self.relockAfter = relockAfter
    }

    var storeURL: URL { directory.appendingPathComponent(AppModel.fileName) }

    /// At start: the app, or the lock screen (with the wait, if one is running).
    public func start() async {
        do {
            switch try Store.lockState(at: storeURL, key: try keys.databaseKey()) {
            case .noLock:
                await opened(try await AppModel.open(directory: directory, keys: keys, preferences: preferences,
                                                     clock: clock, lang: lang, region: region))
            case .locked:
                state = .locked(LockScreen())
            case .lockedOut(let untilMs, _):
                state = .locked(waiting(LockScreen(), until: Clock.date(ms: untilMs)))
            }
        } catch let error as StoreError {
            state = .failed(error)
        } catch {
            state = .failed(.internalFailure(reason: "the key could not be read"))
        }
    }

    /// One try of `pin`. Ignored while a try is being checked or a wait runs.
    public func unlock(pin: String) async {
        guard case .locked(let screen) = state, screen.canTry else { return }
        state = .locked(LockScreen(checking: true))
        do {
            await opened(try await AppModel.open(directory: directory, keys: keys, pin: pin, preferences: preferences,
                                                 clock: clock, lang: lang, region: region))
        } catch StoreError.wrongPin(let waitMs) {
            let wrong = LockScreen(wrongPin: true)
            state = .locked(waitMs > 0
                ? waiting(wrong, until: clock.now().addingTimeInterval(Double(waitMs) / 1000)) : wrong)
        } catch StoreError.lockedOut(let untilMs, _) {
            state = .locked(waiting(LockScreen(), until: Clock.date(ms: untilMs)))
        } catch StoreError.wrongKey {
            state = .failed(.wrongKey)
        } catch let error as StoreError {
            state = .locked(LockScreen(problem: error))
        } catch {
            state = .failed(.internalFailure(reason: "the key could not be read"))
        }
    }

    /// Moves the countdown to the clock's now; ends the wait when it has run out.
    public func tick() {
        guard case .locked(let screen) = state, let until = screen.waitUntil else { return }
        state = .locked(waiting(screen, until: until))
    }

    /// The app left the screen: the time, and whether the store has a lock (read now, so that
    /// coming back decides at once).
    public func didEnterBackground() {
        backgroundSince = clock.now()
        lockOnAtBackground = lockIsOn()
    }

    /// Back in front: locks again when the app was away `relockAfter` or longer. The lock
    /// screen is set before the first suspension (nothing of the app shows), then the store
    /// closes.
    public func willEnterForeground() async {
        guard let since = backgroundSince else { return }
        backgroundSince = nil
        if clock.now().timeIntervalSince(since) >= relockAfter, lockOnAtBackground {
            await closeSession()
        }
    }

    /// Shows the lock screen and closes the store, when the store has an app lock (without
    /// one there is nothing to lock: the app stays open).
    public func lockNow() async {
        guard lockIsOn() else { return }
        await closeSession()
    }

    /// Whether the store has a lock; when that cannot be read (storage), it is taken to have one.
    private func lockIsOn() -> Bool {
        guard let lock = try? Store.lockState(at: storeURL, key: try keys.databaseKey()) else { return true }
        if case .noLock = lock { return false }
        return true
    }

    private func closeSession() async {
        guard case .open = state, let app else { return }
        preferences = app.preferences
        state = .locked(LockScreen())
        self.app = nil
        await app.close()
    }

    /// "Delete everything from this phone": the person's copies on paired devices are asked
    /// back (one sync, best effort), the core erases the store, the platform key is deleted;
    /// then a new, empty app opens under a new key. A failure is `failure`; nothing is opened
    /// that was not there.
    public func eraseEverything() async {
        guard case .open = state, let app else { return }
        preferences = app.preferences
        state = .erasing
        self.app = nil
        do {
            _ = try await app.eraseEverything(keys: keys)
            failure = nil
        } catch let error as StoreError {
            failure = error
        } catch {
            failure = .storage(reason: "the platform key could not be deleted")
        }
        await start()
    }

    /// Why the last "delete everything" stopped has been read.
    public func dismissFailure() {
        failure = nil
    }

    private func opened(_ app: AppModel) async {
        countdown?.cancel()
        countdown = nil
        session += 1
        app.start()
        self.app = app
        state = .open
        await onOpen?(app)
    }

    /// `screen` with the countdown to `until` from now; a task ticks it every second.
    private func waiting(_ screen: LockScreen, until: Date) -> LockScreen {
        var screen = screen
        let left = until.timeIntervalSince(clock.now())
        guard left > 0 else {
            countdown?.cancel()
            countdown = nil
            screen.waitUntil = nil
            screen.waitSeconds = 0
            return screen
        }
        screen.waitUntil = until
        screen.waitSeconds = Int(left.rounded(.up))
        if countdown == nil {
            countdown = Task { @MainActor [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                    guard let self, !Task.isCancelled else { return }
                    self.tick()
                }
            }
        }
        return screen
    }
}

/// One number the lock screen offers: the region's emergency number (no name) or a crisis line.
public struct HelpNumber: Equatable, Sendable {
    public let name: String?
    public let number: String
}

/// What the lock screen offers a person in crisis who cannot type their PIN: the region's
/// emergency number and crisis lines, bundled with the core. Nothing from the store (it is
/// still locked); the list is the same on every phone of the region.
public func lockScreenHelp(region: String?) -> [HelpNumber] {
    guard let region, let lines = try? crisisLinesForRegion(region: region) else { return [] }
    return [HelpNumber(name: nil, number: lines.emergency.number)]
        + lines.lines.map { HelpNumber(name: $0.name, number: $0.number) }
}
