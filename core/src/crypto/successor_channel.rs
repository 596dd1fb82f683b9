//! The new private channel a successor statement carries (ADR 0010): the lost phone holds the
//! old channel's key, so a restored phone moves each pairing to a fresh one, its key sealed to
//! the peer's X25519 key. The statement itself is signed by the recovery key; the box is bound
//! to both devices' key ids, so it cannot be lifted into another statement.

use zeroize::Zeroizing;

use super::seal::{open_from, seal_to, SealContext};
use super::{label, DeviceIdentity, DevicePublicKeys, KeyId, StreamId};

/// Stream id ‖ channel key.
const PLAIN_LEN: usize = 16 + 32;

fn aad(old: &KeyId, new: &KeyId) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(old.as_bytes());
    out[16..].copy_from_slice(new.as_bytes());
    out
}

/// The new channel's stream and key, sealed to `recipient`; `None` if its key is unusable.
pub fn seal_successor_channel(
    recipient: &DevicePublicKeys,
    old: &KeyId,
    new: &KeyId,
    stream: &StreamId,
    key: &[u8; 32],
) -> Option<Vec<u8>> {
    let mut plain = Zeroizing::new([0u8; PLAIN_LEN]);
    plain[..16].copy_from_slice(&stream.0);
    plain[16..].copy_from_slice(key);
    let aad = aad(old, new);
    let ctx = SealContext {
        salt: &[],
        label: label::SUCCESSOR_CHANNEL,
        aad: &aad,
    };
    seal_to(&recipient.agreement, &ctx, &plain[..]).ok()
}

/// Opens a channel sealed to `recipient` for the succession of `old` by `new`.
pub fn open_successor_channel(
    recipient: &DeviceIdentity,
    old: &KeyId,
    new: &KeyId,
    sealed: &[u8],
) -> Option<(StreamId, Zeroizing<[u8; 32]>)> {
    let aad = aad(old, new);
    let ctx = SealContext {
        salt: &[],
        label: label::SUCCESSOR_CHANNEL,
        aad: &aad,
    };
    let plain = open_from(recipient.agreement_secret(), &ctx, sealed)?;
    if plain.len() != PLAIN_LEN {
        return None;
    }
    let stream = StreamId(plain[..16].try_into().ok()?);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&plain[16..]);
    Some((stream, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_recipient_opens_it_and_only_for_the_same_two_devices() {
        let peer = DeviceIdentity::generate().expect("rng");
        let other = DeviceIdentity::generate().expect("rng");
        let (old, new) = (KeyId([1; 16]), KeyId([2; 16]));
        let stream = StreamId([7; 16]);
        let sealed = seal_successor_channel(&peer.public_keys(), &old, &new, &stream, &[9; 32])
            .expect("seal");
        let (got, key) = open_successor_channel(&peer, &old, &new, &sealed).expect("opens");
        assert_eq!((got, *key), (stream, [9; 32]));
        assert!(open_successor_channel(&other, &old, &new, &sealed).is_none());
        assert!(open_successor_channel(&peer, &new, &old, &sealed).is_none());
        assert!(open_successor_channel(&peer, &old, &KeyId([3; 16]), &sealed).is_none());
        let mut bent = sealed.clone();
        bent[40] ^= 1;
        assert!(open_successor_channel(&peer, &old, &new, &bent).is_none());
        assert!(open_successor_channel(&peer, &old, &new, &sealed[..20]).is_none());
    }
}
