//! SQLite (SQLCipher) storage: the encrypted database file, its migrations, the chunks that
//! make up each Automerge document, and device-local settings.

pub mod chunks;
pub mod database;
pub mod migrations;
pub mod settings;
