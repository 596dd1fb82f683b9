//! The owner right over a stream on the relay (ADR 0023): the token that trims or deletes it.
//!
//! It comes from this device's own stored secret, which never leaves the device (a paired or
//! linked device has its own; a restored device has a new one): no reader, writer or later
//! holder of the document key can derive it, so only the device that made a stream can drop
//! what the relay keeps of it. Nothing new is stored: the token is derived when needed.

use hkdf::Hkdf;
use sha2::Sha256;

use super::envelope::StreamId;
use super::identity::DeviceIdentity;
use super::keys::CapabilityToken;
use super::label;

/// `HKDF(salt="twofold/v2/device-secret", ikm=stored device secret,
/// info="twofold/v2/stream-owner" ‖ stream, L=32)`.
pub fn owner_token(identity: &DeviceIdentity, stream: &StreamId) -> CapabilityToken {
    let secret = identity.to_secret_bytes();
    let mut out = [0u8; 32];
    Hkdf::<Sha256>::new(Some(label::DEVICE_SECRET_SALT), &secret[..])
        .expand_multi_info(&[label::STREAM_OWNER, &stream.0[..]], &mut out)
        .expect("32 bytes is far below HKDF-SHA256's 8160-byte output limit");
    CapabilityToken(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::crypto::DocKey;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Distinct per stream and per device, stable for one device and stream, and unlike
        /// any token a holder of the stream's key derives.
        #[test]
        fn the_owner_token_is_this_devices_alone_and_one_per_stream(
            a in any::<[u8; 16]>(),
            b in any::<[u8; 16]>(),
        ) {
            let device = DeviceIdentity::generate().expect("rng");
            let other = DeviceIdentity::generate().expect("rng");
            let (sa, sb) = (StreamId(a), StreamId(b));
            let token = owner_token(&device, &sa);
            prop_assert_eq!(&token, &owner_token(&device, &sa));
            let reloaded = DeviceIdentity::from_secret_bytes(&device.to_secret_bytes()[..])
                .expect("round trip");
            prop_assert_eq!(&token, &owner_token(&reloaded, &sa));
            prop_assert_ne!(&token, &owner_token(&other, &sa));
            if a != b {
                prop_assert_ne!(&token, &owner_token(&device, &sb));
            }
            let key = DocKey::generate(0).expect("rng");
            for derived in [
                key.read_token(),
                key.channel_append_token(),
                key.legacy_read_token(&sa),
                key.legacy_append_token(&sa),
            ] {
                prop_assert_ne!(&token, &derived);
            }
        }
    }
}
