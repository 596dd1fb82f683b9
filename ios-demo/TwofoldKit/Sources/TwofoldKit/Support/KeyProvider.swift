import Foundation

/// Where the database key comes from: 32 random bytes made once and kept by the platform (the
/// app's Keychain glue: this device only, after first unlock). The kit only asks for it.
public protocol KeyProvider: Sendable {
    /// The key, made and stored on first use.
    func databaseKey() throws -> Data

    /// Deletes the key for good (the Keychain item), after "delete everything" has erased the
    /// store: no copy of the old files can be opened again. The next `databaseKey()` makes a
    /// new one. Deleting a key that is not there is not an error.
    func deleteKey() throws
}

/// A key kept in memory, for tests and previews.
public struct EphemeralKey: KeyProvider {
    public let key: Data

    public init(key: Data = EphemeralKey.random()) {
        self.key = key
    }

    public func databaseKey() throws -> Data { key }

    /// Nothing to delete: the key lives only in this value (previews and tests that do not
    /// erase; the erase tests use a key kept in a file).
    public func deleteKey() throws {}

    public static func random() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// The person's choices that live outside the encrypted store (UserDefaults in the app).
public struct Preferences: Equatable, Sendable, Codable {
    /// The relay the person chose or their mentor's invite named; nil: not syncing.
    public var relayURL: String?
    /// Reminders name the meeting only when the person asks for it.
    public var showReminderDetail = false

    public init(relayURL: String? = nil, showReminderDetail: Bool = false) {
        self.relayURL = relayURL
        self.showReminderDetail = showReminderDetail
    }
}
