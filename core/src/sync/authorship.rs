//! Changes no peer may bring, whoever sends them and whatever they may write (issue 20, item 3):
//! one under this device's own actor that this device does not have — it would put words in
//! the person's mouth ("you wrote this"), or take an (actor, sequence) this device will use
//! next so that its own real change fails as a duplicate and the copies part for good — and
//! one under the genesis or an upgrade actor that is not exactly one of the kind's own
//! deterministic changes.
//!
//! Not covered here: a writer passing on a change under *another* writer's actor. Binding
//! every change to its author needs the author's signature over its change hashes, carried
//! when others pass them on; it is left for the protocol's next version (ADR 0004).

use automerge::{ActorId, AutoCommit, Change};

use crate::docs::genesis;
use crate::docs::kind::DocKind;

/// Whether any of `changes` claims an author it cannot have (see the module's note).
pub(crate) fn impersonates(
    doc: &mut AutoCommit,
    kind: DocKind,
    own_actor: &ActorId,
    changes: &[Change],
) -> bool {
    let as_me = changes
        .iter()
        .any(|c| c.actor_id() == own_actor && doc.get_change_by_hash(&c.hash()).is_none());
    if as_me {
        return true;
    }
    let schema: Vec<&Change> = changes
        .iter()
        .filter(|c| genesis::is_schema_actor(c.actor_id()))
        .collect();
    if schema.is_empty() {
        return false;
    }
    // A kind whose schema changes cannot be built here accepts none.
    let known = genesis::schema_change_hashes(kind).unwrap_or_default();
    schema.iter().any(|c| !known.contains(&c.hash()))
}
