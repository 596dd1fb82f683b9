//! Twofold's FFI surface: a thin uniffi façade over `twofold-core` for the Kotlin, Swift and
//! Python apps and tests. It holds no logic of its own — it converts types and forwards.
//!
//! - [`TwofoldStore`] (`store`, `sections`, `schedule`, `finder`, `insights`): the one object foreign
//!   code holds; open it with a path and the app's 32-byte key.
//! - Sharing, on the same object: `pairing` (invites, approval), `sharing` (consent, the
//!   disclosure log), `shared_docs` (what others shared, who wrote what), `suggestions`
//!   (a mentor's notes and suggestions, the wellbeing summary) and `sync_engine` (the sans-IO
//!   engine for apps that run their own transport), `sos` (requests for help through the
//!   encrypted channel, the mentor's overview).
//! - `backup`: the person's passphrase-sealed backup, and restoring it into a new store.
//! - `erase`: "delete everything from this phone", and removing a store whose key is lost.
//! - `app_lock`: the optional PIN that wraps the store key with the platform key, its growing
//!   wait after wrong tries, and the duress PIN (`lock_state`, `open_with_pin`, …).
//! - [`SyncSession`] (`net`): sync over a relay — `sync_now` for background schedulers, live
//!   sync for the foreground, a status listener for the UI.
//! - [`DirectSession`] (`direct`): direct sync with a paired device in the same room — listen,
//!   connect (by address or address code), a report per session; no relay.
//! - [`TwofoldError`] (`error`): the one error, by what the caller can do; no panic crosses
//!   the FFI.
//! - `model`: the core's records and enums mirrored as uniffi types (`convert` checks ids,
//!   days and times on the way in).
//! - `listeners`: foreign listeners that get the current value first, then every change.
//! - `runtime`: the tokio runtime async calls run on.
//!
//! Bindings are generated from the built library: `scripts/bindgen.sh`.

pub mod app_lock;
pub mod backup;
pub mod care;
pub mod circles;
mod convert;
pub mod direct;
pub mod erase;
pub mod error;
pub mod finder;
pub mod insights;
pub mod listeners;
pub mod model;
pub mod net;
pub mod pairing;
pub mod push;
mod runtime;
pub mod schedule;
pub mod sections;
pub mod shared_docs;
pub mod sharing;
pub mod sos;
pub mod store;
pub mod suggestions;
pub mod sync_engine;
pub mod wellbeing;

pub use direct::{DirectListening, DirectSession};
pub use error::TwofoldError;
pub use listeners::{DocumentListener, HomeScreenListener, SubscriptionHandle};
pub use model::app_lock::*;
pub use model::care::*;
pub use model::circles::*;
pub use model::contacts::*;
pub use model::direct::*;
pub use model::documents::*;
pub use model::finder::*;
pub use model::formats::*;
pub use model::home::*;
pub use model::insights::*;
pub use model::journal::*;
pub use model::net::*;
pub use model::plan::*;
pub use model::schedule::*;
pub use model::sharing::*;
pub use model::sync::*;
pub use net::{StatusSubscription, SyncSession, SyncStatusListener};
pub use store::{StoreOptions, TwofoldStore};

use crate::convert::id;
use crate::error::{guard, Result};

uniffi::setup_scaffolding!();

/// The version of the Twofold core library.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A fresh random item id for a new item of any section.
#[uniffi::export]
pub fn new_item_id() -> String {
    twofold_core::ItemId::random().as_str().to_string()
}

/// The id an attendance record must have: one record per meeting occurrence.
#[uniffi::export]
pub fn attendance_id(meeting_id: String, occurrence: String) -> Result<String> {
    guard(|| {
        let meeting_id = id::to_core(meeting_id, "attendance", "meeting_id")?;
        let occurrence = convert::time::to_core(occurrence, "attendance", "occurrence")?;
        Ok(twofold_core::Attendance::id_for(&meeting_id, &occurrence)
            .as_str()
            .to_string())
    })
}

/// Checks a recurrence rule (RRULE value, e.g. `FREQ=WEEKLY;BYDAY=TU`) as `put_meeting` will,
/// anchored at `start` (`YYYY-MM-DDTHH:MM`) in `time_zone` (IANA name). For forms that check
/// as the person types.
/// The bundled emergency number and crisis lines of `region` (ISO 3166-1 alpha-2, any case),
/// each with the page it was confirmed against; `None` where the core bundles none.
#[uniffi::export]
pub fn crisis_lines_for_region(region: String) -> Result<Option<RegionLines>> {
    guard(|| Ok(twofold_core::insights::crisis_lines::for_region(&region)?.cloned()))
}

/// Every region with bundled crisis lines (ISO 3166-1 alpha-2).
#[uniffi::export]
pub fn crisis_line_regions() -> Result<Vec<String>> {
    guard(|| {
        Ok(twofold_core::insights::crisis_lines::all()?
            .iter()
            .map(|c| c.region.clone())
            .collect())
    })
}

#[uniffi::export]
pub fn validate_rrule(rrule: String, start: String, time_zone: String) -> Result<()> {
    guard(|| {
        let start = convert::time::to_core(start, "meetings", "start")?;
        twofold_core::model::time::parse_zone("meetings.time_zone", &time_zone)?;
        Ok(twofold_core::check_rrule(
            "meetings.rrule",
            &rrule,
            &start,
            &time_zone,
        )?)
    })
}
