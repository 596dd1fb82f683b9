#!/usr/bin/env python3
"""Rewrites upstream chrono-tz's time-zone tables without a pointer per time span.

    python3 third_party/chrono-tz/generate/generate.py [UPSTREAM_CRATE_DIR]
    python3 third_party/chrono-tz/generate/generate.py --transitions OUT [UPSTREAM_CRATE_DIR]

UPSTREAM_CRATE_DIR is upstream chrono-tz's unpacked crate (default: chrono-tz-0.10.4 in the cargo
registry). It reads that crate's generated `src/prebuilt/timezones.rs` and writes, next to this
script's crate:

  src/prebuilt/timezones.rs  upstream's file with its `impl TimeSpans for Tz` (one literal table
                             of `FixedTimespan`s per zone) replaced by a lookup into the tables
  src/prebuilt/tables.rs     the same spans, compact (see the layout below)
  src/prebuilt/transitions.deflate
                             MINUTES and SHAPES, compressed (below)

and copies upstream's `src/prebuilt/directory.rs` (the zone constants, the tzdata version).
With --transitions it writes only OUT instead: each zone's name and upstream's transition
instants, the input of the fixture program (generate/fixture, ../README.md). Everything is
checked before writing: the tables are decoded back and compared with every span
upstream's file holds. See ../README.md for why and what differs from upstream.

Layout (all plain integers: no pointer, so no relocation, per span):
  TYPES    distinct (utc_offset, dst_offset, abbreviation) triples over all zones
  ABBRS    every abbreviation once, in one string; a type holds (start, len), NO_ABBR for none
  ZONES    distinct span tables (links such as Africa/Accra share Africa/Abidjan's)
  ZONE_OF  for each `Tz` in declaration order, its entry in ZONES
  MINUTES  transition instants, floor(unix seconds / 60), each zone's run in order
  SHAPES   per transition, an index into the zone's run of PALETTE
  PALETTE  per zone, the distinct (type, seconds past the minute) pairs its transitions use

MINUTES and SHAPES are most of the bytes (36,106 transitions: 180 KB as arrays) and are not
arrays in the crate: transitions.deflate is one raw DEFLATE stream (RFC 1951) of the
differences between successive MINUTES (i32, little-endian, wrapping; the first from 0) and
then SHAPES (one byte each), 14 KB. `src/compact.rs` inflates it once, on the first lookup.
"""

import glob
import os
import re
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)

SPAN = r"FixedTimespan \{ utc_offset: (-?\d+), dst_offset: (-?\d+), name: (None|Some\(\"([^\"]*)\"\)) \}"
REST_ITEM = re.compile(r"\((-?\d+), " + SPAN + r"\)")
ZONE = re.compile(
    r"Tz::(\w+) => \{\s*const REST: &\[\(i64, FixedTimespan\)\] = &\[(.*?)\];\s*"
    r"FixedTimespanSet \{\s*first: FixedTimespan \{\s*utc_offset: (-?\d+),\s*dst_offset: (-?\d+),\s*"
    r"name: (None|Some\(\"([^\"]*)\"\)),\s*\},\s*rest: REST\s*\}\s*\},",
    re.S,
)
IMPL_START = "impl TimeSpans for Tz {"
VARIANTS_START = "/// An array of every known variant"
NO_ABBR = 0xFFFF


def span(utc, dst, none_or_some, name):
    return (int(utc), int(dst), None if none_or_some == "None" else name)


def parse(source):
    enum = source[source.index("pub enum Tz {") : source.index("}", source.index("pub enum Tz {"))]
    variants = re.findall(r"^\s*(\w+),\s*$", enum, re.M)
    body = source[source.index(IMPL_START) : source.index(VARIANTS_START)]
    zones = {}
    for m in ZONE.finditer(body):
        rest = [(int(t), span(u, d, s, n)) for t, u, d, s, n in REST_ITEM.findall(m.group(2))]
        zones[m.group(1)] = (span(m.group(3), m.group(4), m.group(5), m.group(6)), rest)
    missing = [v for v in variants if v not in zones]
    if missing or len(zones) != len(variants):
        sys.exit(f"generate.py: tables for {len(zones)} of {len(variants)} zones; missing {missing[:5]}")
    if body.count("=> {") != len(variants):
        sys.exit("generate.py: upstream's TimeSpans impl has arms this script did not read")
    return variants, zones


