#!/usr/bin/env bash
# Builds (or reuses) a Debian 13 (trixie) chroot with Debian's Swift toolchain (swiftlang,
# Swift 6.0.x) at $TWOFOLD_CACHE/swift-chroot, and prints `export SWIFT_CHROOT=<dir>`.
# Run commands in it with scripts/toolchains/swift-run.sh.
#
#   eval "$(scripts/toolchains/swift.sh)"
#   scripts/toolchains/swift.sh --verify    # ... and run `swift test` on a tiny XCTest package
#
# A cold build downloads ~540 MB and takes ~2.5 GB. The chroot is built in a temporary
# directory beside the final one and renamed into place only once `swift --version` works in
# it, so a half-built chroot is never reused. Needs root. Set TWOFOLD_DEBIAN_MIRROR to use
# another Debian mirror. Only the export line goes to stdout; any failure exits non-zero.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TWOFOLD_LOG_TAG=swift
# shellcheck source=common.sh
source "$here/common.sh"

SUITE=trixie
MIRROR=${TWOFOLD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CHROOT_PACKAGES=(swiftlang libc6-dev)

verify=0
for arg in "$@"; do
    case "$arg" in
        --verify) verify=1 ;;
        -h|--help) sed -n '2,12p' "$0" >&2; exit 0 ;;
        *) die "unknown argument: $arg (usage: swift.sh [--verify])" ;;
    esac
done
[[ $(id -u) -eq 0 ]] || die "swift.sh needs root (debootstrap, chroot, mount namespaces)"
command -v unshare >/dev/null 2>&1 || die "unshare (util-linux) not found"

dest=$TWOFOLD_CACHE/swift-chroot

# chroot_ok DIR: the Swift toolchain in DIR runs. (A bare `chroot DIR swift --version` is not
# enough: without /proc the dynamic loader cannot resolve swift's $ORIGIN rpath and fails
# with "libswiftCore.so: cannot open shared object file", so run it with proc mounted.)
chroot_ok() {
    [[ -e "$1/usr/libexec/swift/bin/swift" && -d "$1/proc" && -d "$1/dev" ]] \
        && ns_chroot "$1" "" swift --version >/dev/null 2>&1
}

# One debootstrap attempt into an empty $1; in a private mount namespace so the proc/sys
# mounts debootstrap makes inside the target die with it, even if it is killed.
debootstrap_once() {
    local dir=$1
    find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} + 2>/dev/null || true
    [[ -z "$(ls -A "$dir")" ]] || { log "could not empty $dir"; return 1; }
    unshare --mount --propagation private \
        debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR" >&2
}

build_chroot() {
    local tmp t0=$SECONDS
    apt_install debootstrap
    # Leftovers of interrupted builds (we hold the lock, so nobody else is building).
    local old
    for old in "$TWOFOLD_CACHE"/swift-chroot.tmp.* "$TWOFOLD_CACHE"/swift-chroot.old.*; do
        [[ -e "$old" ]] || continue
        log "removing leftover $old"
        safe_rm "$old"
    done
    tmp=$(mktemp -d "$TWOFOLD_CACHE/swift-chroot.tmp.XXXXXX")
    TWOFOLD_CLEANUP+=("$tmp")   # removed on any failure; gone anyway once renamed into place
    chmod 755 "$tmp"   # mktemp makes it 0700; apt's _apt user must be able to walk the chroot

    log "debootstrap --variant=minbase $SUITE $tmp $MIRROR"
    retry 3 debootstrap_once "$tmp" || die "debootstrap of Debian $SUITE failed 3 times (mirror $MIRROR)"
    log "base system ready after $((SECONDS - t0))s"

    cp -L /etc/resolv.conf "$tmp/etc/resolv.conf"
    cat >"$tmp/etc/apt/apt.conf.d/90twofold" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
Dpkg::Use-Pty "0";
APT
    log "installing ${CHROOT_PACKAGES[*]} in the chroot (~540 MB download)"
    retry 3 ns_chroot "$tmp" "" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get -q update >&2 \
        || die "apt-get update in the $SUITE chroot failed 3 times"
    retry 3 ns_chroot "$tmp" "" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
        apt-get -q install -y --no-install-recommends "${CHROOT_PACKAGES[@]}" >&2 \
        || die "apt-get install ${CHROOT_PACKAGES[*]} in the $SUITE chroot failed 3 times"
    ns_chroot "$tmp" "" apt-get clean >&2
    chroot_ok "$tmp" || die "swift --version does not run in the freshly built chroot $tmp"

    # Swap into place: rename any broken old chroot away first, then rename the new one in.
    if [[ -e "$dest" ]]; then
        old=$TWOFOLD_CACHE/swift-chroot.old.$$
        mv -T "$dest" "$old"
        mv -T "$tmp" "$dest"
        safe_rm "$old"
    else
        mv -T "$tmp" "$dest"
    fi
    log "chroot built in $((SECONDS - t0))s: $(du -sh "$dest" 2>/dev/null | cut -f1)"
}

mkdir -p "$TWOFOLD_CACHE"
exec 9>"$TWOFOLD_CACHE/.swift-chroot.lock"
flock 9
if chroot_ok "$dest"; then
    log "reusing Swift chroot $dest"
else
    [[ ! -e "$dest" ]] || log "Swift chroot $dest exists but swift does not run in it; rebuilding"
    build_chroot
fi
flock -u 9

SWIFT_CHROOT=$(realpath -e "$dest")
log "$(ns_chroot "$SWIFT_CHROOT" "" swift --version 2>&1 | head -n1)"

if [[ $verify -eq 1 ]]; then
    log "verifying: swift test --disable-swift-testing on a tiny XCTest package"
    work=$(mktemp -d "${TMPDIR:-/tmp}/twofold-swift-verify.XXXXXX")
    TWOFOLD_CLEANUP+=("$work")
    mkdir -p "$work/Sources/Smoke" "$work/Tests/SmokeTests"
    cat >"$work/Package.swift" <<'SWIFT'
// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "Smoke",
    targets: [
        .target(name: "Smoke"),
        .testTarget(name: "SmokeTests", dependencies: ["Smoke"]),
    ]
)
SWIFT
    cat >"$work/Sources/Smoke/Smoke.swift" <<'SWIFT'
public func add(_ a: Int, _ b: Int) async -> Int {
    await Task.yield()
    return a + b
}
SWIFT
    cat >"$work/Tests/SmokeTests/SmokeTests.swift" <<'SWIFT'
import XCTest
@testable import Smoke

final class SmokeTests: XCTestCase {
    func testAsyncAdd() async {
        let sum = await add(2, 3)
        XCTAssertEqual(sum, 5)
    }
}
SWIFT
    rc=0
    SWIFT_CHROOT=$SWIFT_CHROOT "$here/swift-run.sh" "$work" swift test --disable-swift-testing \
        >"$work/swift-test.log" 2>&1 || rc=$?
    cat "$work/swift-test.log" >&2
    if [[ $rc -ne 0 ]] || ! grep -q 'Executed 1 test, with 0 failures' "$work/swift-test.log"; then
        die "Swift smoke test failed (exit $rc); expected 'Executed 1 test, with 0 failures'"
    fi
    log "verify OK"
fi

log "done in $(elapsed)"
printf 'export SWIFT_CHROOT=%q\n' "$SWIFT_CHROOT"
