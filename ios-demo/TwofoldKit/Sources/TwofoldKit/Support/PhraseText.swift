import Foundation
import TwofoldCore

/// Turns the core's `Phrase`s (a code and named parameters: `alert.high_craving` with
/// `count`, `window_days`) into text from the app's string table, so that every text the
/// person reads is localised by the app (`Localizable.strings`, English and Spanish).
///
/// Keys are `phrase.<code>.one` / `phrase.<code>.other` when the phrase has a `count`
/// parameter (singular or plural), else `phrase.<code>`; placeholders are `{name}`.
public struct PhraseText: Sendable {
    /// Looks a key up in the app's table; returns nil when the table has no entry.
    public var lookup: @Sendable (String) -> String?

    public init(lookup: @escaping @Sendable (String) -> String?) {
        self.lookup = lookup
    }

    /// A table from a bundle's `Localizable.strings` (the app passes `.main`).
    public static func bundle(_ bundle: Bundle) -> PhraseText {
        PhraseText { key in
            let found = bundle.localizedString(forKey: key, value: "\u{0}", table: nil)
            return found == "\u{0}" ? nil : found
        }
    }

    public func text(_ phrase: Phrase) -> String {
        let count = phrase.params.first { $0.name == "count" }.flatMap { Int($0.value) }
        let keys = count.map { ["phrase.\(phrase.code).\($0 == 1 ? "one" : "other")", "phrase.\(phrase.code)"] }
            ?? ["phrase.\(phrase.code)"]
        // A code the app has no text for yet still shows something readable.
        let template = keys.lazy.compactMap(lookup).first ?? phrase.code
        return phrase.params.reduce(template) { text, param in
            text.replacingOccurrences(of: "{\(param.name)}", with: param.value)
        }
    }

    /// A template with `{name}` placeholders filled from `values` (reminders use these).
    public func fill(_ key: String, _ values: [String: String]) -> String {
        let template = lookup(key) ?? key
        return values.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
