//! The Automerge documents: one per audience (plan, contacts, schedule, journal). Their shape
//! (sections of items keyed by stable id), the deterministic genesis that lets copies of a
//! document from different devices merge, typed reads and writes that touch only what
//! changed, whole-document snapshots for export, and the guarded loader for untrusted bytes.

pub(crate) mod any_item;
pub mod check_ins;
pub mod circle;
mod column_rows;
pub mod conflicts;
pub(crate) mod export_json;
pub mod genesis;
pub mod guarded_load;
pub mod items;
pub mod kind;
mod leb_reader;
pub mod sections;
pub mod snapshot;
pub mod suggested;
