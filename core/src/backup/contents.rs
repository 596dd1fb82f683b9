//! What a backup holds, and its encoding: JSON (readable in a hex dump by whoever debugs a
//! format problem, versioned by `format`), DEFLATE-compressed before it is sealed. Decoding is
//! bounded: the inflated size is capped before anything is parsed.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::json_bytes;

pub const CONTENTS_FORMAT: &str = "twofold-backup-contents";
pub const CONTENTS_VERSION: u32 = 1;
/// Largest inflated contents accepted (a deflate bomb stops here).
pub const MAX_CONTENTS_LEN: u64 = 256 * 1024 * 1024;

/// One SQLite value. Blobs are base64 in an object so they cannot be mistaken for text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Blob { b64: String },
}

/// The rows of one local table, columns named.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDump {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupContents {
    pub format: String,
    pub version: u32,
    /// The store's schema version when the backup was made (`PRAGMA user_version`).
    pub schema: i64,
    pub made_at_ms: i64,
    /// The name this device showed to peers.
    pub display_name: String,
    /// Public keys (hex, 64 bytes) of the device that made the backup and of the devices it
    /// was itself restored from, newest last: a restored device recognises their envelopes as
    /// its own person's, and peers can be told who it succeeds (ADR 0010).
    pub predecessors: Vec<String>,
    /// Every document's full Automerge bytes (base64), by document id.
    pub documents: BTreeMap<String, String>,
    /// The local tables, by name.
    pub tables: BTreeMap<String, TableDump>,
}

fn refused(reason: &'static str) -> Error {
    Error::BackupRefused { reason }
}

impl BackupContents {
    pub fn encode(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(self)
            .map_err(|_| Error::invalid("backup", "could not be encoded"))?;
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&json)?;
        Ok(z.finish()?)
    }

    pub fn decode(compressed: &[u8]) -> Result<Self> {
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(compressed)
            .take(MAX_CONTENTS_LEN + 1)
            .read_to_end(&mut json)
            .map_err(|_| refused("its contents are damaged"))?;
        if json.len() as u64 > MAX_CONTENTS_LEN {
            return Err(refused("its contents are larger than the limit"));
        }
        // serde's messages can quote the input: report only that it failed.
        let contents: BackupContents = json_bytes::from_bytes(&json)
            .ok_or_else(|| refused("its contents are not readable"))?;
        if contents.format != CONTENTS_FORMAT {
            return Err(refused("its contents are not a Twofold backup"));
        }
        if contents.version != CONTENTS_VERSION {
            return Err(refused("it was made by a newer version of the app"));
        }
        Ok(contents)
    }
}

impl Cell {
    pub fn blob(bytes: &[u8]) -> Cell {
        Cell::Blob {
            b64: STANDARD.encode(bytes),
        }
    }
}

/// A document's bytes from the contents.
pub fn decode_b64(raw: &str) -> Result<Vec<u8>> {
    STANDARD
        .decode(raw)
        .map_err(|_| refused("a document in it is damaged"))
}

pub fn encode_b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}
