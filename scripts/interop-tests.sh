#!/usr/bin/env bash
# Cross-implementation check of the iCalendar export: Twofold writes a calendar and its own
# expansion of it, Python's icalendar + recurring-ical-events expand the same calendar, and
# pytest compares the two. Exits non-zero on any failure; prints pytest's result line.
#
#   scripts/interop-tests.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

eval "$(scripts/toolchains/python.sh)"
: "${TWOFOLD_PY:?python.sh did not export TWOFOLD_PY}"

# Built as `cargo test --workspace` builds it (same features), so after the test stage this is
# a no-op; `-p twofold-tests --bin ics-interop` alone resolved other features and rebuilt
# half the dependencies (four minutes in CI).
cargo build --quiet --locked --workspace --lib --bins --tests
target=${CARGO_TARGET_DIR:-$root/target}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$target/debug/ics-interop" "$out"

TWOFOLD_INTEROP_DIR=$out "$TWOFOLD_PY" -m pytest -q -p no:cacheprovider \
    "$root/tests/interop/ics_occurrences.py"
