import Foundation

/// The app lock's settings: turn it on with a PIN, change the PIN, turn it off, set or clear
/// a duress PIN. Each new PIN is typed twice; a mismatch is refused here, on the field
/// `confirm_pin`, before the core sees anything. A wrong current PIN is the core's
/// `.wrongPin`, counted like a try at the lock screen.
@MainActor
public final class AppLockSettingsModel: ViewModel {
    /// What the last action did, for a confirmation line.
    public enum Change: Equatable, Sendable { case turnedOn, pinChanged, turnedOff, duressSet, duressCleared }

    /// The field a PIN's second typing is refused on.
    public static let confirmField = "confirm_pin"

    let store: Store
    public private(set) var isOn = false { willSet { willChange() } }
    /// A duress PIN is set (shown only here, in settings, never on the lock screen).
    public private(set) var hasDuressPin = false { willSet { willChange() } }
    /// An action is running (each PIN check costs about 0.2 s; turning on re-encrypts the store).
    public private(set) var working = false { willSet { willChange() } }
    public private(set) var done: Change? { willSet { willChange() } }

    public init(store: Store) {
        self.store = store
    }

    public func load() {
        do {
            let status = try store.appLockStatus()
            isOn = status.on
            hasDuressPin = status.duressPin
        } catch {
            failure = error as? StoreError
        }
    }

    public func enable(pin: String, confirm: String) async {
        await change(.turnedOn) {
            try Self.confirmed(pin, confirm)
            try await self.store.enableAppLock(pin: pin)
        }
    }

    public func changePin(current: String, new: String, confirm: String) async {
        await change(.pinChanged) {
            try Self.confirmed(new, confirm)
            try await self.store.changePin(current: current, new: new)
        }
    }

    public func disable(pin: String) async {
        await change(.turnedOff) { try await self.store.disableAppLock(pin: pin) }
    }

    public func setDuressPin(_ pin: String, confirm: String) async {
        await change(.duressSet) {
            try Self.confirmed(pin, confirm)
            try await self.store.setDuressPin(pin)
        }
    }

    public func clearDuressPin() async {
        await change(.duressCleared) { try await self.store.clearDuressPin() }
    }

    private func change(_ what: Change, _ body: () async throws -> Void) async {
        working = true
        done = nil
        defer { working = false }
        if await attempt(body) {
            load()
            done = what
        }
    }

    private static func confirmed(_ pin: String, _ confirm: String) throws {
        if pin != confirm { throw StoreError.invalidInput(field: confirmField, reason: "does not match the PIN") }
    }
}
