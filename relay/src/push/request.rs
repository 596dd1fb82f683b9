//! The body of `PUT /v1/push/{registration}`: which gateway, the push token, and the streams
//! to watch with their read tokens (proof that the device may read them). Outside bytes, so
//! every field is bounded and checked before anything is stored.

use serde::Deserialize;

use crate::error::RelayError;
use crate::ids::{presented_token_hash, Id, TokenHash};

/// FCM tokens are ~160 characters, APNs tokens 64 hex digits; 4 KiB leaves room for others.
pub const PUSHKEY_MAX: usize = 4096;
/// Gateway names are app ids such as `org.twofold.app.android`.
pub const GATEWAY_NAME_MAX: usize = 128;
/// As many streams as one WebSocket may follow by default.
pub const STREAMS_MAX: usize = 256;
/// Room for the largest valid request: 256 streams of ~110 bytes and the longest pushkey.
pub const BODY_MAX: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    gateway: String,
    pushkey: String,
    streams: Vec<StreamBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamBody {
    stream: String,
    token: String,
}

/// A checked registration request. The read tokens are already hashed: the tokens themselves
/// are never kept.
pub struct RegisterRequest {
    pub gateway: String,
    pub pushkey: String,
    pub streams: Vec<(Id, TokenHash)>,
}

/// The push token identifies a phone: it stays out of `Debug` output and so out of logs.
impl std::fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("gateway", &self.gateway)
            .field("streams", &self.streams.len())
            .finish_non_exhaustive()
    }
}

impl RegisterRequest {
    pub fn decode(bytes: &[u8]) -> Result<Self, RelayError> {
        if bytes.len() > BODY_MAX {
            return Err(RelayError::TooLarge { limit: BODY_MAX });
        }
        let body: Body = serde_json::from_slice(bytes).map_err(|_| {
            RelayError::BadRequest("expected {gateway, pushkey, streams: [{stream, token}]}")
        })?;
        if !valid_gateway_name(&body.gateway) {
            return Err(RelayError::BadRequest(
                "gateway is 1-128 letters, digits, '.', '_' or '-'",
            ));
        }
        if body.pushkey.is_empty()
            || body.pushkey.len() > PUSHKEY_MAX
            || !body.pushkey.bytes().all(|b| (0x21..=0x7e).contains(&b))
        {
            return Err(RelayError::BadRequest(
                "pushkey is 1-4096 printable ASCII characters",
            ));
        }
        if body.streams.is_empty() || body.streams.len() > STREAMS_MAX {
            return Err(RelayError::BadRequest("streams holds 1 to 256 entries"));
        }
        let mut streams: Vec<(Id, TokenHash)> = Vec::with_capacity(body.streams.len());
        for entry in &body.streams {
            let id = Id::parse(&entry.stream)?;
            // A malformed token answers like a wrong one: the stream is "not found".
            let token = presented_token_hash(&entry.token).ok_or(RelayError::NotFound)?;
            if streams.iter().any(|(seen, _)| *seen == id) {
                return Err(RelayError::BadRequest("a stream is listed twice"));
            }
            streams.push((id, token));
        }
        Ok(RegisterRequest {
            gateway: body.gateway,
            pushkey: body.pushkey,
            streams,
        })
    }
}

pub fn valid_gateway_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= GATEWAY_NAME_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use proptest::prelude::*;

    use super::*;

    fn token(byte: u8) -> String {
        URL_SAFE_NO_PAD.encode([byte; 32])
    }

    fn body(gateway: &str, pushkey: &str, streams: &[(String, String)]) -> Vec<u8> {
        let streams: Vec<_> = streams
            .iter()
            .map(|(s, t)| serde_json::json!({"stream": s, "token": t}))
            .collect();
        serde_json::json!({"gateway": gateway, "pushkey": pushkey, "streams": streams})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn a_good_request_decodes_with_hashed_tokens() {
        let stream = "00112233445566778899aabbccddeeff".to_owned();
        let req =
            RegisterRequest::decode(&body("org.twofold.app", "fcm:abc", &[(stream, token(7))]))
                .expect("valid");
        assert_eq!(req.gateway, "org.twofold.app");
        assert_eq!(req.streams.len(), 1);
        assert!(req.streams[0]
            .1
            .matches(&TokenHash(crate::ids::token_hash(&[7; 32]))));
        assert!(!format!("{req:?}").contains("fcm:abc"));
    }

    #[test]
    fn each_bad_field_is_refused() {
        let s = "00112233445566778899aabbccddeeff".to_owned();
        let ok = [(s.clone(), token(1))];
        for bad in [
            body("", "k", &ok),
            body("a/b", "k", &ok),
            body(&"a".repeat(129), "k", &ok),
            body("g", "", &ok),
            body("g", "with space", &ok),
            body("g", &"k".repeat(PUSHKEY_MAX + 1), &ok),
            body("g", "k", &[]),
            body("g", "k", &[("AB".into(), token(1))]),
            body("g", "k", &[(s.clone(), token(1)), (s.clone(), token(2))]),
            b"{}".to_vec(),
            br#"{"gateway":"g","pushkey":"k","streams":[],"extra":1}"#.to_vec(),
        ] {
            assert!(
                matches!(
                    RegisterRequest::decode(&bad),
                    Err(RelayError::BadRequest(_))
                ),
                "{}",
                String::from_utf8_lossy(&bad)
            );
        }
        assert!(matches!(
            RegisterRequest::decode(&body("g", "k", &[(s, "short".into())])),
            Err(RelayError::NotFound)
        ));
    }

    proptest! {
        /// Whatever arrives, decoding answers (never panics), and what it accepts is within
        /// every bound.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(req) = RegisterRequest::decode(&bytes) {
                prop_assert!(valid_gateway_name(&req.gateway));
                prop_assert!(!req.pushkey.is_empty() && req.pushkey.len() <= PUSHKEY_MAX);
                prop_assert!(!req.streams.is_empty() && req.streams.len() <= STREAMS_MAX);
            }
        }

        /// Near-valid JSON: fields of any text are accepted exactly when each is valid.
        #[test]
        fn fields_are_checked_one_by_one(
            gateway in "[ -~]{0,140}",
            pushkey in "[ -~]{0,40}",
            stream in "[0-9a-fA-F]{30,34}",
            tok in prop_oneof![Just(token(3)), "[A-Za-z0-9_-]{0,50}"],
        ) {
            let result = RegisterRequest::decode(&body(&gateway, &pushkey, &[(stream.clone(), tok.clone())]));
            let expect_ok = valid_gateway_name(&gateway)
                && !pushkey.is_empty()
                && !pushkey.contains(' ')
                && Id::parse(&stream).is_ok()
                && presented_token_hash(&tok).is_some();
            prop_assert_eq!(result.is_ok(), expect_ok);
        }
    }
}
