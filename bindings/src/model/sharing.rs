//! Pairing, consent and what others shared: peers and their status, shares and the disclosure
//! log, documents shared with this device and who wrote what, the wellbeing summary's items,
//! and a mentor's notes and suggestions. Mirrors of `twofold_core::{Peer, Share, …}` and
//! `twofold_core::model::sharing`.
//!
//! Device ids (`peer_id`, `owner`, `from`) and document ids are 32 lowercase hex characters.
//! [`SectionItem`] carries one item of any section, typed, for the calls that name the
//! section at run time (shared documents, suggestions).

use twofold_core as tc;

use crate::convert::{mirror_enum, mirror_record};
use crate::model::documents::{DocumentKind, SectionName};

mirror_enum! {
    /// Where a pairing stands.
    PeerStatus => tc::PeerStatus {
        /// This device answered an invite; the owner has not decided yet.
        AwaitingApproval,
        /// Someone answered this device's invite; compare the codes, then approve or decline.
        NeedsDecision,
        Paired,
        Declined,
    }
}

mirror_enum! {
    /// What a device may do with a shared document.
    Access => tc::Access { Read, Write }
}

mirror_record! {
    out
    /// Another device this one is paired with or pairing with.
    Peer => tc::Peer {
        /// The device's id (32 hex characters): what `share`, `approve_pairing`… take.
        id: String => key_id,
        /// The name its person chose (empty until the other side has told it).
        display_name: String => plain,
        status: PeerStatus => plain,
        /// The six digits both screens show; compare them before approving.
        verification_code: String => plain,
        /// When the pairing completed, milliseconds since the Unix epoch.
        paired_at_ms: Option<i64> => plain,
        /// The relay the pairing went through (from the invite): pass it to `sync_session`.
        relay: Option<String> => plain,
    }
}

mirror_record! {
    out
    /// A consent record: one document shared with one device, in force or ended.
    Share => tc::Share {
        kind: DocumentKind => plain,
        doc_id: String => plain,
        peer: String => key_id,
        peer_name: String => plain,
        access: Access => plain,
        /// Why the person shared it, in their words.
        purpose: String => plain,
        /// Milliseconds since the Unix epoch, as all times below.
        granted_at_ms: i64 => plain,
        expires_at_ms: Option<i64> => plain,
        /// When it was revoked, expired or replaced; `None` while it is in force.
        ended_at_ms: Option<i64> => plain,
        /// `revoked`, `expired` or `replaced`.
        end_reason: Option<String> => plain,
    }
}

mirror_record! {
    out
    /// One batch of a document that reached one device (written when the relay acknowledged it).
    Disclosure => tc::Disclosure {
        at_ms: i64 => plain,
        doc_id: String => plain,
        kind: DocumentKind => plain,
        peer_id: String => key_id,
        /// How many changes the batch carried.
        changes: u32 => plain,
        /// Its size on the wire.
        bytes: u64 => plain,
        /// `changes`, or `snapshot` (the whole document, sent with a grant).
        what: String => plain,
    }
}

mirror_record! {
    out
    /// A document someone shared with this device.
    SharedDocument => tc::SharedDocument {
        doc_id: String => plain,
        kind: DocumentKind => plain,
        /// The owner's device id.
        owner: String => key_id,
        owner_name: String => plain,
        /// `None` when the share ended: what arrived is kept, nothing new comes.
        access: Option<Access> => opt,
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Author {
    ThisDevice,
    /// A paired device (`id`, 32 hex characters) and its person's name.
    Peer {
        id: String,
        name: String,
    },
    /// The document's deterministic start, or a device this one does not know.
    Unknown,
}

impl From<tc::Author> for Author {
    fn from(a: tc::Author) -> Self {
        match a {
            tc::Author::ThisDevice => Author::ThisDevice,
            tc::Author::Peer { id, name } => Author::Peer {
                id: crate::convert::key_id::from_core(id),
                name,
            },
            tc::Author::Unknown => Author::Unknown,
        }
    }
}

mirror_record! {
    out
    /// Who created an item and who last changed one of its fields.
    Authorship => tc::Authorship {
        created_by: Author => plain,
        last_edited_by: Author => plain,
    }
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
        /// Days of the week with substance use recorded.
        use_days: u32 => plain,
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

// --- notes and suggestions ---------------------------------------------------------------------

mirror_record! {
    out
    /// A note a mentor wrote for the person.
    MentorNote => tc::MentorNote {
        id: String => id,
        text: String => plain,
        written_at_ms: i64 => plain,
    }
}

mirror_enum! {
    SuggestionStatus => tc::SuggestionStatus { Open, Accepted, Dismissed }
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
            status: status.into(),
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
            note: note.into(),
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
