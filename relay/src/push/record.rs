//! A registration as the relay keeps it: the hash of the registration token, the gateway's
//! name, the push token, and the watched stream ids. Stored as a small JSON document so both
//! stores keep it as one opaque value.

use serde::{Deserialize, Serialize};

use crate::ids::{Id, TokenHash};
use crate::store::StoreError;

#[derive(Clone)]
pub struct Registration {
    pub token: TokenHash,
    pub gateway: String,
    pub pushkey: String,
    pub streams: Vec<Id>,
}

/// The push token identifies a phone: never printed whole.
impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("gateway", &self.gateway)
            .field("streams", &self.streams.len())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    token_hash: String,
    gateway: String,
    pushkey: String,
    streams: Vec<String>,
}

impl Registration {
    pub fn to_bytes(&self) -> Vec<u8> {
        let stored = Stored {
            token_hash: hex::encode(self.token.0),
            gateway: self.gateway.clone(),
            pushkey: self.pushkey.clone(),
            streams: self.streams.iter().map(Id::hex).collect(),
        };
        serde_json::to_vec(&stored).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StoreError> {
        let corrupt = || StoreError::Corrupt("push registration");
        let stored: Stored = serde_json::from_slice(bytes).map_err(|_| corrupt())?;
        Ok(Registration {
            token: TokenHash::parse_hex(&stored.token_hash).map_err(|_| corrupt())?,
            gateway: stored.gateway,
            pushkey: stored.pushkey,
            streams: stored
                .streams
                .iter()
                .map(|s| Id::parse(s))
                .collect::<Result<_, _>>()
                .map_err(|_| corrupt())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let reg = Registration {
            token: TokenHash([9; 32]),
            gateway: "g".into(),
            pushkey: "secret-key".into(),
            streams: vec![Id([1; 16]), Id([2; 16])],
        };
        let back = Registration::from_bytes(&reg.to_bytes()).expect("round trip");
        assert!(back.token.matches(&reg.token));
        assert_eq!(back.streams, reg.streams);
        assert_eq!(back.pushkey, "secret-key");
        assert!(!format!("{reg:?}").contains("secret-key"));
        assert!(Registration::from_bytes(b"{}").is_err());
    }
}
