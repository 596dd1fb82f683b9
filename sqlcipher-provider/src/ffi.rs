//! The C side: SQLCipher's `struct sqlcipher_provider` mirrored field for field, the setup
//! function SQLCipher calls, and one `extern "C"` function per entry of the table. Each entry
//! checks SQLCipher's pointers and lengths, makes slices of them and calls `primitives`; a
//! refusal or a panic becomes `SQLITE_ERROR` (a panic must not unwind into C).
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use zeroize::Zeroize;

use crate::primitives::{self, Direction, Hash, Refused};

const SQLITE_OK: c_int = 0;
const SQLITE_ERROR: c_int = 1;

type Ctx = *mut c_void;

/// `struct sqlcipher_provider` of SQLCipher 4.20 (`sqlcipher.c`), in its order: a table of
/// function pointers and the `next` link SQLCipher uses for its provider list. The layout test
/// (`tests/layout.rs`) compiles the C definition from the amalgamation being built and
/// compares every field's offset with this one.
#[repr(C)]
#[derive(Debug)]
pub struct SqlcipherProvider {
    pub init: Option<unsafe extern "C" fn() -> c_int>,
    pub shutdown: Option<unsafe extern "C" fn()>,
    pub get_provider_name: Option<unsafe extern "C" fn(Ctx) -> *const c_char>,
    pub add_random: Option<unsafe extern "C" fn(Ctx, *const c_void, c_int) -> c_int>,
    pub random: Option<unsafe extern "C" fn(Ctx, *mut c_void, c_int) -> c_int>,
    #[allow(clippy::type_complexity)]
    pub hmac: Option<
        unsafe extern "C" fn(
            Ctx,
            c_int,
            *const u8,
            c_int,
            *const u8,
            c_int,
            *const u8,
            c_int,
            *mut u8,
        ) -> c_int,
    >,
    #[allow(clippy::type_complexity)]
    pub kdf: Option<
        unsafe extern "C" fn(
            Ctx,
            c_int,
            *const u8,
            c_int,
            *const u8,
            c_int,
            c_int,
            c_int,
            *mut u8,
        ) -> c_int,
    >,
    #[allow(clippy::type_complexity)]
    pub cipher: Option<
        unsafe extern "C" fn(
            Ctx,
            c_int,
            *const u8,
            c_int,
            *const u8,
            *const u8,
            c_int,
            *mut u8,
        ) -> c_int,
    >,
    pub get_cipher: Option<unsafe extern "C" fn(Ctx) -> *const c_char>,
    pub get_key_sz: Option<unsafe extern "C" fn(Ctx) -> c_int>,
    pub get_iv_sz: Option<unsafe extern "C" fn(Ctx) -> c_int>,
    pub get_block_sz: Option<unsafe extern "C" fn(Ctx) -> c_int>,
    pub get_hmac_sz: Option<unsafe extern "C" fn(Ctx, c_int) -> c_int>,
    pub ctx_init: Option<unsafe extern "C" fn(*mut Ctx) -> c_int>,
    pub ctx_free: Option<unsafe extern "C" fn(*mut Ctx) -> c_int>,
    pub fips_status: Option<unsafe extern "C" fn(Ctx) -> c_int>,
    pub get_provider_version: Option<unsafe extern "C" fn(Ctx) -> *const c_char>,
    pub next: *mut SqlcipherProvider,
}

/// The names SQLCipher reads back (`PRAGMA cipher_provider`, `cipher_provider_version`,
/// `cipher`): NUL-terminated, static.
const NAME: &[u8] = b"twofold-rustcrypto\0";
const VERSION: &[u8] = concat!(
    "twofold-rustcrypto ",
    env!("CARGO_PKG_VERSION"),
    " (aes 0.8, cbc 0.1, hmac 0.12, sha1/sha2 0.10, pbkdf2 0.12)\0"
)
.as_bytes();
const CIPHER: &[u8] = b"aes-256-cbc\0";

fn status(result: Result<(), Refused>) -> c_int {
    match result {
        Ok(()) => SQLITE_OK,
        Err(Refused) => SQLITE_ERROR,
    }
}

/// Runs an entry's body; a panic (a bug here) is answered like a refusal instead of unwinding
/// into SQLCipher's C frames.
fn guarded(body: impl FnOnce() -> Result<(), Refused>) -> c_int {
    catch_unwind(AssertUnwindSafe(body)).map_or(SQLITE_ERROR, status)
}

fn len(n: c_int) -> Result<usize, Refused> {
    usize::try_from(n).map_err(|_| Refused)
}

