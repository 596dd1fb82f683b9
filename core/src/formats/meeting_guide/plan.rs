//! Planning an import: which entries become which meetings, and why the others are skipped.
//! Nothing is written here.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::codes;
use super::entry::FeedEntry;
use super::listing::{listing, Listing};
use super::to_meeting::to_meeting;
use crate::formats::{reason_of, ImportEntry, ImportOutcome, ImportReport};
use crate::model::schedule::{AttendanceOption, Meeting, MeetingKind};
use crate::model::time::Day;
use crate::model::validate::{self, Validate};

/// Which feed entries to take. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeetingGuideFilter {
    /// Every one of these type codes must be present (e.g. `DD`).
    pub types: Vec<String>,
    /// At least one of these days (0 = Sunday … 6 = Saturday).
    pub days: Vec<u8>,
    /// Only meetings one can join online or by phone.
    pub online_or_phone_only: bool,
    /// A language type code (`EN`, `S`, `FR`…) or tag (`en`, `es`…).
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingGuideImport {
    pub filter: MeetingGuideFilter,
    /// When set, only these slugs are taken (the person's choice from a preview).
    pub choose: Option<Vec<String>>,
    /// Zone of entries that name none.
    pub default_time_zone: String,
    /// The first occurrence is on or after this day.
    pub today: Day,
    pub kind: MeetingKind,
    /// Report what would happen without writing.
    pub dry_run: bool,
}

/// Why `l` does not pass `filter`, if it does not.
pub fn filtered_out(l: &Listing, filter: &MeetingGuideFilter) -> Option<&'static str> {
    if !filter.types.iter().all(|t| codes::has(&l.type_codes, t)) {
        return Some("filtered out by type");
    }
    if !filter.days.is_empty() && !l.days.iter().any(|d| filter.days.contains(d)) {
        return Some("filtered out by day");
    }
    if filter.online_or_phone_only && l.conference_url.is_none() && l.conference_phone.is_none() {
        return Some("filtered out: not online or by phone");
    }
    if let Some(lang) = &filter.language {
        if !codes::speaks(&l.type_codes, lang) {
            return Some("filtered out by language");
        }
    }
    None
}

/// The entry's key in the report: its slug, or its position when it has none.
fn key_of(i: usize, e: &FeedEntry) -> String {
    if e.slug.is_empty() {
        format!("#{i}")
    } else {
        e.slug.clone()
    }
}

/// The listings of a feed that can be scheduled, and a report naming every other entry with
/// the reason it was left out. Entries that are inactive are reported and left out too.
pub fn listings(
    entries: &[Option<FeedEntry>],
    default_zone: &str,
) -> (ImportReport, Vec<(Listing, Vec<String>)>) {
    let mut report = ImportReport::default();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(e) = e else {
            report.skip(format!("#{i}"), String::new(), "not a meeting object");
            continue;
        };
        let key = key_of(i, e);
        if e.slug.is_empty() || e.slug.chars().count() > validate::MAX_SHORT {
            report.skip(key, e.name.clone(), "no usable slug");
            continue;
        }
        if !seen.insert(e.slug.clone()) {
            report.skip(key, e.name.clone(), "the slug appears twice in the feed");
            continue;
        }
        let mut dropped = Vec::new();
        match listing(e, default_zone, &mut dropped) {
            Ok(l) => out.push((l, dropped)),
            Err(reason) => report.skip(key, e.name.clone(), reason),
        }
    }
    (report, out)
}

/// Plans an import of `entries` over the `existing` meetings.
pub fn plan(
    entries: &[Option<FeedEntry>],
    options: &MeetingGuideImport,
    existing: &[Meeting],
) -> (ImportReport, Vec<Meeting>) {
    let by_slug: HashMap<&str, &Meeting> = existing
        .iter()
        .filter_map(|m| m.source_slug.as_deref().map(|s| (s, m)))
        .collect();
    let chosen: Option<BTreeSet<&str>> = options
        .choose
        .as_ref()
        .map(|c| crate::sorting::set(c.iter().map(String::as_str)));
    let (mut report, found) = listings(entries, &options.default_time_zone);
    report.dry_run = options.dry_run;
    let mut meetings = Vec::new();
    for (l, dropped) in found {
        let key = l.slug.clone();
        if let Some(why) = filtered_out(&l, &options.filter) {
            report.skip(key, l.name.clone(), why);
            continue;
        }
        if chosen
            .as_ref()
            .is_some_and(|c| !c.contains(l.slug.as_str()))
        {
            report.skip(key, l.name.clone(), "not chosen");
            continue;
        }
        let before = by_slug.get(l.slug.as_str()).copied();
        // A group that stopped meeting is not scheduled; one already on the schedule is
        // updated so that it says so (and drops out of the occurrences).
        if l.attendance_option == Some(AttendanceOption::Inactive) && before.is_none() {
            report.skip(
                key,
                l.name.clone(),
                "inactive: the group does not meet for now",
            );
            continue;
        }
        let meeting = to_meeting(&l, options.today, options.kind, before)
            .and_then(|m| m.validate().map(|_| m));
        match meeting {
            Ok(m) => {
                report.push(ImportEntry {
                    key,
                    label: l.name.clone(),
                    outcome: if before.is_some() {
                        ImportOutcome::Updated
                    } else {
                        ImportOutcome::Added
                    },
                    dropped,
                });
                meetings.push(m);
            }
            Err(err) => report.skip(key, l.name.clone(), reason_of(&err)),
        }
    }
    (report, meetings)
}
