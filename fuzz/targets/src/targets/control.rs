//! Control messages on a paired channel (`core/src/sync/control.rs`, `sos_control.rs`): the
//! payload's control part and tail, then every check the engine makes before it acts — ids,
//! access, writers, the wrapped key (unwrapped by the mentor), the SOS fields, and the grant's
//! snapshot through the guarded Automerge load.

use crate::fixtures::{doc_key, mentor_prekey, owner_keys, MENTOR};
use twofold_core::crypto::{unwrap_doc_key, unwrap_doc_key_with, DeviceIdentity, WrapContext};
use twofold_core::docs::{genesis, guarded_load};
use twofold_core::sync::control::{
    parse_channel, parse_id, parse_keys, parse_writers, ControlMessage,
};
use twofold_core::sync::payload::{self, Payload};
use twofold_core::{Access, DocumentSnapshot, LoadLimits};

/// The keys and channel of a device another one introduces, as `apply_introductions.rs` reads
/// them.
fn linked(keys: &str, channel: &str) {
    if let Ok(keys) = parse_keys(keys) {
        let _ = keys.validate();
    }
    let _ = parse_channel(channel);
}

/// One fuzz input.
pub fn run(data: &[u8]) {
    // The type byte is fixed: the fuzzer spends its time on the control part.
    let mut bytes = Vec::with_capacity(1 + data.len());
    bytes.push(2);
    bytes.extend_from_slice(data);
    let Ok(Payload::Control { message, tail }) = payload::decode(&bytes) else {
        return;
    };
    match message {
        ControlMessage::Grant(grant) => {
            if let (Ok(access), Ok(stream)) = (grant.access(), grant.stream()) {
                let _ = grant.append_right(access, &doc_key(), &stream);
            }
            let _ = parse_writers(&grant.writers);
            if let Some(replaced) = &grant.replaces {
                let _ = parse_id(replaced);
            }
            if let (Ok(doc_id), Ok(stream), Ok(wrapped)) =
                (grant.doc_id_bytes(), grant.stream(), grant.wrapped_key())
            {
                let owner = owner_keys();
                let ctx = WrapContext { doc_id, stream };
                let _ = unwrap_doc_key(&wrapped, &ctx, &MENTOR, |id| {
                    (*id == owner.key_id()).then_some(owner)
                });
                // A version 2 wrap names a prekey (ADR 0026): the mentor's fixed one.
                let _ = unwrap_doc_key_with(
                    &wrapped,
                    &ctx,
                    &MENTOR,
                    |p| (*p == mentor_prekey().public()).then(mentor_prekey),
                    |id| (*id == owner.key_id()).then_some(owner),
                );
            }
            if let Ok(doc) = guarded_load::load_untrusted(tail, LoadLimits::default()) {
                let _ = genesis::kind_of(&doc);
                let _ = DocumentSnapshot::read(grant.kind, &doc);
            }
        }
        ControlMessage::Writers {
            doc_id, writers, ..
        } => {
            let _ = parse_id(&doc_id);
            let _ = parse_writers(&writers);
        }
        ControlMessage::Revoked { doc_id, .. } => {
            let _ = parse_id(&doc_id);
        }
        ControlMessage::Sos(call) => {
            let _ = call.check();
        }
        ControlMessage::SosAnswer(answer) => {
            let _ = parse_id(&answer.sos_id);
        }
        ControlMessage::SosClosed { sos_id } => {
            let _ = parse_id(&sos_id);
        }
        ControlMessage::RecoveryKey { keys } => {
            let _ = parse_keys(&keys);
        }
        ControlMessage::Successor { old, new, channel } => {
            let _ = parse_keys(&old);
            let _ = parse_keys(&new);
            let _ = parse_channel(&channel);
        }
        ControlMessage::Devices { devices } => {
            for device in devices {
                linked(&device.keys, &device.channel);
            }
        }
        ControlMessage::Introduce(intro) => {
            linked(&intro.keys, &intro.channel);
            for contact in &intro.sos_contacts {
                let _ = parse_id(contact);
            }
        }
        ControlMessage::Prekey(announcement) => {
            let _ = announcement.parse(&owner_keys());
        }
        ControlMessage::ReadThrough { streams } => {
            // What the owner checks before it keeps a member's read positions (ADR 0023).
            for position in &streams {
                let _ = parse_id(&position.stream);
            }
        }
        ControlMessage::Handover(handover) => {
            if let Ok(raw) = hex::decode(&handover.recovery) {
                let _ = DeviceIdentity::from_secret_bytes(&raw);
            }
            for share in &handover.shares {
                let _ = parse_id(&share.doc_id);
                let _ = parse_id(&share.peer);
                let _ = Access::parse(&share.access);
            }
        }
    }
}
