//! The offline finder's query (a hand mirror, so its parts have defaults), its results and
//! the saved regions (the core's, as they are).

use twofold_core as tc;

use twofold_core::LocalDateTime;

use crate::convert::mirror_record;
use crate::model::schedule::{AttendanceOption, MeetingFormat};

pub use tc::{FinderJoin, FinderWhen, FoundMeeting, Near, RegionFeed};

/// When a found meeting should start.
#[uniffi::remote(Enum)]
pub enum FinderWhen {
    /// Its next start, whenever that is.
    Any,
    /// From now until `minutes` from now ("in the next 2 hours": 120).
    StartingWithin { minutes: u32 },
    /// Starting in `[from_ms, to_ms)`.
    Between { from_ms: i64, to_ms: i64 },
    /// Under way now.
    UnderWay,
    /// On the next `day` (0 = Sunday) in the viewer's zone, starting between `from_minute`
    /// and `to_minute` after midnight ("Tuesday evening": 2, 1020, 1320).
    Weekday {
        day: u8,
        from_minute: u16,
        to_minute: u16,
    },
}

/// How the person wants to join.
#[uniffi::remote(Enum)]
pub enum FinderJoin {
    Any,
    InPerson,
    Online,
    /// A dial-in: no internet needed.
    Phone,
}

/// In-person meetings within `radius_km` of a point, nearest first.
#[uniffi::remote(Record)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

mirror_record! {
    /// A search of the saved regions.
    FinderQuery => tc::FinderQuery {
        now_ms: i64 => plain,
        /// The phone's IANA zone.
        viewer_zone: String => plain,
        when: FinderWhen => plain,
        join: FinderJoin => plain,
        /// Every one of these type codes (`DD`).
        #[uniffi(default)] types_all: Vec<String> => plain,
        /// At least one of these (`W`, `LGBTQ`); empty: any.
        #[uniffi(default)] types_any: Vec<String> => plain,
        #[uniffi(default)] near: Option<Near> => plain,
        /// Only these saved regions; empty: all.
        #[uniffi(default)] regions: Vec<String> => plain,
        /// Most results, 1 to 500.
        #[uniffi(default = 50)] limit: u32 => plain,
    }
}

/// One meeting the finder found.
#[uniffi::remote(Record)]
pub struct FoundMeeting {
    /// With `slug`, what `add_found_meeting` takes.
    pub region: String,
    pub slug: String,
    pub name: String,
    pub start_utc_ms: i64,
    pub end_utc_ms: i64,
    pub viewer_start: LocalDateTime,
    pub viewer_end: LocalDateTime,
    pub local_start: LocalDateTime,
    pub time_zone: String,
    pub duration_minutes: u32,
    pub under_way: bool,
    pub distance_km: Option<f64>,
    pub format: MeetingFormat,
    pub attendance_option: Option<AttendanceOption>,
    pub address: String,
    pub location: String,
    pub location_notes: String,
    pub region_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub conference_url: Option<String>,
    pub conference_url_notes: String,
    /// A number or one-tap dial string: dial it as it is.
    pub conference_phone: Option<String>,
    pub conference_phone_notes: String,
    pub type_codes: Vec<String>,
    pub language: String,
    pub accessibility: String,
    pub notes: String,
}

/// A region saved for the finder.
#[uniffi::remote(Record)]
pub struct RegionFeed {
    pub region: String,
    pub label: String,
    pub default_time_zone: String,
    pub saved_at_ms: i64,
    pub feed_bytes: u64,
    pub listing_count: u64,
}
