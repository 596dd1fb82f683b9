//! Loading Automerge bytes that came from outside (an import, a peer's snapshot or changes).
//!
//! Automerge's loader trusts its input more than we can: some malformed inputs make it panic,
//! and others make it allocate without bound — DEFLATE-compressed columns and change chunks are
//! inflated with `read_to_end`, and run-length encoded columns are expanded row by row, so a few
//! bytes can ask for gigabytes, and a failed allocation aborts the process. Before Automerge sees
//! the bytes we therefore (1) bound their size, (2) walk the chunk framing ourselves, refusing
//! chunk types we never produce, lengths that overrun the input, compressed parts that inflate
//! past a budget and columns that decode to more rows than a budget (`column_rows`), and then
//! (3) run the loader under `catch_unwind`, so that a panic inside it becomes an error instead of
//! taking the app down.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::AutoCommit;

use super::column_rows::{column_rows, RowsError};
use super::leb_reader::LebReader;
use crate::error::{Error, Result};

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED_CHANGE: u8 = 2;
const DEFLATED_COLUMN_BIT: u64 = 0b1000;
const MAX_CHUNKS: usize = 1_000_000;
const MAX_COLUMNS: u64 = 1_024;
const HASH_LEN: u64 = 32;

/// How much untrusted input is accepted.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    /// Size of the bytes as received.
    pub max_bytes: usize,
    /// Total size of everything compressed inside, once inflated.
    pub max_inflated: u64,
    /// Total rows (operations and changes) the input's columns may decode to, summed over its
    /// chunks: what Automerge will hold in memory, whatever the run-length encoding claims.
    pub max_rows: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_bytes: 16 * 1024 * 1024,
            max_inflated: 64 * 1024 * 1024,
            // The five-year data set's largest document (the journal) decodes to 25,671 rows:
            // 1 Mi rows is forty times that, and keeps what Automerge materialises bounded.
            max_rows: 1024 * 1024,
        }
    }
}

fn refuse(reason: &str) -> Error {
    Error::ImportRefused {
        reason: reason.to_string(),
    }
}

/// Loads untrusted Automerge bytes, or says why not. Never panics, never inflates or expands
/// past the budget.
pub fn load_untrusted(bytes: &[u8], limits: LoadLimits) -> Result<AutoCommit> {
    precheck(bytes, limits)?;
    match catch_unwind(AssertUnwindSafe(|| AutoCommit::load(bytes))) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(_)) => Err(refuse("not a readable Automerge document")),
        Err(_) => Err(Error::Contained {
            context: "the Automerge loader",
        }),
    }
}

/// Walks the chunk framing and every column without trusting any length or count in them.
pub fn precheck(bytes: &[u8], limits: LoadLimits) -> Result<()> {
    chunk_spans(bytes, limits).map(|_| ())
}

/// Whether a chunk is a whole document (a snapshot) or one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    Document,
    Change,
}

/// What is left to spend on one input.
struct Budget {
    inflated: u64,
    rows: u64,
}

/// The same walk as [`precheck`], returning each chunk's kind and byte range, so a caller can
/// hand Automerge one change at a time.
pub fn chunk_spans(
    bytes: &[u8],
    limits: LoadLimits,
) -> Result<Vec<(ChunkKind, std::ops::Range<usize>)>> {
    if bytes.is_empty() {
        return Err(refuse("empty input"));
    }
    if bytes.len() > limits.max_bytes {
        return Err(refuse("input is larger than the import limit"));
    }
    let mut budget = Budget {
        inflated: limits.max_inflated,
        rows: limits.max_rows,
    };
    let mut rest = bytes;
    let mut spans = Vec::new();
    while !rest.is_empty() {
        if spans.len() >= MAX_CHUNKS {
            return Err(refuse("too many chunks"));
        }
        let start = bytes.len() - rest.len();
        let mut r = LebReader(rest);
        if r.take(4).ok_or_else(|| refuse("truncated chunk header"))? != MAGIC {
            return Err(refuse("not an Automerge document"));
        }
        r.take(4).ok_or_else(|| refuse("truncated chunk header"))?;
        let kind = r.byte().ok_or_else(|| refuse("truncated chunk header"))?;
        let len = r.uleb().ok_or_else(|| refuse("malformed chunk length"))?;
        let body = r
            .take_u64(len)
            .ok_or_else(|| refuse("chunk longer than the input"))?;
        let kind = match kind {
            CHUNK_DOCUMENT => {
                check_document(body, &mut budget)?;
                ChunkKind::Document
            }
            CHUNK_CHANGE => {
                check_change(body, &mut budget)?;
                ChunkKind::Change
            }
            CHUNK_COMPRESSED_CHANGE => {
                let inflated = inflate_within(body, &mut budget)?;
                check_change(&inflated, &mut budget)?;
                ChunkKind::Change
            }
            _ => return Err(refuse("unsupported chunk type")),
        };
        rest = r.0;
        spans.push((kind, start..bytes.len() - rest.len()));
    }
    Ok(spans)
}

fn check_document(body: &[u8], budget: &mut Budget) -> Result<()> {
    let bad = || refuse("malformed document chunk");
    let mut r = LebReader(body);
    let actors = r.uleb().ok_or_else(bad)?;
    for _ in 0..actors {
        r.prefixed().ok_or_else(bad)?;
    }
    let heads = r.uleb().ok_or_else(bad)?;
    r.take_u64(heads.checked_mul(HASH_LEN).ok_or_else(bad)?)
        .ok_or_else(bad)?;
    let mut specs = column_specs(&mut r, bad)?;
    specs.extend(column_specs(&mut r, bad)?);
    let mut chunk_rows = 0;
    for (spec, len) in specs {
        let data = r.take_u64(len).ok_or_else(bad)?;
        let rows = if spec & DEFLATED_COLUMN_BIT != 0 {
            count_rows(spec, &inflate_within(data, budget)?, budget.rows)?
        } else {
            count_rows(spec, data, budget.rows)?
        };
        chunk_rows = chunk_rows.max(rows);
    }
    budget.rows -= chunk_rows;
    Ok(())
}

