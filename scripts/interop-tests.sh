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

cargo build --quiet -p twofold-tests --bin ics-interop
target=${CARGO_TARGET_DIR:-$root/target}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$target/debug/ics-interop" "$out"

TWOFOLD_INTEROP_DIR=$out "$TWOFOLD_PY" -m pytest -q -p no:cacheprovider \
    "$root/tests/interop/ics_occurrences.py"
