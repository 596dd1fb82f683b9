//! An RRULE value read into rrule's own typed rule without rrule's text parser.
//!
//! rrule 0.14 finds property names and reads dates with the `regex` crate: 0.64 MB of the
//! phones' library for two fixed patterns (ADR 0018). The rule's meaning stays rrule's: its
//! public value parsers read FREQ and BYDAY, its builder makes the rule and its `validate`
//! checks it against DTSTART. What is here is the split into parts and the reading of the
//! numbers and UNTIL exactly as rrule 0.14's parser does (`src/parser/content_line/
//! rule_content_line.rs`, `parameters.rs`, `utils.rs`, `datetime.rs`), so that every value
//! it accepted is accepted with the same rule and every value it refused is refused; the
//! oracle tests beside it (`rrule_value_tests.rs`) hold the two against each other.

use std::collections::HashSet;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Month, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Unvalidated};

/// The rule `value` (no `RRULE:` prefix, one line) validated against `dt_start`, as rrule's
/// `RRuleSet` parser would build it from `DTSTART…` and `RRULE:value`; `None` when that parser
/// would refuse it.
pub(crate) fn rule_set(dt_start: DateTime<rrule::Tz>, value: &str) -> Option<RRuleSet> {
    let rule = unvalidated(value)?.validate(dt_start).ok()?;
    Some(RRuleSet::new(dt_start).rrule(rule))
}

/// `DTSTART;TZID=zone:local` as rrule reads it: a local time the zone has twice (a fold) or
/// not at all (a gap) is no start, and neither is a zone chrono-tz does not know.
pub(crate) fn zoned_start(local: NaiveDateTime, zone: &str) -> Option<DateTime<rrule::Tz>> {
    let zone = zone.parse::<chrono_tz::Tz>().ok()?;
    rrule::Tz::Tz(zone)
        .from_local_datetime(&as_printed(local)?)
        .single()
}

/// `DTSTART:localZ`: the wall-clock time handed to rrule as if it were UTC.
pub(crate) fn floating_start(local: NaiveDateTime) -> Option<DateTime<rrule::Tz>> {
    Some(rrule::Tz::UTC.from_utc_datetime(&as_printed(local)?))
}

/// A start as rrule read it back from the `%Y%m%dT%H%M%S` text the core used to write: the
/// year must print as four digits, a leap second (printed as 60) is no time, and fractions of
/// a second were not printed.
fn as_printed(local: NaiveDateTime) -> Option<NaiveDateTime> {
    if !(0..=9999).contains(&local.year()) || local.nanosecond() >= 1_000_000_000 {
        return None;
    }
    local
        .date()
        .and_hms_opt(local.hour(), local.minute(), local.second())
}

/// The parts of the rule, each read as rrule 0.14's `props_to_rrule` reads it.
fn unvalidated(value: &str) -> Option<RRule<Unvalidated>> {
    let parts = parts(value)?;
    let get = |key: Key| parts.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);

    let mut rule = RRule::new(Frequency::from_str(get(Key::Freq)?).ok()?);
    if let Some(interval) = get(Key::Interval) {
        rule = rule.interval(interval.parse().ok()?);
    }
    if let Some(count) = get(Key::Count) {
        rule = rule.count(count.parse().ok()?);
    }
    if let Some(until) = get(Key::Until) {
        rule = rule.until(until_time(until)?);
    }
    if let Some(week_start) = get(Key::Wkst) {
        rule = rule.week_start(weekday(week_start)?);
    }
    if let Some(list) = get(Key::BySetPos) {
        rule = rule.by_set_pos(numbers(list, |_: i32| true)?);
    }
    if let Some(list) = get(Key::ByMonth) {
        let months = numbers(list, |m: u8| (1..=12).contains(&m))?
            .into_iter()
            .map(|m| Month::try_from(m).ok())
            .collect::<Option<Vec<_>>>()?;
        rule = rule.by_month(&months);
    }
    if let Some(list) = get(Key::ByMonthDay) {
        rule = rule.by_month_day(numbers(list, |d: i8| (-31..=31).contains(&d))?);
    }
    if let Some(list) = get(Key::ByYearDay) {
        rule = rule.by_year_day(numbers(list, |d: i16| (-366..=366).contains(&d))?);
    }
    if let Some(list) = get(Key::ByWeekNo) {
        rule = rule.by_week_no(numbers(list, |w: i8| (-53..=53).contains(&w))?);
    }
    if let Some(list) = get(Key::ByDay) {
        // rrule's own reading of each day, ordinal included (`-1SU`, `2MO`).
        let days = list
            .split(',')
            .map(|day| NWeekday::from_str(day).ok())
            .collect::<Option<Vec<_>>>()?;
        rule = rule.by_weekday(days);
    }
    if let Some(list) = get(Key::ByHour) {
        rule = rule.by_hour(numbers(list, |h: u8| h < 24)?);
    }
    if let Some(list) = get(Key::ByMinute) {
        rule = rule.by_minute(numbers(list, |m: u8| m < 60)?);
    }
    if let Some(list) = get(Key::BySecond) {
        rule = rule.by_second(numbers(list, |s: u8| s < 60)?);
    }
    Some(rule)
}

