#!/usr/bin/env bash
# Benchmarks of the FFI (programs, not timed tests): the stripped size of the release library,
# and the per-call time of typical calls from Kotlin (JVM) and Swift (Linux), each printed
# beside a no-op FFI call (`version()`) measured in the same run, as a ratio. The same calls
# from Rust (bindings/examples/facade_bench.rs: through the façade without the FFI, and on the
# core) come first, to tell the FFI's cost from the core's.
#
#   tests/foreign/bench.sh            # release library (what ships)
#   tests/foreign/bench.sh --debug    # debug library
#
# Both benchmarks put their store under build/foreign/bench-tmp (the same disk), so the
# durable writes compare. Toolchains come from scripts/toolchains/{kotlin,swift}.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
profile_flag=--release
for arg in "$@"; do
    case "$arg" in
        --debug) profile_flag= ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

work=$root/build/foreign
mkdir -p "$work/logs"
eval "$(scripts/toolchains/kotlin.sh)"
eval "$(scripts/toolchains/swift.sh)"
# shellcheck disable=SC2086
scripts/bindgen.sh $profile_flag >"$work/logs/bench-bindgen.log" 2>&1 \
    || { cat "$work/logs/bench-bindgen.log"; exit 1; }
# shellcheck source=lib.sh
source tests/foreign/lib.sh

lib=$bindings/lib/libtwofold_ffi.so
strip -o "$work/libtwofold_ffi.stripped.so" "$lib"
echo "library: $(basename "$lib") ${profile_flag:---debug}: $(stat -c %s "$lib") bytes, stripped $(stat -c %s "$work/libtwofold_ffi.stripped.so") bytes"

tmp=$work/bench-tmp
rm -rf "$tmp"
mkdir -p "$tmp"

# --- Rust (the same calls without the FFI, and straight on the core) ----------------------------
# shellcheck disable=SC2086
cargo run -q $profile_flag -p twofold-ffi --example facade_bench -- "$tmp" 2>"$work/logs/bench-rust.log" \
    || { cat "$work/logs/bench-rust.log"; exit 1; }

# --- Kotlin -------------------------------------------------------------------------------------
log=$work/logs/bench-kotlin.log
: >"$log"
kotlin_bindings_classes "$work/kotlin" "$log" || { cat "$log"; exit 1; }
rm -rf "$work/kotlin/bench-classes"
"$KOTLINC" -nowarn -cp "$(kotlin_classpath):$work/kotlin/bindings-classes" \
    tests/foreign/kotlin/bench/*.kt -d "$work/kotlin/bench-classes" >>"$log" 2>&1 \
    || { cat "$log"; exit 1; }
java -Djna.library.path="$bindings/lib" \
    -cp "$work/kotlin/bench-classes:$work/kotlin/bindings-classes:$(kotlin_classpath):$KOTLIN_LIB/kotlin-stdlib.jar" \
    org.twofold.core.bench.BenchKt "$tmp"

# --- Swift --------------------------------------------------------------------------------------
stage=$work/swift
swift_stage "$stage"
log=$work/logs/bench-swift.log
if ! scripts/toolchains/swift-run.sh "$root/build" \
    "cd foreign/swift && swift build -c release --product TwofoldBench && .build/release/TwofoldBench $(printf %q "$tmp")" \
    >"$log" 2>&1; then
    cat "$log"
    exit 1
fi
sed -n '/^swift bench/,$p' "$log"
rm -rf "$tmp"
