//! The operations SQLCipher asks of a provider, in safe Rust over byte slices. `ffi` turns
//! SQLCipher's pointers and lengths into these slices; the algorithm numbers are SQLCipher's.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

/// An operation SQLCipher asked for that cannot be done (unknown algorithm, bad length, no
/// randomness); SQLCipher turns it into `SQLITE_ERROR` and its own log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// SQLCipher's numbers for the hash under HMAC and PBKDF2 (`SQLCIPHER_HMAC_SHA1` … and
/// `SQLCIPHER_PBKDF2_HMAC_SHA1` …, the same three values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    pub fn from_sqlcipher(algorithm: i32) -> Result<Self, Refused> {
        match algorithm {
            0 => Ok(Hash::Sha1),
            1 => Ok(Hash::Sha256),
            2 => Ok(Hash::Sha512),
            _ => Err(Refused),
        }
    }

    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha512 => 64,
        }
    }
}

pub const KEY_LEN: usize = 32;
pub const IV_LEN: usize = 16;
pub const BLOCK_LEN: usize = 16;

fn mac_into<M: Mac + hmac::digest::KeyInit>(
    key: &[u8],
    parts: [&[u8]; 2],
    out: &mut [u8],
) -> Result<(), Refused> {
    let mut mac = <M as Mac>::new_from_slice(key).map_err(|_| Refused)?;
    for part in parts {
        mac.update(part);
    }
    let tag = mac.finalize().into_bytes();
    out.get_mut(..tag.len())
        .ok_or(Refused)?
        .copy_from_slice(&tag);
    Ok(())
}

/// HMAC of `first` then `second` under `key`, into the first `hash.output_len()` bytes of `out`.
pub fn hmac(
    hash: Hash,
    key: &[u8],
    first: &[u8],
    second: &[u8],
    out: &mut [u8],
) -> Result<(), Refused> {
    let parts = [first, second];
    match hash {
        Hash::Sha1 => mac_into::<Hmac<Sha1>>(key, parts, out),
        Hash::Sha256 => mac_into::<Hmac<Sha256>>(key, parts, out),
        Hash::Sha512 => mac_into::<Hmac<Sha512>>(key, parts, out),
    }
}

/// PBKDF2-HMAC of `pass` and `salt`, `rounds` iterations, filling `out`.
pub fn pbkdf2(
    hash: Hash,
    pass: &[u8],
    salt: &[u8],
    rounds: u32,
    out: &mut [u8],
) -> Result<(), Refused> {
    if rounds == 0 {
        return Err(Refused);
    }
    let derived = match hash {
        Hash::Sha1 => pbkdf2::pbkdf2::<Hmac<Sha1>>(pass, salt, rounds, out),
        Hash::Sha256 => pbkdf2::pbkdf2::<Hmac<Sha256>>(pass, salt, rounds, out),
        Hash::Sha512 => pbkdf2::pbkdf2::<Hmac<Sha512>>(pass, salt, rounds, out),
    };
    derived.map_err(|_| Refused)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Decrypt,
    Encrypt,
}

impl Direction {
    /// SQLCipher's `SQLCIPHER_DECRYPT` (0) and `SQLCIPHER_ENCRYPT` (1).
    pub fn from_sqlcipher(mode: i32) -> Result<Self, Refused> {
        match mode {
            0 => Ok(Direction::Decrypt),
            1 => Ok(Direction::Encrypt),
            _ => Err(Refused),
        }
    }
}

/// AES-256-CBC over `buf` in place, without padding: SQLCipher hands over whole pages, a
/// whole number of blocks.
pub fn aes_256_cbc(
    direction: Direction,
    key: &[u8],
    iv: &[u8],
    buf: &mut [u8],
) -> Result<(), Refused> {
    if key.len() != KEY_LEN || iv.len() != IV_LEN || buf.len() % BLOCK_LEN != 0 {
        return Err(Refused);
    }
    let (blocks, rest) = aes::cipher::inout::InOutBuf::from(buf).into_chunks();
    debug_assert!(
        rest.is_empty(),
        "a whole number of blocks was checked above"
    );
    match direction {
        Direction::Encrypt => {
            let mut enc =
                cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv).map_err(|_| Refused)?;
            enc.encrypt_blocks_inout_mut(blocks);
        }
        Direction::Decrypt => {
            let mut dec =
                cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).map_err(|_| Refused)?;
            dec.decrypt_blocks_inout_mut(blocks);
        }
    }
    Ok(())
}

