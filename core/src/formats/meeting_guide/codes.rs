//! The Meeting Guide specification's meeting type codes that carry meaning for Twofold:
//! languages, access, and the "location temporarily closed" flag. Every other code (and any
//! code a feed invents) is kept as it is on the meeting; these are only read.

/// Language type codes (code4recovery/spec `data/types.json`) and the BCP 47 tags they stand
/// for. `GER` and `S` predate the two-letter codes and are still published.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("AM", "am"),
    ("ASL", "ase"),
    ("DA", "da"),
    ("DE", "de"),
    ("GER", "de"),
    ("EL", "el"),
    ("EN", "en"),
    ("FA", "fa"),
    ("FR", "fr"),
    ("HE", "he"),
    ("HI", "hi"),
    ("HR", "hr"),
    ("HU", "hu"),
    ("ITA", "it"),
    ("JA", "ja"),
    ("KOR", "ko"),
    ("LT", "lt"),
    ("ML", "ml"),
    ("NO", "no"),
    ("POL", "pl"),
    ("POR", "pt"),
    ("PUN", "pa"),
    ("RUS", "ru"),
    ("S", "es"),
    ("SK", "sk"),
    ("SV", "sv"),
    ("TH", "th"),
    ("TL", "tl"),
    ("UK", "uk"),
];

/// Wheelchair access to the meeting room.
pub const WHEELCHAIR: &str = "X";
/// A wheelchair-accessible bathroom.
pub const WHEELCHAIR_BATHROOM: &str = "XB";
/// The building is closed for now (the group may still meet online).
pub const TEMPORARILY_CLOSED: &str = "TC";
/// The older "online" code, still in many feeds.
pub const ONLINE: &str = "ONL";

/// Whether `codes` holds `code` (feeds differ in case: `dd`, `DD`).
pub fn has(codes: &[String], code: &str) -> bool {
    codes.iter().any(|c| c.eq_ignore_ascii_case(code))
}

/// The language tag of the first language code in `codes`, or empty.
pub fn language_of(codes: &[String]) -> String {
    codes
        .iter()
        .find_map(|t| {
            LANGUAGES
                .iter()
                .find(|(code, _)| t.eq_ignore_ascii_case(code))
                .map(|(_, tag)| (*tag).to_string())
        })
        .unwrap_or_default()
}

/// Whether `wanted` (a code such as `S` or a tag such as `es`) names a language of `codes`.
pub fn speaks(codes: &[String], wanted: &str) -> bool {
    has(codes, wanted)
        || codes.iter().any(|t| {
            LANGUAGES
                .iter()
                .any(|(code, tag)| t.eq_ignore_ascii_case(code) && tag.eq_ignore_ascii_case(wanted))
        })
}

/// The accessibility text the codes give.
pub fn accessibility_of(codes: &[String]) -> String {
    let mut parts = Vec::new();
    if has(codes, WHEELCHAIR) {
        parts.push("Wheelchair access");
    }
    if has(codes, WHEELCHAIR_BATHROOM) {
        parts.push("Wheelchair-accessible bathroom");
    }
    parts.join("; ")
}

/// Whether a code is something Twofold can store (letters, digits and `-`, at most 16).
pub fn storable(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 16
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_found_by_code_or_tag() {
        let codes = vec!["O".to_string(), "s".to_string()];
        assert_eq!(language_of(&codes), "es");
        assert!(speaks(&codes, "es"));
        assert!(speaks(&codes, "S"));
        assert!(!speaks(&codes, "en"));
    }
}
