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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::{CopingStrategy, Domain, PlanNote};

    fn coping(description: &str) -> CopingStrategy {
        CopingStrategy {
            id: ItemId::random(),
            description: description.to_string(),
            domain: Domain::Both,
        }
    }

    #[test]
    fn a_typed_item_and_its_json_are_checked_alike_and_stored_alike() {
        let item = coping("cold water on the face");
        let typed = s::COPING_STRATEGIES.checked(item.clone()).expect("typed");
        let json = serde_json::to_string(&item).expect("json");
        let from_json = SectionId::CopingStrategies
            .checked(json.as_str())
            .expect("json");
        assert_eq!(typed, from_json);
        assert_eq!(typed, (SectionId::CopingStrategies, json));
    }

    #[test]
    fn refusals_name_the_field_in_both_forms() {
        let field = |r: Result<(SectionId, String)>| match r {
            Err(Error::Invalid(inv)) => inv.field,
            other => panic!("not Invalid: {other:?}"),
        };
        let empty = coping("");
        let json = serde_json::to_string(&empty).expect("json");
        assert_eq!(
            field(s::COPING_STRATEGIES.checked(empty)),
            "coping_strategies.description"
        );
        assert_eq!(
            field(SectionId::CopingStrategies.checked(json.as_str())),
            "coping_strategies.description"
        );
        let sign = PlanNote {
            id: ItemId::random(),
            text: "I stop answering the phone".to_string(),
        };
        let json = serde_json::to_string(&sign).expect("json");
        assert_eq!(field(s::TAKEOVER_SIGNS.checked(sign)), "section");
        assert_eq!(
            field(SectionId::TakeoverSigns.checked(json.as_str())),
            "section"
        );
        assert_eq!(
            field(SectionId::Meetings.checked("{\"id\":\"x\"}")),
            "item_json"
        );
    }
}
