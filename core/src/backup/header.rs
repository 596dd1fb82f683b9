//! The backup file's fixed-size header: everything needed to derive the key and open the
//! ciphertext, checked field by field before any work is done. The whole header is the AEAD's
//! associated data, so none of it can be changed without the file being refused.

use super::kdf::{KdfParams, KEY_CHECK_LEN};
use crate::error::{Error, Result};

pub const MAGIC: &[u8; 8] = b"TWOFOLDB";
pub const FORMAT_VERSION: u16 = 1;
/// The only key derivation so far: Argon2id, version 0x13.
pub const KDF_ARGON2ID: u8 = 1;
pub const SALT_LEN: usize = 16;
pub const NONCE_LEN: usize = 24;
/// magic, version, kdf, memory, iterations, lanes, salt, key check, nonce, ciphertext length.
pub const HEADER_LEN: usize = 8 + 2 + 1 + 4 + 4 + 4 + SALT_LEN + KEY_CHECK_LEN + NONCE_LEN + 8;
/// Largest backup file read (the five-year data set makes well under a megabyte).
pub const MAX_BACKUP_LEN: usize = 64 * 1024 * 1024;
pub const TAG_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupHeader {
    pub kdf: KdfParams,
    pub salt: [u8; SALT_LEN],
    pub key_check: [u8; KEY_CHECK_LEN],
    pub nonce: [u8; NONCE_LEN],
    /// Ciphertext length, the AEAD tag included.
    pub sealed_len: u64,
}

fn refused(reason: &'static str) -> Error {
    Error::BackupRefused { reason }
}

impl BackupHeader {
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            out[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(MAGIC);
        put(&FORMAT_VERSION.to_be_bytes());
        put(&[KDF_ARGON2ID]);
        put(&self.kdf.memory_kib.to_be_bytes());
        put(&self.kdf.iterations.to_be_bytes());
        put(&self.kdf.lanes.to_be_bytes());
        put(&self.salt);
        put(&self.key_check);
        put(&self.nonce);
        put(&self.sealed_len.to_be_bytes());
        out
    }

    /// Reads the header of `file` (the whole file, so its length can be checked too).
    pub fn decode(file: &[u8]) -> Result<Self> {
        if file.len() > MAX_BACKUP_LEN {
            return Err(refused("it is larger than the backup size limit"));
        }
        if file.len() < MAGIC.len() || &file[..MAGIC.len()] != MAGIC {
            return Err(refused("it is not a Twofold backup"));
        }
        if file.len() < HEADER_LEN {
            return Err(refused("it is truncated"));
        }
        let mut reader = Fields {
            bytes: &file[MAGIC.len()..HEADER_LEN],
        };
        let version = u16::from_be_bytes(reader.take());
        if version != FORMAT_VERSION {
            return Err(refused("it was made by a newer version of the app"));
        }
        let [kdf] = reader.take::<1>();
        if kdf != KDF_ARGON2ID {
            return Err(refused("its key derivation is unknown"));
        }
        let header = BackupHeader {
            kdf: KdfParams {
                memory_kib: u32::from_be_bytes(reader.take()),
                iterations: u32::from_be_bytes(reader.take()),
                lanes: u32::from_be_bytes(reader.take()),
            },
            salt: reader.take(),
            key_check: reader.take(),
            nonce: reader.take(),
            sealed_len: u64::from_be_bytes(reader.take()),
        };
        let actual = (file.len() - HEADER_LEN) as u64;
        if header.sealed_len < TAG_LEN as u64 || actual < header.sealed_len {
            return Err(refused("it is truncated"));
        }
        if actual > header.sealed_len {
            return Err(refused("it has bytes past its end"));
        }
        header.kdf.checked()?;
        Ok(header)
    }
}

/// Fixed-width fields in order; the caller has checked the total length.
struct Fields<'a> {
    bytes: &'a [u8],
}

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&self.bytes[..N]);
        self.bytes = &self.bytes[N..];
        out
    }
}
