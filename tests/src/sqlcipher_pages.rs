//! The plaintext of a store's files as SQLCipher would see it: every page of the database
//! file and every frame of its WAL decrypted with the store key — free pages, old frames and
//! deleted cells included, which no SQL query shows. Erasure tests scan this for canaries: a
//! scan of the raw files would find nothing even before an erasure, and prove nothing.
//!
//! SQLCipher 4's defaults, which the store uses: 4096-byte pages ending in 80 reserved bytes
//! (a 16-byte IV, then a 64-byte HMAC-SHA512); AES-256-CBC over the rest; page 1 starts with
//! the file's 16-byte salt, in the clear. A raw key (`x'…'`) is the AES key itself. The HMAC
//! is not checked here: a page that does not decrypt is simply noise in the scan, and the
//! caller's positive control (the canary found before erasing) shows the decryption works.

use std::path::Path;

use aes::cipher::{BlockDecryptMut, KeyIvInit};

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

const PAGE: usize = 4096;
const RESERVE: usize = 80;
const IV_LEN: usize = 16;
const SALT_LEN: usize = 16;
const WAL_HEADER: usize = 32;
const WAL_FRAME_HEADER: usize = 24;
/// What a correctly decrypted page 1 starts with.
pub const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// One encrypted page decrypted; `first` for page 1, whose salt is not encrypted.
fn decrypt_page(key: &[u8; 32], page: &[u8], first: bool) -> Vec<u8> {
    let start = if first { SALT_LEN } else { 0 };
    let iv = &page[PAGE - RESERVE..PAGE - RESERVE + IV_LEN];
    let mut body = page[start..PAGE - RESERVE].to_vec();
    let decryptor = Aes256CbcDec::new(key.into(), iv.into());
    // The body is a whole number of blocks (4016 and 4000 bytes), so no padding is involved.
    decryptor
        .decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut body)
        .expect("a page body is a whole number of AES blocks");
    if first {
        let mut out = SQLITE_HEADER.to_vec();
        out.extend_from_slice(&body);
        out
    } else {
        body
    }
}

/// Every page of the database file at `path`, decrypted, in order.
pub fn database_pages(path: &Path, key: &[u8; 32]) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes
        .chunks_exact(PAGE)
        .enumerate()
        .map(|(i, page)| decrypt_page(key, page, i == 0))
        .collect()
}

/// Every frame's page in the WAL at `path` (none when it is missing or empty), decrypted.
pub fn wal_pages(path: &Path, key: &[u8; 32]) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap_or_default();
    if bytes.len() < WAL_HEADER {
        return Vec::new();
    }
    bytes[WAL_HEADER..]
        .chunks_exact(WAL_FRAME_HEADER + PAGE)
        .map(|frame| {
            let number = u32::from_be_bytes(frame[..4].try_into().expect("four bytes"));
            decrypt_page(key, &frame[WAL_FRAME_HEADER..], number == 1)
        })
        .collect()
}

/// The decrypted bytes of the store at `db` — its file and its WAL — in one buffer.
pub fn store_plaintext(db: &Path, key: &[u8; 32]) -> Vec<u8> {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    database_pages(db, key)
        .into_iter()
        .chain(wal_pages(Path::new(&wal), key))
        .flatten()
        .collect()
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether `key` is the key of the database file at `path`: its page 1 decrypts to SQLite's
/// header fields (page size 4096, SQLCipher's 80 reserved bytes, the fixed payload fractions).
/// [`database_pages`] puts the header's magic string in front of page 1 whatever the key, so
/// that string alone proves nothing.
pub fn key_opens(path: &Path, key: &[u8; 32]) -> bool {
    database_pages(path, key).first().is_some_and(|page| {
        page.get(16..18) == Some(&[0x10, 0x00][..])
            && page.get(20..24) == Some(&[80, 64, 32, 32][..])
    })
}
