//! Entry points for the coverage-guided fuzz targets in `fuzz/` (ADR 0016), built only with the
//! `fuzzing` feature, which the apps never enable.
//!
//! Each one reaches a decoder of outside bytes that is not public, unchanged, or builds the
//! bytes a real sender would (sealing whatever plaintext the fuzzer chose) so that the parser
//! behind an AEAD is reached too. Nothing here decides anything: the decoders do.

use crate::crypto::{DevicePublicKeys, Invite};
use crate::direct::message::Message;
use crate::error::Result;
use crate::lock::LockFile;
use crate::store::database::KEY_LEN;

/// Decodes a direct-session message (`direct/message.rs`) and, when it is one, returns its
/// encoding again, so a target can check that decoding what was encoded gives the same thing.
pub fn direct_message(bytes: &[u8]) -> std::result::Result<Vec<u8>, &'static str> {
    Message::decode(bytes)
        .map(|message| message.encode())
        .map_err(|e| e.what())
}

/// `plaintext` sealed as a join request to the owner of `invite`; `None` only when the owner's
/// key is refused by the sealing (a low-order point).
pub fn seal_join_plaintext(invite: &Invite, plaintext: &[u8]) -> Option<Vec<u8>> {
    crate::crypto::join::seal_plaintext(invite, plaintext)
}

/// `plaintext` sealed as the owner's pairing reply to `mentor` for `invite`.
pub fn seal_pairing_reply_plaintext(
    invite: &Invite,
    mentor: &DevicePublicKeys,
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    crate::crypto::pairing_reply::seal_plaintext(invite, mentor, plaintext)
}

/// `plain` sealed as an app-lock file under `platform_key`, for [`LockFile::open`].
pub fn seal_lock_plain(plain: &[u8], platform_key: &[u8; KEY_LEN]) -> Option<Vec<u8>> {
    LockFile::seal_plain(plain, platform_key)
}

/// Opens an app-lock file and, when it opens, seals and opens it again: the fields must survive.
pub fn lock_round_trip(bytes: &[u8], platform_key: &[u8; KEY_LEN]) -> Result<bool> {
    let lock = LockFile::open(bytes, platform_key)?;
    let again = LockFile::open(&lock.seal(platform_key)?, platform_key)?;
    Ok(again == lock)
}
