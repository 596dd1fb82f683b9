//! Bounds on imported files, checked before any parser sees them, so a huge or deeply nested
//! file is refused in linear time and constant extra memory.

use crate::error::{Error, Result};

/// Largest file accepted (a large fellowship feed is about 3 MB).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most entries (meetings, events, cards) in one file.
pub const MAX_ENTRIES: usize = 5_000;
/// Deepest JSON nesting in a Meeting Guide feed (the format needs 3).
pub const MAX_JSON_DEPTH: usize = 16;
/// Deepest component nesting in a calendar (VCALENDAR > VEVENT > VALARM, VTIMEZONE > STANDARD).
pub const MAX_COMPONENT_DEPTH: usize = 4;
/// Longest unfolded content line.
pub const MAX_LINE: usize = 64 * 1024;

fn refuse(reason: &str) -> Error {
    Error::ImportRefused {
        reason: reason.to_string(),
    }
}

/// The bytes as UTF-8 text within [`MAX_BYTES`].
pub fn text(bytes: &[u8]) -> Result<&str> {
    if bytes.len() > MAX_BYTES {
        return Err(refuse("the file is larger than 8 MiB"));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| refuse("the file is not UTF-8 text"))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Refuses JSON nested deeper than [`MAX_JSON_DEPTH`] (a linear scan, strings skipped).
pub fn json_depth(text: &str) -> Result<()> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(refuse("the file is nested too deeply"));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Unfolds content lines (RFC 5545 §3.1, RFC 6350 §3.2) and checks component nesting, the
/// number of components named `entry` and line lengths. Returns the unfolded text with CRLF
/// line ends.
pub fn content_lines(text: &str, entry: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match lines.last_mut() {
                Some(last) => last.push_str(rest),
                None => return Err(refuse("the file starts with a continuation line")),
            }
        } else if !raw.is_empty() {
            lines.push(raw.to_string());
        }
        if lines.last().is_some_and(|l| l.len() > MAX_LINE) {
            return Err(refuse("a line is longer than 64 KiB"));
        }
    }
    let (mut depth, mut entries) = (0usize, 0usize);
    for line in &lines {
        let upper = line.get(..6).map(|p| p.to_ascii_uppercase());
        match upper.as_deref() {
            Some("BEGIN:") => {
                depth += 1;
                if depth > MAX_COMPONENT_DEPTH {
                    return Err(refuse("the file is nested too deeply"));
                }
                if line[6..].trim().eq_ignore_ascii_case(entry) {
                    entries += 1;
                    if entries > MAX_ENTRIES {
                        return Err(refuse("the file has more than 5000 entries"));
                    }
                }
            }
            _ if line
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("END:")) =>
            {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| refuse("the file ends a component it never began"))?;
            }
            _ => {}
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    if depth != 0 {
        return Err(refuse("the file ends inside a component"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_json_is_refused() {
        assert!(json_depth(&"[".repeat(17)).is_err());
        assert!(json_depth(r#"[{"a":"[[[[[[[[[[[[[[[[[[[[[["}]"#).is_ok());
    }

    #[test]
    fn folded_lines_are_joined() {
        let out = content_lines("BEGIN:VCARD\r\nFN:Ann\r\n  Lee\r\nEND:VCARD\r\n", "VCARD")
            .expect("valid");
        assert_eq!(out, "BEGIN:VCARD\r\nFN:Ann Lee\r\nEND:VCARD\r\n");
    }
}
