//! The guarded loader against hostile bytes: mutated, truncated, spliced and random inputs
//! built from real documents. It must never panic, never abort, and answer every input with
//! either a document or a typed error.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use proptest::prelude::*;
use twofold_core::docs::guarded_load::{load_untrusted, LoadLimits};
use twofold_core::Error;

fn seed_documents() -> Vec<Vec<u8>> {
    let mut doc = AutoCommit::new();
    let map = doc
        .put_object(ROOT, "check_ins", ObjType::Map)
        .expect("map");
    let mut chunks = doc.save();
    for i in 0..40 {
        let heads = doc.get_heads();
        let item = doc
            .put_object(&map, format!("k{i:03}"), ObjType::Map)
            .expect("item");
        doc.put(&item, "mood", i % 11).expect("put");
        doc.put(
            &item,
            "note",
            "a note that repeats a note that repeats a note",
        )
        .expect("put");
        chunks.extend(doc.save_after(&heads));
    }
    // A compacted document (with DEFLATE-compressed columns) and the chunked form.
    vec![doc.save(), chunks, doc.save_nocompress()]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Truncate { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Overwrite { at: usize, bytes: Vec<u8> },
    Duplicate { from: usize, len: usize, to: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..12)
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        // Long LEB128 runs: huge declared lengths and counts.
        (
            any::<usize>(),
            proptest::collection::vec(0x80u8..=0xff, 1..10)
        )
            .prop_map(|(at, mut bytes)| {
                bytes.push(0x7f);
                Mutation::Overwrite { at, bytes }
            }),
        (any::<usize>(), 1usize..200, any::<usize>())
            .prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Flip { at, mask } => {
            if !bytes.is_empty() {
                bytes[at % n] ^= mask;
            }
        }
        Mutation::Truncate { at } => bytes.truncate(at % n),
        Mutation::Insert { at, bytes: b } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Overwrite { at, bytes: b } => {
            for (i, v) in b.iter().enumerate() {
                let idx = (at + i) % n;
                if idx < bytes.len() {
                    bytes[idx] = *v;
                }
            }
        }
        Mutation::Duplicate { from, len, to } => {
            if bytes.is_empty() {
                return;
            }
            let from = from % bytes.len();
            let end = (from + len).min(bytes.len());
            let piece: Vec<u8> = bytes[from..end].to_vec();
            let to = to % (bytes.len() + 1);
            bytes.splice(to..to, piece);
        }
    }
}

fn limits() -> LoadLimits {
    LoadLimits {
        max_bytes: 1 << 20,
        max_inflated: 8 << 20,
        ..LoadLimits::default()
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(3_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_never_panic(which in 0usize..3, mutations in proptest::collection::vec(mutation(), 1..6)) {
        let mut bytes = seed_documents().swap_remove(which);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        match load_untrusted(&bytes, limits()) {
            Ok(_) => {}
            Err(Error::ImportRefused { .. } | Error::Contained { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected error kind: {other:?}"),
        }
    }

    #[test]
    fn random_bytes_with_a_valid_header_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400), kind in 0u8..4) {
        let mut bytes = vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, kind];
        bytes.extend((body.len() as u16).to_le_bytes().iter().map(|b| b & 0x7f));
        bytes.extend(&body);
        let _ = load_untrusted(&bytes, limits());
    }
}

#[test]
fn the_unmutated_seeds_load() {
    for bytes in seed_documents() {
        load_untrusted(&bytes, limits()).expect("a real document loads");
    }
}
