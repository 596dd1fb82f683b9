//! Emergency numbers and crisis lines by country, bundled with the core so the crisis screen
//! has a number to call with no network and before the person has set anything up.
//!
//! The data is `core/data/crisis_lines.json`, embedded (compressed, `bundled.rs`) at build time
//! and parsed once, on first use. Every entry names the public page it was confirmed against
//! and the day it was checked; `check` refuses an entry without them, a number that is not one,
//! or a country listed twice, and a unit test runs it over the bundled file. A country the file
//! does not list gets no default rather than a guess.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::bundled;
use crate::error::{Error, Result};
use crate::model::time::Day;

/// Where a number was confirmed, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSource {
    /// The page's publisher and title.
    pub name: String,
    pub url: String,
    pub checked: Day,
}

/// What a country's emergency number reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyService {
    /// Police, ambulance and fire through one number.
    All,
    Police,
    Ambulance,
    Fire,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyNumber {
    pub number: String,
    pub services: Vec<EmergencyService>,
    pub source: LineSource,
}

/// A crisis or suicide line as bundled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundledLine {
    pub name: String,
    pub number: String,
    /// A number that takes text messages, when it has one.
    #[serde(default)]
    pub text_number: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// A fact the caller needs (an option to choose, the area served), in English.
    #[serde(default)]
    pub note: Option<String>,
    pub source: LineSource,
}

/// One country's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionLines {
    /// ISO 3166-1 alpha-2, upper case.
    pub region: String,
    pub emergency: EmergencyNumber,
    pub lines: Vec<BundledLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Directory {
    #[serde(rename = "about")]
    _about: String,
    countries: Vec<RegionLines>,
}

/// Digits with single spaces or hyphens between them, an optional leading `+` (international)
/// or `*` (a short code, as Chile's `*4141`), and 3 to 15 digits in all (E.164's limit).
pub fn is_dialable(number: &str) -> bool {
    let body = number
        .strip_prefix('+')
        .or_else(|| number.strip_prefix('*'))
        .unwrap_or(number);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let well_formed = body.starts_with(|c: char| c.is_ascii_digit())
        && body.ends_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        && !body.contains("  ")
        && !body.contains("--");
    well_formed && (3..=15).contains(&digits)
}

fn check_source(field: &str, source: &LineSource) -> Result<()> {
    if source.name.trim().is_empty() {
        return Err(Error::invalid(field, "names no source"));
    }
    if !source.url.starts_with("https://") && !source.url.starts_with("http://") {
        return Err(Error::invalid(field, "has no source URL"));
    }
    Ok(())
}

fn check_region(field: &str, region: &str) -> Result<()> {
    if region.len() == 2 && region.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::invalid(field, "is not an ISO 3166-1 alpha-2 code"))
    }
}

/// Refuses an entry without a source or date, a malformed number, or a country listed twice.
/// Errors name the country and the field, so a bad edit of the data file is found at once.
pub fn check(countries: &[RegionLines]) -> Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for c in countries {
        check_region("region", &c.region)?;
        if seen.contains(&c.region.as_str()) {
            return Err(Error::invalid(
                format!("{}.region", c.region),
                "is listed twice",
            ));
        }
        seen.push(&c.region);
        let at = |field: &str| format!("{}.{field}", c.region);
        if !is_dialable(&c.emergency.number) {
            return Err(Error::invalid(at("emergency.number"), "is not a number"));
        }
        if c.emergency.services.is_empty() {
            return Err(Error::invalid(at("emergency.services"), "is empty"));
        }
        check_source(&at("emergency.source"), &c.emergency.source)?;
        if c.lines.is_empty() {
            return Err(Error::invalid(at("lines"), "lists no crisis line"));
        }
        for line in &c.lines {
            if line.name.trim().is_empty() {
                return Err(Error::invalid(at("lines.name"), "is empty"));
            }
            if !is_dialable(&line.number) {
                return Err(Error::invalid(at("lines.number"), "is not a number"));
            }
            if line.text_number.as_deref().is_some_and(|t| !is_dialable(t)) {
                return Err(Error::invalid(at("lines.text_number"), "is not a number"));
            }
            check_source(&at("lines.source"), &line.source)?;
        }
    }
    Ok(())
}

/// Parses and checks a directory in the bundled file's format.
pub fn parse(json: &str) -> Result<Vec<RegionLines>> {
    let directory: Directory = serde_json::from_str(json)
        .map_err(|_| Error::invalid("crisis_lines", "is not a crisis line directory"))?;
    check(&directory.countries)?;
    Ok(directory.countries)
}

