//! A suggested item: what a mentor suggests for one of the person's sections. It is checked
//! like a write to that section, and stored in the notes document as the JSON of its type
//! (so a suggestion for any section fits one field, and the person's device checks it again
//! before accepting it).

use crate::docs::any_item::{check, AnyItem};
use crate::docs::sections::{Item, Section, SectionId};
use crate::error::{Error, Result};
use crate::model::sharing::MAX_ITEM_JSON;

/// An item of `section` from the JSON a suggestion stores, checked like a write to it.
pub(crate) fn parse<T: Item>(section: Section<T>, json: &str) -> Result<T> {
    if json.len() > MAX_ITEM_JSON {
        return Err(Error::invalid("item_json", "is too long"));
    }
    let item: T = serde_json::from_str(json).map_err(|_| not_an_item(section.id))?;
    check(section.id, &item)?;
    Ok(item)
}

// Out of line: its `format!` would otherwise be copied into each section's `parse`.
fn not_an_item(section: SectionId) -> Error {
    Error::invalid("item_json", format!("is not a {} item", section.key()))
}

pub(crate) fn suggestible(section: SectionId) -> Result<()> {
    if section.suggestible() {
        Ok(())
    } else {
        Err(Error::invalid("section", "cannot take suggestions"))
    }
}

/// A suggested item of `section`, checked like a write to it (and refused for a section that
/// takes no suggestions): the JSON the suggestion stores.
pub(crate) fn checked(section: SectionId, item: &dyn AnyItem) -> Result<String> {
    suggestible(section)?;
    // The same checks, in the same order, as the person's device runs on the stored JSON.
    let json = item
        .to_json()
        .map_err(|_| Error::invalid("item_json", "could not be written"))?;
    if json.len() > MAX_ITEM_JSON {
        return Err(Error::invalid("item_json", "is too long"));
    }
    check(section, item)?;
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::sections as s;
    use crate::model::ids::ItemId;
    use crate::model::plan::{CopingStrategy, Domain, PlanNote};

    fn coping(description: &str) -> CopingStrategy {
        CopingStrategy {
            id: ItemId::random(),
            description: description.to_string(),
            domain: Domain::Both,
        }
    }

    #[test]
    fn a_suggested_item_is_checked_as_its_stored_json_is_on_acceptance() {
        let item = coping("cold water on the face");
        let json = checked(SectionId::CopingStrategies, &item).expect("typed");
        assert_eq!(parse(s::COPING_STRATEGIES, &json).expect("parse"), item);
    }

    #[test]
    fn refusals_name_the_field() {
        let field = |r: Result<String>| match r {
            Err(Error::Invalid(inv)) => inv.field,
            other => panic!("not Invalid: {other:?}"),
        };
        let empty = coping("");
        assert_eq!(
            field(checked(SectionId::CopingStrategies, &empty)),
            "coping_strategies.description"
        );
        let json = serde_json::to_string(&empty).expect("json");
        assert!(matches!(
            parse(s::COPING_STRATEGIES, &json),
            Err(Error::Invalid(inv)) if inv.field == "coping_strategies.description"
        ));
        let sign = PlanNote {
            id: ItemId::random(),
            text: "I stop answering the phone".to_string(),
        };
        assert_eq!(field(checked(SectionId::TakeoverSigns, &sign)), "section");
        assert!(matches!(
            parse(s::MEETINGS, "{\"id\":\"x\"}"),
            Err(Error::Invalid(inv)) if inv.field == "item_json"
        ));
    }
}
