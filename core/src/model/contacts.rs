//! The people (and lines) in a person's support network.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::validate::{self, optional, required, Validate, MAX_LONG, MAX_SHORT};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    Peer,
    Mentor,
    Sponsor,
    Therapist,
    Psychiatrist,
    CaseManager,
    Doctor,
    Family,
    Friend,
    CrisisLine,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Phone {
    /// "mobile", "work", "text only"…
    pub label: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Contact {
    pub id: ItemId,
    pub name: String,
    pub roles: Vec<ContactRole>,
    pub phones: Vec<Phone>,
    pub email: Option<String>,
    /// When they can be reached, in the person's words ("evenings", "24/7").
    pub availability: String,
    pub notes: String,
    /// Who to try first when the plan has no crisis ladder (1 = first). The plan's ladder,
    /// when present, is the order that counts in a crisis.
    pub crisis_order: Option<u32>,
    /// Never contact this person on my behalf. Wins over `crisis_order` (the two can meet
    /// when two devices edit at once, so this is a reading rule, not a write check).
    pub do_not_involve: bool,
}

impl Validate for Contact {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        validate::list_len("roles", &self.roles)?;
        validate::list_len("phones", &self.phones)?;
        for phone in &self.phones {
            optional("phones.label", &phone.label, MAX_SHORT)?;
            validate::phone("phones.number", &phone.number)?;
        }
        if let Some(email) = &self.email {
            validate::email("email", email)?;
        }
        optional("availability", &self.availability, MAX_SHORT)?;
        optional("notes", &self.notes, MAX_LONG)?;
        if self.crisis_order == Some(0) {
            return Err(Error::invalid("crisis_order", "starts at 1"));
        }
        Ok(())
    }
}
