//! Documents and sections by name, whole-document snapshots (what a document listener
//! receives), and field conflicts.

use twofold_core as tc;

use crate::convert::mirror_record;
use crate::model::items::*;

/// A document: the person's four, the wellbeing summary derived from the journal (to share
/// instead of it), and a mentor's notes and suggestions. A document is the unit of sharing,
/// export and import.
pub type DocumentKind = tc::DocKind;

#[uniffi::remote(Enum)]
pub enum DocumentKind {
    Plan,
    Contacts,
    Schedule,
    Journal,
    Summary,
    Notes,
    /// A peer circle (read with the circle calls).
    Circle,
}

/// Every section of every document, for the operations that work on any section
/// (`remove_item`, `move_item`, `item_conflicts`, `count_items`).
pub type SectionName = tc::SectionId;

/// A field of an item that holds concurrent values written on different devices.
pub type FieldConflict = tc::FieldConflict;

#[uniffi::remote(Record)]
pub struct FieldConflict {
    pub field: String,
    /// Every concurrent value as JSON; the first is the one the document shows.
    pub values: Vec<String>,
}

/// `SectionName` and the typed documents' mirrors, from the core's one list of sections. The
/// summary's and the notes' documents travel as their export JSON (see `DocumentSnapshot`).
macro_rules! documents {
    (
        Plan(PlanDocument) {
            $( $p_variant:ident $p_key:ident $p_constant:ident: $p_item:ident,
               ordered: $p_ordered:literal, suggest: $p_suggest:literal $(, ffi: $($p_ffi:ident)+)?; )+
        }
        $( $doc:ident($snapshot:ident) {
            $( $variant:ident $key:ident $constant:ident: $item:ident,
               ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+
        } )+
    ) => {
        #[uniffi::remote(Enum)]
        pub enum SectionName {
            $( $p_variant, )+
            $($( $variant, )+)+
        }

        mirror_record! {
            out
            /// The whole plan, every section in the person's order.
            PlanDocument => tc::docs::snapshot::PlanDocument {
                when_well: String => plain,
                $( $p_key: Vec<$p_item> => records, )+
            }
        }

        documents!(@mirror $( $doc($snapshot) { $( $key: $item; )+ } )+);
    };
    (@mirror
        Contacts(ContactsDocument) { $( $c_key:ident: $c_item:ident; )+ }
        Schedule(ScheduleDocument) { $( $s_key:ident: $s_item:ident; )+ }
        Journal(JournalDocument) { $( $j_key:ident: $j_item:ident; )+ }
        $( $rest:tt )*
    ) => {
        mirror_record! {
            out
            ContactsDocument => tc::docs::snapshot::ContactsDocument {
                $( $c_key: Vec<$c_item> => records, )+
            }
        }

        mirror_record! {
            out
            ScheduleDocument => tc::docs::snapshot::ScheduleDocument {
                $( $s_key: Vec<$s_item> => records, )+
            }
        }

        mirror_record! {
            out
            JournalDocument => tc::docs::snapshot::JournalDocument {
                $( $j_key: Vec<$j_item> => records, )+
            }
        }
    };
}

twofold_core::for_each_section!(documents);

/// The whole typed state of one document.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[allow(clippy::large_enum_variant)] // one per delivery; boxing buys nothing across the FFI
pub enum DocumentSnapshot {
    Plan {
        plan: PlanDocument,
    },
    Contacts {
        contacts: ContactsDocument,
    },
    Schedule {
        schedule: ScheduleDocument,
    },
    Journal {
        journal: JournalDocument,
    },
    /// The wellbeing summary and a mentor's notes travel as their export JSON until their
    /// records are mirrored here.
    Summary {
        json: String,
    },
    Notes {
        json: String,
    },
}

impl From<tc::DocumentSnapshot> for DocumentSnapshot {
    fn from(s: tc::DocumentSnapshot) -> Self {
        match s {
            tc::DocumentSnapshot::Plan(plan) => DocumentSnapshot::Plan { plan: plan.into() },
            tc::DocumentSnapshot::Contacts(c) => DocumentSnapshot::Contacts { contacts: c.into() },
            tc::DocumentSnapshot::Schedule(s) => DocumentSnapshot::Schedule { schedule: s.into() },
            tc::DocumentSnapshot::Journal(j) => DocumentSnapshot::Journal { journal: j.into() },
            other @ tc::DocumentSnapshot::Summary(_) => DocumentSnapshot::Summary {
                json: snapshot_json(&other),
            },
            other @ tc::DocumentSnapshot::Notes(_) => DocumentSnapshot::Notes {
                json: snapshot_json(&other),
            },
        }
    }
}

fn snapshot_json(s: &tc::DocumentSnapshot) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
