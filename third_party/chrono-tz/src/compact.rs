//! The compact time-span tables' record types (not upstream; see the crate's README).
//!
//! Upstream stores each zone as a `&'static [(i64, FixedTimespan)]` whose spans each hold a
//! `&'static str`: a pointer, and a load-time relocation, per span. Here every record is plain
//! integers indexing shared tables (`prebuilt/tables.rs`), and a `FixedTimespan` is rebuilt on
//! each lookup. The transitions' instants and shapes, most of the bytes, are kept compressed in
//! the library and inflated once, on the first lookup (`generate/generate.py`'s docstring).

use std::io::Read;
use std::sync::OnceLock;

use flate2::read::DeflateDecoder;

use crate::prebuilt::tables::{ABBRS, NO_ABBR, PALETTE, TRANSITIONS, TRANSITIONS_DEFLATE, TYPES};
use crate::timezone_impl::FixedTimespan;

/// One distinct `(utc_offset, dst_offset, abbreviation)` triple; the abbreviation is
/// `ABBRS[abbr_start..abbr_start + abbr_len]`, or none when `abbr_start` is `NO_ABBR`.
pub(crate) struct SpanType {
    pub(crate) utc_offset: i32,
    pub(crate) dst_offset: i32,
    pub(crate) abbr_start: u16,
    pub(crate) abbr_len: u8,
}

/// What a transition switches to: a span type, and the seconds past the minute of its instant
/// (the instants are stored in minutes; local mean time makes a few of them odd seconds).
pub(crate) struct Shape {
    pub(crate) kind: u16,
    pub(crate) second: u8,
}

/// One zone's spans: the type before its first transition, and its run of transitions
/// (`MINUTES[start..start + len]`, `SHAPES` likewise, indexing `PALETTE[palette..]`).
pub(crate) struct Zone {
    pub(crate) first: u16,
    pub(crate) start: u32,
    pub(crate) len: u16,
    pub(crate) palette: u16,
}

impl Zone {
    pub(crate) fn first(&self) -> FixedTimespan {
        span_type(self.first)
    }

    pub(crate) fn transition_count(&self) -> usize {
        usize::from(self.len)
    }

    /// The `index`th transition: its instant (Unix seconds) and the span it starts.
    pub(crate) fn transition(&self, index: usize) -> (i64, FixedTimespan) {
        debug_assert!(index < self.transition_count());
        let at = self.start as usize + index;
        let all = transitions();
        let shape = &PALETTE[usize::from(self.palette) + usize::from(all.shapes[at])];
        let instant = i64::from(all.minutes[at]) * 60 + i64::from(shape.second);
        (instant, span_type(shape.kind))
    }
}

/// Every zone's transitions, each zone's run in order: the instants in minutes (`MINUTES` in
/// the layout) and the index of each one's shape in its zone's palette (`SHAPES`).
struct Transitions {
    minutes: Box<[i32]>,
    shapes: Box<[u8]>,
}

fn transitions() -> &'static Transitions {
    static INFLATED: OnceLock<Transitions> = OnceLock::new();
    INFLATED.get_or_init(inflate)
}

fn inflate() -> Transitions {
    let mut raw = Vec::with_capacity(TRANSITIONS * 5);
    // The stream is the generator's, compiled in and read back by it before writing; a test
    // inflates it, and every lookup's answer is compared with upstream's (../README.md).
    DeflateDecoder::new(TRANSITIONS_DEFLATE)
        .read_to_end(&mut raw)
        .expect("the compiled-in transitions inflate");
    assert_eq!(raw.len(), TRANSITIONS * 5, "the compiled-in transitions' length");
    let (differences, shapes) = raw.split_at(TRANSITIONS * 4);
    let mut at = 0i32;
    let minutes = differences
        .chunks_exact(4)
        .map(|d| {
            at = at.wrapping_add(i32::from_le_bytes([d[0], d[1], d[2], d[3]]));
            at
        })
        .collect();
    Transitions {
        minutes,
        shapes: shapes.into(),
    }
}

fn span_type(kind: u16) -> FixedTimespan {
    let t = &TYPES[usize::from(kind)];
    let name = if t.abbr_start == NO_ABBR {
        None
    } else {
        let start = usize::from(t.abbr_start);
        // The generator writes ASCII abbreviations and in-range bounds; a test reads them all.
        ABBRS.get(start..start + usize::from(t.abbr_len))
    };
    FixedTimespan {
        utc_offset: t.utc_offset,
        dst_offset: t.dst_offset,
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prebuilt::tables::{ZONES, ZONE_OF};
    use crate::TZ_VARIANTS;

    #[test]
    fn zone_of_follows_the_declaration_order() {
        assert_eq!(ZONE_OF.len(), TZ_VARIANTS.len());
        for (i, tz) in TZ_VARIANTS.iter().enumerate() {
            assert_eq!(*tz as usize, i, "{tz}");
        }
    }

    #[test]
    fn the_transitions_inflate_and_every_zone_run_is_in_range() {
        let all = transitions();
        assert_eq!(all.minutes.len(), TRANSITIONS);
        assert_eq!(all.shapes.len(), TRANSITIONS);
        for zone in &ZONES {
            assert!(zone.start as usize + zone.transition_count() <= TRANSITIONS);
        }
    }

    #[test]
    fn every_abbreviation_is_in_range_and_every_run_is_sorted() {
        for t in &TYPES {
            if t.abbr_start != NO_ABBR {
                let start = usize::from(t.abbr_start);
                assert!(ABBRS.get(start..start + usize::from(t.abbr_len)).is_some());
            }
        }
        for zone in &ZONES {
            let times: Vec<i64> = (0..zone.transition_count())
                .map(|i| zone.transition(i).0)
                .collect();
            assert!(times.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
