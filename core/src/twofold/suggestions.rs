//! A mentor's notes and suggestions for one person: a document the mentor owns and shares
//! back read-write, so a mentor with only a read-only view of the plan can still suggest a
//! coping strategy, a meeting or a plan change. The person accepts a suggestion (it is
//! validated and copied into their own document) or dismisses it; either way the mentor sees
//! the decision.

use super::listeners::ChangeOrigin;
use super::{DocSel, Twofold};
use crate::crypto::KeyId;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::{self as s, Item, Section, SectionId};
use crate::docs::snapshot::prefix;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::sharing::{MentorNote, Suggestion, SuggestionStatus, MAX_ITEM_JSON};
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

fn parse<T: Item>(section: Section<T>, json: &str) -> Result<T> {
    if json.len() > MAX_ITEM_JSON {
        return Err(Error::invalid("item_json", "is too long"));
    }
    let item: T = serde_json::from_str(json)
        .map_err(|_| Error::invalid("item_json", format!("is not a {} item", section.id.key())))?;
    ItemId::parse(&format!("{}.id", section.id.key()), item.id().as_str())?;
    item.validate().map_err(|e| prefix(section.id, e))?;
    Ok(item)
}

fn check<T: Item>(section: Section<T>, json: &str, _: &Twofold) -> Result<()> {
    parse(section, json).map(|_| ())
}

fn accept<T: Item>(section: Section<T>, json: &str, store: &Twofold) -> Result<()> {
    store.put(section, parse(section, json)?)
}

/// The sections a suggestion may target, each with its typed item.
macro_rules! suggestible {
    ($section:expr, $json:expr, $store:expr, $f:ident; $($id:ident => $c:ident),+ $(,)?) => {
        match $section {
            $(SectionId::$id => $f(s::$c, $json, $store),)+
            _ => Err(Error::invalid("section", "cannot take suggestions")),
        }
    };
}

macro_rules! dispatch {
    ($section:expr, $json:expr, $store:expr, $f:ident) => {
        suggestible!($section, $json, $store, $f;
            DailyMaintenance => DAILY_MAINTENANCE,
            Triggers => TRIGGERS,
            WarningSigns => WARNING_SIGNS,
            CopingStrategies => COPING_STRATEGIES,
            Distractions => DISTRACTIONS,
            Reasons => REASONS,
            Goals => GOALS,
            GoalSteps => GOAL_STEPS,
            WhatHelps => WHAT_HELPS,
            WhatDoesNotHelp => WHAT_DOES_NOT_HELP,
            EnvironmentSafety => ENVIRONMENT_SAFETY,
            LapsePlan => LAPSE_PLAN,
            PostCrisisPlan => POST_CRISIS_PLAN,
            Contacts => CONTACTS,
            Meetings => MEETINGS,
        )
    };
}

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
        self.docs_write().others.insert(id.clone(), doc);
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

    /// Mentor side: suggests an item (as the JSON of its type) for one of the person's
    /// sections. It is validated now, and again when the person accepts it.
    pub fn suggest(
        &self,
        peer: &KeyId,
        section: SectionId,
        item_json: &str,
        message: &str,
    ) -> Result<Suggestion> {
        dispatch!(section, item_json, self, check)?;
        optional("message", message, MAX_LONG)?;
        let now = self.now_ms();
        let suggestion = Suggestion {
            id: ItemId::with_prefix(&now.to_string()),
            section: section.key().to_string(),
            item_json: item_json.to_string(),
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
        out.sort_by_key(|r| {
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
        out.sort_by_key(|n| n.note.written_at_ms);
        Ok(out)
    }

    /// Copies the suggested item into the person's own document and marks it accepted.
    pub fn accept_suggestion(&self, notes_doc_id: &str, id: &ItemId) -> Result<()> {
        let suggestion = self.shared_get(notes_doc_id, s::SUGGESTIONS, id)?;
        if suggestion.status != SuggestionStatus::Open {
            return Err(Error::invalid("suggestion", "was already decided"));
        }
        let section = SectionId::parse("suggestion.section", &suggestion.section)?;
        dispatch!(section, &suggestion.item_json, self, accept)?;
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
