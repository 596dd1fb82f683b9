//! The home screen in one value: `twofold_core::HomeScreen` and its parts. The home screen
//! itself is a mirror because it carries the hand-mirrored meetings and check-ins; its other
//! parts cross as they are.

use twofold_core as tc;
use twofold_core::{Day, ItemId};

use crate::convert::mirror_record;
use crate::model::contacts::Phone;
use crate::model::journal::CheckIn;
use crate::model::schedule::{Meeting, Occurrence};
use crate::model::values::Count;

pub use tc::{LadderRung, Streak};

/// One person to contact in a crisis, in the plan's order.
#[uniffi::remote(Record)]
pub struct LadderRung {
    pub contact_id: ItemId,
    pub name: String,
    pub phones: Vec<Phone>,
    pub will_do: String,
}

/// Days since a recovery started or since its last lapse.
#[uniffi::remote(Record)]
pub struct Streak {
    pub recovery_id: ItemId,
    pub substance: String,
    /// `YYYY-MM-DD`.
    pub since: Day,
    pub days: i64,
    pub lapses: Count,
}

mirror_record! {
    out
    /// What a person needs within a second of opening the app.
    HomeScreen => tc::HomeScreen {
        /// `YYYY-MM-DD`.
        today: String => day,
        crisis_ladder: Vec<LadderRung> => each,
        checked_in_today: bool => plain,
        meetings: Vec<Meeting> => records,
        /// The next few occurrences from now (or from the start of `today` when it is not the
        /// current UTC day), times shown in the first meeting's zone; for the phone's own zone
        /// use `next_occurrences`.
        next_meetings: Vec<Occurrence> => each,
        /// Newest first.
        last_check_ins: Vec<CheckIn> => records,
        streaks: Vec<Streak> => each,
    }
}
