//! The follow protocol's frames: JSON commands from the client, binary records and JSON errors
//! from the server.

use serde::Deserialize;

use crate::error::ErrorCode;
use crate::store::{Kind, LogRef};

#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ClientOp {
    Follow {
        stream: String,
        token: String,
        #[serde(default)]
        after: u64,
    },
    Unfollow {
        stream: String,
    },
    FollowMailbox {
        mailbox: String,
        #[serde(default)]
        after: u64,
    },
    UnfollowMailbox {
        mailbox: String,
    },
    /// This connection is the device of a push registration: no wake-ups for it while the
    /// connection is open (it hears envelopes itself).
    PushLive {
        registration: String,
        token: String,
    },
}

/// `kind (1) ‖ id (16) ‖ position (u64 BE) ‖ bytes`.
pub fn record_frame(log: LogRef, position: u64, bytes: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(1 + 16 + 8 + bytes.len());
    frame.push(log.kind.wire_tag());
    frame.extend_from_slice(&log.id.0);
    frame.extend_from_slice(&position.to_be_bytes());
    frame.extend_from_slice(bytes);
    frame
}

/// `{"op":"error","stream"|"mailbox":"<hex>","error":"<code>"}`; the id is left out when the
/// frame that failed named none (or named it unreadably).
pub fn error_frame(about: Option<(Kind, &str)>, code: ErrorCode) -> String {
    let mut frame = serde_json::json!({ "op": "error", "error": code.as_str() });
    if let Some((kind, id)) = about {
        frame[kind.label()] = serde_json::Value::String(id.to_owned());
    }
    frame.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_commands() {
        let follow: ClientOp =
            serde_json::from_str(r#"{"op":"follow","stream":"ab","token":"t","after":3}"#)
                .expect("follow");
        assert!(matches!(follow, ClientOp::Follow { after: 3, .. }));
        let mailbox: ClientOp =
            serde_json::from_str(r#"{"op":"follow_mailbox","mailbox":"ab"}"#).expect("mailbox");
        assert!(matches!(mailbox, ClientOp::FollowMailbox { after: 0, .. }));
        let live: ClientOp =
            serde_json::from_str(r#"{"op":"push_live","registration":"ab","token":"t"}"#)
                .expect("push_live");
        assert!(matches!(live, ClientOp::PushLive { .. }));
        assert!(serde_json::from_str::<ClientOp>(r#"{"op":"push_live"}"#).is_err());
        assert!(serde_json::from_str::<ClientOp>(r#"{"op":"nope"}"#).is_err());
    }

    #[test]
    fn error_frames_name_the_log() {
        let frame = error_frame(Some((Kind::Mailbox, "ab")), ErrorCode::NotFound);
        let frame: serde_json::Value = serde_json::from_str(&frame).expect("json");
        assert_eq!(
            frame,
            serde_json::json!({"op": "error", "mailbox": "ab", "error": "not_found"})
        );
    }
}
