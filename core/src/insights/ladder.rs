//! Who the person can turn to, in the plan's order, with the people they asked never to be
//! involved left out. Used by the crisis screen, the help message and the next steps of an
//! alert, so all three always agree.

use automerge::AutoCommit;
use serde::Serialize;

use crate::docs::items;
use crate::docs::sections as s;
use crate::error::Result;
use crate::model::contacts::{Contact, Phone};
use crate::model::ids::ItemId;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonToCall {
    pub contact_id: ItemId,
    pub name: String,
    pub phones: Vec<Phone>,
    pub availability: String,
    /// What they agreed to do, from the plan's crisis ladder.
    pub will_do: String,
}

/// The contacts and the plan's "do not involve" list. A missing contacts document reads as
/// empty: the crisis screen must work on a store that has only a plan.
#[derive(Debug)]
pub struct Network {
    pub contacts: Vec<Contact>,
    excluded: Vec<ItemId>,
}

impl Network {
    pub fn load(plan: &AutoCommit, contacts: Option<&AutoCommit>) -> Result<Self> {
        let contacts = match contacts {
            Some(doc) => items::list(doc, s::CONTACTS)?,
            None => Vec::new(),
        };
        let excluded = items::list(plan, s::DO_NOT_INVOLVE)?
            .into_iter()
            .filter_map(|d| d.contact_id)
            .collect();
        Ok(Network { contacts, excluded })
    }

    /// A contact the person may be put in touch with: present, and not marked "do not
    /// involve" on the contact or in the plan (either wins, whatever the ladder says).
    pub fn usable(&self, id: &ItemId) -> Option<&Contact> {
        self.contacts
            .iter()
            .find(|c| &c.id == id)
            .filter(|c| !c.do_not_involve && !self.excluded.contains(&c.id))
    }

    /// The crisis ladder: the plan's order, or the contacts' own crisis order when the plan
    /// has no ladder yet. Each person once.
    pub fn ladder(&self, plan: &AutoCommit) -> Result<Vec<PersonToCall>> {
        let mut out: Vec<PersonToCall> = Vec::new();
        for rung in items::list(plan, s::CRISIS_CONTACTS)? {
            if out.iter().any(|p| p.contact_id == rung.contact_id) {
                continue;
            }
            if let Some(c) = self.usable(&rung.contact_id) {
                out.push(person(c, rung.will_do));
            }
        }
        if out.is_empty() {
            let mut ranked: Vec<&Contact> = self
                .contacts
                .iter()
                .filter(|c| c.crisis_order.is_some() && self.usable(&c.id).is_some())
                .collect();
            crate::sorting::sort_by_key(&mut ranked, |c| c.crisis_order);
            out = ranked
                .into_iter()
                .map(|c| person(c, String::new()))
                .collect();
        }
        Ok(out)
    }
}

impl Network {
    /// The people the plan says know how to give naloxone, in the plan's order, with the
    /// person's note about them; "do not involve" wins here too.
    pub fn naloxone_responders(&self, plan: &AutoCommit) -> Result<Vec<PersonToCall>> {
        let mut out: Vec<PersonToCall> = Vec::new();
        for r in items::list(plan, s::NALOXONE_RESPONDERS)? {
            if out.iter().any(|p| p.contact_id == r.contact_id) {
                continue;
            }
            if let Some(c) = self.usable(&r.contact_id) {
                out.push(person(c, r.note));
            }
        }
        Ok(out)
    }
}

fn person(c: &Contact, will_do: String) -> PersonToCall {
    PersonToCall {
        contact_id: c.id.clone(),
        name: c.name.clone(),
        phones: c.phones.clone(),
        availability: c.availability.clone(),
        will_do,
    }
}
