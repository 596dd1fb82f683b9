//! The SOS messages' inner shape on a paired channel (ADR 0013). They are control messages,
//! so they travel sealed and signed in envelopes like grants; this file only says what the
//! JSON part holds and checks it, never echoing what it held.

use serde::{Deserialize, Serialize};

use crate::insights::help::MAX_HELP_TEXT;
use crate::model::sos::{SosLocation, SosReply, MAX_RUNGS, MAX_WAIT_MS, MIN_WAIT_MS};
use crate::sync::control::{parse_id, BadControl};

/// A request for help, sent to one person on the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SosCall {
    /// 32 hex characters, the same for every person this request reaches.
    pub sos_id: String,
    /// The person's words; `None`: the reader's app shows its default help text.
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    /// When the person sent it (their clock).
    pub sent_at_ms: i64,
    /// Where the reader is on the ladder, from 0: "you are the second person asked".
    pub rung: u32,
    /// How long the reader has before the next person is asked.
    pub answer_within_ms: i64,
}

impl SosCall {
    /// Everything a receiver relies on, checked before anything is stored.
    pub fn check(&self) -> Result<(), BadControl> {
        parse_id(&self.sos_id)?;
        if let Some(text) = &self.text {
            let chars = text.chars().count();
            if chars == 0 || chars > MAX_HELP_TEXT || text.contains('\0') {
                return Err(BadControl);
            }
        }
        if let Some(location) = &self.location {
            location.validate().map_err(|_| BadControl)?;
        }
        if self.rung as usize >= MAX_RUNGS
            || !(MIN_WAIT_MS..=MAX_WAIT_MS).contains(&self.answer_within_ms)
            || self.sent_at_ms < 0
        {
            return Err(BadControl);
        }
        Ok(())
    }
}

/// A contact's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SosAnswer {
    pub sos_id: String,
    pub reply: SosReply,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::control::ControlMessage;
    use crate::sync::payload::{self, Payload};
    use crate::sync::RejectReason;
    use proptest::prelude::*;

    fn call() -> SosCall {
        SosCall {
            sos_id: "ab".repeat(16),
            text: Some("please call".into()),
            location: Some(SosLocation {
                lat_e6: 52_520_008,
                lon_e6: 13_404_954,
                accuracy_m: 20,
            }),
            sent_at_ms: 1_800_000_000_000,
            rung: 1,
            answer_within_ms: 5 * 60_000,
        }
    }

    #[test]
    fn sos_messages_round_trip_through_the_control_payload() {
        let messages = [
            ControlMessage::Sos(call()),
            ControlMessage::SosAnswer(SosAnswer {
                sos_id: "cd".repeat(16),
                reply: SosReply::OnMyWay,
            }),
            ControlMessage::SosClosed {
                sos_id: "ef".repeat(16),
            },
        ];
        for message in messages {
            let bytes = payload::encode_control(&message, &[]);
            match payload::decode(&bytes) {
                Ok(Payload::Control { message: m, tail }) => {
                    assert_eq!(m, message);
                    assert!(tail.is_empty());
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_call_out_of_bounds_is_refused() {
        assert_eq!(call().check(), Ok(()));
        let bad = [
            SosCall {
                sos_id: "xyz".into(),
                ..call()
            },
            SosCall {
                text: Some(String::new()),
                ..call()
            },
            SosCall {
                text: Some("a".repeat(MAX_HELP_TEXT + 1)),
                ..call()
            },
            SosCall {
                text: Some("a\0b".into()),
                ..call()
            },
            SosCall {
                rung: MAX_RUNGS as u32,
                ..call()
            },
            SosCall {
                answer_within_ms: 1,
                ..call()
            },
            SosCall {
                sent_at_ms: -1,
                ..call()
            },
            SosCall {
                location: Some(SosLocation {
                    lat_e6: 91_000_000,
                    lon_e6: 0,
                    accuracy_m: 1,
                }),
                ..call()
            },
        ];
        for b in bad {
            assert_eq!(b.check(), Err(BadControl), "{b:?}");
        }
    }

    proptest! {
        /// Any JSON part, well-formed or not, decodes to a refusal or to a message whose
        /// check either passes or refuses: never a panic.
        #[test]
        fn arbitrary_sos_json_never_panics(
            id in "[0-9a-f]{0,40}",
            text in proptest::option::of(".{0,40}"),
            lat in any::<i32>(), lon in any::<i32>(), acc in any::<u32>(),
            rung in any::<u32>(), within in any::<i64>(), sent in any::<i64>(),
            noise in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let json = serde_json::json!({
                "type": "sos", "sos_id": id, "text": text,
                "location": {"lat_e6": lat, "lon_e6": lon, "accuracy_m": acc},
                "sent_at_ms": sent, "rung": rung, "answer_within_ms": within,
            });
            let mut bytes = vec![2u8];
            let body = serde_json::to_vec(&json).expect("json");
            bytes.extend_from_slice(&(body.len() as u32).to_be_bytes());
            bytes.extend_from_slice(&body);
            if let Ok(Payload::Control { message: ControlMessage::Sos(c), .. }) = payload::decode(&bytes) {
                let _ = c.check();
            }
            let mut garbled = bytes.clone();
            for (i, b) in noise.iter().enumerate() {
                if let Some(slot) = garbled.get_mut(5 + i * 3) {
                    *slot ^= b;
                }
            }
            match payload::decode(&garbled) {
                Ok(Payload::Control { message: ControlMessage::Sos(c), .. }) => { let _ = c.check(); }
                Ok(_) | Err(RejectReason::BadControl | RejectReason::MalformedPayload) => {}
                Err(other) => prop_assert!(false, "unexpected refusal {other:?}"),
            }
        }
    }
}
