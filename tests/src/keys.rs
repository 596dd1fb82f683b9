//! Test keys. The app gets its key from the Android Keystore / iOS Keychain; tests make one.

use rand::RngCore;

pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    key
}
