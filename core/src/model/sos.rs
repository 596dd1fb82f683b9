//! An urgent request for help sent through the encrypted channel (ADR 0013): what the person
//! attaches to it, the answers a contact can give, and their bounds. Plain data: the wire
//! shape is `sync/sos_control.rs`, the state machine `twofold/sos.rs`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::insights::help::MAX_HELP_TEXT;
use crate::model::validate::required;

/// Shortest and longest wait for an answer before the next person is asked. Under a minute
/// would skip people who are reaching for their phone; over a day is not a crisis wait.
pub const MIN_WAIT_MS: i64 = 60_000;
pub const MAX_WAIT_MS: i64 = 24 * 60 * 60_000;

/// The most people one request can reach (the plan's ladder is a handful).
pub const MAX_RUNGS: usize = 16;

/// A location the person chose to attach, in millionths of a degree (about 0.1 m): integers
/// keep the wire format exact and comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SosLocation {
    pub lat_e6: i32,
    pub lon_e6: i32,
    /// Radius of the fix's uncertainty, in metres.
    pub accuracy_m: u32,
}

impl SosLocation {
    pub fn validate(&self) -> Result<()> {
        if !(-90_000_000..=90_000_000).contains(&self.lat_e6) {
            return Err(Error::invalid(
                "location.lat_e6",
                "is not between -90 and 90 degrees",
            ));
        }
        if !(-180_000_000..=180_000_000).contains(&self.lon_e6) {
            return Err(Error::invalid(
                "location.lon_e6",
                "is not between -180 and 180 degrees",
            ));
        }
        if self.accuracy_m > 100_000 {
            return Err(Error::invalid("location.accuracy_m", "is over 100 km"));
        }
        Ok(())
    }
}

/// What a contact answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SosReply {
    /// "I'm calling you."
    Calling,
    /// "On my way."
    OnMyWay,
    /// "Can't now, try the next person": the next rung is asked at once.
    CantNow,
}

impl SosReply {
    pub fn as_str(self) -> &'static str {
        match self {
            SosReply::Calling => "calling",
            SosReply::OnMyWay => "on_my_way",
            SosReply::CantNow => "cant_now",
        }
    }

    /// Fails closed: an unknown stored value is an error, never a guess.
    pub fn parse(raw: &str) -> Option<SosReply> {
        match raw {
            "calling" => Some(SosReply::Calling),
            "on_my_way" => Some(SosReply::OnMyWay),
            "cant_now" => Some(SosReply::CantNow),
            _ => None,
        }
    }

    /// Someone is coming or calling: the request needs nobody else.
    pub fn covers(self) -> bool {
        !matches!(self, SosReply::CantNow)
    }
}

/// Where a sent request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SosState {
    /// Waiting for someone to answer; the ladder is being walked.
    Open,
    /// Someone is calling or coming.
    Answered,
    /// Everyone was asked and nobody could come: time for the SMS and the crisis lines.
    Exhausted,
    /// The person closed it.
    Closed,
}

impl SosState {
    pub fn as_str(self) -> &'static str {
        match self {
            SosState::Open => "open",
            SosState::Answered => "answered",
            SosState::Exhausted => "exhausted",
            SosState::Closed => "closed",
        }
    }

    /// Fails closed: an unknown stored value is an error, never a guess.
    pub fn parse(raw: &str) -> Option<SosState> {
        Some(match raw {
            "open" => SosState::Open,
            "answered" => SosState::Answered,
            "exhausted" => SosState::Exhausted,
            "closed" => SosState::Closed,
            _ => return None,
        })
    }
}

/// What the person sends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewSos {
    /// Their own words now; `None` takes the saved help text, or the reader's default.
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    /// How long each person has to answer before the next is asked.
    pub wait_ms: i64,
}

impl NewSos {
    pub fn validate(&self) -> Result<()> {
        if let Some(text) = &self.text {
            required("text", text, MAX_HELP_TEXT)?;
        }
        if let Some(location) = &self.location {
            location.validate()?;
        }
        if !(MIN_WAIT_MS..=MAX_WAIT_MS).contains(&self.wait_ms) {
            return Err(Error::invalid(
                "wait_ms",
                "must be between one minute and one day",
            ));
        }
        Ok(())
    }
}
