#!/usr/bin/env bash
# The size of what the phones ship: libtwofold_ffi built with the `release-mobile` profile for
# this machine's target (the proxy for each phone ABI, ADR 0018), stripped, against the design's
# budget of 8 MB (8,000,000 bytes). Prints where the bytes go — per section, per C library
# (SQLCipher, ring's C; SQLCipher's crypto provider is Rust) and per Rust crate (from the
# unstripped symbols) — and exits non-zero above the budget.
#
#   scripts/mobile-size.sh                 # build (a release build: ~8 min cold here) and report
#   scripts/mobile-size.sh --no-build      # report on the library already built
#   scripts/mobile-size.sh --aarch64       # the same for 64-bit ARM, the phones' own ABI (glibc
#                                          # rather than Android's bionic; needs Debian's
#                                          # gcc-aarch64-linux-gnu; linked by rust-lld)
#   scripts/mobile-size.sh --armv7         # the same for 32-bit ARM in Thumb-2, as cheap old
#                                          # phones run it (thumbv7neon-unknown-linux-gnueabihf;
#                                          # needs Debian's gcc-arm-linux-gnueabihf)
#
# The library is built as the Android app builds it (scripts/phone-build.sh: the standard
# library from source, and the flags ADR 0027 chose), so it needs the `rust-src` component.
# Not in CI: CI builds no release-mobile library (fat LTO, opt-level z), and this build would
# add ~8 minutes cold on the 2-core machine. Run it after any dependency or profile change.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
budget=8000000
build=1
cross=
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        --aarch64) cross=aarch64 ;;
        --armv7) cross=armv7 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "mobile-size.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# shellcheck source=phone-build.sh
source "$root/scripts/phone-build.sh"
phone_build_check || exit 1

target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
triple=x86_64-unknown-linux-gnu
strip_tool=strip
link_args=()
if [[ -n $cross ]]; then
    # The real ABIs of the phones, as a check on the proxy: the same profile and flags, linked
    # by the toolchain's rust-lld (lld packs relocations for ARM; Debian's GNU ld 2.40 does not
    # there), the C compiled by Debian's cross gcc. Android links the same way (lld) against
    # bionic, with its own relocation packing, a little larger than RELR. 32-bit ARM is built
    # in Thumb-2, as Android's armeabi-v7a target builds it; the standard library is compiled
    # here anyway, so the target needs no `rustup target add`.
    case $cross in
        aarch64) triple=aarch64-unknown-linux-gnu gnu=aarch64-linux-gnu ;;
        armv7) triple=thumbv7neon-unknown-linux-gnueabihf gnu=arm-linux-gnueabihf ;;
    esac
    for tool in "$gnu-gcc" "$gnu-strip"; do
        command -v "$tool" >/dev/null || { echo "mobile-size.sh: $tool missing (apt-get install gcc-$gnu)" >&2; exit 1; }
    done
    gcc_ld=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/gcc-ld
    [[ -x $gcc_ld/ld.lld ]] || { echo "mobile-size.sh: no rust-lld in the toolchain ($gcc_ld)" >&2; exit 1; }
    lower=$(tr '-' '_' <<<"$triple")
    export "CC_$lower=$gnu-gcc" "AR_$lower=$gnu-ar"
    export "CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$triple")_LINKER=$gnu-gcc"
    link_args=(-C link-arg=-fuse-ld=lld -C "link-arg=-B$gcc_ld")
    strip_tool=$gnu-strip
fi
# The standard library is built for a named target only, so the host's is named too.
out=$target_dir/$triple/release-mobile
phone_build_env "$triple"
link_map=$out/libtwofold_ffi.map
if [[ $build == 1 ]]; then
    # Only the cdylib (the staticlib would run fat LTO a second time for the same code). The
    # flags touch the last crate alone: a change here re-links, it rebuilds no dependency.
    # `uniffi_omit_metadata`: without the metadata bindgen reads, as the apps ship it (their
    # bindings come from a host build's library; third_party/uniffi_macros/README.md).
    cargo rustc --locked "${phone_cargo_args[@]}" -p twofold-ffi --lib --profile release-mobile \
        --crate-type cdylib --target "$triple" -- --cfg uniffi_omit_metadata "${link_args[@]}" \
        -C link-arg=-Wl,-Map="$link_map" -C link-arg=-Wl,-z,pack-relative-relocs
