//! The mentor's join request: the mentor's public keys, its verification-code nonce
//! ([`super::verification`]) and display name, sealed to the owner's
//! X25519 key with the invite secret mixed into the key derivation, and signed by the mentor.
//!
//! So the relay that carries it learns nothing of it (not even the invite id, which only the
//! two devices know: the mailbox it is posted to names the invite); only the owner's device can
//! open it; only someone who saw the invite can make one that opens; and the signature proves
//! the sender holds the signing key it claims. Opening checks, in order: length bound, version,
//! expiry, decryption (the invite id in the associated data), key validity, signature.

use super::identity::{verify, DeviceIdentity, DevicePublicKeys};
use super::invite::{Invite, InviteError};
use super::label;
use super::seal::{open_from, seal_to, SealContext, SealToError, SEAL_OVERHEAD};
use super::verification::CodeNonce;

/// 2: carries the joiner's code nonce.
const VERSION: u8 = 2;
/// The version byte: all that is sent in the clear (version 1 sent the invite id too; the join
/// mailbox, derived from the invite's secret, already tells the owner which invite it answers).
const HEADER_LEN: usize = 1;
/// Longest display name in UTF-8 bytes: room for long names in any script.
pub const MAX_DISPLAY_NAME_LEN: usize = 128;
/// mentor keys ‖ code nonce ‖ name length ‖ name ‖ signature.
const MAX_PLAINTEXT_LEN: usize = DevicePublicKeys::LEN + 32 + 1 + MAX_DISPLAY_NAME_LEN + 64;
/// The longest valid join request; the relay's mailbox can refuse anything larger.
pub const MAX_JOIN_REQUEST_LEN: usize = HEADER_LEN + SEAL_OVERHEAD + MAX_PLAINTEXT_LEN;

/// An opened, checked join request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub invite_id: [u8; 16],
    pub mentor: DevicePublicKeys,
    /// The joiner's half of the verification code, chosen before it could know the owner's.
    pub nonce: CodeNonce,
    /// As the mentor typed it; shown to the owner next to the verification code.
    pub display_name: String,
}

impl JoinRequest {
    /// Mentor side: answers a decoded `invite` as `mentor`, under `display_name`, with its
    /// fresh code `nonce`.
    pub fn seal(
        invite: &Invite,
        mentor: &DeviceIdentity,
        display_name: &str,
        nonce: &CodeNonce,
    ) -> Result<Vec<u8>, InviteError> {
        check_display_name(display_name)?;
        let header = [VERSION];
        let aad = aad(&header, invite);
        let keys = mentor.public_keys().to_bytes();
        let name_len = [u8::try_from(display_name.len()).map_err(|_| InviteError::BadDisplayName)?];
        let signature = mentor.sign(&[
            label::JOIN_SIG,
            &aad[..],
            &keys[..],
            &nonce.0[..],
            &name_len[..],
            display_name.as_bytes(),
        ]);
        let plaintext = zeroize::Zeroizing::new(
            [
                &keys[..],
                &nonce.0[..],
                &name_len[..],
                display_name.as_bytes(),
                &signature[..],
            ]
            .concat(),
        );
        let sealed =
            seal_to(&invite.owner.agreement, &context(invite, &aad), &plaintext).map_err(|e| {
                match e {
                    SealToError::Rng => InviteError::Rng(super::RngUnavailable),
                    SealToError::WeakRecipientKey | SealToError::TooLarge => {
                        InviteError::BadOwnerKeys
                    }
                }
            })?;
        Ok([&header[..], &sealed[..]].concat())
    }

    /// Owner side: opens a request with the stored `invite` and the owner's identity. The
    /// caller then shows the verification code, asks the owner, and retires the invite.
    pub fn open(
        bytes: &[u8],
        invite: &Invite,
        owner: &DeviceIdentity,
        now_unix_secs: u64,
    ) -> Result<JoinRequest, InviteError> {
        check_frame(bytes)?;
        if invite.is_expired(now_unix_secs) {
            return Err(InviteError::Expired);
        }
        let (header, sealed) = bytes.split_at(HEADER_LEN);
        let aad = aad(header, invite);
        let plain = open_from(owner.agreement_secret(), &context(invite, &aad), sealed)
            .ok_or(InviteError::OpenFailed)?;
        parse_plaintext(&plain, &aad, invite.invite_id)
    }
}

