//! One stable sort for the whole core.
//!
//! The standard library's stable sort (driftsort, ~4 KB of code) is compiled once per element
//! type and comparator: the core's ~40 `sort_by`/`sort_by_key` sites were ~40 copies in the
//! phones' library (ADR 0018, item 5). These helpers sort the *positions* `0..len` instead,
//! with the caller's comparison behind `&mut dyn FnMut`, so every site shares the one sort of
//! `usize` compiled in [`order`]; what stays per type is the comparison itself and a few swaps.
//! Positions start in order and the sort is stable, so equal items keep their order exactly as
//! `slice::sort_by` leaves them (the property tests compare the two on inputs with ties).
//! The cost is two `Vec<usize>` and an indirect call per comparison: the lists sorted here are
//! a screen's worth of items, not bulk data.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// `items.sort_by(compare)`, same order (stable), through the shared sort.
pub(crate) fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut destination = order(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(&mut destination, &mut |a, b| items.swap(a, b));
}

/// `items.sort_by_key(key)`, same order (stable), through the shared sort.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items.sort()`, same order (stable), through the shared sort.
pub(crate) fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// `items.collect::<BTreeSet<T>>()` without the stable sort `FromIterator` runs (compiled once
/// per element type): a loop of `insert`, which the set's other uses already compile. Of equal
/// items `collect` keeps the last and this the first: only for types whose equal values are
/// identical.
pub(crate) fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// `entries.collect::<BTreeMap<K, V>>()` without its stable sort: a loop of `insert`. The
/// last value of a key wins, as with `collect`; of equal keys the first is kept (`collect`
/// keeps the last): only for key types whose equal values are identical.
pub(crate) fn map<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(entries);
    map
}

/// Where each of `len` items goes: `destination[i]` is the sorted position of the item now at
/// `i`. The one instantiation of the standard library's stable sort these helpers share.
fn order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..len).collect();
    sorted.sort_by(|&a, &b| compare(a, b));
    let mut destination = vec![0; len];
    for (position, &item) in sorted.iter().enumerate() {
        destination[item] = position;
    }
    destination
}

/// Moves every item to its destination with swaps: each swap puts one item where it belongs,
/// so a permutation of `n` items takes fewer than `n` swaps.
fn permute(destination: &mut [usize], swap: &mut dyn FnMut(usize, usize)) {
    for i in 0..destination.len() {
        while destination[i] != i {
            let to = destination[i];
            swap(i, to);
            destination.swap(i, to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Small keys so ties are common; the tag tells tied items apart, so a change of their
    // order shows.
    fn tagged() -> impl Strategy<Value = Vec<(u8, usize)>> {
        prop::collection::vec(0u8..6, 0..80)
            .prop_map(|keys| keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect())
    }

    proptest! {
        #[test]
        fn sort_by_leaves_the_std_stable_order(items in tagged(), descending in any::<bool>()) {
            let compare = |a: &(u8, usize), b: &(u8, usize)| {
                let by_key = a.0.cmp(&b.0);
                if descending { by_key.reverse() } else { by_key }
            };
            let mut expected = items.clone();
            expected.sort_by(compare);
            let mut got = items;
            sort_by(&mut got, compare);
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn sort_by_key_leaves_the_std_stable_order(items in tagged()) {
            let mut expected = items.clone();
            expected.sort_by_key(|item| std::cmp::Reverse(item.0 / 2));
            let mut got = items;
            sort_by_key(&mut got, |item| std::cmp::Reverse(item.0 / 2));
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn sort_leaves_the_std_order(items in prop::collection::vec(".{0,3}", 0..60)) {
            let mut expected = items.clone();
            expected.sort();
            let mut got = items;
            sort(&mut got);
            prop_assert_eq!(got, expected);
        }

        // Items that own heap memory are moved, never copied or dropped twice.
        #[test]
        fn owned_items_are_moved_whole(items in prop::collection::vec((0u8..4, ".{0,8}"), 0..60)) {
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut got = items;
            sort_by_key(&mut got, |item| item.0);
            prop_assert_eq!(got, expected);
        }

        // Repeated keys (few distinct ones), the last value of each wins.
        #[test]
        fn map_is_what_collect_builds(entries in prop::collection::vec((0u8..8, ".{0,3}"), 0..60)) {
            let expected: BTreeMap<u8, String> = entries.clone().into_iter().collect();
            prop_assert_eq!(map(entries), expected);
        }

        #[test]
        fn set_is_what_collect_builds(items in prop::collection::vec("[ab]{0,3}", 0..60)) {
            let expected: BTreeSet<String> = items.clone().into_iter().collect();
            prop_assert_eq!(set(items), expected);
        }
    }
}
