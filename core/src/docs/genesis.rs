//! The deterministic first change of every document.
//!
//! Two devices that each create an empty plan would otherwise each create their own
//! `triggers` map, and when the copies meet Automerge keeps only one of the two maps: every
//! item in the other would vanish. So the root structure is made by a change that is
//! byte-identical everywhere (fixed actor, time 0, same operations): all copies share the same
//! section objects and merge item by item. Adding a section later must be done by a further
//! deterministic change on top of this one, never by editing this one.
//!
//! Those are the *upgrade changes*: one per later schema version and document kind, made
//! from the genesis alone (never from what a document holds since) by a fixed actor per
//! version at time 0, so their bytes and hash are the same everywhere. A new document gets
//! them at once; a document written by older code gets them when this device loads it, and
//! they travel to peers like any change (ADR 0007).

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, Change, ObjType, ReadDoc, ROOT};

use crate::docs::kind::DocKind;
use crate::docs::sections::{SectionId, WHEN_WELL};
use crate::error::Result;

/// The schema version written by the genesis change.
pub const SCHEMA: u64 = 1;
/// The newest schema version: the genesis and every upgrade change up to this one.
pub const LATEST_SCHEMA: u64 = 2;

/// The actor of the genesis change: no device's.
pub(crate) const GENESIS_ACTOR: [u8; 16] = *b"twofold-genesis1";
/// The actors of the upgrade changes, schema 2 first: no device's either.
const UPGRADE_ACTORS: [[u8; 16]; (LATEST_SCHEMA - SCHEMA) as usize] = [*b"twofold-schema02"];

/// Whether `actor` is the genesis's or an upgrade change's: changes every device has made
/// itself, which a writer may pass on like its own.
pub fn is_schema_actor(actor: &ActorId) -> bool {
    let bytes = actor.to_bytes();
    bytes == GENESIS_ACTOR || UPGRADE_ACTORS.iter().any(|a| bytes == a)
}

/// The hashes of the only changes a schema actor may have made in a document of `kind`: its
/// genesis and its upgrade changes. Anything else under those actors is a forgery.
pub fn schema_change_hashes(kind: DocKind) -> Result<Vec<automerge::ChangeHash>> {
    let mut out = genesis_only(kind)?.get_heads();
    for version in SCHEMA + 1..=LATEST_SCHEMA {
        if let Some(change) = upgrade_change(kind, version)? {
            out.push(change.hash());
        }
    }
    Ok(out)
}

/// The genesis change alone, committed under its own actor.
fn genesis_only(kind: DocKind) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(&GENESIS_ACTOR[..]));
    doc.put(ROOT, "schema", SCHEMA)?;
    doc.put(ROOT, "kind", kind.as_str())?;
    for section in SectionId::of(kind).filter(|s| s.since_schema() == SCHEMA) {
        doc.put_object(ROOT, section.key(), ObjType::Map)?;
    }
    if kind == DocKind::Plan {
        doc.put(ROOT, WHEN_WELL, "")?;
    }
    if kind == DocKind::Circle {
        crate::docs::circle::genesis(&mut doc)?;
    }
    doc.commit_with(CommitOptions::default().with_time(0));
    Ok(doc)
}

/// The change that adds `kind`'s sections of schema `version`, if it has any. Built on the
/// genesis alone, so its deps, operation ids and bytes never depend on the document it will
/// be applied to.
fn upgrade_change(kind: DocKind, version: u64) -> Result<Option<Change>> {
    let added: Vec<SectionId> = SectionId::of(kind)
        .filter(|s| s.since_schema() == version)
        .collect();
    let Some(actor) = version
        .checked_sub(SCHEMA + 1)
        .and_then(|i| UPGRADE_ACTORS.get(i as usize))
    else {
        return Ok(None);
    };
    if added.is_empty() {
        return Ok(None);
    }
    let mut doc = genesis_only(kind)?;
    doc.set_actor(ActorId::from(&actor[..]));
    for section in added {
        doc.put_object(ROOT, section.key(), ObjType::Map)?;
    }
    doc.commit_with(CommitOptions::default().with_time(0));
    Ok(doc.get_last_local_change())
}

/// Applies the upgrade changes `doc` lacks; returns their bytes (empty when it had them all)
/// for the caller to store, and to send where the document is shared.
pub fn upgrade(doc: &mut AutoCommit, kind: DocKind) -> Result<Vec<u8>> {
    let mut applied = Vec::new();
    for version in SCHEMA + 1..=LATEST_SCHEMA {
        // Only an upgrade change creates its sections' keys at the root, so finding them all
        // means it was applied: every open checks this, and it needs no look-up of the change
        // by hash in the document's history.
        let mut added = SectionId::of(kind).filter(|s| s.since_schema() == version);
        if added.all(|s| matches!(doc.get(ROOT, s.key()), Ok(Some(_)))) {
            continue;
        }
        let Some(change) = upgrade_change(kind, version)? else {
            continue;
        };
        if doc.get_change_by_hash(&change.hash()).is_some() {
            continue;
        }
        applied.extend_from_slice(change.raw_bytes());
        doc.apply_changes([change])?;
    }
    Ok(applied)
}

/// Builds the genesis document of `kind` with every upgrade change, and switches it to
/// `actor` for all later changes.
pub fn genesis(kind: DocKind, actor: &ActorId) -> Result<AutoCommit> {
    let mut doc = genesis_only(kind)?;
    upgrade(&mut doc, kind)?;
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
        for kind in DocKind::EVERY {
            let mut a = genesis(kind, &ActorId::random()).expect("genesis");
            let mut b = genesis(kind, &ActorId::random()).expect("genesis");
            assert_eq!(a.get_heads(), b.get_heads(), "{kind}");
            assert_eq!(kind_of(&a), Some(kind));
        }
    }

    #[test]
    fn an_upgrade_is_identical_everywhere_and_applies_once() {
        use automerge::ReadDoc;
        for kind in DocKind::ALL {
            // A document of the old shape, edited since its genesis by some device.
            let mut old = genesis_only(kind).expect("genesis");
            old.set_actor(ActorId::random());
            old.put(ROOT, "edited", true).expect("edit");
            old.commit();
            let bytes = upgrade(&mut old, kind).expect("upgrade");
            let added: Vec<SectionId> = SectionId::of(kind)
                .filter(|s| s.since_schema() > SCHEMA)
                .collect();
            assert_eq!(bytes.is_empty(), added.is_empty(), "{kind}");
            for section in &added {
                assert!(
                    old.get(ROOT, section.key()).expect("read").is_some(),
                    "{kind}"
                );
            }
            assert!(upgrade(&mut old, kind).expect("again").is_empty(), "{kind}");
            // A new document's copy of the upgrade is the same change: the heads meet.
            let mut fresh = genesis(kind, &ActorId::random()).expect("genesis");
            let mut merged = fresh.fork();
            merged.merge(&mut old).expect("merge");
            for section in &added {
                assert_eq!(
                    merged.get(ROOT, section.key()).expect("read").map(|v| v.1),
                    fresh.get(ROOT, section.key()).expect("read").map(|v| v.1),
                    "one section object, not two: {kind}"
                );
            }
        }
    }
}
