//! The cross-crate tests, linked into one binary: one link instead of twelve, and the shared
//! dependencies' generic code compiled once. Each module is the story it was as a file of its
//! own; `cargo test -p twofold-tests --test it sync_net::` runs one of them.

mod app_lock;
mod append_rights;
mod backup;
mod care;
mod care_text;
mod care_upgrade_sync;
mod circles;
mod circles_sim;
mod crypto;
mod direct;
mod documents;
mod erasure;
mod failure_paths;
mod finder;
mod formats;
mod fresher_keys;
mod home_model;
mod import_fuzz;
mod insights;
mod intent_log;
mod introduced_devices;
mod io_faults;
mod key_trouble;
mod kill;
mod linked_device;
mod properties;
mod push;
mod restored_phone;
mod retention;
mod schedule;
mod soak;
mod sos;
mod sync;
mod sync_net;
mod sync_privacy;
