#!/usr/bin/env bash
# Builds the FFI library and generates its Kotlin, Swift and Python bindings.
#
#   scripts/bindgen.sh             # debug build
#   scripts/bindgen.sh --release   # release build
#
# Output (not committed; build/ is gitignored):
#   build/bindings/kotlin/org/twofold/core/twofold_ffi.kt
#   build/bindings/swift/{TwofoldCore.swift, TwofoldCoreFFI.h, TwofoldCoreFFI.modulemap}
#   build/bindings/python/{twofold_ffi.py, libtwofold_ffi.so}
#   build/bindings/lib/libtwofold_ffi.so    (a copy of the library the bindings were made from)
#
# The bindings come from the metadata in the built (unstripped) library, read by this
# workspace's own uniffi-bindgen binary run directly (`cargo run` would rebuild it with other
# features). Names (Kotlin package, Swift module) are in bindings/uniffi.toml.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
profile=debug
cargo_flags=()
for arg in "$@"; do
    case "$arg" in
        --release) profile=release; cargo_flags+=(--release) ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "bindgen.sh: unknown argument: $arg (usage: bindgen.sh [--release])" >&2; exit 2 ;;
    esac
done

cd "$root"
# A debug build resolves features exactly as `cargo test --workspace` does (the whole
# workspace, test targets included), so after the test stage it rebuilds nothing; `-p
# twofold-ffi` alone resolves other features for tokio, serde_json, tracing and their
# dependents and rebuilt most of the tree (six minutes in CI). A release build has no test
# stage before it and builds the library alone.
if [[ $profile == debug ]]; then
    build=(cargo build --locked --workspace --lib --bins --tests)
else
    build=(cargo build --locked -p twofold-ffi --lib --bins --release)
fi
echo "bindgen: ${build[*]}" >&2
"${build[@]}"

target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
lib=$target_dir/$profile/libtwofold_ffi.so
bindgen=$target_dir/$profile/uniffi-bindgen
[[ -f "$lib" ]] || { echo "bindgen.sh: $lib was not built" >&2; exit 1; }

out=$root/build/bindings
rm -rf "$out/kotlin" "$out/swift" "$out/python" "$out/lib"
mkdir -p "$out/lib"
for language in kotlin swift python; do
    "$bindgen" generate "$lib" --language "$language" --no-format --metadata-no-deps \
        --out-dir "$out/$language"
done
# The library beside the bindings (the Python module loads it from its own directory).
for dir in "$out/lib" "$out/python"; do
    ln -f "$lib" "$dir/" 2>/dev/null || cp "$lib" "$dir/"
done
echo "bindgen: $profile bindings in $out/{kotlin,swift,python}, library in $out/lib" >&2
