//! What can go wrong between the device and the relay, by what the caller can do about it.
//! Texts are fixed or relay error codes: never a URL with tokens, an id, or any payload byte.

use std::fmt;
use std::time::Duration;

/// Why a sync could not finish. Everything done before it is durable; the rest is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetProblem {
    /// The relay could not be reached (no network, DNS, connection refused, timeout).
    Offline,
    /// The relay answered that it cannot serve now (5xx, shutting down): retry later.
    Unavailable,
    /// Too many requests; retry after the delay the relay gave, if any.
    RateLimited { retry_after: Option<Duration> },
    /// The relay refused a request for good (`too_large`, `quota_exceeded`, `not_found`,
    /// `bad_request`): retrying the same request will not help.
    Refused { code: RelayCode },
    /// The relay's answer did not follow the protocol.
    Protocol { what: &'static str },
}

/// The relay's error codes (relay/README.md), as a closed set so that no text from the
/// network ends up in a log verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayCode {
    BadRequest,
    NotFound,
    TooLarge,
    QuotaExceeded,
    Other,
}

impl RelayCode {
    pub fn parse(raw: &str) -> RelayCode {
        match raw {
            "bad_request" => RelayCode::BadRequest,
            "not_found" => RelayCode::NotFound,
            "too_large" => RelayCode::TooLarge,
            "quota_exceeded" => RelayCode::QuotaExceeded,
            _ => RelayCode::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RelayCode::BadRequest => "bad_request",
            RelayCode::NotFound => "not_found",
            RelayCode::TooLarge => "too_large",
            RelayCode::QuotaExceeded => "quota_exceeded",
            RelayCode::Other => "other",
        }
    }
}

impl NetProblem {
    /// Transient problems are retried with backoff; the others need a change (an update,
    /// a smaller envelope, a new pairing) and are shown as an error.
    pub fn transient(&self) -> bool {
        matches!(
            self,
            NetProblem::Offline | NetProblem::Unavailable | NetProblem::RateLimited { .. }
        )
    }

    /// A connection lost mid-answer is the network's doing (offline, retried); only an answer
    /// that arrived whole and cannot be decoded is a protocol problem.
    pub(crate) fn from_reqwest(e: &reqwest::Error) -> NetProblem {
        if e.is_decode() {
            NetProblem::Protocol {
                what: "response body",
            }
        } else {
            NetProblem::Offline
        }
    }
}

impl fmt::Display for NetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetProblem::Offline => f.write_str("the relay could not be reached"),
            NetProblem::Unavailable => f.write_str("the relay is unavailable"),
            NetProblem::RateLimited { retry_after } => match retry_after {
                Some(d) => write!(f, "rate limited; retry in {} s", d.as_secs()),
                None => f.write_str("rate limited"),
            },
            NetProblem::Refused { code } => write!(f, "the relay refused: {}", code.as_str()),
            NetProblem::Protocol { what } => write!(f, "unexpected answer from the relay: {what}"),
        }
    }
}

impl std::error::Error for NetProblem {}
