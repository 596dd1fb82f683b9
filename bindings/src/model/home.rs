//! The home screen in one value: mirrors of `twofold_core::HomeScreen` and its parts.

use twofold_core as tc;

use crate::convert::mirror_record;
use crate::model::contacts::Phone;
use crate::model::journal::CheckIn;
use crate::model::schedule::{Meeting, Occurrence};

mirror_record! {
    out
    /// One person to contact in a crisis, in the plan's order.
    LadderRung => tc::LadderRung {
        contact_id: String => id,
        name: String => plain,
        phones: Vec<Phone> => records,
        will_do: String => plain,
    }
}

mirror_record! {
    out
    /// Days since a recovery started or since its last lapse.
    Streak => tc::Streak {
        recovery_id: String => id,
        substance: String => plain,
        /// `YYYY-MM-DD`.
        since: String => day,
        days: i64 => plain,
        lapses: u64 => count,
    }
}

mirror_record! {
    out
    /// What a person needs within a second of opening the app.
    HomeScreen => tc::HomeScreen {
        /// `YYYY-MM-DD`.
        today: String => day,
        crisis_ladder: Vec<LadderRung> => records,
        checked_in_today: bool => plain,
        meetings: Vec<Meeting> => records,
        /// The next few occurrences from now (or from the start of `today` when it is not the
        /// current UTC day), times shown in the first meeting's zone; for the phone's own zone
        /// use `next_occurrences`.
        next_meetings: Vec<Occurrence> => records,
        /// Newest first.
        last_check_ins: Vec<CheckIn> => records,
        streaks: Vec<Streak> => records,
    }
}
