//! The core's small value types as uniffi custom types, so that the core's output-only
//! records can cross the FFI as they are (see the `#[uniffi::remote]` definitions in the
//! other `model` files): ids, days and times as the strings the hand mirrors use, device ids
//! as 32 lowercase hex characters, counts as `u64`. Foreign code sees type aliases
//! (`typealias ItemId = String` in Kotlin and Swift).
//!
//! Records the app writes keep `String` fields and a hand mirror (`convert`), so that a
//! malformed value is refused naming its field (`check_ins.day`); a custom type can only
//! name the type.

use twofold_core::{Day, ItemId, KeyId, LocalDateTime};

use crate::convert;

uniffi::custom_type!(ItemId, String, {
    remote,
    lower: |id| convert::id::from_core(id),
    try_lift: |text| Ok(convert::id::to_core(text, "", "id")?),
});

uniffi::custom_type!(Day, String, {
    remote,
    lower: |day| convert::day::from_core(day),
    try_lift: |text| Ok(convert::day::to_core(text, "", "day")?),
});

uniffi::custom_type!(LocalDateTime, String, {
    remote,
    lower: |time| convert::time::from_core(time),
    try_lift: |text| Ok(convert::time::to_core(text, "", "time")?),
});

uniffi::custom_type!(KeyId, String, {
    remote,
    lower: |id| convert::key_id::from_core(id),
    try_lift: |text| Ok(convert::key_id::to_core(text, "", "id")?),
});

/// A number of things (`usize` in the core, which uniffi does not carry).
pub type Count = usize;

uniffi::custom_type!(Count, u64, {
    remote,
    lower: |n| convert::count::from_core(n),
    try_lift: |n| Ok(convert::count::to_core(n, "", "count")?),
});
