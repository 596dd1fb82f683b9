import Foundation
import TwofoldKit

/// The kit's `Preferences` in UserDefaults (no health data: a relay address and a switch).
enum PreferencesStore {
    private static let key = "preferences"

    static func load() -> Preferences {
        guard let data = UserDefaults.standard.data(forKey: key),
              let saved = try? JSONDecoder().decode(Preferences.self, from: data) else { return Preferences() }
        return saved
    }

    static func save(_ preferences: Preferences) {
        if let data = try? JSONEncoder().encode(preferences) {
            UserDefaults.standard.set(data, forKey: key)
        }
    }
}
