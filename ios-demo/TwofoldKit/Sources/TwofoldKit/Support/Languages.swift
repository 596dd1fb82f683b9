import TwofoldCore

/// The core's message catalogue for the person's languages, most preferred first
/// (`Locale.preferredLanguages`: "de-DE", "es-MX", "pt-BR", "ar"…): the first the core speaks —
/// English, Spanish, French, Portuguese or Arabic — else English. Someone whose phone lists
/// German then Spanish reads Spanish.
public func coreLang(preferred: [String]) -> Lang {
    for identifier in preferred {
        let language = identifier.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() }
        switch language {
        case "en": return .en
        case "es": return .es
        case "fr": return .fr
        case "pt": return .pt
        case "ar": return .ar
        default: continue
        }
    }
    return .en
}

extension Lang {
    /// Whether the core's text in this language runs right to left (Arabic).
    public var isRightToLeft: Bool { self == .ar }
}