/// Every bundled country, parsed on first use.
pub fn all() -> Result<&'static [RegionLines]> {
    static DIRECTORY: OnceLock<std::result::Result<Vec<RegionLines>, String>> = OnceLock::new();
    DIRECTORY
        .get_or_init(|| {
            let json = bundled::text(bundled::CRISIS_LINES).unwrap_or_default();
            parse(&json).map_err(|e| e.to_string())
        })
        .as_deref()
        // Only a broken build gets here: the unit test parses the same bytes.
        .map_err(|_| Error::Contained {
            context: "the bundled crisis lines",
        })
}

/// The numbers for a region (ISO 3166-1 alpha-2, any case), or `None` where none are bundled.
pub fn for_region(region: &str) -> Result<Option<&'static RegionLines>> {
    let wanted = region.trim().to_ascii_uppercase();
    check_region("region", &wanted)?;
    Ok(all()?.iter().find(|c| c.region == wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_directory_passes_its_checks_and_covers_thirty_countries() {
        let all = all().expect("the bundled file parses");
        assert!(all.len() >= 30, "{} countries", all.len());
        let us = for_region("us").expect("valid code").expect("bundled");
        assert_eq!(us.emergency.number, "911");
        assert_eq!(us.lines[0].number, "988");
        assert!(for_region("AQ").expect("valid code").is_none());
        assert!(for_region("USA").is_err());
    }

    /// `docs/crisis-lines.md` says which countries are bundled ("54 countries: AE, AR, …."),
    /// and readers plan searches from it: an edit to the data file that forgets the doc, or
    /// the reverse, fails here.
    #[test]
    fn the_documented_list_matches_the_bundled_file() {
        let doc = include_str!("../../../docs/crisis-lines.md");
        let marker = " countries: ";
        let at = doc
            .find(marker)
            .expect("the doc lists the bundled countries");
        let line_start = doc[..at].rfind('\n').map_or(0, |i| i + 1);
        let count: usize = doc[line_start..at]
            .parse()
            .expect("the list starts with a count");
        let rest = &doc[at + marker.len()..];
        let list = &rest[..rest.find('.').expect("the list ends with a full stop")];
        let documented: Vec<&str> = list.split(',').map(str::trim).collect();
        let bundled: Vec<&str> = all()
            .expect("the bundled file parses")
            .iter()
            .map(|c| c.region.as_str())
            .collect();
        assert_eq!(
            documented, bundled,
            "docs/crisis-lines.md and the data file differ"
        );
        assert_eq!(count, bundled.len(), "the documented count");
    }

    #[test]
    fn an_entry_without_source_or_date_a_bad_number_or_a_duplicate_is_refused() {
        let good = r#"{"about":"","countries":[{"region":"XA","emergency":{"number":"112","services":["all"],"source":{"name":"A page","url":"https://example.org","checked":"2026-12-03"}},"lines":[{"name":"Line","number":"0800 111","source":{"name":"A page","url":"https://example.org","checked":"2026-12-03"}}]}]}"#;
        assert!(parse(good).is_ok());
        let broken = [
            good.replace(r#""checked":"2026-12-03"}},"lines""#, r#""checked":""}},"lines""#),
            good.replace(r#","checked":"2026-12-03"}}]"#, "}}]"),
            good.replace(r#""name":"A page","url":"https://example.org","checked":"2026-12-03"}}]"#, r#""name":" ","url":"https://example.org","checked":"2026-12-03"}}]"#),
            good.replace(r#""url":"https://example.org","checked":"2026-12-03"}},"#, r#""url":"example.org","checked":"2026-12-03"}},"#),
            good.replace("0800 111", "0800-CALL-ME"),
            good.replace(r#""number":"112""#, r#""number":"12""#),
            good.replace(r#"}]}]}"#, r#"}]},{"region":"XA","emergency":{"number":"112","services":["all"],"source":{"name":"A page","url":"https://example.org","checked":"2026-12-03"}},"lines":[{"name":"Line","number":"0800 111","source":{"name":"A page","url":"https://example.org","checked":"2026-12-03"}}]}]}"#),
            good.replace(r#""region":"XA""#, r#""region":"xa""#),
        ];
        for (i, json) in broken.iter().enumerate() {
            assert_ne!(json, good, "case {i} must change the input");
            assert!(parse(json).is_err(), "case {i} was accepted");
        }
    }

    #[test]
    fn dialable_numbers() {
        for ok in [
            "112",
            "13 11 14",
            "0800 111 0 111",
            "*4141",
            "+44 116 123",
            "0800-0113",
        ] {
            assert!(is_dialable(ok), "{ok}");
        }
        for bad in [
            "",
            "12",
            "1-800-TALK",
            " 112",
            "112 ",
            "1  12",
            "++112",
            "*",
            "1234567890123456",
        ] {
            assert!(!is_dialable(bad), "{bad}");
        }
    }
}
