#!/usr/bin/env bash
# The core's and the FFI's unit tests built the way the phones' library is built
# (scripts/phone-build.sh, ADR 0027): the standard library compiled from source with its size
# features, frame pointers, no panic locations, a panic in a destructor ending the process,
# shallow `Debug`. The dev profile, for this machine's target.
#
#   scripts/phone-tests.sh                  # twofold-core's and twofold-ffi's unit tests
#   scripts/phone-tests.sh -- FILTER        # arguments after `--` go to the test binaries
#
# Not in CI (a build of its own, ~10 minutes cold here). Run it with scripts/mobile-size.sh and
# `scripts/foreign-tests.sh --library=…` after changing phone-build.sh or the toolchain: they
# check that the phones' configuration still contains panics at the FFI and answers as the
# host build does.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
case "${1:-}" in
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
esac
# shellcheck source=phone-build.sh
source scripts/phone-build.sh
phone_build_check || exit 1
# Named, as the standard library is built for a named target only; its own directory under
# target/, so the host's builds are not rebuilt by the flags.
triple=x86_64-unknown-linux-gnu
phone_build_env "$triple"
cargo test --locked "${phone_cargo_args[@]}" --target "$triple" -p twofold-core -p twofold-ffi --lib "$@"
