//! Expanding one meeting into its occurrences with the `rrule` crate.
//!
//! The rule is expanded in *wall-clock* time: DTSTART is handed to `rrule` as if the local
//! time were UTC, a zone without daylight saving, so "every Tuesday at 19:00" yields 19:00 on
//! every Tuesday whatever the clocks do. Each wall-clock start is then turned into an instant
//! by [`zone::resolve`](super::zone::resolve), which owns the gap and fold rules. UNTIL, an
//! instant in RFC 5545 when DTSTART has a zone, is rewritten to the matching wall-clock time
//! first so the two stay comparable.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{fast_forward, zone};
use crate::error::{Error, Result};
use crate::model::rrule_value::floating_start;
use crate::model::schedule::{parse_rrule_set, Meeting};
use crate::model::time::parse_zone;

/// Most occurrences one meeting yields for one query: a daily rule over a year and a half.
pub const MAX_PER_QUERY: u16 = 550;

/// One expanded start of a meeting: the wall-clock start the rule gives (the key for
/// attendance, reminders and exceptions) and the instant it denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    pub local: NaiveDateTime,
    pub at: DateTime<Utc>,
}

/// The meeting's zone, or an error naming `time_zone`.
pub fn zone_of(meeting: &Meeting) -> Result<Tz> {
    parse_zone("time_zone", &meeting.time_zone)
}

/// Rewrites the UNTIL part of `rule` into floating wall-clock time in `zone`, with the `Z`
/// suffix `rrule` wants when DTSTART is given in UTC.
pub fn floating_rule(rule: &str, zone: Tz) -> Result<String> {
    let mut parts = Vec::new();
    for part in rule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            parts.push(part.to_string());
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("UNTIL") {
            parts.push(part.to_string());
            continue;
        }
        let value = value.trim();
        let local = if let Some(utc) = value.strip_suffix(['Z', 'z']) {
            let at = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                .map_err(|_| Error::invalid("rrule", "has an UNTIL that is not a date-time"))?;
            zone::local_in(zone, Utc.from_utc_datetime(&at))
        } else if value.len() == 8 {
            // A date-only UNTIL includes that whole day.
            NaiveDate::parse_from_str(value, "%Y%m%d")
                .map_err(|_| Error::invalid("rrule", "has an UNTIL that is not a date"))?
                .and_hms_opt(23, 59, 59)
                .ok_or_else(|| Error::invalid("rrule", "has an UNTIL that is not a date"))?
        } else {
            NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
                .map_err(|_| Error::invalid("rrule", "has an UNTIL that is not a date-time"))?
        };
        parts.push(format!("UNTIL={}Z", local.format("%Y%m%dT%H%M%S")));
    }
    Ok(parts.join(";"))
}

fn floating(local: NaiveDateTime) -> DateTime<rrule::Tz> {
    rrule::Tz::UTC.from_utc_datetime(&local)
}

/// The rule's wall-clock starts between `from` and `to` (both inclusive), without exception
/// dates, at most `cap`.
pub fn wall_clock_starts(
    meeting: &Meeting,
    zone: Tz,
    from: NaiveDateTime,
    to: NaiveDateTime,
    cap: u16,
) -> Result<Vec<NaiveDateTime>> {
    rule_starts(
        meeting.start.0,
        meeting.rrule.as_deref(),
        zone,
        from,
        to,
        cap,
    )
}

