//! Typed reads and writes of items inside a document. A write reconciles only the one item it
//! touches (a few operations), never the whole document: reconciling a five-year journal on
//! every edit costs ~78 ms, one entry ~0.1 ms.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop};

use crate::docs::any_item::AnyItem;
use crate::docs::sections::{Item, Section, SectionId};
use crate::error::{Error, Result};
use crate::model::ids::ItemId;

const POS: &str = "pos";
/// Below this gap between neighbours, a section's positions are renumbered.
const MIN_GAP: f64 = 1e-9;

/// The map object holding a section, for writing into it.
pub fn section_obj(doc: &AutoCommit, section: SectionId) -> Result<ObjId> {
    match read_obj(doc, section)? {
        Some(id) => Ok(id),
        None => Err(Error::invalid(
            section.key(),
            "is not in this copy yet: the owner's app has not added it",
        )),
    }
}

/// The map object holding a section, for reading it. A section added after the genesis is
/// missing from a copy that has not received its upgrade change yet (a peer's document made
/// by older code): it reads as empty, not as an error.
fn read_obj(doc: &AutoCommit, section: SectionId) -> Result<Option<ObjId>> {
    match doc.get(ROOT, section.key())? {
        Some((Value::Object(ObjType::Map), id)) => Ok(Some(id)),
        None if section.since_schema() > 1 => Ok(None),
        _ => Err(Error::from(autosurgeon::HydrateError::unexpected(
            "a section map",
            format!("no map for section {}", section.key()),
        ))),
    }
}

fn item_obj(doc: &AutoCommit, section_obj: &ObjId, id: &str) -> Result<Option<ObjId>> {
    match doc.get(section_obj, id)? {
        Some((Value::Object(ObjType::Map), obj)) => Ok(Some(obj)),
        _ => Ok(None),
    }
}

fn pos_of(doc: &AutoCommit, item: &ObjId) -> f64 {
    match doc.get(item, POS) {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::F64(f) => *f,
            ScalarValue::Int(i) => *i as f64,
            ScalarValue::Uint(u) => *u as f64,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

/// Ids of a section in display order.
pub fn ids(doc: &AutoCommit, section: SectionId) -> Result<Vec<ItemId>> {
    let Some(obj) = read_obj(doc, section)? else {
        return Ok(Vec::new());
    };
    let mut keyed: Vec<(f64, String)> = doc
        .map_range(&obj, ..)
        .filter_map(|item| match item.value {
            automerge::ValueRef::Object(ObjType::Map) => {
                let pos = if section.ordered() {
                    pos_of(doc, &item.id())
                } else {
                    0.0
                };
                Some((pos, item.key.into_owned()))
            }
            _ => None,
        })
        .collect();
    if section.ordered() {
        crate::sorting::sort_by(&mut keyed, |a, b| {
            a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1))
        });
    }
    Ok(keyed
        .into_iter()
        .map(|(_, k)| ItemId::from_trusted(k))
        .collect())
}

pub fn contains(doc: &AutoCommit, section: SectionId, id: &ItemId) -> Result<bool> {
    let Some(obj) = read_obj(doc, section)? else {
        return Ok(false);
    };
    Ok(item_obj(doc, &obj, id.as_str())?.is_some())
}

pub fn get<T: Item>(doc: &AutoCommit, section: Section<T>, id: &ItemId) -> Result<Option<T>> {
    let Some(obj) = read_obj(doc, section.id)? else {
        return Ok(None);
    };
    if item_obj(doc, &obj, id.as_str())?.is_none() {
        return Ok(None);
    }
    Ok(Some(hydrate_prop(doc, &obj, id.as_str())?))
}

pub fn list<T: Item>(doc: &AutoCommit, section: Section<T>) -> Result<Vec<T>> {
    let Some(obj) = read_obj(doc, section.id)? else {
        return Ok(Vec::new());
    };
    let ids = ids(doc, section.id)?;
    hydrate_each(doc, &obj, ids.iter().map(ItemId::as_str))
}

/// The items at `keys`, in order; the first that does not read is the error. A loop rather
/// than `collect::<Result<Vec<_>>>()`, whose adapter is compiled again for every item type
/// (~0.6 KB each, ADR 0018).
fn hydrate_each<'k, T: Item>(
    doc: &AutoCommit,
    obj: &ObjId,
    keys: impl ExactSizeIterator<Item = &'k str>,
) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        out.push(hydrate_prop(doc, obj, key)?);
    }
    Ok(out)
}

