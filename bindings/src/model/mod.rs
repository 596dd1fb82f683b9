//! The core's domain types as plain uniffi records and enums, one file per document, plus the
//! values the store computes (home screen, document snapshots, conflicts), and sharing's
//! the sync engine's records (`sharing`, `sync`), and sync reports and status (`net`).
//!
//! Ids, days (`YYYY-MM-DD`) and wall-clock times (`YYYY-MM-DDTHH:MM[:SS]`) are strings; the
//! store checks them on the way in (see `convert`).

pub mod contacts;
pub mod documents;
pub mod formats;
pub mod home;
pub mod insights;
pub mod journal;
pub mod net;
pub mod plan;
pub mod schedule;
pub mod sharing;
pub mod sync;
