//! The owner's answers to a join request, each carrying the owner's verification-code nonce
//! (which the joiner checks against the invite's commitment, [`super::verification`]): first
//! the nonce alone, as soon as the request arrives, so the joiner can show the code; then the
//! decision, approved (with the pairwise channel's key and stream, and the owner's display
//! name) or declined. Sealed to the mentor's X25519 key with the invite secret mixed in, and
//! signed by the owner, so the relay that carries it learns nothing and cannot forge one: the
//! mentor already holds the owner's keys from the invite.

use zeroize::Zeroizing;

use super::envelope::StreamId;
use super::identity::{verify, DeviceIdentity, DevicePublicKeys};
use super::invite::{Invite, InviteError};
use super::join::MAX_DISPLAY_NAME_LEN;
use super::label;
use super::seal::{open_from, seal_to, SealContext, SealToError, SEAL_OVERHEAD};
use super::verification::CodeNonce;

/// 2: every reply carries the owner's code nonce; the nonce-only reply is new.
const VERSION: u8 = 2;
/// The version byte alone in the clear; the invite id is in the associated data only.
const HEADER_LEN: usize = 1;
const APPROVED: u8 = 1;
const DECLINED: u8 = 2;
const NONCE_ONLY: u8 = 3;
/// kind ‖ owner's code nonce ‖ channel key ‖ channel stream ‖ name length ‖ name ‖ signature.
const FIXED_PLAIN: usize = 1 + 32 + 32 + 16 + 1 + 64;
const KEY_AT: usize = 1 + 32;
const STREAM_AT: usize = KEY_AT + 32;
const NAME_LEN_AT: usize = STREAM_AT + 16;
pub const MAX_PAIRING_REPLY_LEN: usize =
    HEADER_LEN + SEAL_OVERHEAD + FIXED_PLAIN + MAX_DISPLAY_NAME_LEN;

/// What the owner decided.
#[derive(Clone, PartialEq, Eq)]
pub enum PairingDecision {
    Approved {
        channel_key: Zeroizing<[u8; 32]>,
        channel_stream: StreamId,
        owner_name: String,
    },
    Declined,
}

impl std::fmt::Debug for PairingDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PairingDecision::Approved { channel_stream, .. } => f
                .debug_struct("Approved")
                .field("channel_stream", channel_stream)
                .finish_non_exhaustive(),
            PairingDecision::Declined => f.write_str("Declined"),
        }
    }
}

/// An opened reply: the owner's nonce (checked against the invite's commitment) and, unless
/// the reply only reveals the nonce, the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedReply {
    pub owner_nonce: CodeNonce,
    pub decision: Option<PairingDecision>,
}

/// Owner side: a reply to `mentor` for `invite` revealing `owner_nonce`, with `decision` or
/// (None) on its own.
pub fn seal_reply(
    invite: &Invite,
    owner: &DeviceIdentity,
    mentor: &DevicePublicKeys,
    owner_nonce: &CodeNonce,
    decision: Option<&PairingDecision>,
) -> Result<Vec<u8>, InviteError> {
    let header = [VERSION];
    let aad = aad(&header, invite, &owner.public_keys(), mentor);
    // The channel key goes in here: zeroed on every way out, an early refusal included. Sized
    // for the longest body so it never reallocates (which would leave a copy behind).
    let mut body = Zeroizing::new(Vec::with_capacity(FIXED_PLAIN + MAX_DISPLAY_NAME_LEN));
    match decision {
        Some(PairingDecision::Approved {
            channel_key,
            channel_stream,
            owner_name,
        }) => {
            check_name(owner_name)?;
            body.push(APPROVED);
            body.extend_from_slice(&owner_nonce.0);
            body.extend_from_slice(&channel_key[..]);
            body.extend_from_slice(&channel_stream.0);
            body.push(u8::try_from(owner_name.len()).map_err(|_| InviteError::BadDisplayName)?);
            body.extend_from_slice(owner_name.as_bytes());
        }
        Some(PairingDecision::Declined) | None => {
            body.push(if decision.is_some() {
                DECLINED
            } else {
                NONCE_ONLY
            });
            body.extend_from_slice(&owner_nonce.0);
            body.extend_from_slice(&[0u8; 48]);
            body.push(0);
        }
    }
    let signature = owner.sign(&[label::PAIRING_REPLY_SIG, &aad[..], &body[..]]);
    body.extend_from_slice(&signature);
    let sealed =
        seal_to(&mentor.agreement, &context(invite, &aad), &body).map_err(|e| match e {
            SealToError::Rng => InviteError::Rng(super::RngUnavailable),
            SealToError::WeakRecipientKey | SealToError::TooLarge => InviteError::BadMentorKeys,
        })?;
    Ok([&header[..], &sealed[..]].concat())
}

