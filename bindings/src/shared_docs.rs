//! `TwofoldStore`'s reading side of sharing: documents other people shared with this device,
//! read and (where the share allows) written with the same typed items as one's own, and who
//! wrote what.
//!
//! Sections are named at run time (`SectionName`) and items travel as [`SectionItem`], so one
//! method per operation covers every section; the dispatch from a section to the core's typed
//! `Section<T>` is generated from the core's one list of sections (`with_item_sections`).
//! Writing a document shared read-only (or whose share ended) is `NotAllowed`.

use twofold_core::{sections, Item, KeyId, Section, SectionId, Twofold, Watched};

use crate::convert::{self, ToCore};
use std::sync::Arc;

use crate::error::{guard, Result, TwofoldError};
use crate::listeners::{self, DocumentListener, SubscriptionHandle};
use crate::model::documents::{DocumentKind, DocumentSnapshot, SectionName};
use crate::model::sharing::{with_item_sections, Authorship, SectionItem, SharedDocument};
use crate::store::TwofoldStore;

/// A mentor's notes and suggestions are read with their own calls.
fn not_an_item_section() -> TwofoldError {
    TwofoldError::invalid(
        "section",
        "is read with mentor_notes and suggestions, not as items",
    )
}

/// An item of `section` from the core's JSON of its type.
fn parse_as<T: Item>(_: Section<T>, json: &str) -> Option<T> {
    serde_json::from_str(json).ok()
}