/// The wall-clock starts of a series beginning at `start` (every series: meetings and
/// medication doses), between `from` and `to` inclusive, at most `cap`. No rule: `start` alone.
pub fn rule_starts(
    start: NaiveDateTime,
    rrule: Option<&str>,
    zone: Tz,
    from: NaiveDateTime,
    to: NaiveDateTime,
    cap: u16,
) -> Result<Vec<NaiveDateTime>> {
    let Some(rule) = rrule else {
        return Ok(if start >= from && start <= to {
            vec![start]
        } else {
            Vec::new()
        });
    };
    if to < start {
        return Ok(Vec::new());
    }
    let rule_text = floating_rule(rule, zone)?;
    let dt_start = floating_start(start)
        .ok_or_else(|| Error::invalid("rrule", "is not a valid RFC 5545 recurrence rule"))?;
    let set = parse_rrule_set("rrule", dt_start, &rule_text)?;
    // A series that began long before the window is expanded from a later start that keeps
    // its occurrences. The DTSTART rule below changes nothing then: that start is before the
    // window, and a rule with COUNT is never moved.
    if let Some(moved) = fast_forward::moved_near(&set, start, from) {
        return Ok(expand(moved, from, to, cap));
    }
    let mut found = expand(set.clone(), from, to, cap);
    if rule_skips_start(&set, start) {
        // RFC 5545 §3.8.5.3: "The DTSTART property value always counts as the first
        // occurrence", also when the rule would not produce it (the 30th with
        // BYMONTHDAY=-1) — calendars that import the export show it, so the app does too.
        // Under COUNT it uses up one of the count: the rule's last one is dropped.
        if let Some(count) = count_of(rule) {
            let limit = u16::try_from(count).unwrap_or(u16::MAX);
            if let Some(last) = set
                .all(limit)
                .dates
                .get(usize::from(limit).saturating_sub(1))
            {
                let last = last.naive_utc();
                found.retain(|d| *d != last);
            }
        }
        if start >= from && start <= to {
            found.insert(0, start);
            found.truncate(usize::from(cap));
        }
    }
    Ok(found)
}

/// The set's wall-clock starts between `from` and `to` inclusive, at most `cap`.
pub(super) fn expand(
    set: rrule::RRuleSet,
    from: NaiveDateTime,
    to: NaiveDateTime,
    cap: u16,
) -> Vec<NaiveDateTime> {
    set.after(floating(from))
        .before(floating(to))
        .all(cap)
        .dates
        .iter()
        .map(|d| d.naive_utc())
        .collect()
}

/// Whether the rule's own first occurrence is not DTSTART.
fn rule_skips_start(set: &rrule::RRuleSet, start: NaiveDateTime) -> bool {
    set.clone().all(1).dates.first().map(|d| d.naive_utc()) != Some(start)
}

/// The rule's COUNT, when it has one.
fn count_of(rule: &str) -> Option<u32> {
    rule.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("COUNT")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

/// The occurrences of `meeting` that start in `[from, to)`, exception dates removed.
pub fn starts_between(
    meeting: &Meeting,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    cap: u16,
) -> Result<Vec<Start>> {
    let zone = zone_of(meeting)?;
    // Wall-clock bounds with a day of slack each side: offsets differ by at most 26 hours
    // from UTC, and a gap can push a start forward by up to a day.
    let local_from = zone::local_in(zone, from) - Duration::days(2);
    let local_to = zone::local_in(zone, to) + Duration::days(2);
    let starts = wall_clock_starts(meeting, zone, local_from, local_to, cap)?;
    Ok(starts
        .into_iter()
        .filter(|local| !meeting.exdates.iter().any(|x| x.0 == *local))
        .map(|local| Start {
            local,
            at: zone::resolve(zone, local),
        })
        .filter(|s| s.at >= from && s.at < to)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_in_utc_becomes_wall_clock() {
        let rule = floating_rule(
            "FREQ=WEEKLY;UNTIL=20240101T180000Z",
            chrono_tz::Europe::Madrid,
        )
        .expect("valid");
        assert_eq!(rule, "FREQ=WEEKLY;UNTIL=20240101T190000Z");
    }

    #[test]
    fn a_date_only_until_keeps_its_day() {
        let rule = floating_rule("FREQ=DAILY;UNTIL=20240101", chrono_tz::UTC).expect("valid");
        assert_eq!(rule, "FREQ=DAILY;UNTIL=20240101T235959Z");
    }
}
