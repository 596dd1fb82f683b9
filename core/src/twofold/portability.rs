//! Data portability: every document out as standard Automerge bytes (any Automerge
//! implementation reads them) or as JSON, and back in. An import is checked whole before
//! anything is kept: a bad file changes nothing.

use automerge::AutoCommit;

use super::items::check_references;
use super::{ChangeOrigin, Twofold};
use crate::docs::genesis;
use crate::docs::guarded_load::load_untrusted;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::SectionId;
use crate::docs::snapshot::{DocumentSnapshot, JsonExport, JSON_FORMAT, JSON_VERSION};
use crate::error::{Error, Result};

fn refused(reason: impl Into<String>) -> Error {
    Error::ImportRefused {
        reason: reason.into(),
    }
}

impl Twofold {
    /// The document as standard Automerge bytes, with its full history.
    pub fn export_bytes(&self, kind: DocKind) -> Result<Vec<u8>> {
        let mut docs = self.docs_write()?;
        let doc = docs
            .owner
            .get_mut(&kind)
            .ok_or_else(|| Error::not_found("document", kind.as_str()))?;
        Ok(doc.am.save())
    }

    /// The whole document, typed: what a screen shows and what the JSON export holds.
    pub fn snapshot(&self, kind: DocKind) -> Result<DocumentSnapshot> {
        self.read(|docs| DocumentSnapshot::read(kind, docs.get(kind)?))
    }

    /// The document as readable JSON (`format`, `version`, `kind`, `data`).
    pub fn export_json(&self, kind: DocKind) -> Result<String> {
        let document = self.snapshot(kind)?;
        let export = JsonExport {
            format: JSON_FORMAT.to_string(),
            version: JSON_VERSION,
            document,
        };
        serde_json::to_string_pretty(&export).map_err(|_| refused("could not encode JSON"))
    }

    /// Adds the items of a JSON export to the document (items with the same id are updated).
    pub fn import_json(&self, kind: DocKind, json: &str) -> Result<()> {
        if json.len() > self.options.import_limits.max_bytes {
            return Err(refused("input is larger than the import limit"));
        }
        // serde's messages can quote the input; report only where it went wrong.
        let export: JsonExport = JsonExport::from_json(json).map_err(|e| {
            refused(format!(
                "not a Twofold JSON export ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        if export.format != JSON_FORMAT {
            return Err(refused("not a Twofold JSON export"));
        }
        if export.version > JSON_VERSION {
            return Err(refused("made by a newer version of Twofold"));
        }
        if export.document.kind() != kind {
            return Err(refused(format!(
                "holds a {} document, not {kind}",
                export.document.kind()
            )));
        }
        let refs = export.document.validate()?;
        self.change(kind, ChangeOrigin::Import, |docs, am| {
            // A strong reference must resolve in the file itself or in the store.
            for (from, r) in refs.iter().filter(|(_, r)| r.strong) {
                if !export.document.contains(r.target, &r.id) {
                    check_references(docs, kind, am, *from, std::slice::from_ref(r))?;
                }
            }
            export.document.write_into(am)
        })
    }

    /// Merges Automerge bytes of the same document (an export from this or another device)
    /// into the store's copy, keeping both histories.
    pub fn import_bytes(&self, kind: DocKind, bytes: &[u8]) -> Result<()> {
        let mut imported = load_untrusted(bytes, self.options.import_limits)?;
        if genesis::kind_of(&imported) != Some(kind) {
            return Err(refused(format!("not a Twofold {kind} document")));
        }
        self.change(kind, ChangeOrigin::Import, |_, am| {
            let mut candidate: AutoCommit = am.fork();
            candidate.merge(&mut imported.clone())?;
            // A document that did not grow from our genesis would replace whole sections.
            for section in SectionId::of(kind) {
                if items::section_obj(&candidate, section)? != items::section_obj(am, section)? {
                    return Err(refused(
                        "the document has a different origin and cannot be merged",
                    ));
                }
            }
            // Every item must read back as a valid item. References are not checked: two
            // devices' histories may leave one dangling (one removed what the other pointed at),
            // and readers skip dangling references.
            DocumentSnapshot::read(kind, &candidate)?.validate()?;
            am.merge(&mut imported)?;
            Ok(())
        })
    }
}
