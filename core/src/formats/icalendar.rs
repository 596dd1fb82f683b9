//! iCalendar (RFC 5545) export and import of the schedule: VEVENT with RRULE and EXDATE,
//! moved occurrences as RECURRENCE-ID instances, VTIMEZONE for every zone used, VALARM per
//! reminder and RFC 7986 CONFERENCE for online and phone meetings. Fields with no standard
//! property (kind, type codes…) travel as `X-TWOFOLD-*` so our own round trip is lossless.
//!
//! Parsing uses the `icalendar` crate's content-line parser after [`limits::content_lines`]
//! has bounded size, nesting and entry count.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use sha2::{Digest, Sha256};

use super::contentline::{escape, param, push};
use super::{limits, reason_of, ImportEntry, ImportOutcome, ImportReport};
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::{Meeting, MeetingFormat, MeetingKind};
use crate::model::time::LocalDateTime;
use crate::model::validate::{self, Validate};
use crate::schedule::overrides::{override_id, replaced_occurrence};
use crate::schedule::recurrence::wall_clock_starts;
use crate::schedule::zone;

/// UIDs we write end with this, so our own files re-import onto the same items.
const UID_SUFFIX: &str = "@twofold";
const STAMP: &str = "%Y%m%dT%H%M%S";

fn uid_of(id: &ItemId) -> String {
    format!("{}{UID_SUFFIX}", id.as_str())
}

fn local_stamp(t: &NaiveDateTime) -> String {
    t.format(STAMP).to_string()
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    if s % 60 == 0 {
        format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
    } else {
        format!("{sign}{:02}{:02}{:02}", s / 3600, (s % 3600) / 60, s % 60)
    }
}

struct Observance {
    /// Local time (old offset) at which the new offset starts.
    start: NaiveDateTime,
    from: i32,
    to: i32,
    dst: bool,
    name: String,
}

fn offset_at(zone: Tz, at: DateTime<Utc>) -> (i32, bool, String) {
    let o = zone.offset_from_utc_datetime(&at.naive_utc());
    (
        o.fix().local_minus_utc(),
        !o.dst_offset().is_zero(),
        o.abbreviation().unwrap_or("").to_string(),
    )
}

