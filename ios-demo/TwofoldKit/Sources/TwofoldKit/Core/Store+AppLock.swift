import Foundation
import TwofoldCore

/// The app lock (ADR 0015) and "delete everything", over the generated calls, with typed errors.
extension Store {
    /// Whether the store at `url` has an app lock, read with the platform key before opening
    /// (nothing is written). A platform key that does not open the lock file is `.wrongKey`.
    public static func lockState(at url: URL, key: Data) throws -> LockState {
        try mapped { try TwofoldCore.lockState(path: url.path, platformKey: key) }
    }

    /// Opens a store that has an app lock with the platform key and the PIN. Each try is
    /// counted before it is checked (about 0.2 s of Argon2id): a wrong PIN is
    /// `.wrongPin(waitMs:)` with what the next try must wait, and during a wait every try is
    /// `.lockedOut`, refused unchecked. The duress PIN opens an empty store in place of the
    /// erased one, and looks the same.
    public static func openWithPin(at url: URL, key: Data, pin: String) async throws -> Store {
        let core = try await mapped { try await TwofoldStore.openWithPin(path: url.path, platformKey: key, pin: pin) }
        return Store(core: core)
    }

    public func appLockStatus() throws -> AppLockStatus {
        try read { try $0.appLockStatus() }
    }

    /// Re-encrypts the store under a new key that only the platform key and `pin` together open.
    public func enableAppLock(pin: String) async throws {
        try await write { try await $0.enableAppLock(pin: pin) }
    }

    /// A wrong `current` PIN is `.wrongPin`, counted like a try at the lock screen.
    public func changePin(current: String, new: String) async throws {
        try await write { try await $0.changePin(oldPin: current, newPin: new) }
    }

    public func disableAppLock(pin: String) async throws {
        try await write { try await $0.disableAppLock(pin: pin) }
    }

    public func setDuressPin(_ pin: String) async throws {
        try await write { try await $0.setDuressPin(duressPin: pin) }
    }

    public func clearDuressPin() async throws {
        try await write { try await $0.clearDuressPin() }
    }

    /// Ends every share this device gave, each with a notice asking the paired device to delete
    /// its copy (they leave with the next sync); returns how many ended.
    public func prepareErase() async throws -> UInt64 {
        try await write { try await $0.prepareErase() }
    }

    /// Closes the store and removes every file of it (database, WAL, the app lock's file, side
    /// files); returns how many there were. Stop sync first. Then delete the platform key.
    public func eraseEverything() async throws -> UInt64 {
        subscriptions.cancelAll()
        return try await write { try await $0.eraseEverything() }
    }
}