fi
lib=$out/libtwofold_ffi.so
[[ -f $lib && -f $link_map ]] || { echo "mobile-size.sh: $lib not built (run without --no-build)" >&2; exit 1; }
stripped=$out/libtwofold_ffi.stripped.so
$strip_tool -o "$stripped" "$lib"
bytes=$(stat -c %s "$stripped")

python3 - "$lib" "$stripped" "$link_map" <<'EOF'
import collections, glob, re, subprocess, sys
lib, stripped, link_map = sys.argv[1:4]

def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

print("sections of the stripped library (bytes):")
for line in run("size", "-A", stripped).splitlines():
    p = line.split()
    if len(p) >= 2 and p[0].startswith(".") and p[1].isdigit() and int(p[1]) >= 100_000:
        print(f"  {p[0]:<20} {int(p[1]):>10}")

# Bytes per input of the link, from the linker's map: the one LTO object (all Rust), each -sys
# crate's bundled C archive (SQLCipher, ring's C), the linker's own sections. SQLCipher's crypto
# is Rust (twofold-sqlcipher-provider), inside the LTO object.
pattern = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+(/\S+?|<internal>)(?:\(\S+?\))?:\(\S+\)\s*$")
inputs = collections.Counter()
for line in open(link_map, errors="replace"):
    m = pattern.match(line)
    if m and int(m.group(1), 16) != 0:  # allocated sections only
        name = re.sub(r"-[0-9a-f]{16}\.rlib$", " (C)", m.group(3).rsplit("/", 1)[-1])
        if "-cgu." in name:
            name = "Rust (the one LTO object)"
        elif name == "<internal>":
            name = "linker (relocations, unwind index, dynamic symbols)"
        inputs[name] += int(m.group(2), 16)
print("\nallocated bytes per input of the link:")
for name, size in inputs.most_common(6):
    print(f"  {size:>10}  {name}")

def crate_of(name):
    # <A as B>::f belongs to A's crate unless A is a std type, then to B's.
    m = re.match(r"^<(.+?) as (.+?)>::", name)
    candidates = [m.group(1), m.group(2)] if m else [name]
    for i, c in enumerate(candidates):
        c = re.sub(r"^[&*<( ]*(mut |dyn |const )?", "", c)
        seg = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)::", c)
        if seg:
            if seg.group(1) in ("core", "alloc", "std") and i + 1 < len(candidates):
                continue
            return seg.group(1)
    return None

plain = {}
for line in run("nm", "-S", "--size-sort", lib).splitlines():
    p = line.split()
    if len(p) == 4:
        plain[p[0] + p[3]] = p[3]
per = collections.Counter()
for line in run("nm", "-S", "-C", "--size-sort", lib).splitlines():
    p = line.split(None, 3)
    if len(p) < 4 or p[2] in "bB":
        continue
    size, name = int(p[1], 16), p[3]
    who = crate_of(name)
    if who is None:
        who = "uniffi scaffolding" if name.startswith(("uniffi_", "ffi_twofold")) else "C and unmangled"
    per[who] += size
total = sum(per.values())
print(f"\nnamed symbols, {total} bytes (code and data; unwind tables, relocations and")
print("anonymous constants are not in them), the 25 largest owners (Rust crate, demangled):")
for who, size in per.most_common(25):
    print(f"  {size:>10} {100 * size / total:5.1f}%  {who}")
EOF

# The phones ship no bindgen metadata: a uniffi upgrade that lost the patch would bring ~0.16 MB
# back without a word.
metadata=$(nm -D --defined-only "$stripped" | grep -c ' UNIFFI_META_' || true)
if (( metadata > 0 )); then
    echo "mobile-size.sh: $metadata UNIFFI_META_* statics in the library: is third_party/uniffi_macros patched in?" >&2
    exit 1
fi

echo
echo "libtwofold_ffi.so, release-mobile${triple:+ for $triple}, stripped: $bytes bytes (budget $budget)"
if (( bytes > budget )); then
    echo "mobile-size.sh: over the budget by $((bytes - budget)) bytes" >&2
    exit 1
fi
