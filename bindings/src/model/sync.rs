//! The sans-IO sync engine's vocabulary for apps that run their own transport: what to send
//! (envelopes for relay streams, pairing messages for relay mailboxes), what to follow, and what
//! became of what arrived. Mirrors of `twofold_core::sync`.
//!
//! Stream and mailbox ids are 32 lowercase hex characters; capability tokens and their hashes
//! 64. Envelope and mailbox bytes are opaque: move them as they are.

use twofold_core as tc;

use crate::convert::hex_id;
use crate::convert::mirror_enum;
use crate::model::documents::DocumentKind;

/// One sealed envelope waiting for the relay. Create the stream with the two hashes if the
/// relay does not know it yet (idempotent), append `envelope` with `append_token`, and report
/// the relay's acknowledgement with `sync_acked(id, …)`. Until then the same bytes come back
/// from every `sync_outgoing`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OutgoingEnvelope {
    pub id: i64,
    /// The relay stream, 32 hex characters.
    pub stream: String,
    /// The bearer token to append with, 64 hex characters.
    pub append_token: String,
    /// What the relay stores to check read and append tokens (64 hex characters each).
    pub read_token_hash: String,
    pub append_token_hash: String,
    pub envelope: Vec<u8>,
}

impl From<tc::OutgoingEnvelope> for OutgoingEnvelope {
    fn from(e: tc::OutgoingEnvelope) -> Self {
        OutgoingEnvelope {
            id: e.id,
            stream: hex_id::from_core(e.stream.0),
            append_token: hex_id::encode(e.append_token.as_bytes()),
            read_token_hash: hex_id::encode(&e.read_token_hash),
            append_token_hash: hex_id::encode(&e.append_token_hash),
            envelope: e.envelope,
        }
    }
}

/// A pairing message for a relay mailbox; report it posted with `sync_mailbox_posted(id)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MailboxPost {
    pub id: i64,
    /// The mailbox, 32 hex characters.
    pub mailbox: String,
    pub bytes: Vec<u8>,
}

impl From<tc::MailboxPost> for MailboxPost {
    fn from(p: tc::MailboxPost) -> Self {
        MailboxPost {
            id: p.id,
            mailbox: hex_id::from_core(p.mailbox),
            bytes: p.bytes,
        }
    }
}

/// Everything waiting to go out, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Outgoing {
    pub envelopes: Vec<OutgoingEnvelope>,
    pub mailbox: Vec<MailboxPost>,
    /// Pairing mailboxes this device is done with, 32 hex characters each: `DELETE` each on the
    /// relay, then report it with `sync_mailbox_deleted`.
    pub mailbox_deletes: Vec<String>,
}

impl From<tc::Outgoing> for Outgoing {
    fn from(o: tc::Outgoing) -> Self {
        Outgoing {
            envelopes: o.envelopes.into_iter().map(Into::into).collect(),
            mailbox: o.mailbox.into_iter().map(Into::into).collect(),
            mailbox_deletes: o
                .mailbox_deletes
                .into_iter()
                .map(hex_id::from_core)
                .collect(),
        }
    }
}

/// A relay stream to read after position `after` (every position up to it is processed), with
/// the token to read it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Follow {
    /// 32 hex characters.
    pub stream: String,
    /// 64 hex characters.
    pub read_token: String,
    pub after: u64,
}

impl From<tc::Follow> for Follow {
    fn from(f: tc::Follow) -> Self {
        Follow {
            stream: hex_id::from_core(f.stream.0),
            read_token: hex_id::encode(f.read_token.as_bytes()),
            after: f.after,
        }
    }
}

/// A relay mailbox to read after position `after`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MailboxFollow {
    /// 32 hex characters.
    pub mailbox: String,
    pub after: u64,
}

impl From<tc::MailboxFollow> for MailboxFollow {
    fn from(m: tc::MailboxFollow) -> Self {
        MailboxFollow {
            mailbox: hex_id::from_core(m.mailbox),
            after: m.after,
        }
    }
}

mirror_enum! {
    /// Why an envelope or a mailbox message was refused. Nothing was changed but a counter.
    RejectReason => tc::RejectReason {
        TooLarge, Truncated, UnsupportedVersion, UnknownStream, WrongStream, UnknownSender,
        BadSignature, NotAllowed, StaleEpoch, DecryptFailed, MalformedPayload, WrongAuthor,
        BadControl, BadPairingMessage, InviteUsed,
    }
}

/// What became of one received envelope or mailbox message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Received {
    /// Changes applied to a document (some may wait for their dependencies; they are stored
    /// and apply when those arrive).
    Applied { kind: DocumentKind, changes: u64 },
    /// A pairing or sharing message was processed.
    Control,
    /// Already had it (a replay or a retry): ignored.
    Duplicate,
    /// An earlier envelope of `sender` (32 hex characters) is missing: nothing applied, the
    /// cursor stays; read the stream again from the cursor.
    Gap {
        sender: String,
        expected: u64,
        got: u64,
    },
    /// Refused; nothing changed but a counter (see `sync_rejections`).
    Rejected { reason: RejectReason },
}

impl From<tc::Received> for Received {
    fn from(r: tc::Received) -> Self {
        match r {
            tc::Received::Applied { kind, changes } => Received::Applied {
                kind,
                changes: crate::convert::count::from_core(changes),
            },
            tc::Received::Control => Received::Control,
            tc::Received::Duplicate => Received::Duplicate,
            tc::Received::Gap {
                sender,
                expected,
                got,
            } => Received::Gap {
                sender: crate::convert::key_id::from_core(sender),
                expected,
                got,
            },
            tc::Received::Rejected(reason) => Received::Rejected {
                reason: reason.into(),
            },
        }
    }
}

/// How many inputs were refused for one reason (`bad_signature`, `stale_epoch`, …).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectionCount {
    pub reason: String,
    pub count: u64,
}
