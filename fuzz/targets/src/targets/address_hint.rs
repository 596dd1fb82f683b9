//! Address codes a person scans or types for direct sync (`core/src/direct/hints.rs`): decoded,
//! and a decoded hint must encode to a code that decodes to the same hint.

use twofold_core::AddressHint;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(hint) = AddressHint::decode(text) {
        let _ = hint.socket_addrs();
        assert_eq!(AddressHint::decode(&hint.encode()).as_ref(), Ok(&hint));
    }
}