/// Mentor side: opens the owner's reply with the invite it answers. Checks, in order: length
/// bound, version, decryption (with the invite id in the associated data), lengths, the owner's signature, the nonce against
/// the invite's commitment, the name.
pub fn open_reply(
    bytes: &[u8],
    invite: &Invite,
    mentor: &DeviceIdentity,
) -> Result<OpenedReply, InviteError> {
    if bytes.len() > MAX_PAIRING_REPLY_LEN {
        return Err(InviteError::TooLong);
    }
    let version = *bytes.first().ok_or(InviteError::WrongLength)?;
    if version != VERSION {
        return Err(InviteError::UnsupportedVersion(version));
    }
    if bytes.len() < HEADER_LEN + SEAL_OVERHEAD + FIXED_PLAIN {
        return Err(InviteError::WrongLength);
    }
    let (header, sealed) = bytes.split_at(HEADER_LEN);
    let aad = aad(header, invite, &invite.owner, &mentor.public_keys());
    let plain = open_from(mentor.agreement_secret(), &context(invite, &aad), sealed)
        .ok_or(InviteError::OpenFailed)?;
    if plain.len() < FIXED_PLAIN {
        return Err(InviteError::WrongLength);
    }
    let name_len = usize::from(plain[NAME_LEN_AT]);
    if plain.len() != FIXED_PLAIN + name_len {
        return Err(InviteError::WrongLength);
    }
    let (body, signature) = plain.split_at(plain.len() - 64);
    let signature: &[u8; 64] = signature
        .try_into()
        .expect("the split leaves exactly 64 bytes");
    if !verify(
        &invite.owner,
        &[label::PAIRING_REPLY_SIG, &aad[..], body],
        signature,
    ) {
        return Err(InviteError::BadSignature);
    }
    let owner_nonce = CodeNonce(
        body[1..KEY_AT]
            .try_into()
            .expect("the length check above covers the nonce"),
    );
    if !invite.commits_to(&owner_nonce) {
        return Err(InviteError::WrongCodeNonce);
    }
    let decision = match body[0] {
        APPROVED => {
            let mut channel_key = Zeroizing::new([0u8; 32]);
            channel_key.copy_from_slice(&body[KEY_AT..STREAM_AT]);
            let channel_stream = StreamId(
                body[STREAM_AT..NAME_LEN_AT]
                    .try_into()
                    .expect("the length check above covers the stream id"),
            );
            let name = std::str::from_utf8(&body[NAME_LEN_AT + 1..])
                .map_err(|_| InviteError::BadDisplayName)?;
            check_name(name)?;
            Some(PairingDecision::Approved {
                channel_key,
                channel_stream,
                owner_name: name.to_owned(),
            })
        }
        DECLINED => Some(PairingDecision::Declined),
        NONCE_ONLY => None,
        _ => return Err(InviteError::WrongLength),
    };
    Ok(OpenedReply {
        owner_nonce,
        decision,
    })
}