/// Items whose keys fall in `from..to` (keys of time-keyed sections sort by time).
pub fn range<T: Item>(
    doc: &AutoCommit,
    section: Section<T>,
    from: &str,
    to: &str,
) -> Result<Vec<T>> {
    let Some(obj) = read_obj(doc, section.id)? else {
        return Ok(Vec::new());
    };
    let keys: Vec<String> = doc
        .map_range(&obj, from.to_string()..to.to_string())
        .map(|item| item.key.into_owned())
        .collect();
    hydrate_each(doc, &obj, keys.iter().map(String::as_str))
}

/// The last `n` items whose keys sort before `to`: the newest of a time-keyed section. Only
/// keys are walked; just those `n` items are read.
pub fn last_before<T: Item>(
    doc: &AutoCommit,
    section: Section<T>,
    to: &str,
    n: usize,
) -> Result<Vec<T>> {
    let Some(obj) = read_obj(doc, section.id)? else {
        return Ok(Vec::new());
    };
    let keys: Vec<String> = doc
        .map_range(&obj, ..to.to_string())
        .map(|item| item.key.into_owned())
        .collect();
    hydrate_each(
        doc,
        &obj,
        keys[keys.len().saturating_sub(n)..]
            .iter()
            .map(String::as_str),
    )
}

/// The last `n` items whose keys sort at or after `from`, or `None` when fewer than `n` do:
/// the newest of a time-keyed section without walking its older keys (the range starts with a
/// seek).
pub fn last_from<T: Item>(
    doc: &AutoCommit,
    section: Section<T>,
    from: &str,
    n: usize,
) -> Result<Option<Vec<T>>> {
    let Some(obj) = read_obj(doc, section.id)? else {
        return Ok(None);
    };
    // Only the last `n` keys are kept as the range is walked.
    let mut keys = std::collections::VecDeque::with_capacity(n + 1);
    for item in doc.map_range(&obj, from.to_string()..) {
        keys.push_back(item.key.into_owned());
        if keys.len() > n {
            keys.pop_front();
        }
    }
    if keys.len() < n {
        return Ok(None);
    }
    hydrate_each(doc, &obj, keys.iter().map(String::as_str)).map(Some)
}

pub fn count(doc: &AutoCommit, section: SectionId) -> Result<usize> {
    Ok(read_obj(doc, section)?.map_or(0, |obj| doc.length(&obj)))
}

/// Inserts or updates one item; returns whether it was new. New items of ordered sections go
/// last.
pub fn put<T: Item>(doc: &mut AutoCommit, section: Section<T>, item: &T) -> Result<bool> {
    put_any(doc, section.id, item)
}

/// [`put`] with the item's type erased: compiled once, not once per section.
pub(crate) fn put_any(
    doc: &mut AutoCommit,
    section: SectionId,
    item: &dyn AnyItem,
) -> Result<bool> {
    let obj = section_obj(doc, section)?;
    let key = item.item_id().as_str().to_string();
    let existed = item_obj(doc, &obj, &key)?.is_some();
    let new_pos = if !existed && section.ordered() {
        Some(last_pos(doc, &obj) + 1.0)
    } else {
        None
    };
    item.reconcile_into(doc, &obj, key.as_str())?;
    if let Some(pos) = new_pos {
        let item_obj =
            item_obj(doc, &obj, &key)?.ok_or_else(|| Error::not_found("item", key.clone()))?;
        doc.put(&item_obj, POS, pos)?;
    }
    Ok(!existed)
}

fn last_pos(doc: &AutoCommit, obj: &ObjId) -> f64 {
    doc.map_range(obj, ..)
        .map(|item| pos_of(doc, &item.id()))
        .fold(0.0, f64::max)
}

pub fn remove(doc: &mut AutoCommit, section: SectionId, id: &ItemId) -> Result<()> {
    let obj = section_obj(doc, section)?;
    if item_obj(doc, &obj, id.as_str())?.is_none() {
        return Err(Error::not_found("item", id.as_str()));
    }
    doc.delete(&obj, id.as_str())?;
    Ok(())
}

