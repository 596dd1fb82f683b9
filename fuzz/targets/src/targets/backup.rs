//! A backup file (`core/src/backup/`). The header is decoded and its key-derivation parameters
//! checked as `sealed::open` does before any work; deriving (Argon2id, seconds by design) is
//! left out. The contents, which only a right passphrase reaches, are decoded too: the input
//! as received (DEFLATE), and — odd first byte — the input compressed first, so the fuzzer
//! reaches the JSON and every document's guarded load.

use std::io::Write;

use twofold_core::backup::{contents, BackupContents, BackupHeader};
use twofold_core::docs::guarded_load;
use twofold_core::LoadLimits;

/// One fuzz input.
pub fn run(data: &[u8]) {
    if let Ok(header) = BackupHeader::decode(data) {
        let _ = header.kdf.checked();
        assert_eq!(
            BackupHeader::decode(&[&header.encode()[..], &data[header.encode().len()..]].concat())
                .as_ref()
                .ok(),
            Some(&header),
            "a decoded header encodes to the same header"
        );
    }
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let compressed;
    let sealed_contents = if mode & 1 == 1 {
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(rest).expect("writing to a Vec");
        compressed = z.finish().expect("writing to a Vec");
        &compressed[..]
    } else {
        rest
    };
    let Ok(decoded) = BackupContents::decode(sealed_contents) else {
        return;
    };
    for b64 in decoded.documents.values() {
        if let Ok(bytes) = contents::decode_b64(b64) {
            let _ = guarded_load::load_untrusted(&bytes, LoadLimits::default());
        }
    }
    for key in &decoded.predecessors {
        if let Ok(bytes) = contents::decode_b64(key) {
            let _ = twofold_core::crypto::DevicePublicKeys::from_bytes(&bytes);
        }
    }
}