/// A read-only view of `n` bytes at `p`; an empty slice for `n == 0` whatever `p` is.
///
/// # Safety
/// For `n > 0`, `p` must be non-null (checked) and valid for reads of `n` bytes that nothing
/// writes to while the slice lives.
unsafe fn bytes<'a>(p: *const u8, n: c_int) -> Result<&'a [u8], Refused> {
    let n = len(n)?;
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Refused);
    }
    // SAFETY: non-null, and the caller promises `n` readable bytes not written meanwhile.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// A writable view of `n` bytes at `p`.
///
/// # Safety
/// For `n > 0`, `p` must be non-null (checked) and valid for reads and writes of `n` bytes
/// that no other reference touches while the slice lives.
unsafe fn bytes_mut<'a>(p: *mut u8, n: usize) -> Result<&'a mut [u8], Refused> {
    if n == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(Refused);
    }
    // SAFETY: non-null, and the caller promises `n` writable bytes, not aliased meanwhile.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, n) })
}

unsafe extern "C" fn get_provider_name(_ctx: Ctx) -> *const c_char {
    NAME.as_ptr().cast()
}

unsafe extern "C" fn get_provider_version(_ctx: Ctx) -> *const c_char {
    VERSION.as_ptr().cast()
}

unsafe extern "C" fn get_cipher(_ctx: Ctx) -> *const c_char {
    CIPHER.as_ptr().cast()
}

/// `PRAGMA cipher_add_random`: the OS generator is used directly and needs no seeding, so the
/// bytes are accepted and dropped (SQLCipher calls this for that pragma only).
unsafe extern "C" fn add_random(_ctx: Ctx, _buffer: *const c_void, _length: c_int) -> c_int {
    SQLITE_OK
}

/// # Safety
/// `buffer` must be valid for writes of `length` bytes (SQLCipher passes its own buffers).
unsafe extern "C" fn random(_ctx: Ctx, buffer: *mut c_void, length: c_int) -> c_int {
    guarded(|| {
        // SAFETY: SQLCipher hands a buffer of `length` bytes that it owns for this call
        // (a page's reserve, a salt, its start-up masks); nothing else touches it meanwhile.
        let out = unsafe { bytes_mut(buffer.cast(), len(length)?)? };
        primitives::random(out)
    })
}

/// # Safety
/// `key`, `input` and `input2` (when non-null) must be readable for their lengths, and `out`
/// writable for the hash's output length, not overlapping the inputs.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn hmac(
    _ctx: Ctx,
    algorithm: c_int,
    key: *const u8,
    key_sz: c_int,
    input: *const u8,
    input_sz: c_int,
    input2: *const u8,
    input2_sz: c_int,
    out: *mut u8,
) -> c_int {
    guarded(|| {
        let hash = Hash::from_sqlcipher(algorithm)?;
        // SQLCipher's own providers refuse a missing first input; the second is optional.
        if input.is_null() {
            return Err(Refused);
        }
        // SAFETY: SQLCipher passes the HMAC key of `key_sz` bytes, the page (or buffer) of
        // `input_sz` bytes and the 4-byte page number of `input2_sz` bytes, all readable and
        // not written during the call.
        let (key, first, second) = unsafe {
            (
                bytes(key, key_sz)?,
                bytes(input, input_sz)?,
                if input2.is_null() {
                    &[][..]
                } else {
                    bytes(input2, input2_sz)?
                },
            )
        };
        // SAFETY: `out` is SQLCipher's buffer for a tag of `get_hmac_sz(algorithm)` bytes (in
        // the page's reserve, after the IV): writable, and apart from the inputs above.
        let out = unsafe { bytes_mut(out, hash.output_len())? };
        primitives::hmac(hash, key, first, second, out)
    })
}

/// # Safety
/// `pass` and `salt` must be readable for their lengths, `key` writable for `key_sz` bytes
/// and apart from both.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn kdf(
    _ctx: Ctx,
    algorithm: c_int,
    pass: *const u8,
    pass_sz: c_int,
    salt: *const u8,
    salt_sz: c_int,
    workfactor: c_int,
    key_sz: c_int,
    key: *mut u8,
) -> c_int {
    guarded(|| {
        let hash = Hash::from_sqlcipher(algorithm)?;
        let rounds = u32::try_from(workfactor).map_err(|_| Refused)?;
        // SAFETY: SQLCipher passes the passphrase (or raw key) and the salt with their
        // lengths, readable and unchanged during the call.
        let (pass, salt) = unsafe { (bytes(pass, pass_sz)?, bytes(salt, salt_sz)?) };
        // SAFETY: `key` is the cipher context's key buffer of `key_sz` bytes, apart from the
        // passphrase and the salt.
        let out = unsafe { bytes_mut(key, len(key_sz)?)? };
        primitives::pbkdf2(hash, pass, salt, rounds, out)
    })
}

