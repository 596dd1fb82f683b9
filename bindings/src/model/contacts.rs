//! The support network: mirrors of `twofold_core::model::contacts`.

use twofold_core as tc;

use crate::convert::{mirror_enum, mirror_record};

mirror_enum! {
    ContactRole => tc::ContactRole {
        Peer, Mentor, Sponsor, Therapist, Psychiatrist, CaseManager, Doctor, Family, Friend,
        CrisisLine, Other,
    }
}

mirror_record! {
    Phone => tc::Phone {
        /// "mobile", "work", "text only"…
        #[uniffi(default)] label: String => plain,
        number: String => plain,
    }
}

mirror_record! {
    Contact => tc::Contact {
        id: String => id,
        name: String => plain,
        #[uniffi(default)] roles: Vec<ContactRole> => each,
        #[uniffi(default)] phones: Vec<Phone> => records,
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
