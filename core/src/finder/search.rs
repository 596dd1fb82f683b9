//! A query over the saved listings: filters, the next start of each in the window, the
//! distance, and the order (nearest first when near a point, else soonest first).

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::distance::haversine_km;
use super::index::Indexed;
use super::next_start::first_start_at_or_after;
use super::query::{FinderJoin, FinderQuery, FinderWhen, Near};
use crate::error::{Error, Result};
use crate::formats::meeting_guide::codes;
use crate::model::schedule::{AttendanceOption, MeetingFormat};
use crate::model::time::LocalDateTime;
use crate::schedule::occurrences::instant;
use crate::schedule::zone::{self, viewer_zone};

/// Most results one query returns.
pub const MAX_RESULTS: u32 = 500;

/// One meeting the finder found: what a result list shows, and how to join.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundMeeting {
    /// The saved region it is in, and its slug there: together they add it to the schedule.
    pub region: String,
    pub slug: String,
    pub name: String,
    /// The start that matched the query (the next one, or the one under way).
    pub start_utc_ms: i64,
    pub end_utc_ms: i64,
    /// That start and end in the viewer's zone.
    pub viewer_start: LocalDateTime,
    pub viewer_end: LocalDateTime,
    /// The start in the meeting's own zone, and that zone.
    pub local_start: LocalDateTime,
    pub time_zone: String,
    pub duration_minutes: u32,
    pub under_way: bool,
    /// From the query's point, when it gave one.
    pub distance_km: Option<f64>,
    pub format: MeetingFormat,
    pub attendance_option: Option<AttendanceOption>,
    pub address: String,
    /// The building's name.
    pub location: String,
    pub location_notes: String,
    pub region_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub conference_url: Option<String>,
    pub conference_url_notes: String,
    /// A number or one-tap dial string, to dial as it is.
    pub conference_phone: Option<String>,
    pub conference_phone_notes: String,
    pub type_codes: Vec<String>,
    pub language: String,
    pub accessibility: String,
    pub notes: String,
}

/// The window of starts a query wants: `[from, to)`, or "under way at `from`".
enum Window {
    From(DateTime<Utc>, Option<DateTime<Utc>>),
    UnderWay(DateTime<Utc>),
}

fn weekday_window(
    viewer: Tz,
    now: DateTime<Utc>,
    day: u8,
    from_minute: u16,
    to_minute: u16,
) -> Result<Window> {
    if day > 6 {
        return Err(Error::invalid(
            "when.day",
            "must be 0 (Sunday) to 6 (Saturday)",
        ));
    }
    if from_minute >= to_minute || to_minute > 24 * 60 {
        return Err(Error::invalid(
            "when.to_minute",
            "must be after from_minute and at most 1440",
        ));
    }
    let today = zone::local_in(viewer, now).date();
    for i in 0..8 {
        let date = today + Duration::days(i);
        if date.weekday().num_days_from_sunday() != u32::from(day) {
            continue;
        }
        let midnight = date.and_time(NaiveTime::MIN);
        let from = zone::resolve(viewer, midnight + Duration::minutes(i64::from(from_minute)));
        let to = zone::resolve(viewer, midnight + Duration::minutes(i64::from(to_minute)));
        if to > now {
            return Ok(Window::From(from.max(now), Some(to)));
        }
    }
    Err(Error::invalid("when", "has no window in the coming week"))
}

fn window(q: &FinderQuery, now: DateTime<Utc>, viewer: Tz) -> Result<Window> {
    Ok(match q.when {
        FinderWhen::Any => Window::From(now, None),
        FinderWhen::StartingWithin { minutes } => {
            Window::From(now, Some(now + Duration::minutes(i64::from(minutes))))
        }
        FinderWhen::Between { from_ms, to_ms } => {
            let from = instant("when.from_ms", from_ms)?;
            let to = instant("when.to_ms", to_ms)?;
            if to <= from {
                return Err(Error::invalid("when.to_ms", "must be after from_ms"));
            }
            Window::From(from, Some(to))
        }
        FinderWhen::UnderWay => Window::UnderWay(now),
        FinderWhen::Weekday {
            day,
            from_minute,
            to_minute,
        } => weekday_window(viewer, now, day, from_minute, to_minute)?,
    })
}

fn check_near(near: &Near) -> Result<()> {
    crate::model::validate::coordinates(Some(near.latitude), Some(near.longitude))
        .map_err(|_| Error::invalid("near", "must be a latitude and longitude in range"))?;
    if !(near.radius_km > 0.0 && near.radius_km <= 20_100.0) {
        return Err(Error::invalid(
            "near.radius_km",
            "must be above 0 and at most 20100",
        ));
    }
    Ok(())
}

