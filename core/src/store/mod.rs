//! SQLite (SQLCipher) storage: the encrypted database file, its migrations, the chunks that
//! make up each Automerge document, device-local settings, and the sync engine's local state
//! (identity, peers, streams, outbox, consent records), the meeting lists saved for the
//! offline finder and the home screen's read model. None of the latter is ever synced.

pub mod change_signatures;
pub mod chunks;
pub mod circles;
pub mod database;
pub mod doc_aliases;
pub mod dump;
pub mod files;
pub mod finder_regions;
pub mod home_model;
pub mod identity;
pub mod introductions;
pub mod migrations;
pub mod outbox;
pub mod pairing_codes;
pub mod peers;
pub mod pending_check_ins;
pub mod prekeys;
pub mod recovery;
pub mod retention;
pub mod settings;
pub mod shares;
pub mod sos;
pub mod streams;
