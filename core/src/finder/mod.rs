//! The offline meeting finder: regions' Meeting Guide feeds saved on the phone (local only,
//! see `store::finder_regions`) and searched with no connection — by day and time window,
//! by type, in person near a point, online now, or by phone. The operations are on
//! `Twofold` (`twofold/finder.rs`); `docs/finder.md` describes them.

pub mod distance;
pub mod index;
pub mod next_start;
pub mod query;
pub mod search;

pub use query::{FinderJoin, FinderQuery, FinderWhen, Near};
pub use search::{search, FoundMeeting};
