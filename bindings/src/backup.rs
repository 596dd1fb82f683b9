//! `TwofoldStore`'s backup and restore: everything that is the person's, sealed with a
//! passphrase they choose, into one file (`docs/backup-format.md`), and back into a new store.
//!
//! A wrong passphrase is `WrongPassphrase`; a damaged, truncated or foreign file is
//! `ImportRefused` (its reason starts `backup refused:`); a store that already holds data is
//! never overwritten (`NotAllowed`). In every refused case nothing was written.

use std::path::PathBuf;
use std::sync::Arc;

use twofold_core::Twofold;

use crate::convert::ToCore;
use crate::error::{guard, install_panic_hook, Result, TwofoldError};
use crate::runtime::blocking;
use crate::store::{StoreOptions, TwofoldStore};

#[uniffi::export]
impl TwofoldStore {
    /// Restores a backup made by `export_backup` into a new store at `path`, opened with the
    /// app's 32-byte key, and opens it. `path` must hold no store, or one nothing was written
    /// to yet. The restored phone has its own device keys; its documents, shares, disclosure
    /// log, pairings and settings are the backup's. Takes about a second on a phone (the
    /// passphrase's key derivation).
    #[uniffi::constructor]
    pub async fn restore_backup(
        path: String,
        key: Vec<u8>,
        backup: Vec<u8>,
        passphrase: String,
    ) -> Result<Arc<Self>> {
        install_panic_hook();
        let key = guard(|| TwofoldStore::key_array(&key))?;
        if path.trim().is_empty() {
            return Err(TwofoldError::invalid("path", "must not be empty"));
        }
        let core = blocking(move || {
            let options = StoreOptions::default().to_core("options")?;
            Ok(Twofold::restore_backup(
                PathBuf::from(path),
                &key,
                &backup,
                &passphrase,
                options,
            )?)
        })
        .await?;
        Ok(TwofoldStore::from_core(core))
    }

    /// Everything that is the person's — every document, shares and consent records, the
    /// disclosure log, pairings, settings; not this device's secret keys — sealed with
    /// `passphrase` (at least 8 characters; Argon2id, 64 MiB, then XChaCha20-Poly1305). Save
    /// the bytes wherever the person chooses. About a second on a phone.
    pub async fn export_backup(&self, passphrase: String) -> Result<Vec<u8>> {
        self.write(move |core| Ok(core.export_backup(&passphrase)?))
            .await
    }
}
