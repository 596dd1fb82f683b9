//! Engine inputs and outputs.

use crate::crypto::{CapabilityToken, KeyId, StreamId};
use crate::docs::kind::DocKind;

/// One sealed envelope waiting for the relay. The transport creates the stream with the two
/// hashes if the relay does not know it yet (idempotent), appends the bytes with the append
/// token, and reports the relay's acknowledgement with [`crate::Twofold::sync_acked`].
#[derive(Debug, Clone)]
pub struct OutgoingEnvelope {
    pub id: i64,
    pub stream: StreamId,
    pub append_token: CapabilityToken,
    pub read_token_hash: [u8; 32],
    pub append_token_hash: [u8; 32],
    pub envelope: Vec<u8>,
}

/// A pairing message for a relay mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxPost {
    pub id: i64,
    pub mailbox: [u8; 16],
    pub bytes: Vec<u8>,
}

/// The owner right over a stream this device made, to claim on the relay (ADR 0023) before
/// anything else is sent on it: `PUT /v1/streams/{id}/owner` with the append token, after
/// registering the stream with its two hashes. Report the answer with
/// [`crate::sync::SyncEngine::owner_claimed`].
#[derive(Debug, Clone)]
pub struct StreamClaim {
    pub stream: StreamId,
    pub read_token_hash: [u8; 32],
    pub append_token_hash: [u8; 32],
    pub append_token: CapabilityToken,
    pub owner_token_hash: [u8; 32],
}

/// Records of a stream this device owns that every member has read: `POST
/// /v1/streams/{id}/trim {through}` with the owner token, then
/// [`crate::sync::SyncEngine::stream_trimmed`].
#[derive(Debug, Clone)]
pub struct StreamTrim {
    pub stream: StreamId,
    pub owner_token: CapabilityToken,
    pub through: u64,
}

/// A stream this device owns that nobody needs any more: `DELETE /v1/streams/{id}` with the
/// owner token, then [`crate::sync::SyncEngine::stream_deleted`].
#[derive(Debug, Clone)]
pub struct StreamDelete {
    pub stream: StreamId,
    pub owner_token: CapabilityToken,
}

/// Everything waiting to go out, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    /// Sent first: a stream's owner right is claimed before anything is appended to it.
    pub stream_claims: Vec<StreamClaim>,
    pub envelopes: Vec<OutgoingEnvelope>,
    pub mailbox: Vec<MailboxPost>,
    /// Pairing mailboxes this device is done with: the relay may forget them now rather than
    /// after their time to live (`DELETE /v1/mailboxes/{id}`).
    pub mailbox_deletes: Vec<[u8; 16]>,
    /// Sent after every envelope was stored: the grants of the next epoch reach the relay
    /// before the stream they replace is dropped.
    pub stream_trims: Vec<StreamTrim>,
    pub stream_deletes: Vec<StreamDelete>,
}

impl Outgoing {
    pub fn is_empty(&self) -> bool {
        self.envelopes.is_empty()
            && self.mailbox.is_empty()
            && self.mailbox_deletes.is_empty()
            && self.stream_claims.is_empty()
            && self.stream_trims.is_empty()
            && self.stream_deletes.is_empty()
    }
}

/// A stream to read after `after` (every position up to it is processed). The hashes let
/// a follower register the stream with the relay before its first envelope exists (as the
/// sender does), so a live follow is never refused for a stream nobody wrote to yet.
#[derive(Debug, Clone)]
pub struct Follow {
    pub stream: StreamId,
    pub read_token: CapabilityToken,
    pub read_token_hash: [u8; 32],
    pub append_token_hash: [u8; 32],
    pub after: u64,
}

/// A mailbox to read after `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxFollow {
    pub mailbox: [u8; 16],
    pub after: u64,
}

/// Why an envelope or a mailbox message was refused. Nothing was changed but a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    TooLarge,
    Truncated,
    UnsupportedVersion,
    UnknownStream,
    WrongStream,
    UnknownSender,
    BadSignature,
    NotAllowed,
    StaleEpoch,
    DecryptFailed,
    MalformedPayload,
    WrongAuthor,
    BadControl,
    BadPairingMessage,
    InviteUsed,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::TooLarge => "too_large",
            RejectReason::Truncated => "truncated",
            RejectReason::UnsupportedVersion => "unsupported_version",
            RejectReason::UnknownStream => "unknown_stream",
            RejectReason::WrongStream => "wrong_stream",
            RejectReason::UnknownSender => "unknown_sender",
            RejectReason::BadSignature => "bad_signature",
            RejectReason::NotAllowed => "not_allowed",
            RejectReason::StaleEpoch => "stale_epoch",
            RejectReason::DecryptFailed => "decrypt_failed",
            RejectReason::MalformedPayload => "malformed_payload",
            RejectReason::WrongAuthor => "wrong_author",
            RejectReason::BadControl => "bad_control",
            RejectReason::BadPairingMessage => "bad_pairing_message",
            RejectReason::InviteUsed => "invite_used",
        }
    }

    /// A retryable refusal leaves the stream's cursor where it was so the envelope is read
    /// again: the key or writer list it needs may still be on its way on another stream.
    pub fn retryable(self) -> bool {
        matches!(self, RejectReason::UnknownSender)
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What became of one received envelope or mailbox message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Changes applied to a document (some may wait in Automerge's queue for their
    /// dependencies; they are stored and apply when those arrive).
    Applied {
        kind: DocKind,
        changes: usize,
    },
    /// A pairing or sharing message was processed.
    Control,
    /// Already had it (a replay or a retry): ignored.
    Duplicate,
    /// An earlier envelope of this sender is missing: nothing applied, the cursor stays, the
    /// transport reads the stream again from the cursor.
    Gap {
        sender: KeyId,
        expected: u64,
        got: u64,
    },
    Rejected(RejectReason),
}

/// What a device may do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }

    pub fn parse(raw: &str) -> Option<Access> {
        match raw {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            _ => None,
        }
    }
}
