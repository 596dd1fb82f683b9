//! What a person asks the finder.

use serde::Serialize;

/// When the meeting should start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "when")]
pub enum FinderWhen {
    /// Its next start, whenever that is.
    Any,
    /// Starting from now until `minutes` from now ("in the next 2 hours").
    StartingWithin { minutes: u32 },
    /// Starting in `[from_ms, to_ms)`.
    Between { from_ms: i64, to_ms: i64 },
    /// Under way now (started, not yet ended).
    UnderWay,
    /// On the next `day` (0 = Sunday … 6 = Saturday) in the viewer's zone, starting between
    /// `from_minute` and `to_minute` after that day's midnight ("Tuesday evening": 2, 1020,
    /// 1320). Today counts while the window is still open.
    Weekday {
        day: u8,
        from_minute: u16,
        to_minute: u16,
    },
}

/// How the person wants to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FinderJoin {
    Any,
    /// At the place (in person or hybrid).
    InPerson,
    /// With a conference link.
    Online,
    /// With a dial-in: no internet needed.
    Phone,
}

/// Near a point: in-person meetings within `radius_km`, nearest first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinderQuery {
    pub now_ms: i64,
    /// The phone's IANA zone: results show their start in it.
    pub viewer_zone: String,
    pub when: FinderWhen,
    /// Every one of these type codes (e.g. `DD`).
    pub types_all: Vec<String>,
    /// At least one of these type codes (e.g. `W`, `LGBTQ`); empty means any.
    pub types_any: Vec<String>,
    pub join: FinderJoin,
    pub near: Option<Near>,
    /// Only these saved regions; empty means all.
    pub regions: Vec<String>,
    /// Most results (at most 500).
    pub limit: u32,
}

impl FinderQuery {
    /// Everything starting from `now_ms`, in all saved regions.
    pub fn new(now_ms: i64, viewer_zone: &str) -> Self {
        FinderQuery {
            now_ms,
            viewer_zone: viewer_zone.to_string(),
            when: FinderWhen::Any,
            types_all: Vec::new(),
            types_any: Vec::new(),
            join: FinderJoin::Any,
            near: None,
            regions: Vec::new(),
            limit: 50,
        }
    }
}
