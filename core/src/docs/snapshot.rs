//! Whole-document snapshots: the typed, validated view of one document used for JSON export
//! and import (data portability) and to check imported Automerge bytes before they are kept.

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use crate::docs::items;
use crate::docs::kind::DocKind;
use std::collections::{HashMap, HashSet};

use crate::docs::sections::{self as s, Item, Reference, Section, SectionId, WHEN_WELL};
use crate::error::{Error, Result};
use crate::model::contacts::Contact;
use crate::model::harm_reduction::{NaloxoneKit, NaloxoneResponder, NeverUseAloneLine};
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::medication::ScheduledMedication;
use crate::model::plan::*;
use crate::model::schedule::{Attendance, Meeting};
use crate::model::sharing::{MentorNote, SharedAlert, SharedMilestone, Suggestion, WeekSummary};

/// The name and version of the JSON export format.
pub const JSON_FORMAT: &str = "twofold-document";
pub const JSON_VERSION: u32 = 1;

/// One struct per document with a field per section (in the list's order), its read and its
/// visit, from the one list of sections. The plan also has its "when I'm well" text, first.
macro_rules! snapshot_documents {
    (
        Plan(PlanDocument) {
            $( $p_variant:ident $p_key:ident $p_constant:ident: $p_item:ident,
               ordered: $p_ordered:literal, suggest: $p_suggest:literal $(, ffi: $($p_ffi:ident)+)?; )+
        }
        $( $doc:ident($snapshot:ident) {
            $( $variant:ident $key:ident $constant:ident: $item:ident,
               ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+
        } )+
    ) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct PlanDocument {
            pub when_well: String,
            $( pub $p_key: Vec<$p_item>, )+
        }

        $(
            #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
            #[serde(default)]
            pub struct $snapshot {
                $( pub $key: Vec<$item>, )+
            }
        )+

        impl DocumentSnapshot {
            pub fn kind(&self) -> DocKind {
                match self {
                    DocumentSnapshot::Plan(_) => DocKind::Plan,
                    $( DocumentSnapshot::$doc(_) => DocKind::$doc, )+
                }
            }

            /// Reads the whole typed state of `doc`.
            pub fn read(kind: DocKind, doc: &AutoCommit) -> Result<Self> {
                Ok(match kind {
                    DocKind::Plan => DocumentSnapshot::Plan(PlanDocument {
                        when_well: items::get_text(doc, WHEN_WELL)?,
                        $( $p_key: items::list(doc, s::$p_constant)?, )+
                    }),
                    $( DocKind::$doc => DocumentSnapshot::$doc($snapshot {
                        $( $key: items::list(doc, s::$constant)?, )+
                    }), )+
                    // A circle has no sections: it is read with the circle calls (ADR 0019).
                    DocKind::Circle => {
                        return Err(crate::error::Error::invalid(
                            "kind",
                            "a circle is read with the circle calls",
                        ))
                    }
                })
            }

            fn visit(&self, v: &mut impl SectionVisitor) -> Result<()> {
                match self {
                    DocumentSnapshot::Plan(d) => {
                        $( v.visit(s::$p_constant, &d.$p_key)?; )+
                    }
                    $( DocumentSnapshot::$doc(d) => {
                        $( v.visit(s::$constant, &d.$key)?; )+
                    } )+
                }
                Ok(())
            }
        }
    };
}

crate::for_each_section!(snapshot_documents);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // one per export; boxing buys nothing
pub enum DocumentSnapshot {
    Plan(PlanDocument),
    Contacts(ContactsDocument),
    Schedule(ScheduleDocument),
    Journal(JournalDocument),
    Summary(SummaryDocument),
    Notes(NotesDocument),
}

/// The JSON export file: format marker, version, then the tagged document. Read by hand
/// (`docs::export_json`), not derived: the derived reader buffered the document first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonExport {
    pub format: String,
    pub version: u32,
    #[serde(flatten)]
    pub document: DocumentSnapshot,
}

/// Applies `f` to every (section, items) pair of a snapshot, typed.
trait SectionVisitor {
    fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()>;
}

impl DocumentSnapshot {
    /// Every item valid and ids unique per section. Returns every reference the items make;
    /// whether they resolve is the caller's question (a merge may legitimately leave one
    /// dangling — one device removed what another pointed at — a JSON import may not).
    pub fn validate(&self) -> Result<Vec<(SectionId, Reference)>> {
        struct Check {
            ids: HashMap<SectionId, HashSet<ItemId>>,
            refs: Vec<(SectionId, Reference)>,
        }
        impl SectionVisitor for Check {
            fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()> {
                let seen = self.ids.entry(section.id).or_default();
                for item in items {
                    ItemId::parse(&format!("{}.id", section.id.key()), item.id().as_str())?;
                    item.validate().map_err(|e| prefix(section.id, e))?;
                    if !seen.insert(item.id().clone()) {
                        return Err(Error::invalid(
                            format!("{}.id", section.id.key()),
                            "appears twice",
                        ));
                    }
                    self.refs
                        .extend(item.references().into_iter().map(|r| (section.id, r)));
                }
                Ok(())
            }
        }
        if let DocumentSnapshot::Plan(p) = self {
            crate::model::validate::optional(
                WHEN_WELL,
                &p.when_well,
                crate::model::validate::MAX_LONG,
            )?;
        }
        let mut check = Check {
            ids: HashMap::new(),
            refs: Vec::new(),
        };
        self.visit(&mut check)?;
        Ok(check.refs)
    }

    /// Whether this snapshot holds `id` in `section`.
    pub fn contains(&self, section: SectionId, id: &ItemId) -> bool {
        struct Find<'a>(SectionId, &'a ItemId, bool);
        impl SectionVisitor for Find<'_> {
            fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()> {
                if section.id == self.0 {
                    self.2 |= items.iter().any(|i| i.id() == self.1);
                }
                Ok(())
            }
        }
        let mut find = Find(section, id, false);
        // The visitor above never fails.
        let _ = self.visit(&mut find);
        find.2
    }

    /// Writes every item of the snapshot into `doc` (inserting or updating by id).
    pub fn write_into(&self, doc: &mut AutoCommit) -> Result<()> {
        struct Write<'a>(&'a mut AutoCommit);
        impl SectionVisitor for Write<'_> {
            fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()> {
                for item in items {
                    items::put(self.0, section, item)?;
                }
                Ok(())
            }
        }
        if let DocumentSnapshot::Plan(p) = self {
            items::put_text(doc, WHEN_WELL, &p.when_well)?;
        }
        self.visit(&mut Write(doc))
    }
}

/// Names the section in a field error: `triggers.description`.
pub fn prefix(section: SectionId, e: Error) -> Error {
    match e {
        Error::Invalid(mut inv) => {
            inv.field = format!("{}.{}", section.key(), inv.field);
            Error::Invalid(inv)
        }
        other => other,
    }
}