/// The parts rrule knows (the `by-easter` feature is off, so BYEASTER is unknown to it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Freq,
    Until,
    Count,
    Interval,
    BySecond,
    ByMinute,
    ByHour,
    ByDay,
    ByMonthDay,
    ByYearDay,
    ByWeekNo,
    ByMonth,
    BySetPos,
    Wkst,
}

impl Key {
    fn named(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "FREQ" => Self::Freq,
            "UNTIL" => Self::Until,
            "COUNT" => Self::Count,
            "INTERVAL" => Self::Interval,
            "BYSECOND" => Self::BySecond,
            "BYMINUTE" => Self::ByMinute,
            "BYHOUR" => Self::ByHour,
            "BYWEEKDAY" | "BYDAY" => Self::ByDay,
            "BYMONTHDAY" => Self::ByMonthDay,
            "BYYEARDAY" => Self::ByYearDay,
            "BYWEEKNO" => Self::ByWeekNo,
            "BYMONTH" => Self::ByMonth,
            "BYSETPOS" => Self::BySetPos,
            "WKST" => Self::Wkst,
            _ => return None,
        })
    }
}

/// `KEY=value` parts separated by `;`: empty parts are skipped, a part without `=` or with an
/// unknown key is refused, and so is a key given twice (BYDAY and BYWEEKDAY are one key).
fn parts(value: &str) -> Option<Vec<(Key, &str)>> {
    let mut seen = HashSet::new();
    let mut parts = Vec::new();
    for part in value.split(';').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=')?;
        let key = Key::named(name)?;
        if !seen.insert(key) {
            return None;
        }
        parts.push((key, value));
    }
    Some(parts)
}

/// A comma-separated list of numbers, each in range; empty means none. Sorted and without
/// repeats, as rrule's `parse_str_to_vec` leaves it.
fn numbers<T: FromStr + Ord + Copy>(list: &str, in_range: impl Fn(T) -> bool) -> Option<Vec<T>> {
    if list.is_empty() {
        return Some(Vec::new());
    }
    let mut values = list
        .split(',')
        .map(|n| n.parse().ok().filter(|v| in_range(*v)))
        .collect::<Option<Vec<T>>>()?;
    crate::sorting::sort(&mut values);
    values.dedup();
    Some(values)
}

/// WKST: a bare two-letter day (`MO`), no ordinal; rrule's day reader decides which.
fn weekday(value: &str) -> Option<chrono::Weekday> {
    match (value.len(), NWeekday::from_str(value).ok()?) {
        (2, NWeekday::Every(day)) => Some(day),
        _ => None,
    }
}

/// UNTIL as rrule 0.14 reads it: `YYYYMMDD`, optionally `THHMMSS` and then optionally `Z`,
/// ASCII digits only. With `Z` it is UTC; without, rrule takes the device's local time (and
/// its `validate` then refuses it against a DTSTART with a zone, which every caller has).
fn until_time(value: &str) -> Option<DateTime<rrule::Tz>> {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let field = bytes.get(range)?;
        if !field.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(field).ok()?.parse().ok()
    };
    let (time, utc) = match bytes.len() {
        8 => (None, false),
        15 | 16 if bytes[8] == b'T' => (
            Some((digits(9..11)?, digits(11..13)?, digits(13..15)?)),
            match bytes.get(15) {
                None => false,
                Some(b'Z') => true,
                Some(_) => return None,
            },
        ),
        _ => return None,
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, digits(4..6)?, digits(6..8)?)?;
    let (hour, minute, second) = time.unwrap_or((0, 0, 0));
    let at = date.and_hms_opt(hour, minute, second)?;
    if utc {
        Some(Utc.from_utc_datetime(&at).with_timezone(&rrule::Tz::UTC))
    } else {
        rrule::Tz::LOCAL.from_local_datetime(&at).single()
    }
}

#[cfg(test)]
#[path = "rrule_value_tests.rs"]
mod tests;