/// Random bytes from the operating system's generator (getrandom(2), arc4random on Apple).
pub fn random(out: &mut [u8]) -> Result<(), Refused> {
    getrandom::fill(out).map_err(|_| Refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test vector hex"))
            .collect()
    }

    // RFC 4231, test case 2 ("Jefe"), split across SQLCipher's two inputs the way it sends a
    // page and its number.
    #[test]
    fn hmac_matches_rfc_4231_with_the_input_in_two_parts() {
        let data = b"what do ya want for nothing?";
        let mut out = [0u8; 64];
        hmac(Hash::Sha512, b"Jefe", &data[..10], &data[10..], &mut out).expect("hmac");
        assert_eq!(
            out.to_vec(),
            unhex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
        );
        let mut out = [0u8; 32];
        hmac(Hash::Sha256, b"Jefe", data, &[], &mut out).expect("hmac");
        assert_eq!(
            out.to_vec(),
            unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        // RFC 2202, test case 2: HMAC-SHA1.
        let mut out = [0u8; 20];
        hmac(Hash::Sha1, b"Jefe", data, &[], &mut out).expect("hmac");
        assert_eq!(
            out.to_vec(),
            unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        );
    }

    #[test]
    fn hmac_refuses_an_output_too_short() {
        let mut out = [0u8; 63];
        assert_eq!(hmac(Hash::Sha512, b"k", b"in", &[], &mut out), Err(Refused));
    }

    // RFC 6070, test case 2 (PBKDF2-HMAC-SHA1, 2 iterations), and SHA-512's widely published
    // vector for "password"/"salt", 1 iteration.
    #[test]
    fn pbkdf2_matches_published_vectors() {
        let mut out = [0u8; 20];
        pbkdf2(Hash::Sha1, b"password", b"salt", 2, &mut out).expect("pbkdf2");
        assert_eq!(
            out.to_vec(),
            unhex("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957")
        );
        let mut out = [0u8; 64];
        pbkdf2(Hash::Sha512, b"password", b"salt", 1, &mut out).expect("pbkdf2");
        assert_eq!(
            out.to_vec(),
            unhex("867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce")
        );
        assert_eq!(pbkdf2(Hash::Sha512, b"p", b"s", 0, &mut out), Err(Refused));
    }

    // NIST SP 800-38A, F.2.5 / F.2.6: CBC-AES256, four blocks.
    #[test]
    fn aes_256_cbc_matches_nist_sp_800_38a() {
        let key = unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        let iv = unhex("000102030405060708090a0b0c0d0e0f");
        let plain = unhex(concat!(
            "6bc1bee22e409f96e93d7e117393172a",
            "ae2d8a571e03ac9c9eb76fac45af8e51",
            "30c81c46a35ce411e5fbc1191a0a52ef",
            "f69f2445df4f9b17ad2b417be66c3710"
        ));
        let cipher = unhex(concat!(
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6",
            "9cfc4e967edb808d679f777bc6702c7d",
            "39f23369a9d9bacfa530e26304231461",
            "b2eb05e2c39be9fcda6c19078c6a9d1b"
        ));
        let mut buf = plain.clone();
        aes_256_cbc(Direction::Encrypt, &key, &iv, &mut buf).expect("encrypt");
        assert_eq!(buf, cipher);
        aes_256_cbc(Direction::Decrypt, &key, &iv, &mut buf).expect("decrypt");
        assert_eq!(buf, plain);
    }

    #[test]
    fn aes_256_cbc_refuses_partial_blocks_and_wrong_key_sizes() {
        let mut buf = [0u8; 17];
        assert_eq!(
            aes_256_cbc(Direction::Encrypt, &[0; 32], &[0; 16], &mut buf),
            Err(Refused)
        );
        let mut buf = [0u8; 16];
        assert_eq!(
            aes_256_cbc(Direction::Encrypt, &[0; 16], &[0; 16], &mut buf),
            Err(Refused)
        );
    }

    /// ADR 0018's per-page figure: what SQLCipher asks of the provider to read one 4 KiB page
    /// with its defaults (HMAC-SHA512 over the 4,016-byte body, its IV and the page number,
    /// then AES-256-CBC decryption of the body). `TWOFOLD_PAGES` pages (default 2,000), timed
    /// as the best of five; under callgrind with 0 and N pages, the difference over N is the
    /// instruction count per page, which the load on the machine does not change.
    #[test]
    #[ignore = "a measurement for ADR 0018"]
    #[allow(clippy::print_stdout)] // the figure is the output
    fn page_read_cost() {
        let pages: usize = std::env::var("TWOFOLD_PAGES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000);
        let key = [0x11u8; 32];
        let hmac_key = [0x22u8; 32];
        let mut page = vec![0x5au8; 4096];
        let mut best = std::time::Duration::MAX;
        for _ in 0..5 {
            let start = std::time::Instant::now();
            for pgno in 0..pages as u32 {
                let mut tag = [0u8; 64];
                let (body, reserve) = page.split_at_mut(4016);
                hmac(
                    Hash::Sha512,
                    &hmac_key,
                    &body[..],
                    &pgno.to_le_bytes(),
                    &mut tag,
                )
                .expect("hmac");
                let iv: [u8; 16] = reserve[..16].try_into().expect("iv");
                aes_256_cbc(Direction::Decrypt, &key, &iv, body).expect("decrypt");
                std::hint::black_box(&tag);
            }
            best = best.min(start.elapsed());
        }
        if pages > 0 {
            println!(
                "page read (HMAC-SHA512 + AES-256-CBC decrypt, 4 KiB): {:.2} µs per page, best of five over {pages} pages",
                best.as_secs_f64() * 1e6 / pages as f64
            );
        }
    }

    #[test]
    fn random_fills_with_different_bytes_each_time() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        random(&mut a).expect("random");
        random(&mut b).expect("random");
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }
}
