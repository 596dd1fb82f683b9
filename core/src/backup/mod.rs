//! Encrypted backups: one file, sealed with a passphrase the person chooses, holding
//! everything that is theirs and none of this device's secret keys (`docs/backup-format.md`,
//! ADR 0010). `header` frames the file, `kdf` turns the passphrase into keys, `sealed` encrypts
//! and opens, `contents` is what is inside. Reading a store out and writing it back is
//! `Twofold::export_backup` / `Twofold::restore_backup`.

pub mod contents;
pub mod header;
pub mod kdf;
pub mod sealed;

pub use contents::{BackupContents, Cell, TableDump};
pub use header::{BackupHeader, HEADER_LEN, MAGIC, MAX_BACKUP_LEN};
pub use kdf::KdfParams;
pub use sealed::{open, seal};
