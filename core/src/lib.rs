//! Twofold's core: the support plan, contacts, meeting schedule and journal of a person in
//! recovery from a dual diagnosis, kept as Automerge documents in an encrypted SQLite store.
//!
//! Start at [`Twofold`]: open a store with a path and a 32-byte key; everything hangs off it.
//! Where is a check-in stored? [`Twofold::record_check_in`] → `docs` (the journal document) →
//! `store::chunks` (its bytes in SQLite).

pub mod backup;
mod blocking_pool;
mod bundled;
pub mod crypto;
pub mod direct;
pub mod docs;
pub mod error;
pub mod finder;
pub mod formats;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod insights;
mod json_bytes;
pub mod lock;
pub mod model;
pub mod net;
pub mod schedule;
mod sorting;
pub mod store;
pub mod sync;
mod twofold;

pub use crypto::KeyId;
#[cfg(feature = "mdns")]
pub use direct::Advertisement;
pub use direct::{
    AddressHint, DirectListener, DirectOptions, DirectProblem, DirectReport, DirectSync, HintError,
    DISCOVERY_SERVICE_TYPE, DISCOVERY_WINDOW_MS,
};
pub use docs::conflicts::FieldConflict;
pub use docs::guarded_load::LoadLimits;
pub use docs::kind::DocKind;
pub use docs::sections::{self, Item, Section, SectionId};
pub use docs::snapshot::{DocumentSnapshot, JsonExport};
pub use error::{Error, Invalid, Result};
pub use finder::{FinderJoin, FinderQuery, FinderWhen, FoundMeeting, Near};
pub use formats::{
    ImportEntry, ImportOutcome, ImportReport, MeetingGuideFilter, MeetingGuideImport,
};
pub use insights::adherence::Adherence;
pub use insights::crisis::{CrisisScreen, LocalCrisisLine};
pub use insights::doses::DueDose;
pub use insights::help::{HelpDefaults, HelpDraft, HelpMessage, HelpRecipient};
pub use insights::i18n::{Lang, Phrase};
pub use insights::milestones::{LapseHistory, Milestone, RecoveryProgress};
pub use insights::patterns::{Direction, Patterns};
pub use insights::review::PlanReview;
pub use insights::rules::{Alert, AlertPriority, CheckInOutcome, NextStep, Rule};
pub use insights::summary::{Summary, SummaryOptions, SummaryPart};
pub use insights::thresholds::{ThresholdSettings, ThresholdSuggestion, Thresholds};
pub use model::circle::{
    CircleMeeting, CircleMember, CircleMessage, CircleReaction, CircleRole, CircleStatus,
    CircleSummary, CircleView,
};
pub use model::contacts::*;
pub use model::harm_reduction::*;
pub use model::ids::ItemId;
pub use model::journal::*;
pub use model::medication::*;
pub use model::plan::*;
pub use model::schedule::*;
pub use model::sharing::*;
pub use model::sos::{NewSos, SosLocation, SosReply, SosState};
pub use model::time::{Day, LocalDateTime};
pub use net::{
    LiveSync, NetOptions, NetProblem, Progress, RelayTransport, SyncClient, SyncReport, SyncStatus,
};
pub use schedule::{
    AttendanceCount, CareReminder, CareReminderKind, CountPeriod, Occurrence, Reminder,
    ReminderCode,
};
pub use store::database::KEY_LEN;
pub use store::finder_regions::RegionFeed;
pub use sync::{
    Access, Follow, MailboxFollow, MailboxPost, Outgoing, OutgoingEnvelope, Received, RejectReason,
    SyncEngine,
};
pub use twofold::{
    erase_store_at, lock_state, set_aside_store_at, AppLockStatus, Attention, Author, Authorship,
    ChangeOrigin, Clock, Disclosure, DocChanged, HomeScreen, Interruption, LadderRung,
    LapseRecorded, LockState, Mentee, MentorView, NewCheckIn, OpenOptions, Peer, PeerStatus,
    QuietHours, ReceivedNote, ReceivedSos, ReceivedSuggestion, SentSos, Share, SharedChanged,
    SharedDocument, SosEvent, SosRung, Streak, Subscription, Twofold, Watched, Watcher,
    CIRCLE_PURPOSE, LINKED_DEVICE_PURPOSE,
};