/// # Safety
/// `key` readable for `key_sz` bytes, `iv` for 16, `input` for `input_sz`; `out` writable for
/// `input_sz` bytes. `input` and `out` may be the same buffer or overlap (copied with
/// `ptr::copy` first); `key` and `iv` must not overlap `out`'s first `input_sz` bytes.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn cipher(
    _ctx: Ctx,
    mode: c_int,
    key: *const u8,
    key_sz: c_int,
    iv: *const u8,
    input: *const u8,
    input_sz: c_int,
    out: *mut u8,
) -> c_int {
    guarded(|| {
        let direction = Direction::from_sqlcipher(mode)?;
        let n = len(input_sz)?;
        if n > 0 && (input.is_null() || out.is_null()) {
            return Err(Refused);
        }
        // The key and IV are copied out first, so no borrow of SQLCipher's memory is alive
        // when the output is written. The copy of the key is wiped below.
        let mut key_copy = [0u8; primitives::KEY_LEN];
        let mut iv_copy = [0u8; primitives::IV_LEN];
        let copied = (|| {
            // SAFETY: SQLCipher passes the cipher key of `key_sz` bytes and the page's IV
            // (`get_iv_sz` = 16 bytes, in the page's reserve), readable during the call.
            let (k, v) = unsafe { (bytes(key, key_sz)?, bytes(iv, primitives::IV_LEN as c_int)?) };
            if k.len() != primitives::KEY_LEN {
                return Err(Refused);
            }
            key_copy.copy_from_slice(k);
            iv_copy.copy_from_slice(v);
            Ok(())
        })();
        let result = copied.and_then(|()| {
            if n > 0 && input != out.cast_const() {
                // SAFETY: `input` is readable and `out` writable for `n` bytes (SQLCipher's
                // page and its output buffer); `ptr::copy` allows them to overlap.
                unsafe { ptr::copy(input, out, n) };
            }
            // SAFETY: `out` holds `n` writable bytes, now the input, referenced by nothing else
            // during the call (the key and IV were copied above).
            let buf = unsafe { bytes_mut(out, n)? };
            primitives::aes_256_cbc(direction, &key_copy, &iv_copy, buf)
        });
        key_copy.zeroize();
        result
    })
}

unsafe extern "C" fn get_key_sz(_ctx: Ctx) -> c_int {
    primitives::KEY_LEN as c_int
}

unsafe extern "C" fn get_iv_sz(_ctx: Ctx) -> c_int {
    primitives::IV_LEN as c_int
}

unsafe extern "C" fn get_block_sz(_ctx: Ctx) -> c_int {
    primitives::BLOCK_LEN as c_int
}

/// The tag length for an algorithm, 0 for one SQLCipher does not define (as its providers do).
unsafe extern "C" fn get_hmac_sz(_ctx: Ctx, algorithm: c_int) -> c_int {
    Hash::from_sqlcipher(algorithm).map_or(0, |h| h.output_len() as c_int)
}

/// No per-context state: every call stands alone (the OS generator, keys passed in).
unsafe extern "C" fn ctx_init(_ctx: *mut Ctx) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn ctx_free(_ctx: *mut Ctx) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn fips_status(_ctx: Ctx) -> c_int {
    0
}

