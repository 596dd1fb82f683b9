#!/usr/bin/env bash
# Builds the Rust core for iOS and puts it where TwofoldKit's Package.swift expects it, on a Mac.
#
#   ios-demo/build-core.sh            # device + both simulator slices
#
# 1. `cargo build -p twofold-ffi --lib --profile release-mobile --target T` for
#    aarch64-apple-ios (phones), aarch64-apple-ios-sim (simulator on Apple silicon) and
#    x86_64-apple-ios (simulator on Intel Macs); the static library of each.
# 2. The workspace's own uniffi-bindgen (built for the Mac) generates the Swift bindings from
#    the device slice's unstripped static library: TwofoldCore.swift, TwofoldCoreFFI.h and its
#    module map. The Swift file goes to TwofoldKit/Sources/TwofoldCore/ (generated, gitignored).
# 3. `lipo` joins the two simulator slices; `xcodebuild -create-xcframework` makes
#    TwofoldKit/Frameworks/TwofoldCoreFFI.xcframework from the device library, the simulator
#    library, the header and a module map named `TwofoldCoreFFI`.
# 4. Prints each slice's size (the static library as built, and stripped of debug symbols).
#
# Needs: macOS with Xcode (xcodebuild, lipo, strip), rustup with the three targets
# (`rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios`), and the
# workspace's Rust toolchain. Work files go to ios-demo/build/ (gitignored).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
work=$here/build
kit=$here/TwofoldKit
profile=release-mobile
device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
# The app's deployment target; the C part (SQLCipher) is compiled for it too. Its crypto is the
# Rust provider chosen by .cargo/config.toml, which applies because cargo runs from the root.
export IPHONEOS_DEPLOYMENT_TARGET=16.0

say() { printf 'build-core: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

case "${1:-}" in
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    "") ;;
    *) die "unknown argument: $1 (usage: build-core.sh)" ;;
esac

# --- what must be installed ----------------------------------------------------------------------
[[ "$(uname -s)" == Darwin ]] || die "this builds for iOS and needs a Mac with Xcode (this is $(uname -s)); on Linux use test-linux.sh"
for tool in cargo rustup xcodebuild xcrun lipo strip; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: install Xcode (xcode-select --install is not enough for xcodebuild) and rustup"
done
xcodebuild -version >/dev/null 2>&1 || die "xcodebuild does not run: select Xcode with 'sudo xcode-select -s /Applications/Xcode.app'"
installed=$(rustup target list --installed)
missing=()
for target in "$device" "${simulators[@]}"; do
    grep -qx "$target" <<<"$installed" || missing+=("$target")
done
[[ ${#missing[@]} -eq 0 ]] || die "missing Rust targets; run: rustup target add ${missing[*]}"

cd "$root"
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# --- 1. the static libraries ---------------------------------------------------------------------
for target in "$device" "${simulators[@]}"; do
    say "cargo build -p twofold-ffi --lib --profile $profile --target $target"
    cargo build --locked -p twofold-ffi --lib --profile "$profile" --target "$target"
    [[ -f "$target_dir/$target/$profile/libtwofold_ffi.a" ]] || die "no static library for $target"
done
device_lib=$target_dir/$device/$profile/libtwofold_ffi.a

# --- 2. the bindings, from the built (unstripped) device library ---------------------------------
# uniffi-bindgen runs on the Mac: the debug build of the workspace's own binary is enough.
say "cargo build -p twofold-ffi --bin uniffi-bindgen (host)"
cargo build --locked -p twofold-ffi --bin uniffi-bindgen
rm -rf "$work/swift" "$work/headers"
mkdir -p "$work/swift" "$work/headers"
"$target_dir/debug/uniffi-bindgen" generate "$device_lib" --language swift --no-format --metadata-no-deps \
    --out-dir "$work/swift"
for file in TwofoldCore.swift TwofoldCoreFFI.h TwofoldCoreFFI.modulemap; do
    [[ -f "$work/swift/$file" ]] || die "uniffi-bindgen did not write $file"
done
cp "$work/swift/TwofoldCore.swift" "$kit/Sources/TwofoldCore/TwofoldCore.swift"
# In the XCFramework the module map must be called module.modulemap; it names no library,
# since the XCFramework links its own slice.
cp "$work/swift/TwofoldCoreFFI.h" "$work/headers/"
cp "$work/swift/TwofoldCoreFFI.modulemap" "$work/headers/module.modulemap"

# --- 3. one simulator library, then the XCFramework ----------------------------------------------
mkdir -p "$work/simulator"
sim_libs=()
for target in "${simulators[@]}"; do sim_libs+=("$target_dir/$target/$profile/libtwofold_ffi.a"); done
lipo -create "${sim_libs[@]}" -output "$work/simulator/libtwofold_ffi.a"
xcframework=$kit/Frameworks/TwofoldCoreFFI.xcframework
rm -rf "$xcframework"
mkdir -p "$kit/Frameworks"
xcodebuild -create-xcframework \
    -library "$device_lib" -headers "$work/headers" \
    -library "$work/simulator/libtwofold_ffi.a" -headers "$work/headers" \
    -output "$xcframework" >&2

# --- 4. sizes --------------------------------------------------------------------------------------
size_of() { stat -f %z "$1"; }
report() { # report NAME LIB
    local stripped=$work/size-check.a
    cp "$2" "$stripped"
    strip -S -x "$stripped" 2>/dev/null || true
    printf 'build-core: %-24s %6.1f MB as built, %6.1f MB without debug symbols\n' "$1" \
        "$(echo "$(size_of "$2") / 1048576" | bc -l)" "$(echo "$(size_of "$stripped") / 1048576" | bc -l)" >&2
    rm -f "$stripped"
}
for target in "$device" "${simulators[@]}"; do report "$target" "$target_dir/$target/$profile/libtwofold_ffi.a"; done
say "done: $xcframework and $kit/Sources/TwofoldCore/TwofoldCore.swift"
say "next: cd ios-demo/App && xcodegen generate && open Twofold.xcodeproj"