macro_rules! dispatch {
    ($( $variant:ident $key:ident $constant:ident: $item:ident,
        ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+) => {
        /// `shared_list` of a section named at run time.
        fn list_any(core: &Twofold, doc_id: &str, section: SectionName) -> Result<Vec<SectionItem>> {
            match section {
                $( SectionName::$variant => Ok(core
                    .shared_list(doc_id, sections::$constant)?
                    .into_iter()
                    .map(|item| SectionItem::$variant { item: item.into() })
                    .collect()), )+
                SectionName::MentorNotes | SectionName::Suggestions => Err(not_an_item_section()),
            }
        }

        /// `shared_get` of a section named at run time.
        fn get_any(
            core: &Twofold,
            doc_id: &str,
            section: SectionName,
            id: &twofold_core::ItemId,
        ) -> Result<SectionItem> {
            match section {
                $( SectionName::$variant => Ok(SectionItem::$variant {
                    item: core.shared_get(doc_id, sections::$constant, id)?.into(),
                }), )+
                SectionName::MentorNotes | SectionName::Suggestions => Err(not_an_item_section()),
            }
        }

        /// `shared_put` of an item of any section, checked like the owner's own writes.
        fn put_any(core: &Twofold, doc_id: &str, item: SectionItem) -> Result<()> {
            match item {
                $( SectionItem::$variant { item } => {
                    let section = sections::$constant;
                    let item = item.to_core(section.id.key())?;
                    Ok(core.shared_put(doc_id, section, item)?)
                } )+
            }
        }

        /// `suggest` of an item of any section: converted to the core's type of that
        /// section's items (field errors name the section, as for any write), then checked
        /// by the core.
        pub(crate) fn suggest_any(
            core: &Twofold,
            peer: &KeyId,
            item: SectionItem,
            message: &str,
        ) -> Result<twofold_core::Suggestion> {
            match item {
                $( SectionItem::$variant { item } => {
                    let section = sections::$constant;
                    let item = item.to_core(section.id.key())?;
                    Ok(core.suggest(peer, section, item, message)?)
                } )+
            }
        }

        /// A typed item from a section key and the core's JSON, or `None` if it does not
        /// read as one (a suggestion's item, checked again when accepted).
        pub(crate) fn item_from_json(section_key: &str, json: &str) -> Option<SectionItem> {
            match SectionId::parse("section", section_key).ok()? {
                $( SectionName::$variant => parse_as(sections::$constant, json)
                    .map(|item| SectionItem::$variant { item: item.into() }), )+
                SectionName::MentorNotes | SectionName::Suggestions => None,
            }
        }
    };
}
with_item_sections!(dispatch);

#[uniffi::export]
impl TwofoldStore {
    /// Documents other people shared with this device, grouped by person, then by kind.
    pub fn shared_with_me(&self) -> Result<Vec<SharedDocument>> {
        self.read(|core| Ok(core.shared_with_me()?))
    }

    /// The id of one of this device's own documents (to compare with what peers list, or to
    /// ask `authorship` about one's own items).
    pub fn doc_id(&self, kind: DocumentKind) -> Result<String> {
        self.read(|core| Ok(core.doc_id(kind)?))
    }

    /// Every item of one section of a document shared with this device, in order.
    /// `NotFound` for a document not shared with this device; `InvalidInput` on `section` for
    /// a section of another document.
    pub fn shared_list(&self, doc_id: String, section: SectionName) -> Result<Vec<SectionItem>> {
        self.read(|core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            list_any(core, &doc_id, section)
        })
    }

    /// One item of a document shared with this device (`NotFound` if there is none).
    pub fn shared_get(
        &self,
        doc_id: String,
        section: SectionName,
        id: String,
    ) -> Result<SectionItem> {
        self.read(|core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            let id = convert::id::to_core(id, "", "id")?;
            get_any(core, &doc_id, section, &id)
        })
    }

    /// Adds or replaces an item in a document shared with this device read-write; it reaches
    /// the owner at the next sync. Checked like the owner's own writes. `NotAllowed` on a
    /// read-only share or one that ended.
    pub async fn shared_put(&self, doc_id: String, item: SectionItem) -> Result<()> {
        self.write(move |core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            put_any(core, &doc_id, item)
        })
        .await
    }

    /// Removes an item from a document shared with this device read-write.
    pub async fn shared_remove(
        &self,
        doc_id: String,
        section: SectionName,
        id: String,
    ) -> Result<()> {
        self.write(move |core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            let id = convert::id::to_core(id, "", "id")?;
            Ok(core.shared_remove(&doc_id, section, &id)?)
        })
        .await
    }

    /// The whole typed state of a document shared with this device.
    pub async fn shared_snapshot(&self, doc_id: String) -> Result<DocumentSnapshot> {
        self.write(move |core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            Ok(core.shared_snapshot(&doc_id)?.into())
        })
        .await
    }

    /// Calls `listener` with the typed state of a document shared with this device, then
    /// after every change: the owner's changes arriving, a new epoch's snapshot, the share
    /// ending, or this device's own writes.
    pub fn subscribe_shared_document(
        &self,
        doc_id: String,
        listener: Arc<dyn DocumentListener>,
    ) -> Result<Arc<SubscriptionHandle>> {
        guard(|| {
            let core = self.core()?;
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            let read_id = doc_id.clone();
            listeners::subscribe(
                &core,
                Watched::Shared(doc_id),
                move |core| Ok(core.shared_snapshot(&read_id)?.into()),
                move |snapshot| listener.on_document(snapshot),
            )
        })
    }

    /// Who created an item of any document this device holds (its own or shared with it), and
    /// who changed it last.
    pub fn authorship(
        &self,
        doc_id: String,
        section: SectionName,
        id: String,
    ) -> Result<Authorship> {
        self.read(|core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            let id = convert::id::to_core(id, "", "id")?;
            Ok(core.authorship(&doc_id, section, &id)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::{CopingStrategy, Domain};

    #[test]
    fn a_stored_item_reads_back_typed_under_its_own_section_only() {
        let item = CopingStrategy {
            id: crate::new_item_id(),
            description: "cold water on the face".to_string(),
            domain: Domain::Both,
        };
        let core = item.clone().to_core("coping_strategies").expect("valid");
        let json = serde_json::to_string(&core).expect("json");
        let typed = SectionItem::CopingStrategies { item };
        assert_eq!(typed.section(), SectionName::CopingStrategies);
        assert_eq!(item_from_json("coping_strategies", &json), Some(typed));
        assert_eq!(item_from_json("meetings", &json), None);
        assert_eq!(item_from_json("suggestions", &json), None);
        assert_eq!(item_from_json("no_such_section", &json), None);
    }
}
