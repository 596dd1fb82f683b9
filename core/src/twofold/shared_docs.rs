//! The mentor's side: documents other people shared with this device, listed per person,
//! read with the same typed sections as one's own, written where the share allows, and who
//! wrote what.

use automerge::{ObjId, ReadDoc, Value};

use super::listeners::ChangeOrigin;
use super::{DocAccess, DocSel, Twofold};
use crate::crypto::KeyId;
use crate::docs::any_item::{check, AnyItem};
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::{Item, Section, SectionId};
use crate::docs::snapshot::DocumentSnapshot;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::store::peers;

/// A document someone shared with this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedDocument {
    pub doc_id: String,
    pub kind: DocKind,
    pub owner: KeyId,
    pub owner_name: String,
    /// `Read`, `Write`, or `None` when the share ended (what arrived is kept, nothing new comes).
    pub access: Option<crate::sync::Access>,
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    ThisDevice,
    Peer {
        id: KeyId,
        name: String,
    },
    /// The document's deterministic start, or a device this one does not know.
    Unknown,
}

/// Who created an item and who last changed one of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorship {
    pub created_by: Author,
    pub last_edited_by: Author,
}

impl Twofold {
    /// Documents shared with this device, grouped by person (then by kind).
    pub fn shared_with_me(&self) -> Result<Vec<SharedDocument>> {
        let peers = self.db.read(peers::list)?;
        let mut out = self.read(|docs| {
            Ok(docs
                .others
                .values()
                // Circles are listed with the circle calls, not with a person's documents.
                .filter(|d| d.kind != DocKind::Circle)
                .filter_map(|d| {
                    let owner = d.owner?;
                    Some(SharedDocument {
                        doc_id: d.doc_id.clone(),
                        kind: d.kind,
                        owner,
                        owner_name: peers
                            .iter()
                            .find(|p| p.peer_id == owner)
                            .map(|p| p.display_name.clone())
                            .unwrap_or_default(),
                        access: match d.access {
                            DocAccess::Read => Some(crate::sync::Access::Read),
                            DocAccess::Write => Some(crate::sync::Access::Write),
                            DocAccess::Owner | DocAccess::Ended => None,
                        },
                    })
                })
                .collect::<Vec<_>>())
        })?;
        crate::sorting::sort_by(&mut out, |a, b| {
            (&a.owner_name, a.owner.0, a.kind).cmp(&(&b.owner_name, b.owner.0, b.kind))
        });
        Ok(out)
    }

    /// The id of one of this device's own documents (to ask about authorship, or for tools).
    pub fn doc_id(&self, kind: DocKind) -> Result<String> {
        self.read(|docs| {
            docs.owner
                .get(&kind)
                .map(|d| d.doc_id.clone())
                .ok_or_else(|| Error::not_found("document", kind.as_str()))
        })
    }

    /// Runs `f` on a document shared with this device, once it is known to hold `section`.
    /// `f` is a trait object so that this is compiled once rather than once per section.
    fn shared_doc(
        &self,
        doc_id: &str,
        section: SectionId,
        f: &mut dyn FnMut(&automerge::AutoCommit) -> Result<()>,
    ) -> Result<()> {
        self.read(|docs| {
            let doc = docs
                .others
                .get(doc_id)
                .ok_or_else(|| Error::not_found("shared document", doc_id.to_string()))?;
            if section.doc() != doc.kind {
                return Err(Error::invalid("section", "is not part of this document"));
            }
            f(&doc.am)
        })
    }

    pub fn shared_list<T: Item>(&self, doc_id: &str, section: Section<T>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.shared_doc(doc_id, section.id, &mut |am| {
            out = items::list(am, section)?;
            Ok(())
        })?;
        Ok(out)
    }

