//! Loading Automerge bytes that came from outside (an import; later, a peer).
//!
//! Automerge's loader trusts its input more than we can: some malformed inputs make it panic,
//! and others make it allocate without bound — DEFLATE-compressed columns and change chunks are
//! inflated with `read_to_end`, so a few kilobytes can ask for gigabytes. Before Automerge sees
//! the bytes we therefore (1) bound their size, (2) walk the chunk framing ourselves, refusing
//! chunk types we never produce, lengths that overrun the input, and compressed parts that
//! inflate past a budget, and then (3) run the loader under `catch_unwind`, so that a panic
//! inside it becomes an error instead of taking the app down.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::AutoCommit;

use crate::error::{Error, Result};

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED_CHANGE: u8 = 2;
const DEFLATED_COLUMN_BIT: u64 = 0b1000;
const MAX_CHUNKS: usize = 1_000_000;
const MAX_COLUMNS: u64 = 1_024;

/// How much untrusted input is accepted.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    /// Size of the bytes as received.
    pub max_bytes: usize,
    /// Total size of everything compressed inside, once inflated.
    pub max_inflated: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_bytes: 16 * 1024 * 1024,
            max_inflated: 64 * 1024 * 1024,
        }
    }
}

fn refuse(reason: &str) -> Error {
    Error::ImportRefused {
        reason: reason.to_string(),
    }
}

/// Loads untrusted Automerge bytes, or says why not. Never panics, never inflates past the
/// budget.
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

/// Walks the chunk framing without trusting any length in it.
pub fn precheck(bytes: &[u8], limits: LoadLimits) -> Result<()> {
    chunk_spans(bytes, limits).map(|_| ())
}

/// Whether a chunk is a whole document (a snapshot) or one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    Document,
    Change,
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
    let mut budget = limits.max_inflated;
    let mut rest = bytes;
    let mut spans = Vec::new();
    while !rest.is_empty() {
        if spans.len() >= MAX_CHUNKS {
            return Err(refuse("too many chunks"));
        }
        let start = bytes.len() - rest.len();
        let mut r = Reader(rest);
        if r.take(4).ok_or_else(|| refuse("truncated chunk header"))? != MAGIC {
            return Err(refuse("not an Automerge document"));
        }
        r.take(4).ok_or_else(|| refuse("truncated chunk header"))?;
        let kind = r.byte().ok_or_else(|| refuse("truncated chunk header"))?;
        let len = r.uleb().ok_or_else(|| refuse("malformed chunk length"))?;
        let len = usize::try_from(len).map_err(|_| refuse("chunk longer than the input"))?;
        let body = r
            .take(len)
            .ok_or_else(|| refuse("chunk longer than the input"))?;
        let kind = match kind {
            CHUNK_DOCUMENT => {
                check_document(body, &mut budget)?;
                ChunkKind::Document
            }
            CHUNK_CHANGE => ChunkKind::Change,
            CHUNK_COMPRESSED_CHANGE => {
                inflate_within(body, &mut budget)?;
                ChunkKind::Change
            }
            _ => return Err(refuse("unsupported chunk type")),
        };
        rest = r.0;
        spans.push((kind, start..bytes.len() - rest.len()));
    }
    Ok(spans)
}

fn check_document(body: &[u8], budget: &mut u64) -> Result<()> {
    let bad = || refuse("malformed document chunk");
    let mut r = Reader(body);
    let actors = r.uleb().ok_or_else(bad)?;
    for _ in 0..actors {
        let len = r.uleb().ok_or_else(bad)?;
        r.take(usize::try_from(len).map_err(|_| bad())?)
            .ok_or_else(bad)?;
    }
    let heads = r.uleb().ok_or_else(bad)?;
    let heads_len = heads.checked_mul(32).ok_or_else(bad)?;
    r.take(usize::try_from(heads_len).map_err(|_| bad())?)
        .ok_or_else(bad)?;
    let mut columns = Vec::new();
    for _ in 0..2 {
        let n = r.uleb().ok_or_else(bad)?;
        if n > MAX_COLUMNS {
            return Err(bad());
        }
        for _ in 0..n {
            let spec = r.uleb().ok_or_else(bad)?;
            let len = r.uleb().ok_or_else(bad)?;
            columns.push((spec, usize::try_from(len).map_err(|_| bad())?));
        }
    }
    for (spec, len) in columns {
        let data = r.take(len).ok_or_else(bad)?;
        if spec & DEFLATED_COLUMN_BIT != 0 {
            inflate_within(data, budget)?;
        }
    }
    Ok(())
}

/// Inflates `data` into nothing, counting, and stops as soon as the budget is spent.
fn inflate_within(data: &[u8], budget: &mut u64) -> Result<()> {
    let mut decoder = flate2::bufread::DeflateDecoder::new(data).take(budget.saturating_add(1));
    let inflated = std::io::copy(&mut decoder, &mut std::io::sink())
        .map_err(|_| refuse("malformed compressed data"))?;
    if inflated > *budget {
        return Err(refuse("compressed data expands beyond the import limit"));
    }
    *budget -= inflated;
    Ok(())
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Unsigned LEB128, at most 10 bytes and no overflow of u64.
    fn uleb(&mut self) -> Option<u64> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.byte()?;
            let low = u64::from(b & 0x7f);
            if i == 9 && low > 1 {
                return None;
            }
            value |= low << (7 * i);
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
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
        };
        assert!(load_untrusted(&[0u8; 101], limits).is_err());
        assert!(load_untrusted(b"{\"not\":\"automerge\"}", LoadLimits::default()).is_err());
        let s = sample();
        assert!(load_untrusted(&s[..s.len() / 2], LoadLimits::default()).is_err());
        assert!(load_untrusted(&[], LoadLimits::default()).is_err());
    }
}
