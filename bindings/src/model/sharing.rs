//! Pairing, consent and what others shared: peers and their status, shares and the disclosure
//! log, documents shared with this device and who wrote what, the wellbeing summary's items,
//! and a mentor's notes and suggestions: `twofold_core::{Peer, Share, …}` and
//! `twofold_core::model::sharing`, crossing as they are where they can. Mirrors remain for
//! the wellbeing summary's items (any item in a `SectionItem` is converted with its field
//! errors), and for a suggestion and what the person receives (they add fields the core does
//! not have: the typed item, `from_id`).
//!
//! Device ids (`peer_id`, `owner`, `from`) and document ids are 32 lowercase hex characters.
//! [`SectionItem`] carries one item of any section, typed, for the calls that name the
//! section at run time (shared documents, suggestions).

use twofold_core as tc;

use twofold_core::{ItemId, KeyId};

use crate::convert::mirror_record;
use crate::model::documents::{DocumentKind, SectionName};

pub use tc::{
    Access, Author, Authorship, Disclosure, MentorNote, Peer, PeerStatus, Share, SharedDocument,
    SuggestionStatus, WellbeingFields,
};

/// Where a pairing stands.
/// This device answered an invite; the owner has not decided yet.
/// Someone answered this device's invite; compare the codes, then approve or decline.
#[uniffi::remote(Enum)]
pub enum PeerStatus {
    /// This device answered an invite; the owner has not decided yet.
    AwaitingApproval,
    /// Someone answered this device's invite; compare the codes, then approve or decline.
    NeedsDecision,
    Paired,
    Declined,
}

/// What a device may do with a shared document.
#[uniffi::remote(Enum)]
pub enum Access {
    Read,
    Write,
}

/// Another device this one is paired with or pairing with.
#[uniffi::remote(Record)]
pub struct Peer {
    /// The device's id (32 hex characters): what `share`, `approve_pairing`… take.
    pub id: KeyId,
    /// The name its person chose (empty until the other side has told it).
    pub display_name: String,
    pub status: PeerStatus,
    /// The six digits both screens show; compare them before approving.
    pub verification_code: String,
    /// When the pairing completed, milliseconds since the Unix epoch.
    pub paired_at_ms: Option<i64>,
    /// The relay the pairing went through (from the invite): pass it to `sync_session`.
    pub relay: Option<String>,
    /// Another device of this person (a phone, a tablet) linked with a link invite, rather
    /// than someone else's device paired with an invite.
    pub linked: bool,
}

/// A consent record: one document shared with one device, in force or ended.
#[uniffi::remote(Record)]
pub struct Share {
    pub kind: DocumentKind,
    pub doc_id: String,
    pub peer: KeyId,
    pub peer_name: String,
    pub access: Access,
    /// Why the person shared it, in their words.
    pub purpose: String,
    /// Milliseconds since the Unix epoch, as all times below.
    pub granted_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    /// When it was revoked, expired or replaced; `None` while it is in force.
    pub ended_at_ms: Option<i64>,
    /// `revoked`, `expired` or `replaced`.
    pub end_reason: Option<String>,
}

/// One batch of a document that reached one device (written when the relay acknowledged it).
#[uniffi::remote(Record)]
pub struct Disclosure {
    pub at_ms: i64,
    pub doc_id: String,
    pub kind: DocumentKind,
    pub peer_id: KeyId,
    /// How many changes the batch carried.
    pub changes: u32,
    /// Its size on the wire.
    pub bytes: u64,
    /// `changes`, `snapshot` (the whole document, sent with a grant), or `direct` (changes
    /// sent in a direct session, ADR 0011).
    pub what: String,
}

/// A document someone shared with this device.
#[uniffi::remote(Record)]
pub struct SharedDocument {
    pub doc_id: String,
    pub kind: DocumentKind,
    /// The owner's device id.
    pub owner: KeyId,
    pub owner_name: String,
    /// `None` when the share ended: what arrived is kept, nothing new comes.
    pub access: Option<Access>,
}

