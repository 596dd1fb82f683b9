//! Meeting Guide JSON feeds (the Code for Recovery specification that AA, Al-Anon and other
//! fellowships publish, and the TSML WordPress plugin serves): reading entries as real feeds
//! write them, checking them into listings, and mapping those onto meetings.
//!
//! Each entry becomes one weekly meeting (several `day`s become one rule with several BYDAY
//! values). Unknown fields and type codes are ignored or kept, never fatal; an entry that
//! cannot become a meeting is skipped with its reason. A re-import matches meetings by
//! `slug`, so the person's reminders, exceptions and attendance stay attached. The rules are
//! written out in `docs/meeting-guide-import.md`.

pub mod codes;
pub mod entry;
pub mod fields;
pub mod listing;
pub mod plan;
pub mod to_meeting;

pub use entry::{parse, FeedEntry};
pub use listing::Listing;
pub use plan::{filtered_out, listings, plan, MeetingGuideFilter, MeetingGuideImport};
pub use to_meeting::{id_for_slug, to_meeting, weekly_rule};
