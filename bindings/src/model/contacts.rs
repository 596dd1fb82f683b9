//! The support network: `twofold_core::model::contacts`. A contact is a hand mirror (the app
//! writes it, and a malformed id is refused naming its field); its parts cross as they are.

use twofold_core as tc;

use crate::convert::mirror_record;

pub use tc::{ContactRole, Phone};

#[uniffi::remote(Enum)]
pub enum ContactRole {
    Peer,
    Mentor,
    Sponsor,
    Therapist,
    Psychiatrist,
    CaseManager,
    Doctor,
    Family,
    Friend,
    CrisisLine,
    Other,
}

#[uniffi::remote(Record)]
pub struct Phone {
    /// "mobile", "work", "text only"…
    #[uniffi(default)]
    pub label: String,
    pub number: String,
}

mirror_record! {
    Contact => tc::Contact {
        id: String => id,
        name: String => plain,
        #[uniffi(default)] roles: Vec<ContactRole> => each,
        #[uniffi(default)] phones: Vec<Phone> => each,
        #[uniffi(default)] email: Option<String> => plain,
        /// When they can be reached, in the person's words ("evenings", "24/7").
        #[uniffi(default)] availability: String => plain,
        #[uniffi(default)] notes: String => plain,
        /// Who to try first when the plan has no crisis ladder (1 = first).
        #[uniffi(default)] crisis_order: Option<u32> => plain,
        /// Never contact this person on my behalf.
        #[uniffi(default)] do_not_involve: bool => plain,
    }
}