/// The start of `e` that the window matches, if any.
fn matching_start(e: &Indexed, w: &Window) -> Option<(DateTime<Utc>, bool)> {
    let l = &e.listing;
    let length = Duration::minutes(i64::from(l.duration_minutes));
    match *w {
        Window::From(from, to) => {
            let s = first_start_at_or_after(&l.days, l.start, e.tz, from)?;
            to.is_none_or(|to| s < to).then_some((s, false))
        }
        Window::UnderWay(now) => {
            let earliest = now - length + Duration::milliseconds(1);
            let s = first_start_at_or_after(&l.days, l.start, e.tz, earliest)?;
            (s <= now).then_some((s, true))
        }
    }
}

fn found(
    e: &Indexed,
    start: DateTime<Utc>,
    under_way: bool,
    distance: Option<f64>,
    viewer: Tz,
) -> FoundMeeting {
    let l = &e.listing;
    let end = start + Duration::minutes(i64::from(l.duration_minutes));
    FoundMeeting {
        region: e.region.clone(),
        slug: l.slug.clone(),
        name: l.name.clone(),
        start_utc_ms: start.timestamp_millis(),
        end_utc_ms: end.timestamp_millis(),
        viewer_start: LocalDateTime(zone::local_in(viewer, start)),
        viewer_end: LocalDateTime(zone::local_in(viewer, end)),
        local_start: LocalDateTime(zone::local_in(e.tz, start)),
        time_zone: l.time_zone.clone(),
        duration_minutes: l.duration_minutes,
        under_way,
        distance_km: distance,
        format: l.format,
        attendance_option: l.attendance_option,
        address: l.address.clone(),
        location: l.location.clone(),
        location_notes: l.location_notes.clone(),
        region_name: l.region.clone(),
        latitude: l.latitude,
        longitude: l.longitude,
        conference_url: l.conference_url.clone(),
        conference_url_notes: l.conference_url_notes.clone(),
        conference_phone: l.conference_phone.clone(),
        conference_phone_notes: l.conference_phone_notes.clone(),
        type_codes: l.type_codes.clone(),
        language: l.language.clone(),
        accessibility: l.accessibility.clone(),
        notes: l.notes.clone(),
    }
}

/// Runs `q` over `index`.
pub fn search(index: &[Indexed], q: &FinderQuery) -> Result<Vec<FoundMeeting>> {
    let viewer = viewer_zone("viewer_zone", &q.viewer_zone)?;
    let now = instant("now_ms", q.now_ms)?;
    let w = window(q, now, viewer)?;
    if let Some(near) = &q.near {
        check_near(near)?;
    }
    if q.limit == 0 || q.limit > MAX_RESULTS {
        return Err(Error::invalid("limit", "must be between 1 and 500"));
    }
    let mut hits: Vec<(Option<f64>, DateTime<Utc>, &Indexed, bool)> = Vec::new();
    for e in index {
        let l = &e.listing;
        if !q.regions.is_empty() && !q.regions.contains(&e.region) {
            continue;
        }
        if !l.still_meets()
            || !q.types_all.iter().all(|t| codes::has(&l.type_codes, t))
            || !(q.types_any.is_empty() || q.types_any.iter().any(|t| codes::has(&l.type_codes, t)))
        {
            continue;
        }
        let joinable = match q.join {
            FinderJoin::Any => true,
            FinderJoin::InPerson => l.in_person,
            FinderJoin::Online => l.conference_url.is_some(),
            FinderJoin::Phone => l.conference_phone.is_some(),
        };
        if !joinable {
            continue;
        }
        let distance = match &q.near {
            None => None,
            Some(near) => {
                let (Some(lat), Some(lon)) = (l.latitude, l.longitude) else {
                    continue;
                };
                if !l.in_person {
                    continue;
                }
                let d = haversine_km(near.latitude, near.longitude, lat, lon);
                if d > near.radius_km {
                    continue;
                }
                Some(d)
            }
        };
        if let Some((start, under_way)) = matching_start(e, &w) {
            hits.push((distance, start, e, under_way));
        }
    }
    let by_distance =
        |a: &Option<f64>, b: &Option<f64>| a.partial_cmp(b).unwrap_or(Ordering::Equal);
    crate::sorting::sort_by(&mut hits, |a, b| {
        by_distance(&a.0, &b.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| a.2.listing.name.cmp(&b.2.listing.name))
    });
    hits.truncate(usize::try_from(q.limit).unwrap_or(usize::MAX));
    Ok(hits
        .into_iter()
        .map(|(d, s, e, under_way)| found(e, s, under_way, d, viewer))
        .collect())
}
