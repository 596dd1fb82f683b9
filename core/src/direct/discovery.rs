//! Names for finding a paired device on the local network (mDNS / DNS-SD) that say nothing to
//! anyone else on it (ADR 0011, "Finding the peer").
//!
//! The service type is the commonest there is, `_http._tcp`: a type of our own would tell
//! everyone in a meeting hall that someone there uses a recovery app. The instance name, used
//! as the host name too, is 20 hex digits only the two paired devices can compute: HKDF-SHA256
//! of their X25519 agreement (pairing's keys), salted with a fixed label, over the 15-minute
//! window and the advertising device's public key. It changes every window, so it cannot
//! follow a phone from room to room or day to day; it differs per direction, so both phones
//! can advertise and look at once; and whoever answers at the address it leads to must still
//! pass the Noise KK handshake — the name only says where to call.

use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

use crate::crypto::KeyId;
use crate::error::{Error, Result};
use crate::Twofold;

/// The DNS-SD service type both phones register and browse (`_http._tcp` for Android's
/// `NsdManager` and Apple's `NWBrowser`, with the domain `local.`).
pub const SERVICE_TYPE: &str = "_http._tcp.local.";
/// How long one name lasts.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
const LABEL: &[u8] = b"twofold/v1/discovery";
const NAME_BYTES: usize = 10;

/// The window `now_ms` falls in.
pub fn window_of(now_ms: i64) -> i64 {
    now_ms.div_euclid(WINDOW_MS)
}

/// The name under which the device holding `advertiser`'s public key is found by its paired
/// device in `window`; `None` for a key no agreement can come from (a low-order point).
fn name(
    local: &StaticSecret,
    peer: &[u8; 32],
    advertiser: &[u8; 32],
    window: i64,
) -> Option<String> {
    let shared = local.diffie_hellman(&PublicKey::from(*peer));
    if !shared.was_contributory() {
        return None;
    }
    let hk = Hkdf::<Sha256>::new(Some(LABEL), shared.as_bytes());
    let mut info = [0u8; 40];
    info[..8].copy_from_slice(&window.to_be_bytes());
    info[8..].copy_from_slice(advertiser);
    let mut out = [0u8; NAME_BYTES];
    hk.expand(&info, &mut out)
        .expect("10 bytes is far below HKDF-SHA256's limit");
    Some(hex::encode(out))
}

impl Twofold {
    fn discovery_parts(&self, peer: &KeyId) -> Result<([u8; 32], [u8; 32])> {
        let theirs = self.direct_peer_key(peer)?.ok_or(Error::NotPaired)?;
        let mine = PublicKey::from(self.identity.agreement_secret()).to_bytes();
        Ok((mine, theirs))
    }

    /// The name this device advertises for `peer` in the window of `now_ms` (the store's
    /// clock, for the app's own NSD / Bonjour registration).
    pub fn discovery_name_at(&self, peer: &KeyId, now_ms: i64) -> Result<String> {
        let (mine, theirs) = self.discovery_parts(peer)?;
        name(
            self.identity.agreement_secret(),
            &theirs,
            &mine,
            window_of(now_ms),
        )
        .ok_or_else(|| Error::invalid("peer", "has an unusable agreement key"))
    }

    /// [`Twofold::discovery_name_at`] now.
    pub fn discovery_name(&self, peer: &KeyId) -> Result<String> {
        self.discovery_name_at(peer, self.now_ms())
    }

    /// The names `peer` advertises around `now_ms`: this window's and its neighbours', since
    /// two phones' clocks may be minutes apart. A name browsed on the network is the peer's
    /// if it is one of these.
    pub fn peer_discovery_names_at(&self, peer: &KeyId, now_ms: i64) -> Result<Vec<String>> {
        let (_, theirs) = self.discovery_parts(peer)?;
        let window = window_of(now_ms);
        Ok((window - 1..=window + 1)
            .filter_map(|w| name(self.identity.agreement_secret(), &theirs, &theirs, w))
            .collect())
    }

    /// [`Twofold::peer_discovery_names_at`] now.
    pub fn peer_discovery_names(&self, peer: &KeyId) -> Result<Vec<String>> {
        self.peer_discovery_names_at(peer, self.now_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (StaticSecret, [u8; 32]) {
        let secret = StaticSecret::from(rand::random::<[u8; 32]>());
        let public = PublicKey::from(&secret).to_bytes();
        (secret, public)
    }

    #[test]
    fn both_sides_compute_each_direction_and_the_directions_differ() {
        let (a, a_pub) = key();
        let (b, b_pub) = key();
        for w in [0, 1, 1_900_000] {
            let a_adv = name(&a, &b_pub, &a_pub, w).expect("name");
            assert_eq!(Some(a_adv.clone()), name(&b, &a_pub, &a_pub, w));
            let b_adv = name(&b, &a_pub, &b_pub, w).expect("name");
            assert_eq!(Some(b_adv.clone()), name(&a, &b_pub, &b_pub, w));
            assert_ne!(a_adv, b_adv);
            assert_eq!(a_adv.len(), 2 * NAME_BYTES);
            assert!(a_adv.bytes().all(|c| c.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn names_change_every_window_and_per_pair() {
        let (a, a_pub) = key();
        let (_, b_pub) = key();
        let (_, c_pub) = key();
        let now = name(&a, &b_pub, &a_pub, 7).expect("name");
        assert_ne!(Some(now.clone()), name(&a, &b_pub, &a_pub, 8));
        assert_ne!(Some(now), name(&a, &c_pub, &a_pub, 7));
    }

    #[test]
    fn a_low_order_key_gives_no_name() {
        let (a, a_pub) = key();
        assert_eq!(name(&a, &[0u8; 32], &a_pub, 1), None);
    }

    #[test]
    fn windows_are_fifteen_minutes_and_negative_times_floor() {
        assert_eq!(window_of(0), 0);
        assert_eq!(window_of(WINDOW_MS - 1), 0);
        assert_eq!(window_of(WINDOW_MS), 1);
        assert_eq!(window_of(-1), -1);
    }
}