    pub fn shared_get<T: Item>(&self, doc_id: &str, section: Section<T>, id: &ItemId) -> Result<T> {
        let mut found = None;
        self.shared_doc(doc_id, section.id, &mut |am| {
            found = items::get(am, section, id)?;
            Ok(())
        })?;
        found.ok_or_else(|| Error::not_found("item", id.as_str()))
    }

    /// The whole typed document.
    pub fn shared_snapshot(&self, doc_id: &str) -> Result<DocumentSnapshot> {
        self.read(|docs| {
            let doc = docs
                .others
                .get(doc_id)
                .ok_or_else(|| Error::not_found("shared document", doc_id.to_string()))?;
            DocumentSnapshot::read(doc.kind, &doc.am)
        })
    }

    /// Writes an item into a document shared read-write; refused on a read-only share.
    /// References are checked where they point inside the same document.
    pub fn shared_put<T: Item>(&self, doc_id: &str, section: Section<T>, item: T) -> Result<()> {
        self.shared_put_any(doc_id, section.id, &item)
    }

    /// [`Twofold::shared_put`] with the item's type erased: compiled once, not once per
    /// section.
    fn shared_put_any(&self, doc_id: &str, section: SectionId, item: &dyn AnyItem) -> Result<()> {
        check(section, item)?;
        let refs = item.item_references();
        self.change_doc(DocSel::Id(doc_id), ChangeOrigin::Local, |_, am| {
            if section.doc() != super::genesis_kind(am)? {
                return Err(Error::invalid("section", "is not part of this document"));
            }
            for r in refs
                .iter()
                .filter(|r| r.strong && r.target.doc() == section.doc())
            {
                if !items::contains(am, r.target, &r.id)? {
                    return Err(Error::invalid(
                        format!("{}.{}", section.key(), r.field),
                        format!("refers to an unknown {} item", r.target.key()),
                    ));
                }
            }
            items::put_any(am, section, item)?;
            Ok(())
        })
    }

    pub fn shared_remove(&self, doc_id: &str, section: SectionId, id: &ItemId) -> Result<()> {
        self.change_doc(DocSel::Id(doc_id), ChangeOrigin::Local, |_, am| {
            if section.doc() != super::genesis_kind(am)? {
                return Err(Error::invalid("section", "is not part of this document"));
            }
            items::remove(am, section, id)
        })
    }

    /// Who created an item of any document this device holds, and who changed it last.
    pub fn authorship(&self, doc_id: &str, section: SectionId, id: &ItemId) -> Result<Authorship> {
        let peers = self.db.read(peers::list)?;
        let me = self.identity.key_id();
        let author = |actor: &automerge::ActorId| -> Author {
            let bytes = actor.to_bytes();
            if bytes == me.0 {
                return Author::ThisDevice;
            }
            match peers.iter().find(|p| p.peer_id.0[..] == *bytes) {
                Some(p) => Author::Peer {
                    id: p.peer_id,
                    name: p.display_name.clone(),
                },
                None => Author::Unknown,
            }
        };
        self.read(|docs| {
            let doc = docs
                .by_id(doc_id)
                .ok_or_else(|| Error::not_found("document", doc_id.to_string()))?;
            let section_obj = items::section_obj(&doc.am, section)?;
            let Some((Value::Object(_), item_obj)) = doc.am.get(&section_obj, id.as_str())? else {
                return Err(Error::not_found("item", id.as_str()));
            };
            let created = match &item_obj {
                ObjId::Id(_, actor, _) => author(actor),
                ObjId::Root => Author::Unknown,
            };
            let mut last: Option<(u64, automerge::ActorId)> = None;
            for key in doc.am.keys(&item_obj) {
                if let Some((_, ObjId::Id(counter, actor, _))) = doc.am.get(&item_obj, &key)? {
                    if last.as_ref().is_none_or(|(c, _)| counter > *c) {
                        last = Some((counter, actor));
                    }
                }
            }
            Ok(Authorship {
                created_by: created.clone(),
                last_edited_by: last.map_or(created, |(_, a)| author(&a)),
            })
        })
    }
}
