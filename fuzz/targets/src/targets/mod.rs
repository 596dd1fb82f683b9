//! One module per fuzz target (ADR 0016), each driving one decoder of outside bytes and its
//! next step through `run(data)`. cargo-fuzz builds each as its own binary
//! (`fuzz_targets/<name>.rs`); the quick run in CI links them all into one binary,
//! `twofold-fuzz-all`, that runs the one named by `TWOFOLD_FUZZ_TARGET` (`fuzz/all`).

pub mod address_hint;
pub mod automerge_load;
pub mod backup;
pub mod control;
pub mod direct_message;
pub mod envelope;
pub mod icalendar;
pub mod invite;
pub mod join_request;
pub mod json_import;
pub mod lock_file;
pub mod meeting_guide;
pub mod pairing_reply;
pub mod payload;
pub mod relay_http;
pub mod relay_records;
pub mod relay_ws;
pub mod vcard;

/// A target: runs one fuzz input.
pub type Target = fn(&[u8]);

/// Every target by name: what `twofold-fuzz-all` dispatches to and `scripts/fuzz.sh` runs.
pub const ALL: &[(&str, Target)] = &[
    ("address_hint", address_hint::run),
    ("automerge_load", automerge_load::run),
    ("backup", backup::run),
    ("control", control::run),
    ("direct_message", direct_message::run),
    ("envelope", envelope::run),
    ("icalendar", icalendar::run),
    ("invite", invite::run),
    ("join_request", join_request::run),
    ("json_import", json_import::run),
    ("lock_file", lock_file::run),
    ("meeting_guide", meeting_guide::run),
    ("pairing_reply", pairing_reply::run),
    ("payload", payload::run),
    ("relay_http", relay_http::run),
    ("relay_records", relay_records::run),
    ("relay_ws", relay_ws::run),
    ("vcard", vcard::run),
];

/// The target called `name`.
pub fn by_name(name: &str) -> Option<Target> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, run)| *run)
}
