# How the phones' library is built beyond the `release-mobile` profile (ADR 0027). Sourced by
# scripts/mobile-size.sh and android-demo/build-core.sh, so that what is measured here is what
# the Android app ships; not run on its own.
#
# - The standard library is compiled from source with the profile (fat LTO, opt-level "z")
#   instead of linked prebuilt (compiled for speed), without its backtrace symbolizer (nothing
#   prints a backtrace: the panic hook prints one line) and with its size-optimised algorithms
#   (`optimize_for_size`: smaller sorts, among others). Needs the `rust-src` component.
# - Frame pointers: on x86_64 at opt-level "z", LLVM loads small constants with push/pop and
#   describes every push and pop in the unwind tables; with a frame pointer it describes neither.
#   Crash reports and profilers walk the stack with them too.
# - No panic locations (file, line) in the library: the panic hook prints none on a phone.
# - A panic inside a destructor (drop) ends the process, as a throwing destructor does in C++,
#   instead of unwinding; every other panic still becomes `Internal` at the FFI. Without landing
#   pads around each drop, the library is ~0.4 MB smaller.
# - `Debug` prints only type and variant names (`-Zfmt-debug=shallow`): the core formats
#   nothing but variant names with it, and a stray `{:?}` cannot print a field's data.
# - No trap instruction after each call that cannot return (a panic, an abort): the compiler
#   knows these calls never come back.
# - The C (SQLCipher, ring's C) without unwind tables: no unwinding passes through it (every
#   callback into Rust catches its panics or aborts).
# - Curve25519 (our signatures, key agreement, Noise) on its portable 64-bit code only: on
#   x86_64 curve25519-dalek otherwise adds an AVX2 copy of its arithmetic, chosen at run time
#   (about 35 KB; ADR 0018). The phones' ARM ABIs have no such copy; on x86_64 (emulators,
#   Chromebooks) signing and verifying then cost what they cost on a phone.
#
# These flags are unstable: the workspace's stable compiler takes them under RUSTC_BOOTSTRAP=1,
# for this build only (tests, CI and the host builds stay on plain stable). ADR 0027 says why
# not a nightly compiler, and what to check when the toolchain is upgraded.

phone_cargo_args=(-Zbuild-std=std,panic_unwind -Zbuild-std-features=panic-unwind,optimize_for_size)
phone_rustflags="-C force-frame-pointers=yes -Zlocation-detail=none -Zpanic-in-drop=abort -Zfmt-debug=shallow -Ztrap-unreachable=no --cfg curve25519_dalek_backend=\"serial\""
phone_cflags="-fno-asynchronous-unwind-tables -fno-unwind-tables"

# phone_build_env TRIPLE: exports what cargo and the cc crate read for TRIPLE, added to what is
# already set (cargo joins CARGO_TARGET_<TRIPLE>_RUSTFLAGS with .cargo/config.toml's per-target
# flags; cargo-ndk adds its clang target to an existing CFLAGS_<triple>).
phone_build_env() {
    local triple=$1 upper lower
    upper=$(tr 'a-z-' 'A-Z_' <<<"$triple")
    lower=$(tr '-' '_' <<<"$triple")
    local rust_var=CARGO_TARGET_${upper}_RUSTFLAGS c_var=CFLAGS_${lower}
    export "$rust_var=${!rust_var:-} $phone_rustflags"
    export "$c_var=${!c_var:-} $phone_cflags"
    export RUSTC_BOOTSTRAP=1
}

# phone_build_check: fails with what to do when the standard library's source is missing, or
# when RUSTFLAGS is set (cargo would then ignore the per-target flags: the recipe silently lost).
phone_build_check() {
    if [[ -n ${RUSTFLAGS:-}${CARGO_ENCODED_RUSTFLAGS:-} ]]; then
        echo "the phones' build sets its flags per target: unset RUSTFLAGS and CARGO_ENCODED_RUSTFLAGS" >&2
        return 1
    fi
    local sysroot
    sysroot=$(rustc --print sysroot)
    [[ -f $sysroot/lib/rustlib/src/rust/library/Cargo.lock ]] || {
        echo "the phones' build compiles the standard library: run \`rustup component add rust-src\`" >&2
        return 1
    }
}

# phone_flags_check: whether this compiler still takes every flag above. They are unstable, and
# a toolchain upgrade may rename or drop one; nothing else in CI builds the phones' library, so
# scripts/test.sh's lint stage compiles an empty crate with them (a second).
phone_flags_check() {
    local out rc=0
    out=$(mktemp -d) || return 1
    # shellcheck disable=SC2086 # the flags are separate words
    RUSTC_BOOTSTRAP=1 rustc --edition 2021 --crate-type lib --crate-name phone_flags_check \
        --emit=metadata --out-dir "$out" $phone_rustflags - <<<'' || rc=$?
    rm -rf "$out"
    (( rc == 0 )) || echo "scripts/phone-build.sh: this compiler refuses a flag of the phones' build (ADR 0027)" >&2
    return $rc
}
