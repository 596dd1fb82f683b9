#!/usr/bin/env bash
# Builds TwofoldKit (the generated Swift bindings + the kit + the app's models) and runs its
# XCTest suite on Linux, in the Debian 13 Swift chroot, against the library built for this
# machine. The one script CI calls for the iOS demo.
#
#   ios-demo/test-linux.sh
#
# Inputs (environment):
#   SWIFT_CHROOT          the Swift chroot; unset: `scripts/toolchains/swift.sh` makes or reuses it
#   TWOFOLD_BINDINGS      generated bindings, as scripts/bindgen.sh lays them out (swift/, lib/);
#                         default <repo>/build/bindings
#   TWOFOLD_RELAY_URL     a running relay for the two-device tests; unset: this script starts
#   TWOFOLD_RELAY_BIN     (default <repo>/target/debug/twofold-relay) on 127.0.0.1:0 with a
#                         temporary data dir, and stops it on exit
#   TWOFOLD_MAKE_DATASET  the make-dataset binary; it writes the five-year store (on the host)
#                         for the measurement "open the five-year store and show today". Unset:
#                         only that measurement is skipped, and the output says so.
#
# The package is staged in <repo>/build/ios-linux/pkg (its .build is kept between runs: a warm
# run only recompiles what changed), the data set in <repo>/build/ios-linux/data. Exits non-zero
# on any failure; the last line of the output is XCTest's `Executed N tests, with M failures …`.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bindings=${TWOFOLD_BINDINGS:-$root/build/bindings}
stage=$root/build/ios-linux
pkg=$stage/pkg
data=$stage/data
log=$stage/swift-test.log
# shellcheck source=../scripts/relay-process.sh
source "$root/scripts/relay-process.sh"

say() { printf 'test-linux: %s\n' "$*"; }
# A setup failure ends like a failed run, so whoever reads the last line sees a failure.
die() { say "FAILED: $*"; echo "Executed 0 tests, with 1 failure (test-linux.sh: $*)"; exit 1; }

trap relay_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS

# --- inputs --------------------------------------------------------------------------------------
for file in swift/TwofoldCore.swift swift/TwofoldCoreFFI.h lib/libtwofold_ffi.so; do
    [[ -f "$bindings/$file" ]] || die "no $bindings/$file (set TWOFOLD_BINDINGS, or run scripts/bindgen.sh)"
done
if [[ -z "${SWIFT_CHROOT:-}" ]]; then
    env_line=$("$root/scripts/toolchains/swift.sh") || die "scripts/toolchains/swift.sh could not make the Swift chroot"
    eval "$env_line"
fi
[[ -x "$SWIFT_CHROOT/usr/libexec/swift/bin/swift" ]] || die "no Swift toolchain in SWIFT_CHROOT=$SWIFT_CHROOT"

# --- the app's strings (the app is not compiled here: no Xcode) -------------------------------------
# Every language (es, fr, pt, ar) has exactly English's keys with the same placeholders, and
# each file parses. See check-strings.py.
if ! strings_report=$(python3 "$here/check-strings.py" "$here/App/Twofold/Resources" 2>&1); then
    echo "$strings_report" >&2
    die "the app's Localizable.strings are incomplete"
fi
say "Localizable.strings: en, es, fr, pt, ar complete"

# --- the staged package ---------------------------------------------------------------------------
# Only files whose content changed are copied, and files gone from the source are removed: the
# build system notices a rewritten file even when its content is the same, so copying
# everything would recompile the generated bindings (~20 s) on every run. .build stays.
generated=(Sources/TwofoldCore/TwofoldCore.swift Sources/TwofoldCoreFFI/TwofoldCoreFFI.h)

copy_if_changed() { # copy_if_changed SRC DST
    cmp -s "$1" "$2" 2>/dev/null && return 0
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
}

