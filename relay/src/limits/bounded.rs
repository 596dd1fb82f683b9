//! Keeps a limiter's map within its key budget. Idle entries (back at their full allowance)
//! carry no information and go first; if the map is still full, the longest-untouched tenth
//! goes, so the work is paid once per tenth of the budget rather than on every new key.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

pub(super) fn make_room<K: Eq + Hash + Clone, V>(
    map: &mut HashMap<K, V>,
    max_keys: usize,
    now: Instant,
    idle_after: Duration,
    touched: impl Fn(&V) -> Instant,
) {
    if map.len() < max_keys {
        return;
    }
    map.retain(|_, value| now.duration_since(touched(value)) < idle_after);
    let keep = max_keys - max_keys.div_ceil(10);
    if map.len() <= keep {
        return;
    }
    let mut ages: Vec<Instant> = map.values().map(&touched).collect();
    let cut = ages.len() - keep;
    let (_, oldest_kept, _) = ages.select_nth_unstable(cut);
    let oldest_kept = *oldest_kept;
    map.retain(|_, value| touched(value) >= oldest_kept);
    // Ties at the cut may keep a few more; never more than the budget.
    if map.len() >= max_keys {
        let excess = map.len() + 1 - max_keys;
        let tied: Vec<K> = map
            .iter()
            .filter(|(_, value)| touched(value) == oldest_kept)
            .take(excess)
            .map(|(key, _)| key.clone())
            .collect();
        for key in tied {
            map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_map_of_busy_keys_sheds_its_oldest_tenth() {
        let start = Instant::now();
        let mut map: HashMap<u32, Instant> = (0..1000)
            .map(|k| (k, start + Duration::from_millis(u64::from(k))))
            .collect();
        let now = start + Duration::from_secs(2);
        make_room(&mut map, 1000, now, Duration::from_secs(60), |at| *at);
        assert_eq!(map.len(), 900);
        assert!(map.keys().all(|k| *k >= 100), "the oldest tenth goes");
        make_room(&mut map, 1000, now, Duration::from_secs(60), |at| *at);
        assert_eq!(map.len(), 900, "below the budget nothing is touched");
    }

    #[test]
    fn idle_keys_go_first() {
        let start = Instant::now();
        let mut map: HashMap<u32, Instant> = (0..10).map(|k| (k, start)).collect();
        make_room(
            &mut map,
            10,
            start + Duration::from_secs(61),
            Duration::from_secs(60),
            |at| *at,
        );
        assert!(map.is_empty());
    }
}
