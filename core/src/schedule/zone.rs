//! Wall-clock times in a named zone → instants, with the daylight-saving rules of RFC 5545
//! §3.3.5 (the same rules Python's `zoneinfo` applies with `fold=0`):
//!
//! - a local time that does not exist (skipped when clocks go forward) is read with the UTC
//!   offset in force *before* the gap, so it lands the gap's length later: a 02:30 meeting on
//!   the night Europe/Madrid jumps from 02:00 to 03:00 happens at 03:30 local time;
//! - a local time that exists twice (when clocks go back) means the *first*, earlier instant:
//!   01:30 on the night New York falls back is 01:30 EDT.
//!
//! Every other local time maps to exactly one instant, so a 19:00 meeting stays at 19:00
//! local time all year.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::Result;
use crate::model::time::{parse_zone, LocalDateTime};

/// The instant a wall-clock time in `zone` denotes (see the module doc for gaps and folds).
pub fn resolve(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Two days back is before the gap for every zone in the database (the longest
            // gap, Samoa skipping 30 December 2011, is one day).
            let before = local - Duration::days(2);
            let offset = zone.offset_from_utc_datetime(&before).fix();
            let secs = i64::from(offset.local_minus_utc());
            DateTime::<Utc>::from_naive_utc_and_offset(local - Duration::seconds(secs), Utc)
        }
    }
}

/// The wall-clock time of an instant in `zone`.
pub fn local_in(zone: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

/// The wall-clock time of an instant in the zone named `zone`, if the name is known.
pub fn zone_local(zone: &str, at: DateTime<Utc>) -> Option<LocalDateTime> {
    zone.parse::<Tz>()
        .ok()
        .map(|z| LocalDateTime(local_in(z, at)))
}

/// Parses a viewer's zone name, naming `field` on failure.
pub fn viewer_zone(field: &str, raw: &str) -> Result<Tz> {
    parse_zone(field, raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("valid date")
    }

    #[test]
    fn a_skipped_time_moves_forward_by_the_gap() {
        let t = resolve(chrono_tz::Europe::Madrid, at(2024, 3, 31, 2, 30));
        assert_eq!(t, Utc.from_utc_datetime(&at(2024, 3, 31, 1, 30)));
        assert_eq!(
            local_in(chrono_tz::Europe::Madrid, t),
            at(2024, 3, 31, 3, 30)
        );
    }

    #[test]
    fn a_repeated_time_takes_the_first_instant() {
        let t = resolve(chrono_tz::America::New_York, at(2024, 11, 3, 1, 30));
        assert_eq!(t, Utc.from_utc_datetime(&at(2024, 11, 3, 5, 30)));
    }

    #[test]
    fn samoa_skipped_a_whole_day() {
        let t = resolve(chrono_tz::Pacific::Apia, at(2011, 12, 30, 19, 0));
        assert_eq!(
            local_in(chrono_tz::Pacific::Apia, t),
            at(2011, 12, 31, 19, 0)
        );
    }
}
