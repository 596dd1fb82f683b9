#!/usr/bin/env bash
# Builds the Rust core for Android and generates its Kotlin bindings for this project.
#
#   android-demo/build-core.sh            # release-mobile (what the app ships)
#   android-demo/build-core.sh --debug    # the dev profile: faster to build, larger
#
# 1. `cargo ndk` cross-compiles twofold-ffi for arm64-v8a (current phones), armeabi-v7a (cheap
#    old phones) and x86_64 (the emulator), API level 26, with the `release-mobile` profile
#    (fat LTO, opt-level "z"), linked for 16 KB pages (Android 15 devices), with the standard
#    library compiled from source and the flags of scripts/phone-build.sh (ADR 0027), exactly
#    as scripts/mobile-size.sh measures it.
# 2. Each library is copied into app/src/main/jniLibs/<abi>/ and stripped there with the NDK's
#    llvm-strip; the size of each is printed (the design's budget: 8 MB per ABI).
# 3. The Kotlin bindings are generated from this machine's debug build of the library by the
#    workspace's own uniffi-bindgen, exactly as scripts/bindgen.sh does it, into
#    twofold-kit/src/generated/kotlin. The phones' libraries are built with
#    `--cfg uniffi_omit_metadata`, without the metadata uniffi-bindgen reads (~0.16 MB per ABI,
#    ADR 0018); the metadata, and so the bindings, do not depend on the target (checked byte for
#    byte), and the bindings check each function's checksum against the library when loaded.
#
# Needs: cargo, cargo-ndk (`cargo install cargo-ndk`), the three Rust targets (`rustup target
# add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`), the standard
# library's source (`rustup component add rust-src`), and the Android NDK
# (ANDROID_NDK_HOME, or the newest under $ANDROID_HOME/ndk/). Outputs are gitignored.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
profile=release-mobile
for arg in "$@"; do
    case "$arg" in
        --debug) profile=dev ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "build-core.sh: unknown argument: $arg (usage: build-core.sh [--debug])" >&2; exit 2 ;;
    esac
done

fail() { echo "build-core.sh: $*" >&2; exit 1; }

MIN_API=26 # the app's minSdk
abis=(arm64-v8a armeabi-v7a x86_64)
declare -A triple=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7-linux-androideabi [x86_64]=x86_64-linux-android)

# --- what must be installed, with what to do when it is not --------------------------------------
command -v cargo >/dev/null || fail "cargo not found: install Rust from https://rustup.rs"
cargo ndk --version >/dev/null 2>&1 || fail "cargo-ndk not found: run \`cargo install cargo-ndk\`"
if command -v rustup >/dev/null; then
    installed=$(rustup target list --installed)
    missing=()
    for abi in "${abis[@]}"; do
        grep -qx "${triple[$abi]}" <<<"$installed" || missing+=("${triple[$abi]}")
    done
    [[ ${#missing[@]} -eq 0 ]] || fail "Rust targets missing: run \`rustup target add ${missing[*]}\`"
fi
ndk=${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}
if [[ -z "$ndk" && -n "${ANDROID_HOME:-}" && -d "$ANDROID_HOME/ndk" ]]; then
    ndk=$(find "$ANDROID_HOME/ndk" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)
fi
[[ -n "$ndk" && -d "$ndk" ]] || fail "Android NDK not found: install it with Android Studio's SDK Manager (SDK Tools → NDK (Side by side)) and set ANDROID_NDK_HOME, or ANDROID_HOME"
strip_tool=$(find "$ndk/toolchains/llvm/prebuilt" -maxdepth 3 -name llvm-strip -type f 2>/dev/null | head -n 1)
[[ -x "$strip_tool" ]] || fail "no llvm-strip in $ndk/toolchains/llvm/prebuilt: is $ndk a complete NDK?"
export ANDROID_NDK_HOME=$ndk
# shellcheck source=../scripts/phone-build.sh
source "$root/scripts/phone-build.sh"
phone_args=()
if [[ $profile == release-mobile ]]; then
    phone_build_check || fail "the standard library's source is missing"
    phone_args=("${phone_cargo_args[@]}")
fi

# From the root, so .cargo/config.toml applies: it gives SQLCipher its RustCrypto provider and
# the ARMv8 AES instructions to the aes crate (ADR 0018).
cd "$root"
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
profile_dir=$profile
[[ $profile == dev ]] && profile_dir=debug

# --- 1. cross-compile -----------------------------------------------------------------------------
# 16 KB page alignment for Android 15+ devices (NDK r28 does this by default; r27 needs it asked).
# Packed relocations (Android's format, API 23+; RELR would need API 28): ~1 MB less per ABI,
# ADR 0018 (scripts/mobile-size.sh measures the same with RELR on this machine's target).
for abi in "${abis[@]}"; do
    var=CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"${triple[$abi]}")_RUSTFLAGS
    export "$var=${!var:-} --cfg uniffi_omit_metadata -C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,--pack-dyn-relocs=android"
    [[ $profile == release-mobile ]] && phone_build_env "${triple[$abi]}"
done
targets=()
for abi in "${abis[@]}"; do targets+=(-t "$abi"); done
echo "build-core.sh: cargo ndk ${targets[*]} --platform $MIN_API build ${phone_args[*]} -p twofold-ffi --lib --profile $profile" >&2
cargo ndk "${targets[@]}" --platform "$MIN_API" build --locked "${phone_args[@]}" -p twofold-ffi --lib --profile "$profile"

# --- 2. into jniLibs, stripped ---------------------------------------------------------------------
jni=$here/app/src/main/jniLibs
rm -rf "$jni"
for abi in "${abis[@]}"; do
    built=$target_dir/${triple[$abi]}/$profile_dir/libtwofold_ffi.so
    [[ -f "$built" ]] || fail "cargo ndk did not produce $built"
    mkdir -p "$jni/$abi"
    cp "$built" "$jni/$abi/"
    "$strip_tool" --strip-unneeded "$jni/$abi/libtwofold_ffi.so"
    printf 'build-core.sh: %-12s libtwofold_ffi.so %s bytes unstripped, %s stripped\n' "$abi" \
        "$(stat -c %s "$built")" "$(stat -c %s "$jni/$abi/libtwofold_ffi.so")"
done

# --- 3. the Kotlin bindings, from this machine's library ------------------------------------------
# uniffi-bindgen runs on this machine: build it and the library for the host (as bindgen.sh does).
cargo build --locked -p twofold-ffi --lib --bins
bindgen=$target_dir/debug/uniffi-bindgen
[[ -x "$bindgen" ]] || fail "$bindgen was not built"
generated=$here/twofold-kit/src/generated/kotlin
rm -rf "$generated"
"$bindgen" generate "$target_dir/debug/libtwofold_ffi.so" \
    --language kotlin --no-format --metadata-no-deps --out-dir "$generated"
[[ -f "$generated/org/twofold/core/twofold_ffi.kt" ]] || fail "no Kotlin was generated in $generated"
echo "build-core.sh: $profile libraries in $jni, Kotlin bindings in $generated" >&2
