//! A suggested item: what a mentor suggests for one of the person's sections. It is checked
//! like a write to that section, and stored in the notes document as the JSON of its type
//! (so a suggestion for any section fits one field, and the person's device checks it again
//! before accepting it).

use crate::docs::sections::{self as s, Item, Section, SectionId};
use crate::docs::snapshot::prefix;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::sharing::MAX_ITEM_JSON;

/// An item of `section` from the JSON a suggestion stores, checked like a write to it.
pub(crate) fn parse<T: Item>(section: Section<T>, json: &str) -> Result<T> {
    if json.len() > MAX_ITEM_JSON {
        return Err(Error::invalid("item_json", "is too long"));
    }
    let item: T = serde_json::from_str(json)
        .map_err(|_| Error::invalid("item_json", format!("is not a {} item", section.id.key())))?;
    check(section, &item)?;
    Ok(item)
}

fn check<T: Item>(section: Section<T>, item: &T) -> Result<()> {
    ItemId::parse(&format!("{}.id", section.id.key()), item.id().as_str())?;
    item.validate().map_err(|e| prefix(section.id, e))
}

pub(crate) fn suggestible(section: SectionId) -> Result<()> {
    if section.suggestible() {
        Ok(())
    } else {
        Err(Error::invalid("section", "cannot take suggestions"))
    }
}

/// What [`crate::Twofold::suggest`] takes: a typed section and its item, or a section named at run
/// time and the item as the JSON of its type (the form a suggestion is stored in). Either way
/// the item is checked like a write to that section and kept as that JSON.
pub trait SuggestionTarget<I> {
    /// The section and the JSON to store, once checked.
    fn checked(self, item: I) -> Result<(SectionId, String)>;
}

impl<T: Item> SuggestionTarget<T> for Section<T> {
    fn checked(self, item: T) -> Result<(SectionId, String)> {
        suggestible(self.id)?;
        // The same checks, in the same order, as a suggestion that arrives as JSON.
        let json = serde_json::to_string(&item)
            .map_err(|_| Error::invalid("item_json", "could not be written"))?;
        if json.len() > MAX_ITEM_JSON {
            return Err(Error::invalid("item_json", "is too long"));
        }
        check(self, &item)?;
        Ok((self.id, json))
    }
}

impl<J: AsRef<str>> SuggestionTarget<J> for SectionId {
    fn checked(self, item_json: J) -> Result<(SectionId, String)> {
        suggestible(self)?;
        let json = item_json.as_ref();
        check_json(self, json)?;
        Ok((self, json.to_string()))
    }
}

/// Checks a suggested item's JSON as an item of a section named at run time: the typed
/// dispatch, from the one list of sections.
macro_rules! check_dispatch {
    ($( $doc:ident($snapshot:ident) {
        $( $variant:ident $key:ident $constant:ident: $item:ident,
           ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+
    } )+) => {
        fn check_json(section: SectionId, json: &str) -> Result<()> {
            match section {
                $($( SectionId::$variant => parse(s::$constant, json).map(|_| ()), )+)+
            }
        }
    };
}

crate::for_each_section!(check_dispatch);
