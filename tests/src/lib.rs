//! Shared pieces of the cross-crate tests, the walkthrough and the benchmarks.

pub mod dataset;
pub mod dir_files;
pub mod faults;
pub mod feeds;
pub mod flaky_proxy;
pub mod journal_notes;
pub mod keys;
pub mod mem_devices;
pub mod net_devices;
pub mod push_gateway;
pub mod record_reader;
pub mod relay_sim;
pub mod sqlcipher_pages;
pub mod thief;
