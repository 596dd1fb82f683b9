//! The next start of a weekly listing, straight from its days and wall-clock time: no rule
//! engine is needed for "every Tuesday at 19:00", and the finder asks this for every listing
//! of a region on every query.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::schedule::zone;

/// The first start at or after `at` of a meeting held on `days` (0 = Sunday) at `time` in
/// `tz`. A start in a daylight-saving gap moves forward as the schedule moves it.
pub fn first_start_at_or_after(
    days: &[u8],
    time: NaiveTime,
    tz: Tz,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // A day before the local date covers a start late yesterday that a gap moved to today.
    let first: NaiveDate = zone::local_in(tz, at).date() - Duration::days(1);
    (0..9).find_map(|i| {
        let date = first + Duration::days(i);
        let weekday = u8::try_from(date.weekday().num_days_from_sunday()).ok()?;
        if !days.contains(&weekday) {
            return None;
        }
        let start = zone::resolve(tz, date.and_time(time));
        (start >= at).then_some(start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn next_tuesday_evening_in_chicago() {
        let tz = chrono_tz::America::Chicago;
        let seven = NaiveTime::from_hms_opt(19, 0, 0).expect("valid");
        // Tuesday 2026-03-03 20:00 Chicago: this week's has begun, so next Tuesday.
        let at = tz
            .with_ymd_and_hms(2026, 3, 3, 20, 0, 0)
            .single()
            .expect("valid");
        let next = first_start_at_or_after(&[2], seven, tz, at.with_timezone(&Utc)).expect("found");
        assert_eq!(
            next,
            tz.with_ymd_and_hms(2026, 3, 10, 19, 0, 0)
                .single()
                .expect("valid")
                .with_timezone(&Utc)
        );
        // Across the spring change (8 March): still 19:00 local.
        assert_eq!(next.with_timezone(&tz).time(), seven);
    }
}
