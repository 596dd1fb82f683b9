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
        label: String => plain,
        number: String => plain,
    }
}

mirror_record! {
    Contact => tc::Contact {
        id: String => id,
        name: String => plain,
        roles: Vec<ContactRole> => each,
        phones: Vec<Phone> => records,
        email: Option<String> => plain,
        /// When they can be reached, in the person's words ("evenings", "24/7").
        availability: String => plain,
        notes: String => plain,
        /// Who to try first when the plan has no crisis ladder (1 = first).
        crisis_order: Option<u32> => plain,
        /// Never contact this person on my behalf.
        do_not_involve: bool => plain,
    }
}
