//! An item of any section, its type erased: the few things a write needs of an item (its id,
//! its own rules, its references, its JSON, writing it into a section's map). The write paths
//! around them (checking references, the document change with its draft, rollback and
//! listeners, a suggestion's notes document) take `&dyn AnyItem` and are compiled once; only
//! these methods are compiled per item type. Generic, they were copied per section (29 times)
//! into every caller that names sections at run time, the FFI's dispatch above all (ADR 0018).
//! The public API stays typed: its generic fronts hand the item on as `&dyn AnyItem`.

use automerge::{AutoCommit, ObjId};
use autosurgeon::reconcile_prop;

use crate::docs::sections::{Item, Reference, SectionId};
use crate::docs::snapshot::prefix;
use crate::error::Result;
use crate::model::ids::ItemId;

pub(crate) trait AnyItem {
    fn item_id(&self) -> &ItemId;
    /// The item's own rules (`Validate`), field errors not yet naming the section.
    fn validate_fields(&self) -> Result<()>;
    fn item_references(&self) -> Vec<Reference>;
    /// The JSON of the item's type (what a suggestion stores).
    fn to_json(&self) -> serde_json::Result<String>;
    /// Writes the item under `key` of the section's map, touching only what changed.
    fn reconcile_into(&self, doc: &mut AutoCommit, section: &ObjId, key: &str) -> Result<()>;
}

impl<T: Item> AnyItem for T {
    fn item_id(&self) -> &ItemId {
        self.id()
    }

    fn validate_fields(&self) -> Result<()> {
        self.validate()
    }

    fn item_references(&self) -> Vec<Reference> {
        self.references()
    }

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    fn reconcile_into(&self, doc: &mut AutoCommit, section: &ObjId, key: &str) -> Result<()> {
        Ok(reconcile_prop(doc, section, key, self)?)
    }
}

/// The checks every write of an item runs, in this order: a well-formed id, then the item's
/// own rules, their field errors named after the section (`triggers.description`).
pub(crate) fn check(section: SectionId, item: &dyn AnyItem) -> Result<()> {
    ItemId::parse(&format!("{}.id", section.key()), item.item_id().as_str())?;
    item.validate_fields().map_err(|e| prefix(section, e))
}