def build(variants, zones):
    types, type_index = [], {}
    abbrs, abbr_index = "", {}

    def type_of(s):
        nonlocal abbrs
        if s not in type_index:
            utc, dst, name = s
            if name is None:
                start, length = NO_ABBR, 0
            else:
                if not name.isascii() or len(name) > 255:
                    sys.exit(f"generate.py: abbreviation {name!r} is not short ASCII")
                if name not in abbr_index:
                    abbr_index[name] = len(abbrs)
                    abbrs += name
                start, length = abbr_index[name], len(name)
            type_index[s] = len(types)
            types.append((utc, dst, start, length))
        return type_index[s]

    tables, table_index, zone_of = [], {}, []
    minutes, shapes, palette = [], [], []
    for v in variants:
        first, rest = zones[v]
        key = (first, tuple(rest))
        if key not in table_index:
            own = []
            start = len(minutes)
            for t, s in rest:
                shape = (type_of(s), t % 60)
                if shape not in own:
                    own.append(shape)
                minutes.append(t // 60)
                shapes.append(own.index(shape))
            if len(own) > 256 or len(rest) > 0xFFFF:
                sys.exit(f"generate.py: {v} has {len(own)} shapes, {len(rest)} transitions")
            table_index[key] = len(tables)
            tables.append((type_of(first), start, len(rest), len(palette)))
            palette.extend(own)
        zone_of.append(table_index[key])
    for m in minutes:
        if not -(2**31) <= m < 2**31:
            sys.exit("generate.py: a transition does not fit i32 minutes")
    return types, abbrs, tables, zone_of, minutes, shapes, palette


def decode(t, types, abbrs, tables, zone_of, minutes, shapes, palette):
    def span_of(k):
        utc, dst, start, length = types[k]
        return (utc, dst, None if start == NO_ABBR else abbrs[start : start + length])

    first, start, length, pal = tables[zone_of[t]]
    rest = []
    for i in range(start, start + length):
        kind, second = palette[pal + shapes[i]]
        rest.append((minutes[i] * 60 + second, span_of(kind)))
    return span_of(first), rest


def rows(values, per_line):
    out = []
    for i in range(0, len(values), per_line):
        out.append("    " + " ".join(f"{v}," for v in values[i : i + per_line]))
    return "\n".join(out)


def tables_rs(version, types, abbrs, tables, zone_of, minutes, shapes, palette):
    return f"""// Generated by third_party/chrono-tz/generate/generate.py from upstream chrono-tz 0.10.4's
// src/prebuilt/timezones.rs (tzdata {version}). Do not edit: regenerate (../../README.md).

use crate::compact::{{Shape, SpanType, Zone}};

pub(crate) const NO_ABBR: u16 = {NO_ABBR};

pub(crate) static ABBRS: &str = "{abbrs}";

pub(crate) static TYPES: [SpanType; {len(types)}] = [
{chr(10).join(f"    SpanType {{ utc_offset: {u}, dst_offset: {d}, abbr_start: {s}, abbr_len: {n} }}," for u, d, s, n in types)}
];

pub(crate) static ZONES: [Zone; {len(tables)}] = [
{chr(10).join(f"    Zone {{ first: {f}, start: {s}, len: {n}, palette: {p} }}," for f, s, n, p in tables)}
];

pub(crate) static ZONE_OF: [u16; {len(zone_of)}] = [
{rows(zone_of, 20)}
];

pub(crate) static PALETTE: [Shape; {len(palette)}] = [
{chr(10).join(f"    Shape {{ kind: {k}, second: {s} }}," for k, s in palette)}
];

/// How many transitions `TRANSITIONS_DEFLATE` holds (MINUTES and SHAPES each have this many).
pub(crate) const TRANSITIONS: usize = {len(minutes)};

/// MINUTES' successive differences, then SHAPES (generate.py's docstring).
pub(crate) static TRANSITIONS_DEFLATE: &[u8] = include_bytes!("transitions.deflate");
"""


def deflate_transitions(minutes, shapes):
    """The stream `src/compact.rs` inflates: wrapping i32 differences of MINUTES, then SHAPES."""
    raw = bytearray()
    previous = 0
    for m in minutes:
        raw += struct.pack("<i", (m - previous + 2**31) % 2**32 - 2**31)
        previous = m
    raw += bytes(shapes)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    stream = packer.compress(bytes(raw)) + packer.flush()
    # Read back as the crate reads it.
    back = zlib.decompress(stream, -15)
    at, decoded = 0, []
    for (d,) in struct.iter_unpack("<i", back[: 4 * len(minutes)]):
        at = (at + d + 2**31) % 2**32 - 2**31
        decoded.append(at)
    if decoded != list(minutes) or list(back[4 * len(minutes) :]) != list(shapes):
        sys.exit("generate.py: the transitions do not inflate back")
    return stream


TIMESPANS_IMPL = """impl TimeSpans for Tz {
    fn timespans(&self) -> FixedTimespanSet {
        // `ZONE_OF` has one entry per variant, in declaration order (checked by a test).
        FixedTimespanSet::of(&tables::ZONES[usize::from(tables::ZONE_OF[*self as usize])])
    }
}
"""


def main():
    args = sys.argv[1:]
    transitions = None
    if args[:1] == ["--transitions"]:
        if len(args) < 2:
            sys.exit("generate.py: --transitions needs a path")
        transitions, args = args[1], args[2:]
    if args:
        upstream = args[0]
    else:
        found = glob.glob(os.path.expanduser("~/.cargo/registry/src/*/chrono-tz-0.10.4"))
        if not found:
            sys.exit("generate.py: chrono-tz-0.10.4 not in the cargo registry; pass its directory")
        upstream = found[0]
    source = open(os.path.join(upstream, "src/prebuilt/timezones.rs")).read()
    directory = open(os.path.join(upstream, "src/prebuilt/directory.rs")).read()
    version = re.search(r'IANA_TZDB_VERSION: &str = "([^"]+)"', directory).group(1)

    variants, zones = parse(source)
    built = build(variants, zones)
    for i, v in enumerate(variants):
        if decode(i, *built) != zones[v]:
            sys.exit(f"generate.py: {v} does not decode back to upstream's spans")

    if transitions is not None:
        names = dict(re.findall(r'Tz::(\w+) => "([^"]+)",', source))
        with open(transitions, "w") as f:
            for v in variants:
                f.write(" ".join([names[v]] + [str(t) for t, _ in zones[v][1]]) + "\n")
        return

    head = source[: source.index(IMPL_START)]
    head = head.replace(
        "use crate::timezone_impl::{TimeSpans, FixedTimespanSet, FixedTimespan};",
        "use crate::prebuilt::tables;\nuse crate::timezone_impl::{FixedTimespanSet, TimeSpans};",
    )
    if "use crate::prebuilt::tables;" not in head:
        sys.exit("generate.py: upstream's imports changed; update this script")
    tail = source[source.index(VARIANTS_START) :]
    prebuilt = os.path.join(CRATE, "src/prebuilt")
    with open(os.path.join(prebuilt, "timezones.rs"), "w") as f:
        f.write(head + TIMESPANS_IMPL + tail)
    with open(os.path.join(prebuilt, "tables.rs"), "w") as f:
        f.write(tables_rs(version, *built))
    with open(os.path.join(prebuilt, "directory.rs"), "w") as f:
        f.write(directory)
    with open(os.path.join(prebuilt, "transitions.deflate"), "wb") as f:
        f.write(deflate_transitions(built[4], built[5]))
    types, abbrs, tables, zone_of, minutes, shapes, palette = built
    print(
        f"tzdata {version}: {len(variants)} zones, {len(tables)} distinct tables, "
        f"{len(minutes)} transitions, {len(types)} span types, {len(palette)} palette entries, "
        f"{len(abbrs)} bytes of abbreviations"
    )


if __name__ == "__main__":
    main()