/// Who made a change.
#[uniffi::remote(Enum)]
pub enum Author {
    ThisDevice,
    /// A paired device (`id`, 32 hex characters) and its person's name.
    Peer {
        id: KeyId,
        name: String,
    },
    /// The document's deterministic start, or a device this one does not know.
    Unknown,
}

/// Who created an item and who last changed one of its fields.
#[uniffi::remote(Record)]
pub struct Authorship {
    pub created_by: Author,
    pub last_edited_by: Author,
}

// --- the wellbeing summary's items -------------------------------------------------------------

mirror_record! {
    /// One week of check-ins, reduced to averages. The id is the Monday it starts on.
    WeekSummary => tc::WeekSummary {
        id: String => id,
        /// `YYYY-MM-DD`, a Monday.
        week_start: String => day,
        check_ins: u32 => plain,
        /// Mean mood, 0–10, one decimal.
        mood_avg: Option<f64> => plain,
        /// Mean craving, 0–10, one decimal.
        craving_avg: Option<f64> => plain,
        /// Days of the week with substance use recorded; `None` when the owner does not share
        /// it.
        use_days: Option<u32> => plain,
        /// Mood points gained (negative: lost) over the 14 days ending on the week's last day,
        /// by Theil–Sen; `None` with too few check-ins or when not shared.
        #[uniffi(default)]
        mood_course: Option<f64> => plain,
        /// The same for craving.
        #[uniffi(default)]
        craving_course: Option<f64> => plain,
    }
}

mirror_record! {
    /// A recovery run's latest milestone, without the lapse details.
    SharedMilestone => tc::SharedMilestone {
        /// The recovery's id in the journal.
        id: String => id,
        /// What the person is recovering from, as they named it.
        recovery: String => plain,
        /// `YYYY-MM-DD`.
        since: String => day,
        days: i64 => plain,
        /// The last milestone reached, in days.
        milestone_days: Option<i64> => plain,
    }
}

mirror_record! {
    /// An open warning, without the check-in behind it. The id is the rule's code
    /// (`high_craving`, `mood_drop`, …) for the reader's app to word.
    SharedAlert => tc::SharedAlert {
        id: String => id,
        /// `YYYY-MM-DD`.
        since: String => day,
    }
}

/// Which fields of the wellbeing summary the owner shares; a field not chosen never leaves
/// the device.
#[uniffi::remote(Record)]
pub struct WellbeingFields {
    pub mood: bool,
    pub craving: bool,
    pub use_days: bool,
    pub trends: bool,
    pub milestones: bool,
    pub alerts: bool,
}

// --- notes and suggestions ---------------------------------------------------------------------

/// A note a mentor wrote for the person.
#[uniffi::remote(Record)]
pub struct MentorNote {
    pub id: ItemId,
    pub text: String,
    pub written_at_ms: i64,
}

#[uniffi::remote(Enum)]
pub enum SuggestionStatus {
    Open,
    Accepted,
    Dismissed,
}

/// A suggested item for one of the person's sections, with the person's decision.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Suggestion {
    pub id: String,
    /// The section's key (`coping_strategies`, `meetings`, …), as the core keeps it.
    pub section: String,
    /// The item, typed; `None` when the JSON does not read as an item of that section (it is
    /// checked again when the person accepts it).
    pub item: Option<SectionItem>,
    /// The item as the core's JSON of its type.
    pub item_json: String,
    /// Why the mentor suggests it.
    pub message: String,
    pub status: SuggestionStatus,
    pub suggested_at_ms: i64,
    pub decided_at_ms: Option<i64>,
}

