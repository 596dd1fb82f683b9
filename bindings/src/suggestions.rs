//! `TwofoldStore`'s notes and suggestions, and the wellbeing summary. A mentor writes notes
//! and suggests items for the person's sections (even with only a read-only view of the
//! plan); the person accepts a suggestion (validated and copied into their own document) or
//! dismisses it, and the mentor sees the decision. The summary is what a person shares
//! instead of their journal: numbers and milestones, never notes.

use crate::convert;
use crate::error::Result;
use crate::model::sharing::{
    MentorNote, ReceivedNote, ReceivedSuggestion, SectionItem, Suggestion,
};
use crate::shared_docs::suggest_any;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Mentor side: a note for the person on `peer_id` (paired, or `NotAllowed`). The notes
    /// document is made and shared with them on first use; it reaches them at the next sync.
    pub async fn add_mentor_note(&self, peer_id: String, text: String) -> Result<MentorNote> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.add_mentor_note(&peer, &text)?)
        })
        .await
    }

    /// Mentor side: suggests `item` for the section it names (a coping strategy, a meeting, a
    /// plan change…), with a `message` saying why. Checked now like any write, and again when
    /// the person accepts it. Sections that cannot take suggestions (the journal, the crisis
    /// contacts…) are `InvalidInput` on `section`.
    pub async fn suggest(
        &self,
        peer_id: String,
        item: SectionItem,
        message: String,
    ) -> Result<Suggestion> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(suggest_any(core, &peer, item, &message)?.into())
        })
        .await
    }

    /// Mentor side: the suggestions made to the person on `peer_id`, with their decisions.
    pub fn suggestions_for(&self, peer_id: String) -> Result<Vec<Suggestion>> {
        self.read(|core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core
                .suggestions_for(&peer)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// The person's side: every suggestion from every mentor, open ones first.
    pub fn suggestions(&self) -> Result<Vec<ReceivedSuggestion>> {
        self.read(|core| Ok(core.suggestions()?.into_iter().map(Into::into).collect()))
    }

    /// The person's side: every mentor note, oldest first.
    pub fn mentor_notes(&self) -> Result<Vec<ReceivedNote>> {
        self.read(|core| Ok(core.mentor_notes()?.into_iter().map(Into::into).collect()))
    }

    /// The person's side: copies the suggested item into their own document (checked like any
    /// write) and marks it accepted. `InvalidInput` on `suggestion` if already decided.
    pub async fn accept_suggestion(&self, notes_doc_id: String, id: String) -> Result<()> {
        self.write(move |core| {
            let doc_id = convert::doc_id::to_core(notes_doc_id, "", "notes_doc_id")?;
            let id = convert::id::to_core(id, "", "id")?;
            Ok(core.accept_suggestion(&doc_id, &id)?)
        })
        .await
    }

    /// The person's side: marks a suggestion dismissed; nothing is copied.
    pub async fn dismiss_suggestion(&self, notes_doc_id: String, id: String) -> Result<()> {
        self.write(move |core| {
            let doc_id = convert::doc_id::to_core(notes_doc_id, "", "notes_doc_id")?;
            let id = convert::id::to_core(id, "", "id")?;
            Ok(core.dismiss_suggestion(&doc_id, &id)?)
        })
        .await
    }

    /// Rewrites the wellbeing summary from the journal as of `today` (`YYYY-MM-DD`): weekly
    /// mood and craving averages, each recovery's milestone, the open warnings. A shared
    /// summary is also refreshed by `sync_outgoing`.
    pub async fn refresh_wellbeing_summary(&self, today: String) -> Result<()> {
        self.write(move |core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core.refresh_wellbeing_summary(today)?)
        })
        .await
    }
}