/// The zone's offset changes from January of `first` to the end of `last`, found by a daily
/// scan and a binary search to the second.
fn observances(zone: Tz, first: i32, last: i32) -> Vec<Observance> {
    let Some(begin) = NaiveDate::from_ymd_opt(first, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    else {
        return Vec::new();
    };
    let begin = Utc.from_utc_datetime(&begin);
    let (off0, dst0, name0) = offset_at(zone, begin);
    let mut out = vec![Observance {
        start: begin.naive_utc() + Duration::seconds(i64::from(off0)),
        from: off0,
        to: off0,
        dst: dst0,
        name: name0,
    }];
    let mut day = begin;
    let mut current = off0;
    let mut current_dst = dst0;
    while day.year() <= last {
        let next = day + Duration::days(1);
        let (off, dst, _) = offset_at(zone, next);
        if off != current || dst != current_dst {
            let (mut lo, mut hi) = (day, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                let (o, d, _) = offset_at(zone, mid);
                if o == current && d == current_dst {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (_, _, name) = offset_at(zone, hi);
            out.push(Observance {
                start: hi.naive_utc() + Duration::seconds(i64::from(current)),
                from: current,
                to: off,
                dst,
                name,
            });
            current = off;
            current_dst = dst;
        }
        day = next;
    }
    out
}

fn vtimezone(out: &mut String, name: &str, first: i32, last: i32) {
    let Ok(zone) = name.parse::<Tz>() else {
        return;
    };
    push(out, "BEGIN:VTIMEZONE");
    push(out, &format!("TZID:{}", escape(name)));
    for o in observances(zone, first, last) {
        let kind = if o.dst { "DAYLIGHT" } else { "STANDARD" };
        push(out, &format!("BEGIN:{kind}"));
        push(out, &format!("DTSTART:{}", local_stamp(&o.start)));
        push(out, &format!("TZOFFSETFROM:{}", offset_text(o.from)));
        push(out, &format!("TZOFFSETTO:{}", offset_text(o.to)));
        if !o.name.is_empty() {
            push(out, &format!("TZNAME:{}", escape(&o.name)));
        }
        push(out, &format!("END:{kind}"));
    }
    push(out, "END:VTIMEZONE");
}

fn enum_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn event_body(out: &mut String, m: &Meeting, stamp: &str) {
    let tzid = param(&m.time_zone);
    push(out, &format!("DTSTAMP:{stamp}"));
    push(
        out,
        &format!("DTSTART;TZID={tzid}:{}", local_stamp(&m.start.0)),
    );
    push(out, &format!("DURATION:PT{}M", m.duration_minutes));
    push(out, &format!("SUMMARY:{}", escape(&m.name)));
    if !m.address.is_empty() {
        push(out, &format!("LOCATION:{}", escape(&m.address)));
    }
    if !m.notes.is_empty() {
        push(out, &format!("DESCRIPTION:{}", escape(&m.notes)));
    }
    if let (Some(lat), Some(lon)) = (m.latitude, m.longitude) {
        push(out, &format!("GEO:{lat};{lon}"));
    }
    if let Some(url) = &m.conference_url {
        push(
            out,
            &format!(
                "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO:{}",
                escape_uri(url)
            ),
        );
    }
    if let Some(phone) = &m.conference_phone {
        // RFC 3966 allows `-` as a visual separator but no spaces.
        let digits: String = phone.split_whitespace().collect::<Vec<_>>().join("-");
        push(
            out,
            &format!(
                "CONFERENCE;VALUE=URI;FEATURE=PHONE:tel:{}",
                escape_uri(&digits)
            ),
        );
    }
    push(out, &format!("X-TWOFOLD-KIND:{}", enum_text(&m.kind)));
    push(out, &format!("X-TWOFOLD-FORMAT:{}", enum_text(&m.format)));
    if !m.type_codes.is_empty() {
        push(
            out,
            &format!("X-TWOFOLD-TYPES:{}", escape(&m.type_codes.join(" "))),
        );
    }
    for (key, value) in [
        ("X-TWOFOLD-LOCATION-NOTES", &m.location_notes),
        ("X-TWOFOLD-ACCESSIBILITY", &m.accessibility),
        ("X-TWOFOLD-LANGUAGE", &m.language),
        ("X-TWOFOLD-COST", &m.cost),
    ] {
        if !value.is_empty() {
            push(out, &format!("{key}:{}", escape(value)));
        }
    }
    if let Some(slug) = &m.source_slug {
        push(out, &format!("X-TWOFOLD-SOURCE:{}", escape(slug)));
    }
    let mut offsets = m.reminder_offsets_minutes.clone();
    crate::sorting::sort(&mut offsets);
    offsets.dedup();
    for offset in offsets {
        // The alarm text stays generic: calendar apps show it on lock screens.
        push(out, "BEGIN:VALARM");
        push(out, "ACTION:DISPLAY");
        push(out, "DESCRIPTION:Reminder");
        push(out, &format!("TRIGGER:-PT{offset}M"));
        push(out, "END:VALARM");
    }
}

/// URIs cannot be escaped in iCalendar; line breaks and controls are simply removed.
fn escape_uri(uri: &str) -> String {
    uri.chars().filter(|c| !c.is_control()).collect()
}

/// The whole schedule as one calendar. `now` sets DTSTAMP and how far ahead zone rules go.
pub fn export(meetings: &[Meeting], now: DateTime<Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    push(&mut out, "BEGIN:VCALENDAR");
    push(&mut out, "VERSION:2.0");
    push(&mut out, "PRODID:-//Twofold//Schedule//EN");
    push(&mut out, "CALSCALE:GREGORIAN");
    let mut zones: BTreeMap<&str, (i32, i32)> = BTreeMap::new();
    for m in meetings {
        let year = m.start.0.year();
        let until = if m.rrule.is_some() {
            year.max(now.year()) + 5
        } else {
            year
        };
        let span = zones.entry(&m.time_zone).or_insert((year, until));
        span.0 = span.0.min(year);
        span.1 = span.1.max(until).min(span.0 + 30);
    }
    for (name, (first, last)) in &zones {
        vtimezone(&mut out, name, *first, *last);
    }
    let moved: BTreeSet<(ItemId, LocalDateTime)> = crate::sorting::set(
        meetings
            .iter()
            .filter_map(|m| replaced_occurrence(m, meetings)),
    );
    for m in meetings {
        push(&mut out, "BEGIN:VEVENT");
        match replaced_occurrence(m, meetings) {
            Some((series, original)) => {
                push(&mut out, &format!("UID:{}", uid_of(&series)));
                push(
                    &mut out,
                    &format!(
                        "RECURRENCE-ID;TZID={}:{}",
                        param(&m.time_zone),
                        local_stamp(&original.0)
                    ),
                );
                event_body(&mut out, m, &stamp);
            }
            None => {
                push(&mut out, &format!("UID:{}", uid_of(&m.id)));
                event_body(&mut out, m, &stamp);
                if let Some(rule) = &m.rrule {
                    push(&mut out, &format!("RRULE:{}", escape_uri(rule)));
                }
                for x in &m.exdates {
                    // A moved occurrence is written as its own instance, not excluded.
                    if moved.contains(&(m.id.clone(), *x)) {
                        continue;
                    }
                    push(
                        &mut out,
                        &format!("EXDATE;TZID={}:{}", param(&m.time_zone), local_stamp(&x.0)),
                    );
                }
            }
        }
        push(&mut out, "END:VEVENT");
    }
    push(&mut out, "END:VCALENDAR");
    out
}

/// One property of a parsed event: value (unescaped for TEXT) and parameters.
#[derive(Debug, Clone)]
struct Prop {
    name: String,
    raw: String,
    params: Vec<(String, String)>,
}

impl Prop {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.trim_matches('"'))
    }

    fn text(&self) -> String {
        unescape(&self.raw)
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A parsed VEVENT.
#[derive(Debug, Clone)]
pub struct EventEntry {
    props: Vec<Prop>,
    alarms: Vec<Vec<Prop>>,
}

impl EventEntry {
    fn first(&self, name: &str) -> Option<&Prop> {
        self.props
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props
            .iter()
            .filter(move |p| p.name.eq_ignore_ascii_case(name))
    }

    fn uid(&self) -> String {
        self.first("UID").map(|p| p.text()).unwrap_or_default()
    }

    fn summary(&self) -> String {
        self.first("SUMMARY").map(|p| p.text()).unwrap_or_default()
    }
}

fn props(component: &icalendar::parser::Component<'_>) -> Vec<Prop> {
    component
        .properties
        .iter()
        .map(|p| Prop {
            name: p.name.as_str().to_string(),
            raw: p.val.as_str().to_string(),
            params: p
                .params
                .iter()
                .map(|x| {
                    (
                        x.key.as_str().to_string(),
                        x.val
                            .as_ref()
                            .map(|v| v.as_str().to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Parses a calendar file into its events within the bounds of [`limits`].
pub fn parse(bytes: &[u8]) -> Result<Vec<EventEntry>> {
    let text = limits::text(bytes)?;
    let unfolded = limits::content_lines(text, "VEVENT")?;
    let refused = |reason: &str| Error::ImportRefused {
        reason: reason.to_string(),
    };
    // A parser bug must not take the app down with it: contain it as a refused file.
    let parsed = std::panic::catch_unwind(|| {
        icalendar::parser::read_calendar(&unfolded).map(|cal| {
            let mut events = Vec::new();
            let mut stack: Vec<&icalendar::parser::Component<'_>> = cal.components.iter().collect();
            while let Some(c) = stack.pop() {
                if c.name.as_str().eq_ignore_ascii_case("VEVENT") {
                    events.push(EventEntry {
                        props: props(c),
                        alarms: c
                            .components
                            .iter()
                            .filter(|a| a.name.as_str().eq_ignore_ascii_case("VALARM"))
                            .map(props)
                            .collect(),
                    });
                } else if c.name.as_str().eq_ignore_ascii_case("VCALENDAR") {
                    stack.extend(c.components.iter());
                }
            }
            events.reverse();
            events
        })
    })
    .map_err(|_| refused("the calendar could not be read"))?
    .map_err(|_| refused("the file is not an iCalendar file"))?;
    if !unfolded.to_ascii_uppercase().starts_with("BEGIN:VCALENDAR") {
        return Err(refused("the file is not an iCalendar file"));
    }
    Ok(parsed)
}

/// A DTSTART-like value as (zone name, wall-clock time in that zone).
fn date_time(p: &Prop, default_zone: &str) -> Result<(String, NaiveDateTime)> {
    let field = p.name.to_ascii_lowercase();
    if p.param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || p.raw.len() == 8
    {
        return Err(Error::invalid(field, "is a whole day, not a meeting time"));
    }
    let bad = || Error::invalid(field.clone(), "is not an iCalendar date-time");
    if let Some(utc) = p.raw.strip_suffix(['Z', 'z']) {
        let t = NaiveDateTime::parse_from_str(utc, STAMP).map_err(|_| bad())?;
        return Ok(("UTC".into(), t));
    }
    let t = NaiveDateTime::parse_from_str(&p.raw, STAMP).map_err(|_| bad())?;
    let zone = p.param("TZID").unwrap_or(default_zone).to_string();
    Ok((zone, t))
}

/// The wall-clock time in `target` of a (zone, local) pair.
fn in_zone(target: &str, (zone_name, local): (String, NaiveDateTime)) -> Result<NaiveDateTime> {
    if zone_name == target {
        return Ok(local);
    }
    let from: Tz = zone_name
        .parse()
        .map_err(|_| Error::invalid("tzid", "is not a known IANA time zone name"))?;
    let to: Tz = target
        .parse()
        .map_err(|_| Error::invalid("tzid", "is not a known IANA time zone name"))?;
    Ok(zone::local_in(to, zone::resolve(from, local)))
}

/// Minutes of an RFC 5545 DURATION such as `PT1H30M` or `-PT15M` (the sign is returned
/// separately).
fn duration_minutes(raw: &str) -> Option<(bool, i64)> {
    let (negative, rest) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' if number.len() < 6 => number.push(c),
            'T' if number.is_empty() => {}
            'W' | 'D' | 'H' | 'M' | 'S' => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match c {
                    'W' => n * 7 * 24 * 60,
                    'D' => n * 24 * 60,
                    'H' => n * 60,
                    'M' => n,
                    _ => 0,
                };
            }
            _ => return None,
        }
    }
    number.is_empty().then_some((negative, total))
}

/// The item id an event's UID maps to: our own UIDs keep their id.
pub fn id_for_uid(uid: &str) -> ItemId {
    if let Some(own) = uid.strip_suffix(UID_SUFFIX) {
        if let Ok(id) = ItemId::parse("uid", own) {
            return id;
        }
    }
    let digest = hex::encode(Sha256::digest(uid.as_bytes()));
    ItemId::from_trusted(format!("ics-{}", &digest[..32]))
}

fn to_meeting(
    e: &EventEntry,
    id: ItemId,
    default_zone: &str,
    dropped: &mut Vec<String>,
) -> Result<Meeting> {
    let name = e.summary();
    if name.trim().is_empty() {
        return Err(Error::invalid("summary", "is missing"));
    }
    let dtstart = e
        .first("DTSTART")
        .ok_or_else(|| Error::invalid("dtstart", "is missing"))?;
    let (zone_name, start) = date_time(dtstart, default_zone)?;
    let zone: Tz = zone_name
        .parse()
        .map_err(|_| Error::invalid("tzid", "is not a known IANA time zone name"))?;
    let duration = if let Some(d) = e.first("DURATION") {
        duration_minutes(&d.raw)
            .filter(|(neg, _)| !neg)
            .map(|(_, m)| m)
            .ok_or_else(|| Error::invalid("duration", "is not an iCalendar duration"))?
    } else if let Some(end) = e.first("DTEND") {
        let end = date_time(end, &zone_name)?;
        let end_at = zone::resolve(end.0.parse().unwrap_or(zone), end.1);
        (end_at - zone::resolve(zone, start)).num_minutes()
    } else {
        60
    };
    let rules: Vec<&Prop> = e.all("RRULE").collect();
    if rules.len() > 1 {
        return Err(Error::invalid("rrule", "appears more than once"));
    }
    if e.first("RDATE").is_some() {
        dropped.push("rdate: extra dates are not supported".into());
    }
    let mut exdates = Vec::new();
    for x in e.all("EXDATE") {
        for value in x.raw.split(',') {
            let single = Prop {
                raw: value.trim().to_string(),
                ..x.clone()
            };
            let local = in_zone(&zone_name, date_time(&single, &zone_name)?)?;
            if !exdates.contains(&LocalDateTime(local)) {
                exdates.push(LocalDateTime(local));
            }
        }
    }
    let mut conference_url = None;
    let mut conference_phone = None;
    for c in e.all("CONFERENCE").chain(e.all("URL")) {
        let value = c.raw.trim();
        if let Some(tel) = value.strip_prefix("tel:") {
            conference_phone.get_or_insert_with(|| tel.to_string());
        } else if value.starts_with("https://") || value.starts_with("http://") {
            conference_url.get_or_insert_with(|| value.to_string());
        } else {
            dropped.push("conference: not a web address or tel: number".into());
        }
    }
    let mut reminders = Vec::new();
    for alarm in &e.alarms {
        let trigger = alarm
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case("TRIGGER"));
        let related_end = trigger
            .and_then(|t| t.param("RELATED"))
            .is_some_and(|r| r.eq_ignore_ascii_case("END"));
        match trigger.and_then(|t| duration_minutes(&t.raw)) {
            Some((true, m)) if !related_end => {
                reminders.push(u32::try_from(m).unwrap_or(u32::MAX));
            }
            Some((false, 0)) if !related_end => reminders.push(0),
            _ => dropped.push("valarm: only reminders before the start are kept".into()),
        }
    }
    let x = |name: &str| e.first(name).map(|p| p.text()).unwrap_or_default();
    let kind: MeetingKind = serde_json::from_value(serde_json::Value::String(x("X-TWOFOLD-KIND")))
        .unwrap_or(MeetingKind::Other);
    let address = x("LOCATION");
    let format: MeetingFormat =
        serde_json::from_value(serde_json::Value::String(x("X-TWOFOLD-FORMAT"))).unwrap_or(match (
            !address.is_empty(),
            conference_url.is_some(),
            conference_phone.is_some(),
        ) {
            (true, true, _) => MeetingFormat::Hybrid,
            (false, true, _) => MeetingFormat::Online,
            (false, false, true) => MeetingFormat::Phone,
            _ => MeetingFormat::InPerson,
        });
    let source = x("X-TWOFOLD-SOURCE");
    let geo = e.first("GEO").and_then(|p| {
        let (lat, lon) = p.raw.trim().split_once(';')?;
        let point = (
            lat.trim().parse::<f64>().ok()?,
            lon.trim().parse::<f64>().ok()?,
        );
        validate::coordinates(Some(point.0), Some(point.1))
            .ok()
            .map(|_| point)
    });
    if e.first("GEO").is_some() && geo.is_none() {
        dropped.push("geo: not a latitude;longitude pair".into());
    }
    Ok(Meeting {
        id,
        name,
        kind,
        format,
        address,
        location_notes: x("X-TWOFOLD-LOCATION-NOTES"),
        conference_url,
        conference_phone,
        start: LocalDateTime(start),
        time_zone: zone_name,
        duration_minutes: u32::try_from(duration)
            .map_err(|_| Error::invalid("duration", "is negative"))?,
        rrule: rules.first().map(|r| r.raw.trim().to_string()),
        exdates,
        type_codes: x("X-TWOFOLD-TYPES")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        accessibility: x("X-TWOFOLD-ACCESSIBILITY"),
        language: x("X-TWOFOLD-LANGUAGE"),
        cost: x("X-TWOFOLD-COST"),
        reminder_offsets_minutes: reminders,
        source_slug: (!source.is_empty()).then_some(source),
        attendance_option: None,
        latitude: geo.map(|g| g.0),
        longitude: geo.map(|g| g.1),
        region: None,
        conference_url_notes: None,
        conference_phone_notes: None,
        notes: x("DESCRIPTION"),
    })
}

/// Plans an import of `events`: the meetings to write and the report. Nothing is written.
pub fn plan(
    events: &[EventEntry],
    default_zone: &str,
    existing: &[Meeting],
) -> (ImportReport, Vec<Meeting>) {
    let mut report = ImportReport::default();
    let mut meetings: Vec<Meeting> = Vec::new();
    let mut seen = BTreeSet::new();
    let outcome = |id: &ItemId| {
        if existing.iter().any(|m| &m.id == id) {
            ImportOutcome::Updated
        } else {
            ImportOutcome::Added
        }
    };
    let key_of = |i: usize, e: &EventEntry| {
        let uid = e.uid();
        if uid.is_empty() {
            format!("#{i}")
        } else {
            uid
        }
    };
    // Series and one-offs first, so moved instances find their series.
    let mut instances = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let key = key_of(i, e);
        if e.first("RECURRENCE-ID").is_some() {
            instances.push((key, e));
            continue;
        }
        if e.uid().is_empty() {
            report.skip(key, e.summary(), "the event has no UID");
            continue;
        }
        let id = id_for_uid(&e.uid());
        if !seen.insert(id.clone()) {
            report.skip(key, e.summary(), "the UID appears twice");
            continue;
        }
        let mut dropped = Vec::new();
        match to_meeting(e, id.clone(), default_zone, &mut dropped)
            .and_then(|m| m.validate().map(|_| m))
        {
            Ok(m) => {
                report.push(ImportEntry {
                    key,
                    label: m.name.clone(),
                    outcome: outcome(&id),
                    dropped,
                });
                meetings.push(m);
            }
            Err(err) => report.skip(key, e.summary(), reason_of(&err)),
        }
    }
    for (key, e) in instances {
        let series_id = id_for_uid(&e.uid());
        let Some(series_at) = meetings.iter().position(|m| m.id == series_id) else {
            report.skip(
                key,
                e.summary(),
                "moves an occurrence of an event not in the file",
            );
            continue;
        };
        let mut dropped = Vec::new();
        let result = (|| {
            let series = &meetings[series_at];
            let rid = e
                .first("RECURRENCE-ID")
                .ok_or_else(|| Error::invalid("recurrence_id", "is missing"))?;
            let original = LocalDateTime(in_zone(
                &series.time_zone,
                date_time(rid, &series.time_zone)?,
            )?);
            let zone: Tz = series
                .time_zone
                .parse()
                .map_err(|_| Error::invalid("tzid", "is not a known IANA time zone name"))?;
            if wall_clock_starts(series, zone, original.0, original.0, 1)?.is_empty() {
                return Err(Error::invalid(
                    "recurrence_id",
                    "is not an occurrence of the event",
                ));
            }
            let id = override_id(&series.id, &original)?;
            if !seen.insert(id.clone()) {
                return Err(Error::invalid("recurrence_id", "appears twice"));
            }
            let moved = to_meeting(e, id, &series.time_zone, &mut dropped)?;
            let moved = Meeting {
                rrule: None,
                exdates: Vec::new(),
                ..moved
            };
            moved.validate()?;
            Ok((original, moved))
        })();
        match result {
            Ok((original, moved)) => {
                let series = &mut meetings[series_at];
                if !series.exdates.contains(&original) {
                    series.exdates.push(original);
                }
                report.push(ImportEntry {
                    key,
                    label: moved.name.clone(),
                    outcome: outcome(&moved.id),
                    dropped,
                });
                meetings.push(moved);
            }
            Err(err) => report.skip(key, e.summary(), reason_of(&err)),
        }
    }
    // An exception date added for a moved instance can push the series past its list bound.
    meetings.retain(|m| m.validate().is_ok());
    (report, meetings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(duration_minutes("PT1H30M"), Some((false, 90)));
        assert_eq!(duration_minutes("-PT15M"), Some((true, 15)));
        assert_eq!(duration_minutes("P1D"), Some((false, 1440)));
        assert_eq!(duration_minutes("PT"), Some((false, 0)));
        assert_eq!(duration_minutes("1H"), None);
    }

    #[test]
    fn madrid_has_two_changes_a_year() {
        let obs = observances(chrono_tz::Europe::Madrid, 2024, 2024);
        assert_eq!(obs.len(), 3);
        assert_eq!(local_stamp(&obs[1].start), "20240331T020000");
        assert_eq!((obs[1].from, obs[1].to, obs[1].dst), (3600, 7200, true));
        assert_eq!(local_stamp(&obs[2].start), "20241027T030000");
    }
}