impl From<tc::Suggestion> for Suggestion {
    fn from(s: tc::Suggestion) -> Self {
        let tc::Suggestion {
            id,
            section,
            item_json,
            message,
            status,
            suggested_at_ms,
            decided_at_ms,
        } = s;
        Suggestion {
            id: crate::convert::id::from_core(id),
            item: crate::shared_docs::item_from_json(&section, &item_json),
            section,
            item_json,
            message,
            status,
            suggested_at_ms,
            decided_at_ms,
        }
    }
}

/// A suggestion as the person sees it, with who made it. Accept or dismiss it with
/// `notes_doc_id` and `suggestion.id`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReceivedSuggestion {
    pub notes_doc_id: String,
    /// The mentor's device id (`from` in the core; renamed, as `from` is a Python keyword).
    pub from_id: String,
    pub from_name: String,
    pub suggestion: Suggestion,
}

impl From<tc::ReceivedSuggestion> for ReceivedSuggestion {
    fn from(r: tc::ReceivedSuggestion) -> Self {
        let tc::ReceivedSuggestion {
            notes_doc_id,
            from,
            from_name,
            suggestion,
        } = r;
        ReceivedSuggestion {
            notes_doc_id,
            from_id: crate::convert::key_id::from_core(from),
            from_name,
            suggestion: suggestion.into(),
        }
    }
}

/// A mentor's note as the person sees it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReceivedNote {
    /// The mentor's device id.
    pub from_id: String,
    pub from_name: String,
    pub note: MentorNote,
}

impl From<tc::ReceivedNote> for ReceivedNote {
    fn from(r: tc::ReceivedNote) -> Self {
        let tc::ReceivedNote {
            from,
            from_name,
            note,
        } = r;
        ReceivedNote {
            from_id: crate::convert::key_id::from_core(from),
            from_name,
            note,
        }
    }
}

// --- one item of any section -------------------------------------------------------------------

/// Calls `callback!` with every section whose items a [`SectionItem`] can carry, from the
/// core's one list of sections (`twofold_core::for_each_section!`), one line per section:
/// `Variant key CONSTANT: Item, …;` (the item named as its mirror is, in `model::items`). A
/// mentor's notes and suggestions are left out: they have their own calls (`mentor_notes`,
/// `suggestions`).
macro_rules! with_item_sections {
    ($callback:ident) => {
        twofold_core::for_each_section!($crate::model::sharing::with_item_sections, @to $callback);
    };
    (@to $callback:ident
        Plan($plan:ident) { $($plan_sections:tt)* }
        Contacts($contacts:ident) { $($contacts_sections:tt)* }
        Schedule($schedule:ident) { $($schedule_sections:tt)* }
        Journal($journal:ident) { $($journal_sections:tt)* }
        Summary($summary:ident) { $($summary_sections:tt)* }
        Notes($notes:ident) { $($notes_sections:tt)* }
    ) => {
        $callback! {
            $($plan_sections)* $($contacts_sections)* $($schedule_sections)*
            $($journal_sections)* $($summary_sections)*
        }
    };
}
pub(crate) use with_item_sections;

macro_rules! define_section_item {
    ($( $variant:ident $key:ident $constant:ident: $item:ident,
        ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+) => {
        /// One item of any section, typed, named by its section: what `shared_list` returns,
        /// `shared_put` and `suggest` take (`SectionItem.CopingStrategies(item)` in Kotlin,
        /// `.copingStrategies(item:)` in Swift, `SectionItem.COPING_STRATEGIES(item)` in
        /// Python).
        #[derive(Debug, Clone, PartialEq, uniffi::Enum)]
        #[allow(clippy::large_enum_variant)] // one item per call; boxing buys nothing here
        pub enum SectionItem {
            $( $variant { item: $crate::model::items::$item } ),+
        }

        impl SectionItem {
            /// The section the item belongs to.
            pub fn section(&self) -> SectionName {
                match self {
                    $( SectionItem::$variant { .. } => SectionName::$variant ),+
                }
            }
        }
    };
}
with_item_sections!(define_section_item);
