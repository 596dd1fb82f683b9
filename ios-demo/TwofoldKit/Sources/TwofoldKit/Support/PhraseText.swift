import Foundation
import TwofoldCore

/// Turns the core's `Phrase`s (a code and named parameters: `alert.high_craving` with
/// `count`, `window_days`) into text from the app's string table, so that every text the
/// person reads is localised by the app (`Localizable.strings`: English, Spanish, French,
/// Portuguese, Arabic).
///
/// Keys are `phrase.<code>.<category>` when the phrase has a `count` parameter — the CLDR
/// plural category of the count in the table's language (`one`/`other` in English, Spanish,
/// French and Portuguese; `zero`, `one`, `two`, `few`, `many`, `other` in Arabic), falling back
/// to `.other` — else `phrase.<code>`; placeholders are `{name}`.
public struct PhraseText: Sendable {
    /// Looks a key up in the app's table; returns nil when the table has no entry.
    public var lookup: @Sendable (String) -> String?
    /// The table's language (`en`, `ar`, `pt-BR`…), for the plural category of a count.
    public var language: String

    public init(language: String = "en", lookup: @escaping @Sendable (String) -> String?) {
        self.language = language
        self.lookup = lookup
    }

    /// A table from a bundle's `Localizable.strings` (the app passes `.main`), in the language
    /// the bundle resolved for the phone.
    public static func bundle(_ bundle: Bundle) -> PhraseText {
        PhraseText(language: bundle.preferredLocalizations.first ?? "en") { key in
            let found = bundle.localizedString(forKey: key, value: "\u{0}", table: nil)
            return found == "\u{0}" ? nil : found
        }
    }

    public func text(_ phrase: Phrase) -> String {
        let count = phrase.params.first { $0.name == "count" }.flatMap { Int($0.value) }
        let keys = count.map { count -> [String] in
            let category = PluralRule.category(of: count, language: language)
            return ["phrase.\(phrase.code).\(category)", "phrase.\(phrase.code).other", "phrase.\(phrase.code)"]
        } ?? ["phrase.\(phrase.code)"]
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

/// The CLDR plural category of a whole number, for the languages the app speaks (the rules of
/// CLDR's `plurals.xml`, integers only). Any other language gets English's rule.
public enum PluralRule {
    public static func category(of n: Int, language: String) -> String {
        let base = language.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? language
        let n = abs(n)
        switch base {
        case "ar":
            let mod100 = n % 100
            if n == 0 { return "zero" }
            if n == 1 { return "one" }
            if n == 2 { return "two" }
            if (3...10).contains(mod100) { return "few" }
            if (11...99).contains(mod100) { return "many" }
            return "other"
        case "fr", "pt":
            // 0 and 1 are singular ("0 jour", "0 dia"); CLDR's "many" (millions) reads as other.
            return n <= 1 ? "one" : "other"
        default:
            return n == 1 ? "one" : "other"
        }
    }
}
