//! Stable item ids. Every list item has one, so concurrent edits of different items merge and
//! reordering never confuses one item for another.

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const MAX_ID_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(String);

impl ItemId {
    /// A fresh random id (122 random bits, as a UUID v4 without dashes).
    pub fn random() -> Self {
        ItemId(uuid::Uuid::new_v4().simple().to_string())
    }

    /// An id with a sortable prefix, so map keys iterate in time order.
    pub fn with_prefix(prefix: &str) -> Self {
        let rand = uuid::Uuid::new_v4().simple().to_string();
        ItemId(format!("{prefix}-{}", &rand[..12]))
    }

    /// Checks an id that came from outside (a caller or an import).
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        if raw.is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        if raw.len() > MAX_ID_LEN {
            return Err(Error::invalid(field, "is longer than 64 characters"));
        }
        if !raw.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || b == b'-'
                || b == b'_'
                || b == b'@'
                || b == b'.'
                || b == b':'
        }) {
            return Err(Error::invalid(
                field,
                "may only use letters, digits and - _ @ . :",
            ));
        }
        Ok(ItemId(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For ids the core builds itself from already-valid parts.
    pub(crate) fn from_trusted(s: String) -> Self {
        ItemId(s)
    }
}

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Reconcile for ItemId {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(&self.0)
    }
}

impl Hydrate for ItemId {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        ItemId::parse("id", s)
            .map_err(|_| HydrateError::unexpected("an item id", "a malformed id".to_string()))
    }
}
