//! The fixed keys and invite every target and the seed writer share, so a seed sealed by the
//! writer opens in the target that reads it. Deterministic: no randomness, no clock.

use std::sync::LazyLock;

use twofold_core::crypto::{code_commitment, CodeNonce, DeviceIdentity, PrekeySecret};
use twofold_core::crypto::{DevicePublicKeys, DocKey, Invite, InviteMark, InviteSecret, StreamId};

/// "Now" for invites and join requests, in seconds; the fixed invite expires long after.
pub const NOW_SECS: u64 = 1_800_000_000;
/// The epoch of the fixed document key.
pub const EPOCH: u32 = 1;
/// The platform key the app-lock target opens lock files with.
pub const PLATFORM_KEY: [u8; 32] = [0x5a; 32];
/// The stream the envelope target's sealed envelopes belong to.
pub const STREAM: StreamId = StreamId([0x11; 16]);
/// The document id the control target's grants are unwrapped for.
pub const DOC_ID: [u8; 16] = [0x22; 16];

fn identity(fill: u8) -> DeviceIdentity {
    let mut secret = [fill; 65];
    secret[0] = 1;
    DeviceIdentity::from_secret_bytes(&secret).expect("65 bytes in format 1 are an identity")
}

/// The person's device: owns the invite, sends envelopes, grants documents.
pub static OWNER: LazyLock<DeviceIdentity> = LazyLock::new(|| identity(0x31));
/// The mentor's device: answers the invite, receives grants and pairing replies.
pub static MENTOR: LazyLock<DeviceIdentity> = LazyLock::new(|| identity(0x42));

pub fn owner_keys() -> DevicePublicKeys {
    OWNER.public_keys()
}

pub fn mentor_keys() -> DevicePublicKeys {
    MENTOR.public_keys()
}

/// The owner's verification-code nonce the fixed invite commits to, so a reply revealing it
/// passes the commitment check and the parser behind it is reached.
pub const OWNER_NONCE: [u8; 32] = [0x0a; 32];
/// The mentor's nonce in the seed join request.
pub const MENTOR_NONCE: [u8; 32] = [0x0b; 32];
const INVITE_ID: [u8; 16] = [0x07; 16];

pub static INVITE: LazyLock<Invite> = LazyLock::new(|| Invite {
    relay: "https://relay.example.org".into(),
    invite_id: INVITE_ID,
    secret: InviteSecret([0x08; 32]),
    owner: OWNER.public_keys(),
    commitment: code_commitment(&INVITE_ID, &OWNER.public_keys(), &CodeNonce(OWNER_NONCE)),
    expires_at: NOW_SECS + 3600,
    mark: InviteMark::Pairing,
});

/// The mentor's prekey (ADR 0026): what version 2 wrapped keys in the seeds are sealed to.
pub fn mentor_prekey() -> PrekeySecret {
    PrekeySecret::from_secret_bytes(&[0x43; 32])
}

pub fn doc_key() -> DocKey {
    DocKey::from_secret_bytes(EPOCH, &[0x66; 32])
}
