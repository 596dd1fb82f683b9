//! Plain domain types and their validation: what a plan, a contact, a meeting and a check-in
//! are, independent of how they are stored or synced.

pub mod circle;
pub mod contacts;
pub mod harm_reduction;
pub mod ids;
pub mod journal;
pub mod medication;
pub mod plan;
pub(crate) mod rrule_value;
pub mod schedule;
pub mod sharing;
pub mod sos;
pub mod time;
pub mod validate;
