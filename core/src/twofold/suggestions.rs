//! A mentor's notes and suggestions for one person: a document the mentor owns and shares
//! back read-write, so a mentor with only a read-only view of the plan can still suggest a
//! coping strategy, a meeting or a plan change. The person accepts a suggestion (it is
//! validated and copied into their own document) or dismisses it; either way the mentor sees
//! the decision.

use super::listeners::ChangeOrigin;
use super::{DocSel, Twofold};
use crate::crypto::KeyId;
use crate::docs::any_item::AnyItem;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::{self as s, Item, Section, SectionId};
use crate::docs::snapshot::prefix;
use crate::docs::suggested::{checked, parse, suggestible};
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::sharing::{MentorNote, Suggestion, SuggestionStatus};
use crate::model::validate::{optional, Validate, MAX_LONG};
use crate::store::peers;
use crate::sync::Access;

/// A suggestion as the person sees it, with who made it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedSuggestion {
    pub notes_doc_id: String,
    pub from: KeyId,
    pub from_name: String,
    pub suggestion: Suggestion,
}

/// A mentor's note as the person sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedNote {
    pub from: KeyId,
    pub from_name: String,
    pub note: MentorNote,
}

/// Copies a suggested item into the person's own section: the typed dispatch from a section
/// named at run time, from the one list of sections.
macro_rules! accept_dispatch {
    ($( $doc:ident($snapshot:ident) {
        $( $variant:ident $key:ident $constant:ident: $item:ident,
           ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+
    } )+) => {
        fn accept_json(store: &Twofold, section: SectionId, json: &str) -> Result<()> {
            match section {
                $($( SectionId::$variant => store.put_any(section, &parse(s::$constant, json)?), )+)+
            }
        }
    };
}

crate::for_each_section!(accept_dispatch);

impl Twofold {
    /// The notes document this device keeps for `peer`, made and shared on first use.
    fn notes_doc_for(&self, peer: &KeyId) -> Result<String> {
        self.paired(peer)?;
        let existing = self.read(|docs| {
            Ok(docs
                .others
                .values()
                .find(|d| d.kind == DocKind::Notes && d.owner.is_none() && d.peer == Some(*peer))
                .map(|d| d.doc_id.clone()))
        })?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let doc = Self::create_doc(
            &self.db,
            &Self::actor_of(&self.identity),
            DocKind::Notes,
            Some(*peer),
            self.now_ms(),
        )?;
        let id = doc.doc_id.clone();
        self.docs_write()?.others.insert(id.clone(), doc);
        self.share_doc(
            DocSel::Id(&id),
            peer,
            Access::Write,
            "notes and suggestions",
            None,
        )?;
        Ok(id)
    }

    /// Mentor side: a note for the person.
    pub fn add_mentor_note(&self, peer: &KeyId, text: &str) -> Result<MentorNote> {
        let note = MentorNote {
            id: ItemId::with_prefix(&self.now_ms().to_string()),
            text: text.to_string(),
            written_at_ms: self.now_ms(),
        };
        note.validate()
            .map_err(|e| prefix(SectionId::MentorNotes, e))?;
        let doc_id = self.notes_doc_for(peer)?;
        self.change_doc(DocSel::Id(&doc_id), ChangeOrigin::Local, |_, am| {
            items::put(am, s::MENTOR_NOTES, &note).map(|_| ())
        })?;
        Ok(note)
    }

    /// Mentor side: suggests an item for one of the person's sections (`s::COPING_STRATEGIES`
    /// and a `CopingStrategy`). It is validated now, and again when the person accepts it.
    pub fn suggest<T: Item>(
        &self,
        peer: &KeyId,
        section: Section<T>,
        item: T,
        message: &str,
    ) -> Result<Suggestion> {
        self.suggest_any(peer, section.id, &item, message)
    }

    /// [`Twofold::suggest`] with the item's type erased: compiled once, not once per section.
    fn suggest_any(
        &self,
        peer: &KeyId,
        section: SectionId,
        item: &dyn AnyItem,
        message: &str,
    ) -> Result<Suggestion> {
        let item_json = checked(section, item)?;
        optional("message", message, MAX_LONG)?;
        let now = self.now_ms();
        let suggestion = Suggestion {
            id: ItemId::with_prefix(&now.to_string()),
            section: section.key().to_string(),
            item_json,
            message: message.to_string(),
            status: SuggestionStatus::Open,
            suggested_at_ms: now,
            decided_at_ms: None,
        };
        let doc_id = self.notes_doc_for(peer)?;
        self.change_doc(DocSel::Id(&doc_id), ChangeOrigin::Local, |_, am| {
            items::put(am, s::SUGGESTIONS, &suggestion).map(|_| ())
        })?;
        Ok(suggestion)
    }

    /// Mentor side: the notes and suggestions kept for `peer`, with the person's decisions.
    pub fn suggestions_for(&self, peer: &KeyId) -> Result<Vec<Suggestion>> {
        self.read(|docs| {
            match docs
                .others
                .values()
                .find(|d| d.kind == DocKind::Notes && d.owner.is_none() && d.peer == Some(*peer))
            {
                Some(d) => items::list(&d.am, s::SUGGESTIONS),
                None => Ok(Vec::new()),
            }
        })
    }

    fn notes_docs(&self) -> Result<Vec<(String, KeyId, String)>> {
        let peers = self.db.read(peers::list)?;
        self.read(|docs| {
            Ok(docs
                .others
                .values()
                .filter(|d| d.kind == DocKind::Notes)
                .filter_map(|d| {
                    let from = d.owner?;
                    let name = peers
                        .iter()
                        .find(|p| p.peer_id == from)
                        .map(|p| p.display_name.clone())
                        .unwrap_or_default();
                    Some((d.doc_id.clone(), from, name))
                })
                .collect())
        })
    }

    /// The person's side: every suggestion from every mentor, open ones first.
    pub fn suggestions(&self) -> Result<Vec<ReceivedSuggestion>> {
        let mut out = Vec::new();
        for (doc_id, from, from_name) in self.notes_docs()? {
            for suggestion in self.shared_list(&doc_id, s::SUGGESTIONS)? {
                out.push(ReceivedSuggestion {
                    notes_doc_id: doc_id.clone(),
                    from,
                    from_name: from_name.clone(),
                    suggestion,
                });
            }
        }
        crate::sorting::sort_by_key(&mut out, |r| {
            (
                r.suggestion.status != SuggestionStatus::Open,
                r.suggestion.suggested_at_ms,
            )
        });
        Ok(out)
    }

    /// The person's side: every mentor note, oldest first.
    pub fn mentor_notes(&self) -> Result<Vec<ReceivedNote>> {
        let mut out = Vec::new();
        for (doc_id, from, from_name) in self.notes_docs()? {
            for note in self.shared_list(&doc_id, s::MENTOR_NOTES)? {
                out.push(ReceivedNote {
                    from,
                    from_name: from_name.clone(),
                    note,
                });
            }
        }
        crate::sorting::sort_by_key(&mut out, |n| n.note.written_at_ms);
        Ok(out)
    }

    /// Copies the suggested item into the person's own document and marks it accepted.
    pub fn accept_suggestion(&self, notes_doc_id: &str, id: &ItemId) -> Result<()> {
        let suggestion = self.shared_get(notes_doc_id, s::SUGGESTIONS, id)?;
        if suggestion.status != SuggestionStatus::Open {
            return Err(Error::invalid("suggestion", "was already decided"));
        }
        let section = SectionId::parse("suggestion.section", &suggestion.section)?;
        suggestible(section)?;
        accept_json(self, section, &suggestion.item_json)?;
        self.decide(notes_doc_id, suggestion, SuggestionStatus::Accepted)
    }

    pub fn dismiss_suggestion(&self, notes_doc_id: &str, id: &ItemId) -> Result<()> {
        let suggestion = self.shared_get(notes_doc_id, s::SUGGESTIONS, id)?;
        if suggestion.status != SuggestionStatus::Open {
            return Err(Error::invalid("suggestion", "was already decided"));
        }
        self.decide(notes_doc_id, suggestion, SuggestionStatus::Dismissed)
    }

    fn decide(
        &self,
        notes_doc_id: &str,
        mut suggestion: Suggestion,
        status: SuggestionStatus,
    ) -> Result<()> {
        suggestion.status = status;
        suggestion.decided_at_ms = Some(self.now_ms());
        self.shared_put(notes_doc_id, s::SUGGESTIONS, suggestion)
    }
}
