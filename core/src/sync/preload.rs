//! A channel's grant snapshots, loaded before the batch that applies them takes its locks.
//!
//! A new device's first sync receives one grant per shared document, each carrying the
//! owner's whole snapshot, and loading those snapshots (Automerge's loader) is most of that
//! sync: about 20 ms of its 33 for the five-year journal here. They used to be loaded one
//! after another inside the batch, under the documents' lock and the writer's transaction,
//! so a check-in made meanwhile waited for all of them, and the three small documents waited
//! for the journal. A load depends on nothing but the snapshot's bytes and the import
//! limits, so it is done first, outside every lock, the largest snapshot on the caller's
//! thread and the others beside it on a second one (phones have several cores). The batch
//! then takes each grant's document from here by its bytes; a grant whose bytes were not
//! loaded here (another session moved the channel on, the second thread could not start)
//! is loaded in the batch as before, so this changes when the work is done, never what is
//! decided (issue 19, ADR 0004).

use std::cell::RefCell;
use std::thread;

use automerge::AutoCommit;

use crate::docs::guarded_load::{load_untrusted, LoadLimits};

/// Snapshots loaded ahead of their batch: each one's bytes and the document they loaded to
/// (`None` when the loader refused them).
#[derive(Default)]
pub(crate) struct PreloadedSnapshots {
    // A batch is decided on one thread; the cell lets the transaction's code take from it
    // through the shared `Incoming` it is handed.
    loaded: RefCell<Vec<(Vec<u8>, Option<AutoCommit>)>>,
}

impl PreloadedSnapshots {
    /// Loads each snapshot with [`load_untrusted`] under `limits`: the largest on this
    /// thread, the others on one more.
    pub(crate) fn load(snapshots: Vec<Vec<u8>>, limits: LoadLimits) -> Self {
        let Some(largest) = (0..snapshots.len()).max_by_key(|&i| snapshots[i].len()) else {
            return PreloadedSnapshots::default();
        };
        let others: Vec<usize> = (0..snapshots.len()).filter(|&i| i != largest).collect();
        let load = |i: usize| (i, load_untrusted(&snapshots[i], limits).ok());
        let results = thread::scope(|scope| {
            let beside = if others.is_empty() {
                None
            } else {
                thread::Builder::new()
                    .name("twofold-snapshots".into())
                    .spawn_scoped(scope, || {
                        others.iter().map(|&i| load(i)).collect::<Vec<_>>()
                    })
                    .ok()
            };
            let mut results = vec![load(largest)];
            match beside {
                // A panic on that thread (the loader contains its own) leaves its snapshots
                // to the batch, which loads them itself.
                Some(handle) => results.extend(handle.join().unwrap_or_default()),
                None => results.extend(others.iter().map(|&i| load(i))),
            }
            results
        });
        let mut docs: Vec<Option<Option<AutoCommit>>> = snapshots.iter().map(|_| None).collect();
        for (i, doc) in results {
            docs[i] = Some(doc);
        }
        let loaded = snapshots
            .into_iter()
            .zip(docs)
            .filter_map(|(bytes, doc)| Some((bytes, doc?)))
            .collect();
        PreloadedSnapshots {
            loaded: RefCell::new(loaded),
        }
    }

    /// What these exact bytes loaded to, once: `None` when they were not loaded here, else
    /// the document, or `None` inside for bytes the loader refused.
    pub(crate) fn take(&self, snapshot: &[u8]) -> Option<Option<AutoCommit>> {
        let mut loaded = self.loaded.borrow_mut();
        let at = loaded
            .iter()
            .position(|(bytes, _)| bytes[..] == *snapshot)?;
        Some(loaded.swap_remove(at).1)
    }

    /// The document these bytes load to: the one loaded ahead when there is one, else loaded
    /// now.
    pub(crate) fn take_or_load(&self, snapshot: &[u8], limits: LoadLimits) -> Option<AutoCommit> {
        self.take(snapshot)
            .unwrap_or_else(|| load_untrusted(snapshot, limits).ok())
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    use proptest::prelude::*;

    use super::*;

    /// A small document whose bytes say which one it is.
    fn document(label: u8, items: usize) -> Vec<u8> {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "label", i64::from(label)).expect("put");
        let list = doc.put_object(ROOT, "items", ObjType::List).expect("list");
        for i in 0..items {
            doc.insert(&list, i, i as i64).expect("insert");
        }
        doc.save()
    }

    fn saved(doc: Option<AutoCommit>) -> Option<Vec<u8>> {
        doc.map(|mut d| d.save())
    }

    fn input() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            (any::<u8>(), 0usize..200).prop_map(|(label, items)| document(label, items)),
            // Truncated and altered documents, and bytes that are no document at all.
            (any::<u8>(), 1usize..50, any::<prop::sample::Index>()).prop_map(|(l, n, cut)| {
                let bytes = document(l, n);
                bytes[..cut.index(bytes.len())].to_vec()
            }),
            (
                any::<u8>(),
                1usize..50,
                any::<prop::sample::Index>(),
                any::<u8>()
            )
                .prop_map(|(l, n, at, x)| {
                    let mut bytes = document(l, n);
                    let i = at.index(bytes.len());
                    bytes[i] ^= x | 1;
                    bytes
                }),
            prop::collection::vec(any::<u8>(), 0..64),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Each snapshot, taken by its bytes in any order, is what loading those bytes in the
        /// batch would have given: the same document, or the same refusal; identical bytes
        /// sent twice are taken twice; bytes never handed in are not found.
        #[test]
        fn each_snapshot_taken_by_its_bytes_is_what_loading_them_gives(
            snapshots in prop::collection::vec(input(), 0..6),
            order in any::<u64>(),
        ) {
            let limits = LoadLimits::default();
            let preloaded = PreloadedSnapshots::load(snapshots.clone(), limits);
            prop_assert!(preloaded.take(b"never handed in").is_none());
            let mut taking: Vec<usize> = (0..snapshots.len()).collect();
            // A deterministic shuffle from the case's seed.
            let mut seed = order;
            for i in (1..taking.len()).rev() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                taking.swap(i, (seed >> 33) as usize % (i + 1));
            }
            for i in taking {
                let taken = preloaded.take(&snapshots[i]);
                prop_assert!(taken.is_some(), "snapshot {} was loaded ahead", i);
                let expected = load_untrusted(&snapshots[i], limits).ok();
                prop_assert_eq!(saved(taken.flatten()), saved(expected));
            }
            prop_assert!(preloaded.loaded.borrow().is_empty());
        }
    }

    #[test]
    fn bytes_not_loaded_ahead_are_loaded_when_taken() {
        let preloaded = PreloadedSnapshots::load(vec![document(1, 3)], LoadLimits::default());
        let other = document(2, 3);
        assert!(preloaded.take(&other).is_none());
        let loaded = preloaded
            .take_or_load(&other, LoadLimits::default())
            .expect("a document");
        assert_eq!(saved(Some(loaded)), Some(other));
        assert!(preloaded
            .take_or_load(b"not a document", LoadLimits::default())
            .is_none());
    }
}
