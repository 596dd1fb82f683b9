//! Reading and writing items of any section: add, edit, remove, reorder, and the conflicts an
//! item carries after concurrent edits.

use automerge::AutoCommit;

use super::{ChangeOrigin, Docs, Twofold};
use crate::docs::any_item::{check, AnyItem};
use crate::docs::conflicts::{item_conflicts, FieldConflict};
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::{self as s, Item, Reference, Section, SectionId, WHEN_WELL};
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::validate::{optional, MAX_LONG};

/// What happens to items that point at a removed item.
enum OnRemove {
    /// Refuse the removal while they exist (a contact still on the crisis ladder).
    Block,
    /// Remove them too (the steps of a removed goal).
    Cascade,
}

/// Which sections hold strong references to which.
const REFERRERS: &[(SectionId, SectionId, OnRemove)] = &[
    (
        SectionId::Contacts,
        SectionId::CrisisContacts,
        OnRemove::Block,
    ),
    (
        SectionId::Contacts,
        SectionId::Professionals,
        OnRemove::Block,
    ),
    (
        SectionId::Contacts,
        SectionId::Distractions,
        OnRemove::Block,
    ),
    (
        SectionId::Contacts,
        SectionId::DoNotInvolve,
        OnRemove::Block,
    ),
    (SectionId::Goals, SectionId::GoalSteps, OnRemove::Cascade),
    (SectionId::Recoveries, SectionId::Lapses, OnRemove::Cascade),
];

fn exists(
    docs: &Docs,
    changing: DocKind,
    am: &AutoCommit,
    target: SectionId,
    id: &ItemId,
) -> Result<bool> {
    if target.doc() == changing {
        items::contains(am, target, id)
    } else {
        items::contains(docs.get(target.doc())?, target, id)
    }
}

/// Checks that every reference of an item being written resolves.
pub(super) fn check_references(
    docs: &Docs,
    changing: DocKind,
    am: &AutoCommit,
    from: SectionId,
    refs: &[Reference],
) -> Result<()> {
    for r in refs {
        if !exists(docs, changing, am, r.target, &r.id)? {
            return Err(Error::invalid(
                format!("{}.{}", from.key(), r.field),
                format!("refers to an unknown {} item", r.target.key()),
            ));
        }
    }
    Ok(())
}

fn items_referring(doc: &AutoCommit, referrer: SectionId, target: &ItemId) -> Result<Vec<ItemId>> {
    fn matching<T: Item>(
        doc: &AutoCommit,
        section: Section<T>,
        target: &ItemId,
    ) -> Result<Vec<ItemId>> {
        Ok(items::list(doc, section)?
            .into_iter()
            .filter(|i| i.references().iter().any(|r| r.strong && &r.id == target))
            .map(|i| i.id().clone())
            .collect())
    }
    match referrer {
        SectionId::CrisisContacts => matching(doc, s::CRISIS_CONTACTS, target),
        SectionId::Professionals => matching(doc, s::PROFESSIONALS, target),
        SectionId::Distractions => matching(doc, s::DISTRACTIONS, target),
        SectionId::DoNotInvolve => matching(doc, s::DO_NOT_INVOLVE, target),
        SectionId::GoalSteps => matching(doc, s::GOAL_STEPS, target),
        SectionId::Lapses => matching(doc, s::LAPSES, target),
        _ => Ok(Vec::new()),
    }
}

impl Twofold {
    /// Adds an item, or replaces the item with the same id. Only changed fields are written.
    pub fn put<T: Item>(&self, section: Section<T>, item: T) -> Result<()> {
        self.put_any(section.id, &item)
    }

    /// [`Twofold::put`] with the item's type erased: compiled once, not once per section.
    pub(crate) fn put_any(&self, section: SectionId, item: &dyn AnyItem) -> Result<()> {
        check(section, item)?;
        let refs = item.item_references();
        let kind = section.doc();
        self.change(kind, ChangeOrigin::Local, |docs, am| {
            check_references(docs, kind, am, section, &refs)?;
            items::put_any(am, section, item)?;
            Ok(())
        })
    }

    pub fn get<T: Item>(&self, section: Section<T>, id: &ItemId) -> Result<T> {
        let mut found = None;
        self.read_section(section.id, &mut |am| {
            found = items::get(am, section, id)?;
            Ok(())
        })?;
        found.ok_or_else(|| Error::not_found("item", id.as_str()))
    }

    /// Every item of a section, in the person's order (or time order for time-keyed sections).
    pub fn list<T: Item>(&self, section: Section<T>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.read_section(section.id, &mut |am| {
            out = items::list(am, section)?;
            Ok(())
        })?;
        Ok(out)
    }

    /// Runs `f` on the document holding `section`, under the read lock. `f` is a trait
    /// object so that this is compiled once rather than once per section.
    fn read_section(
        &self,
        section: SectionId,
        f: &mut dyn FnMut(&AutoCommit) -> Result<()>,
    ) -> Result<()> {
        if section == SectionId::CheckIns {
            return self.read(|docs| f(docs.get(section.doc())?));
        }
        self.read_unfolded(|docs| f(docs.get(section.doc())?))
    }

    pub fn count(&self, section: SectionId) -> Result<usize> {
        if section == SectionId::CheckIns {
            return self.read(|docs| items::count(docs.get(section.doc())?, section));
        }
        self.read_unfolded(|docs| items::count(docs.get(section.doc())?, section))
    }

    /// Removes an item. Refused while the crisis plan still points at it (remove it from the
    /// plan first); a goal's steps and a recovery's lapses go with it.
    pub fn remove(&self, section: SectionId, id: &ItemId) -> Result<()> {
        let kind = section.doc();
        self.change(kind, ChangeOrigin::Local, |docs, am| {
            let mut cascade = Vec::new();
            for (target, referrer, on_remove) in REFERRERS {
                if *target != section {
                    continue;
                }
                let doc = if referrer.doc() == kind {
                    &*am
                } else {
                    docs.get(referrer.doc())?
                };
                let found = items_referring(doc, *referrer, id)?;
                if found.is_empty() {
                    continue;
                }
                match on_remove {
                    OnRemove::Block => {
                        return Err(Error::invalid(
                            "id",
                            format!("is still used in the plan section {}", referrer.key()),
                        ))
                    }
                    OnRemove::Cascade => cascade.extend(found.into_iter().map(|f| (*referrer, f))),
                }
            }
            items::remove(am, section, id)?;
            for (referrer, rid) in cascade {
                items::remove(am, referrer, &rid)?;
            }
            Ok(())
        })
    }

    /// Moves an item just before another (or to the end with `None`).
    pub fn move_item(
        &self,
        section: SectionId,
        id: &ItemId,
        before: Option<&ItemId>,
    ) -> Result<()> {
        self.change(section.doc(), ChangeOrigin::Local, |_, am| {
            items::move_before(am, section, id, before)
        })
    }

    /// Fields of an item that hold concurrent values from different devices.
    pub fn conflicts(&self, section: SectionId, id: &ItemId) -> Result<Vec<FieldConflict>> {
        self.read(|docs| item_conflicts(docs.get(section.doc())?, section, id))
    }

    /// The plan's "when I'm well" description.
    pub fn when_well(&self) -> Result<String> {
        self.read(|docs| items::get_text(docs.get(DocKind::Plan)?, WHEN_WELL))
    }

    pub fn set_when_well(&self, text: &str) -> Result<()> {
        optional(WHEN_WELL, text, MAX_LONG)?;
        self.change(DocKind::Plan, ChangeOrigin::Local, |_, am| {
            items::put_text(am, WHEN_WELL, text)
        })
    }
}