/// Called by SQLCipher once, at its start-up (`sqlcipher_extra_init`), with a table it has
/// just allocated, because the build names it in `SQLCIPHER_CRYPTO_CUSTOM`.
///
/// # Safety
/// `p` must point to a writable `struct sqlcipher_provider` of SQLCipher 4.20's layout.
#[no_mangle]
pub unsafe extern "C" fn twofold_sqlcipher_provider_setup(p: *mut SqlcipherProvider) -> c_int {
    if p.is_null() {
        return SQLITE_ERROR;
    }
    let table = SqlcipherProvider {
        init: None,
        shutdown: None,
        get_provider_name: Some(get_provider_name),
        add_random: Some(add_random),
        random: Some(random),
        hmac: Some(hmac),
        kdf: Some(kdf),
        cipher: Some(cipher),
        get_cipher: Some(get_cipher),
        get_key_sz: Some(get_key_sz),
        get_iv_sz: Some(get_iv_sz),
        get_block_sz: Some(get_block_sz),
        get_hmac_sz: Some(get_hmac_sz),
        ctx_init: Some(ctx_init),
        ctx_free: Some(ctx_free),
        fips_status: Some(fips_status),
        get_provider_version: Some(get_provider_version),
        // SQLCipher links the provider into its list when it registers it.
        next: ptr::null_mut(),
    };
    // SAFETY: `p` is non-null and points to SQLCipher's freshly allocated provider struct,
    // whose layout this type mirrors (checked by tests/layout.rs); `write` does not read or
    // drop the uninitialised old contents.
    unsafe { p.write(table) };
    SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nul_terminated_and_match_the_public_constant() {
        for name in [NAME, VERSION, CIPHER] {
            assert_eq!(name.iter().position(|&b| b == 0), Some(name.len() - 1));
        }
        assert_eq!(&NAME[..NAME.len() - 1], crate::PROVIDER_NAME.as_bytes());
    }

    #[test]
    fn setup_fills_every_entry_sqlcipher_calls_and_refuses_null() {
        // SAFETY: (a test) a null table is refused before any write.
        let rc = unsafe { twofold_sqlcipher_provider_setup(ptr::null_mut()) };
        assert_eq!(rc, SQLITE_ERROR);
        let mut p = std::mem::MaybeUninit::<SqlcipherProvider>::uninit();
        // SAFETY: (a test) a writable, properly aligned table of this layout.
        let rc = unsafe { twofold_sqlcipher_provider_setup(p.as_mut_ptr()) };
        assert_eq!(rc, SQLITE_OK);
        // SAFETY: (a test) setup wrote every field above.
        let p = unsafe { p.assume_init() };
        assert!(p.random.is_some() && p.hmac.is_some() && p.kdf.is_some() && p.cipher.is_some());
        assert!(p.next.is_null());
    }

    #[test]
    fn cipher_entry_works_in_place_and_refuses_bad_arguments() {
        let key = [7u8; 32];
        let iv = [9u8; 16];
        let plain = [0x42u8; 64];
        let mut buf = plain;
        let p = buf.as_mut_ptr();
        // SAFETY: (a test) every pointer is valid for its length; in place is allowed.
        let rc = unsafe { cipher(ptr::null_mut(), 1, key.as_ptr(), 32, iv.as_ptr(), p, 64, p) };
        assert_eq!(rc, SQLITE_OK);
        assert_ne!(buf, plain);
        let mut out = [0u8; 64];
        // SAFETY: (a test) as above, separate buffers.
        let rc = unsafe {
            cipher(
                ptr::null_mut(),
                0,
                key.as_ptr(),
                32,
                iv.as_ptr(),
                buf.as_ptr(),
                64,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(out, plain);
        // SAFETY: (a test) valid pointers; the arguments are wrong on purpose.
        unsafe {
            assert_eq!(
                cipher(ptr::null_mut(), 2, key.as_ptr(), 32, iv.as_ptr(), p, 64, p),
                SQLITE_ERROR
            );
            assert_eq!(
                cipher(ptr::null_mut(), 1, key.as_ptr(), 16, iv.as_ptr(), p, 64, p),
                SQLITE_ERROR
            );
            assert_eq!(
                cipher(ptr::null_mut(), 1, key.as_ptr(), 32, iv.as_ptr(), p, -16, p),
                SQLITE_ERROR
            );
            assert_eq!(
                cipher(ptr::null_mut(), 1, key.as_ptr(), 32, iv.as_ptr(), p, 60, p),
                SQLITE_ERROR
            );
        }
    }

    #[test]
    fn hmac_and_kdf_entries_refuse_unknown_algorithms_and_null_input() {
        let mut out = [0u8; 64];
        let key = [1u8; 32];
        // SAFETY: (a test) valid pointers; the arguments are wrong on purpose.
        unsafe {
            assert_eq!(
                hmac(
                    ptr::null_mut(),
                    3,
                    key.as_ptr(),
                    32,
                    key.as_ptr(),
                    32,
                    ptr::null(),
                    0,
                    out.as_mut_ptr()
                ),
                SQLITE_ERROR
            );
            assert_eq!(
                hmac(
                    ptr::null_mut(),
                    2,
                    key.as_ptr(),
                    32,
                    ptr::null(),
                    0,
                    ptr::null(),
                    0,
                    out.as_mut_ptr()
                ),
                SQLITE_ERROR
            );
            assert_eq!(
                kdf(
                    ptr::null_mut(),
                    2,
                    key.as_ptr(),
                    32,
                    key.as_ptr(),
                    16,
                    0,
                    64,
                    out.as_mut_ptr()
                ),
                SQLITE_ERROR
            );
            assert_eq!(get_hmac_sz(ptr::null_mut(), 7), 0);
            assert_eq!(get_hmac_sz(ptr::null_mut(), 2), 64);
        }
    }
}