/// A change chunk: its header (dependencies, actor, sequence number, start op, time, message,
/// other actors), then one set of columns — never compressed one by one, as in Automerge.
fn check_change(body: &[u8], budget: &mut Budget) -> Result<()> {
    let bad = || refuse("malformed change chunk");
    let mut r = LebReader(body);
    let deps = r.uleb().ok_or_else(bad)?;
    r.take_u64(deps.checked_mul(HASH_LEN).ok_or_else(bad)?)
        .ok_or_else(bad)?;
    r.prefixed().ok_or_else(bad)?;
    r.uleb().ok_or_else(bad)?;
    r.uleb().ok_or_else(bad)?;
    r.sleb().ok_or_else(bad)?;
    r.prefixed().ok_or_else(bad)?;
    let others = r.uleb().ok_or_else(bad)?;
    for _ in 0..others {
        r.prefixed().ok_or_else(bad)?;
    }
    let mut chunk_rows = 0;
    for (spec, len) in column_specs(&mut r, bad)? {
        if spec & DEFLATED_COLUMN_BIT != 0 {
            return Err(bad());
        }
        let data = r.take_u64(len).ok_or_else(bad)?;
        chunk_rows = chunk_rows.max(count_rows(spec, data, budget.rows)?);
    }
    budget.rows -= chunk_rows;
    Ok(())
}

/// One block of column metadata: a count, then (specification, length) pairs.
fn column_specs(r: &mut LebReader<'_>, bad: impl Fn() -> Error) -> Result<Vec<(u64, u64)>> {
    let n = r.uleb().ok_or_else(&bad)?;
    if n > MAX_COLUMNS {
        return Err(bad());
    }
    (0..n)
        .map(|_| Ok((r.uleb().ok_or_else(&bad)?, r.uleb().ok_or_else(&bad)?)))
        .collect()
}

fn count_rows(spec: u64, data: &[u8], limit: u64) -> Result<u64> {
    column_rows(spec, data, limit).map_err(|e| match e {
        RowsError::Malformed => refuse("malformed column"),
        RowsError::TooMany => refuse("columns expand beyond the import limit"),
    })
}

/// Inflates `data`, and stops as soon as the budget is spent.
fn inflate_within(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>> {
    let mut decoder =
        flate2::bufread::DeflateDecoder::new(data).take(budget.inflated.saturating_add(1));
    let mut inflated = Vec::new();
    decoder
        .read_to_end(&mut inflated)
        .map_err(|_| refuse("malformed compressed data"))?;
    let len = inflated.len() as u64;
    if len > budget.inflated {
        return Err(refuse("compressed data expands beyond the import limit"));
    }
    budget.inflated -= len;
    Ok(inflated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use std::io::Write;

    fn sample() -> Vec<u8> {
        let mut doc = AutoCommit::new();
        for i in 0..200 {
            doc.put(
                automerge::ROOT,
                format!("k{i}"),
                "some repeated text to compress well",
            )
            .expect("put");
        }
        doc.save()
    }

    #[test]
    fn valid_documents_and_incremental_chunks_load() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "a", 1).expect("put");
        let mut all = doc.save();
        let heads = doc.get_heads();
        doc.put(automerge::ROOT, "b", 2).expect("put");
        all.extend(doc.save_after(&heads));
        let loaded = load_untrusted(&all, LoadLimits::default()).expect("loads");
        assert_eq!(loaded.clone().get_heads(), doc.get_heads());
        load_untrusted(&sample(), LoadLimits::default()).expect("compressed document loads");
    }

    #[test]
    fn a_compression_bomb_is_refused_without_inflating_it() {
        // A compressed change chunk whose body inflates to 32 MiB of zeros, against a 4 MiB
        // budget (the default budget works the same way, only slower to build in a test).
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..32 {
            enc.write_all(&zeros).expect("compress");
        }
        let body = enc.finish().expect("compress");
        let mut chunk = MAGIC.to_vec();
        chunk.extend([0, 0, 0, 0, CHUNK_COMPRESSED_CHANGE]);
        let mut len = body.len() as u64;
        loop {
            let b = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                chunk.push(b);
                break;
            }
            chunk.push(b | 0x80);
        }
        chunk.extend(&body);
        let limits = LoadLimits {
            max_bytes: 1 << 20,
            max_inflated: 4 << 20,
            ..LoadLimits::default()
        };
        assert!(chunk.len() < 100_000, "the bomb is small: {}", chunk.len());
        let err = load_untrusted(&chunk, limits).expect_err("refused");
        assert!(err.to_string().contains("expands beyond"), "{err}");
    }

    #[test]
    fn oversized_truncated_and_foreign_inputs_are_refused() {
        let limits = LoadLimits {
            max_bytes: 100,
            max_inflated: 1000,
            ..LoadLimits::default()
        };
        assert!(load_untrusted(&[0u8; 101], limits).is_err());
        assert!(load_untrusted(b"{\"not\":\"automerge\"}", LoadLimits::default()).is_err());
        let s = sample();
        assert!(load_untrusted(&s[..s.len() / 2], LoadLimits::default()).is_err());
        assert!(load_untrusted(&[], LoadLimits::default()).is_err());
    }
}
