//! Typed methods for every section of every document: `put_<item>` (add, or replace the item
//! with the same id; async, durable when it returns), `get_<item>(id)` and `list_<items>()`
//! (in the person's order, or time order for time-keyed sections).
//!
//! Generated from the core's one list of sections (`for_each_section!`), over its typed
//! `Section<T>` constants. The operations that work on any section (`remove_item`,
//! `move_item`, `item_conflicts`, `count_items`) take a `SectionName` and live in `store`.

use twofold_core::sections;

use crate::convert::{self, ToCore};
use crate::error::Result;
use crate::model::items::*;
use crate::store::TwofoldStore;

/// One exported `impl` per section that has FFI names in the core's list (the person's own
/// four documents); the summary's and the notes' sections have none.
macro_rules! section_methods {
    ($( $doc:ident($snapshot:ident) {
        $( $variant:ident $key:ident $constant:ident: $item:ident,
           ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $put:ident $get:ident $list:ident)?; )+
    } )+) => {
        $($($(
            #[uniffi::export]
            impl TwofoldStore {
                /// Adds the item, or replaces the item with the same id (only changed fields
                /// are written). Checked first: an invalid item changes nothing.
                pub async fn $put(&self, item: $item) -> Result<()> {
                    self.write(move |core| {
                        let section = sections::$constant;
                        let item = item.to_core(section.id.key())?;
                        Ok(core.put(section, item)?)
                    })
                    .await
                }

                /// One item by id (`NotFound` if there is none).
                pub fn $get(&self, id: String) -> Result<$item> {
                    self.read(|core| {
                        let section = sections::$constant;
                        let id = convert::id::to_core(id, section.id.key(), "id")?;
                        Ok(core.get(section, &id)?.into())
                    })
                }

                /// Every item of the section, in order.
                pub fn $list(&self) -> Result<Vec<$item>> {
                    self.read(|core| {
                        let items = core.list(sections::$constant)?;
                        Ok(items.into_iter().map(Into::into).collect())
                    })
                }
            }
        )?)+)+
    };
}

twofold_core::for_each_section!(section_methods);
