//! The deterministic first change of every document.
//!
//! Two devices that each create an empty plan would otherwise each create their own
//! `triggers` map, and when the copies meet Automerge keeps only one of the two maps: every
//! item in the other would vanish. So the root structure is made by a change that is
//! byte-identical everywhere (fixed actor, time 0, same operations): all copies share the same
//! section objects and merge item by item. Adding a section later must be done by a further
//! deterministic change on top of this one, never by editing this one.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjType, ROOT};

use crate::docs::kind::DocKind;
use crate::docs::sections::{SectionId, WHEN_WELL};
use crate::error::Result;

/// The schema version written by the genesis change.
pub const SCHEMA: u64 = 1;

/// The actor of the genesis change: no device's.
pub(crate) const GENESIS_ACTOR: [u8; 16] = *b"twofold-genesis1";

/// Builds the genesis document of `kind` and switches it to `actor` for all later changes.
pub fn genesis(kind: DocKind, actor: &ActorId) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(&GENESIS_ACTOR[..]));
    doc.put(ROOT, "schema", SCHEMA)?;
    doc.put(ROOT, "kind", kind.as_str())?;
    for section in SectionId::of(kind) {
        doc.put_object(ROOT, section.key(), ObjType::Map)?;
    }
    if kind == DocKind::Plan {
        doc.put(ROOT, WHEN_WELL, "")?;
    }
    doc.commit_with(CommitOptions::default().with_time(0));
    doc.set_actor(actor.clone());
    Ok(doc)
}

/// The kind a document says it is, if it says one.
pub fn kind_of(doc: &AutoCommit) -> Option<DocKind> {
    use automerge::ReadDoc;
    match doc.get(ROOT, "kind") {
        Ok(Some((automerge::Value::Scalar(s), _))) => match s.as_ref() {
            automerge::ScalarValue::Str(k) => DocKind::parse("kind", k).ok(),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_is_identical_on_every_device() {
        for kind in DocKind::ALL {
            let mut a = genesis(kind, &ActorId::random()).expect("genesis");
            let mut b = genesis(kind, &ActorId::random()).expect("genesis");
            assert_eq!(a.get_heads(), b.get_heads(), "{kind}");
            assert_eq!(kind_of(&a), Some(kind));
        }
    }
}
