//! Control messages on a paired channel (`core/src/sync/control.rs`, `sos_control.rs`): the
//! payload's control part and tail, then every check the engine makes before it acts — ids,
//! access, writers, the wrapped key (unwrapped by the mentor), the SOS fields, and the grant's
//! snapshot through the guarded Automerge load.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold_core::crypto::{unwrap_doc_key, WrapContext};
use twofold_core::docs::{genesis, guarded_load};
use twofold_core::sync::control::{parse_id, parse_writers, ControlMessage};
use twofold_core::sync::payload::{self, Payload};
use twofold_core::{DocumentSnapshot, LoadLimits};
use twofold_fuzz::fixtures::{owner_keys, MENTOR};

fuzz_target!(|data: &[u8]| {
    // The type byte is fixed: the fuzzer spends its time on the control part.
    let mut bytes = Vec::with_capacity(1 + data.len());
    bytes.push(2);
    bytes.extend_from_slice(data);
    let Ok(Payload::Control { message, tail }) = payload::decode(&bytes) else {
        return;
    };
    match message {
        ControlMessage::Grant(grant) => {
            let _ = grant.access();
            let _ = parse_writers(&grant.writers);
            if let Some(replaced) = &grant.replaces {
                let _ = parse_id(replaced);
            }
            if let (Ok(doc_id), Ok(stream), Ok(wrapped)) =
                (grant.doc_id_bytes(), grant.stream(), grant.wrapped_key())
            {
                let owner = owner_keys();
                let _ = unwrap_doc_key(&wrapped, &WrapContext { doc_id, stream }, &MENTOR, |id| {
                    (*id == owner.key_id()).then_some(owner)
                });
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
    }
});