stage_tree() { # stage_tree DIR: the package's DIR (Sources, Tests) into the stage
    local file rel keep
    while IFS= read -r -d '' file; do
        copy_if_changed "$file" "$pkg/${file#"$here/TwofoldKit/"}"
    done < <(find "$here/TwofoldKit/$1" -type f -print0)
    [[ -d "$pkg/$1" ]] || return 0
    while IFS= read -r -d '' file; do
        rel=${file#"$pkg/"}
        keep=0
        for g in "${generated[@]}"; do [[ "$rel" == "$g" ]] && keep=1; done
        [[ $keep -eq 1 || -f "$here/TwofoldKit/$rel" ]] || rm -f -- "$file"
    done < <(find "$pkg/$1" -type f -print0)
}

mkdir -p "$pkg/lib" "$data"
copy_if_changed "$here/TwofoldKit/Package.swift" "$pkg/Package.swift"
stage_tree Sources
stage_tree Tests
copy_if_changed "$bindings/swift/TwofoldCore.swift" "$pkg/Sources/TwofoldCore/TwofoldCore.swift"
copy_if_changed "$bindings/swift/TwofoldCoreFFI.h" "$pkg/Sources/TwofoldCoreFFI/TwofoldCoreFFI.h"
if ! cmp -s "$bindings/lib/libtwofold_ffi.so" "$pkg/lib/libtwofold_ffi.so" 2>/dev/null; then
    rm -f "$pkg/lib/libtwofold_ffi.so"
    ln "$bindings/lib/libtwofold_ffi.so" "$pkg/lib/" 2>/dev/null || cp "$bindings/lib/libtwofold_ffi.so" "$pkg/lib/"
fi

# --- the relay ------------------------------------------------------------------------------------
relay_url=${TWOFOLD_RELAY_URL:-}
if [[ -z "$relay_url" ]]; then
    relay_bin=${TWOFOLD_RELAY_BIN:-$root/target/debug/twofold-relay}
    relay_log=$stage/relay.log
    if relay_start "$relay_bin" "$relay_log"; then
        say "relay started on $relay_url"
    else
        cat "$relay_log" >&2 2>/dev/null
        die "$relay_error (set TWOFOLD_RELAY_URL, or TWOFOLD_RELAY_BIN to a built twofold-relay)"
    fi
fi

# --- the five-year data set (made on the host, read inside the chroot) ---------------------------
dataset_env=()
if [[ -n "${TWOFOLD_MAKE_DATASET:-}" ]]; then
    [[ -x "$TWOFOLD_MAKE_DATASET" ]] || die "TWOFOLD_MAKE_DATASET=$TWOFOLD_MAKE_DATASET is not executable"
    db=$data/five-year.db
    # Reused while the generator is unchanged (it is deterministic); made again otherwise.
    if [[ ! -s "$db" || ! -s "$data/five-year.key" || "$TWOFOLD_MAKE_DATASET" -nt "$db" ]]; then
        rm -f "$db" "$db"-* "$data/five-year.key"
        key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
        t1=$SECONDS
        "$TWOFOLD_MAKE_DATASET" "$db" "$key" 5 >"$data/make-dataset.log" 2>&1 \
            || { cat "$data/make-dataset.log" >&2; die "make-dataset failed"; }
        echo "$key" >"$data/five-year.key"
        say "five-year store made in $((SECONDS - t1))s ($(tail -n 1 "$data/make-dataset.log"))"
    fi
    dataset_env=(TWOFOLD_DATASET="$db" TWOFOLD_DATASET_KEY="$(cat "$data/five-year.key")")
else
    say "TWOFOLD_MAKE_DATASET is not set: the five-year measurement is skipped"
fi

# --- swift test in the chroot --------------------------------------------------------------------
# swift-run.sh clears the environment: pass the relay and the data set in the command.
env_args="TWOFOLD_RELAY_URL=$(printf '%q' "$relay_url")"
for assignment in "${dataset_env[@]}"; do
    env_args+=" $(printf '%q' "$assignment")"
done
say "swift test in $pkg (chroot $SWIFT_CHROOT)"
t2=$SECONDS
SWIFT_CHROOT=$SWIFT_CHROOT timeout --signal=TERM 1500 "$root/scripts/toolchains/swift-run.sh" "$stage" \
    "cd pkg && env $env_args swift test --disable-swift-testing" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

closing=$(grep -E '^[[:space:]]*Executed [0-9]+ tests?, with' "$log" | tail -n 1 | sed 's/^[[:space:]]*//')
measurement=$(grep -E '^five-year measurement:' "$log" | tail -n 1)
say "built and tested in $((SECONDS - t2))s (whole script $((SECONDS - t0))s); log: $log"
[[ -z "$measurement" ]] || say "$measurement"
if [[ $rc -ne 0 || ! "$closing" =~ with\ 0\ failures ]]; then
    say "FAILED (swift test exit $rc)"
    echo "${closing:-Executed 0 tests, with 1 failure (swift test did not run the suite)}"
    exit 1
fi
echo "$closing"