/// Seals any `plaintext` as a reply to `mentor` for `invite`, as [`seal_reply`] frames it, so a
/// fuzz target reaches the parser behind the AEAD (`fuzzing` feature only).
#[cfg(feature = "fuzzing")]
pub(crate) fn seal_plaintext(
    invite: &Invite,
    mentor: &DevicePublicKeys,
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let header = [VERSION];
    let aad = aad(&header, invite, &invite.owner, mentor);
    let sealed = seal_to(&mentor.agreement, &context(invite, &aad), plaintext).ok()?;
    Some([&header[..], &sealed[..]].concat())
}

/// Binds the reply to this invite, this owner and this mentor.
fn aad(
    header: &[u8],
    invite: &Invite,
    owner: &DevicePublicKeys,
    mentor: &DevicePublicKeys,
) -> Vec<u8> {
    [
        header,
        &invite.invite_id[..],
        &owner.key_id().as_bytes()[..],
        &mentor.key_id().as_bytes()[..],
    ]
    .concat()
}

fn context<'a>(invite: &'a Invite, aad: &'a [u8]) -> SealContext<'a> {
    SealContext {
        salt: &invite.secret.0,
        label: label::PAIRING_REPLY_KEY,
        aad,
    }
}

fn check_name(name: &str) -> Result<(), InviteError> {
    if name.trim().is_empty()
        || name.len() > MAX_DISPLAY_NAME_LEN
        || name.chars().any(char::is_control)
    {
        return Err(InviteError::BadDisplayName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Invite, CodeNonce, DeviceIdentity, DeviceIdentity) {
        let owner = DeviceIdentity::generate().expect("rng");
        let mentor = DeviceIdentity::generate().expect("rng");
        let (invite, nonce) =
            Invite::create("https://relay.example", &owner.public_keys(), u64::MAX)
                .expect("invite");
        (invite, nonce, owner, mentor)
    }

    #[test]
    fn an_approval_opens_for_the_mentor_only_and_every_bit_flip_fails() {
        let (invite, nonce, owner, mentor) = setup();
        let decision = PairingDecision::Approved {
            channel_key: Zeroizing::new([7; 32]),
            channel_stream: StreamId([9; 16]),
            owner_name: "Sam".into(),
        };
        let bytes = seal_reply(
            &invite,
            &owner,
            &mentor.public_keys(),
            &nonce,
            Some(&decision),
        )
        .expect("seal");
        let opened = open_reply(&bytes, &invite, &mentor).expect("open");
        assert_eq!(opened.decision, Some(decision));
        assert_eq!(opened.owner_nonce, nonce);
        let stranger = DeviceIdentity::generate().expect("rng");
        assert!(open_reply(&bytes, &invite, &stranger).is_err());
        for i in 0..bytes.len() * 8 {
            let mut bad = bytes.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert!(open_reply(&bad, &invite, &mentor).is_err(), "bit {i}");
        }
    }

    #[test]
    fn a_reply_signed_by_someone_else_is_refused() {
        let (invite, nonce, _owner, mentor) = setup();
        let impostor = DeviceIdentity::generate().expect("rng");
        let bytes = seal_reply(
            &invite,
            &impostor,
            &mentor.public_keys(),
            &nonce,
            Some(&PairingDecision::Declined),
        )
        .expect("seal");
        assert!(open_reply(&bytes, &invite, &mentor).is_err());
    }

    #[test]
    fn the_nonce_alone_opens_and_a_nonce_the_invite_did_not_commit_to_is_refused() {
        let (invite, nonce, owner, mentor) = setup();
        let reveal =
            seal_reply(&invite, &owner, &mentor.public_keys(), &nonce, None).expect("seal");
        let opened = open_reply(&reveal, &invite, &mentor).expect("open");
        assert_eq!((opened.owner_nonce, opened.decision), (nonce, None));
        // The owner itself cannot swap its nonce after seeing the joiner's.
        for decision in [None, Some(&PairingDecision::Declined)] {
            let other = CodeNonce([5; 32]);
            let swapped =
                seal_reply(&invite, &owner, &mentor.public_keys(), &other, decision).expect("seal");
            assert_eq!(
                open_reply(&swapped, &invite, &mentor),
                Err(InviteError::WrongCodeNonce)
            );
        }
    }
}
