//! Harm reduction in the plan: where naloxone is kept and when it expires, "never use alone"
//! lines, and the people who know how to give naloxone. The person enters every name and
//! number; the core never supplies one (a wrong number in an overdose is worse than none).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::time::Day;
use crate::model::validate::{optional, phone, required, Validate, MAX_LONG, MAX_SHORT};

/// Longest warning before an expiry date: kits last 1–3 years, a quarter is plenty.
pub const MAX_REMIND_DAYS_BEFORE: u32 = 90;

/// One naloxone kit: where it is and when it expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct NaloxoneKit {
    pub id: ItemId,
    /// Where it is kept, in the person's words ("kitchen drawer", "my backpack").
    pub location: String,
    /// The expiry date printed on the box, when known.
    pub expires: Option<Day>,
    /// Days before `expires` to remind (0: on the day).
    pub remind_days_before: u32,
    pub notes: String,
}

/// A "never use alone" line or person: someone who stays on the phone and sends help if the
/// caller stops answering. Only where the person knows one exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct NeverUseAloneLine {
    pub id: ItemId,
    pub name: String,
    pub phone: String,
    pub notes: String,
}

/// Someone in the contacts who knows how to give naloxone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct NaloxoneResponder {
    pub id: ItemId,
    pub contact_id: ItemId,
    pub note: String,
}

impl Validate for NaloxoneKit {
    fn validate(&self) -> Result<()> {
        required("location", &self.location, MAX_SHORT)?;
        if self.remind_days_before > MAX_REMIND_DAYS_BEFORE {
            return Err(Error::invalid(
                "remind_days_before",
                format!("must be at most {MAX_REMIND_DAYS_BEFORE}"),
            ));
        }
        optional("notes", &self.notes, MAX_LONG)
    }
}

impl Validate for NeverUseAloneLine {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        phone("phone", &self.phone)?;
        optional("notes", &self.notes, MAX_LONG)
    }
}

impl Validate for NaloxoneResponder {
    fn validate(&self) -> Result<()> {
        optional("note", &self.note, MAX_LONG)
    }
}
