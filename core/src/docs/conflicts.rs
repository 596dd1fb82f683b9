//! Concurrent edits of the same field resolve the Automerge way (one value wins everywhere);
//! this shows the person that it happened and what the other values were, so nothing a mentor
//! or the owner wrote disappears without a trace.

use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value};
use serde::Serialize;

use crate::docs::items::section_obj;
use crate::docs::sections::SectionId;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldConflict {
    pub field: String,
    /// Every concurrent value as JSON; the first is the one the document shows.
    pub values: Vec<String>,
}

fn render(value: &Value<'_>) -> String {
    let json = match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => serde_json::Value::String(t.to_string()),
            ScalarValue::Int(i) => serde_json::Value::from(*i),
            ScalarValue::Uint(u) => serde_json::Value::from(*u),
            ScalarValue::F64(f) => serde_json::Value::from(*f),
            ScalarValue::Boolean(b) => serde_json::Value::from(*b),
            ScalarValue::Timestamp(t) => serde_json::Value::from(*t),
            ScalarValue::Counter(c) => serde_json::Value::from(i64::from(c)),
            _ => serde_json::Value::Null,
        },
        // Concurrently replaced lists (phones, codes) are rare; name the shape only.
        Value::Object(ObjType::List) => serde_json::Value::String("[list]".into()),
        Value::Object(_) => serde_json::Value::String("[object]".into()),
    };
    json.to_string()
}

/// Fields of one item that currently hold more than one concurrent value.
pub fn item_conflicts(
    doc: &AutoCommit,
    section: SectionId,
    id: &ItemId,
) -> Result<Vec<FieldConflict>> {
    let sobj = section_obj(doc, section)?;
    let (_, item) = doc
        .get(&sobj, id.as_str())?
        .ok_or_else(|| Error::not_found("item", id.as_str()))?;
    let mut out = Vec::new();
    for key in doc.keys(&item) {
        let mut all = doc.get_all(&item, key.as_str())?;
        if all.len() > 1 {
            // Show the value everyone sees first, then the ones it won over.
            if let Some((_, winner)) = doc.get(&item, key.as_str())? {
                crate::sorting::sort_by_key(&mut all, |(_, id)| *id != winner);
            }
            out.push(FieldConflict {
                field: key.clone(),
                values: all.iter().map(|(v, _)| render(v)).collect(),
            });
        }
    }
    Ok(out)
}