/// Seals any `plaintext` as a join request to `invite`'s owner, as [`JoinRequest::seal`] frames
/// it, so a fuzz target reaches the parser behind the AEAD (`fuzzing` feature only).
#[cfg(feature = "fuzzing")]
pub(crate) fn seal_plaintext(invite: &Invite, plaintext: &[u8]) -> Option<Vec<u8>> {
    let header = [VERSION];
    let aad = aad(&header, invite);
    let sealed = seal_to(&invite.owner.agreement, &context(invite, &aad), plaintext).ok()?;
    Some([&header[..], &sealed[..]].concat())
}

fn check_frame(bytes: &[u8]) -> Result<(), InviteError> {
    if bytes.len() > MAX_JOIN_REQUEST_LEN {
        return Err(InviteError::TooLong);
    }
    let version = *bytes.first().ok_or(InviteError::WrongLength)?;
    if version != VERSION {
        return Err(InviteError::UnsupportedVersion(version));
    }
    if bytes.len() < HEADER_LEN + SEAL_OVERHEAD + DevicePublicKeys::LEN + 32 + 1 + 1 + 64 {
        return Err(InviteError::WrongLength);
    }
    Ok(())
}

/// Associated data: the clear header, the invite id and the owner's key id, so a request
/// cannot be moved to another invite or another owner.
fn aad(header: &[u8], invite: &Invite) -> Vec<u8> {
    [
        header,
        &invite.invite_id[..],
        &invite.owner.key_id().as_bytes()[..],
    ]
    .concat()
}

fn context<'a>(invite: &'a Invite, aad: &'a [u8]) -> SealContext<'a> {
    SealContext {
        // The invite secret as HKDF salt: without it the AEAD key cannot be derived, so only
        // invite holders can make a request that opens, and a bug skipping a separate MAC
        // check could not let a forged one through.
        salt: &invite.secret.0,
        label: label::JOIN_KEY,
        aad,
    }
}

fn parse_plaintext(
    plain: &[u8],
    aad: &[u8],
    invite_id: [u8; 16],
) -> Result<JoinRequest, InviteError> {
    const NONCE_AT: usize = DevicePublicKeys::LEN;
    const NAME_AT: usize = NONCE_AT + 32 + 1;
    if plain.len() < NAME_AT + 64 || plain.len() > MAX_PLAINTEXT_LEN {
        return Err(InviteError::WrongLength);
    }
    let name_len = usize::from(plain[NAME_AT - 1]);
    if plain.len() != NAME_AT + name_len + 64 {
        return Err(InviteError::WrongLength);
    }
    let mentor = DevicePublicKeys::from_bytes(&plain[..DevicePublicKeys::LEN])
        .map_err(|_| InviteError::BadMentorKeys)?;
    let nonce = CodeNonce(
        plain[NONCE_AT..NONCE_AT + 32]
            .try_into()
            .expect("the length check above covers the nonce"),
    );
    let name = &plain[NAME_AT..NAME_AT + name_len];
    let signature: &[u8; 64] = plain[NAME_AT + name_len..]
        .try_into()
        .expect("the length check above leaves exactly 64 bytes");
    if !verify(
        &mentor,
        &[label::JOIN_SIG, aad, &plain[..NAME_AT], name],
        signature,
    ) {
        return Err(InviteError::BadSignature);
    }
    let display_name = std::str::from_utf8(name).map_err(|_| InviteError::BadDisplayName)?;
    check_display_name(display_name)?;
    Ok(JoinRequest {
        invite_id,
        mentor,
        nonce,
        display_name: display_name.to_owned(),
    })
}

fn check_display_name(name: &str) -> Result<(), InviteError> {
    if name.trim().is_empty()
        || name.len() > MAX_DISPLAY_NAME_LEN
        || name.chars().any(char::is_control)
    {
        return Err(InviteError::BadDisplayName);
    }
    Ok(())
}