/// Moves `id` just before `before` (or to the end when `before` is `None`).
pub fn move_before(
    doc: &mut AutoCommit,
    section: SectionId,
    id: &ItemId,
    before: Option<&ItemId>,
) -> Result<()> {
    if !section.ordered() {
        return Err(Error::invalid(
            "section",
            "is ordered by time and cannot be reordered",
        ));
    }
    let obj = section_obj(doc, section)?;
    let item =
        item_obj(doc, &obj, id.as_str())?.ok_or_else(|| Error::not_found("item", id.as_str()))?;
    if before == Some(id) {
        return Ok(());
    }
    let order: Vec<ItemId> = ids(doc, section)?.into_iter().filter(|i| i != id).collect();
    let index = match before {
        None => order.len(),
        Some(b) => order
            .iter()
            .position(|i| i == b)
            .ok_or_else(|| Error::not_found("item", b.as_str()))?,
    };
    let pos_at = |doc: &AutoCommit, i: usize| -> Result<f64> {
        let o = item_obj(doc, &obj, order[i].as_str())?
            .ok_or_else(|| Error::not_found("item", order[i].as_str()))?;
        Ok(pos_of(doc, &o))
    };
    let prev = if index == 0 {
        None
    } else {
        Some(pos_at(doc, index - 1)?)
    };
    let next = if index == order.len() {
        None
    } else {
        Some(pos_at(doc, index)?)
    };
    let new_pos = match (prev, next) {
        (None, None) => 1.0,
        (Some(p), None) => p + 1.0,
        (None, Some(n)) => n - 1.0,
        (Some(p), Some(n)) if n - p > MIN_GAP => (p + n) / 2.0,
        _ => {
            // Out of room between neighbours: renumber the whole section once.
            let mut renumbered = order.clone();
            renumbered.insert(index, id.clone());
            for (i, rid) in renumbered.iter().enumerate() {
                if let Some(o) = item_obj(doc, &obj, rid.as_str())? {
                    doc.put(&o, POS, (i + 1) as f64)?;
                }
            }
            return Ok(());
        }
    };
    doc.put(&item, POS, new_pos)?;
    Ok(())
}

pub fn get_text(doc: &AutoCommit, key: &str) -> Result<String> {
    Ok(hydrate_prop::<_, Option<String>, _, _>(doc, ROOT, key)?.unwrap_or_default())
}

pub fn put_text(doc: &mut AutoCommit, key: &str, value: &str) -> Result<()> {
    reconcile_prop(doc, ROOT, key, value)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::CommitOptions;
    use automerge::ActorId;
    use proptest::prelude::*;

    use super::*;
    use crate::docs::genesis::genesis;
    use crate::model::plan::PlanNote;

    /// `put` as it was before the item's type was erased (generic over the item, one copy per
    /// section): the reference the erased path must match.
    fn put_generic<T: Item>(doc: &mut AutoCommit, section: Section<T>, item: &T) -> Result<bool> {
        let obj = section_obj(doc, section.id)?;
        let key = item.id().as_str().to_string();
        let existed = item_obj(doc, &obj, &key)?.is_some();
        let new_pos = if !existed && section.id.ordered() {
            Some(last_pos(doc, &obj) + 1.0)
        } else {
            None
        };
        reconcile_prop(doc, &obj, key.as_str(), item)?;
        if let Some(pos) = new_pos {
            let item_obj =
                item_obj(doc, &obj, &key)?.ok_or_else(|| Error::not_found("item", key.clone()))?;
            doc.put(&item_obj, POS, pos)?;
        }
        Ok(!existed)
    }

    fn saved(mut doc: AutoCommit) -> Vec<u8> {
        doc.commit_with(CommitOptions::default().with_time(0));
        doc.save()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// For every section, a run of writes (new items, and updates of earlier ones) through
        /// the erased path leaves the same document, byte for byte, as the generic path did.
        /// The items are `PlanNote`s in every section: what the erased path adds around the
        /// item's own `reconcile` (the section's map, new or existing, order) depends on the
        /// section and the id, not on the item's type.
        #[test]
        fn the_erased_put_writes_what_the_generic_put_wrote_for_every_section(
            writes in proptest::collection::vec((0usize..4, "[a-z ]{0,12}"), 1..8),
        ) {
            let actor = ActorId::from([7u8; 16]);
            for &section in SectionId::ALL {
                let typed = Section::<PlanNote>::new(section);
                let mut generic = genesis(section.doc(), &actor).expect("genesis");
                let mut erased = generic.clone();
                for (n, text) in &writes {
                    let note = PlanNote {
                        id: ItemId::from_trusted(format!("item-{n}")),
                        text: text.clone(),
                    };
                    let new_generic = put_generic(&mut generic, typed, &note).expect("generic");
                    let new_erased = put_any(&mut erased, section, &note).expect("erased");
                    prop_assert_eq!(new_generic, new_erased);
                }
                prop_assert_eq!(saved(generic), saved(erased), "section {}", section.key());
            }
        }
    }
}
