//! SQLCipher's crypto provider over RustCrypto (ADR 0018): AES-256-CBC with AES-NI / ARMv8 AES
//! where the CPU has it and constant-time software otherwise, HMAC and PBKDF2 over SHA-1/256/512,
//! and random bytes from the operating system. It replaces OpenSSL's libcrypto, which SQLCipher
//! used before and which was a fifth of the phones' library.
//!
//! SQLCipher is compiled with `-DSQLCIPHER_CRYPTO_CUSTOM=twofold_sqlcipher_provider_setup`
//! (`LIBSQLITE3_FLAGS` in `.cargo/config.toml`) and calls that function once, at its start-up, to
//! fill in its provider table. Every crate that opens a SQLCipher file must link this one
//! (`use twofold_sqlcipher_provider as _;`): the symbol is resolved at link time, and a shared
//! library without it would fail only when it is loaded.

#![deny(unsafe_op_in_unsafe_fn)]

mod ffi;
mod primitives;

/// What `PRAGMA cipher_provider` answers with this provider in place.
pub const PROVIDER_NAME: &str = "twofold-rustcrypto";

/// The C symbol SQLCipher's build names in `SQLCIPHER_CRYPTO_CUSTOM`.
pub const SETUP_SYMBOL: &str = "twofold_sqlcipher_provider_setup";

pub use ffi::SqlcipherProvider;
