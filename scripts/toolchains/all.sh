#!/usr/bin/env bash
# Installs (or reuses) every foreign-language toolchain the test suites need and prints all
# their `export` lines:
#
#   eval "$(scripts/toolchains/all.sh)"          # or: all.sh --verify
#
# swift.sh (the slow one: a Debian 13 chroot) runs in the background while kotlin.sh and
# python.sh run in the foreground; all three are waited for, and if any fails this exits
# non-zero and prints no export lines. Arguments (--verify) are passed to each script.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TWOFOLD_LOG_TAG=all
# shellcheck source=common.sh
source "$here/common.sh"

for arg in "$@"; do
    case "$arg" in
        --verify) ;;
        -h|--help) sed -n '2,9p' "$0" >&2; exit 0 ;;
        *) die "unknown argument: $arg (usage: all.sh [--verify])" ;;
    esac
done

out=$(mktemp -d "${TMPDIR:-/tmp}/twofold-toolchains.XXXXXX")
swift_pid=
cleanup() {
    if [[ -n "$swift_pid" ]] && kill -0 "$swift_pid" 2>/dev/null; then
        log "stopping swift.sh (pid $swift_pid)"
        kill -TERM -- "-$swift_pid" 2>/dev/null || kill -TERM "$swift_pid" 2>/dev/null || true
        wait "$swift_pid" 2>/dev/null || true
    fi
    rm -rf "$out"
}
trap cleanup EXIT   # replaces common.sh's EXIT trap; INT/TERM/HUP still exit through it

# Own process group (setsid), so an interrupted all.sh can stop swift.sh and its children.
setsid "$here/swift.sh" "$@" >"$out/swift" &
swift_pid=$!
log "swift.sh started in the background (pid $swift_pid)"

failed=()
for name in kotlin python; do
    t0=$SECONDS
    if "$here/$name.sh" "$@" >"$out/$name"; then
        log "$name.sh OK ($((SECONDS - t0))s)"
    else
        rc=$?
        log "$name.sh FAILED (exit $rc)"
        failed+=("$name")
    fi
done

log "waiting for swift.sh"
rc=0
wait "$swift_pid" || rc=$?
swift_pid=
if [[ $rc -eq 0 ]]; then
    log "swift.sh OK"
else
    log "swift.sh FAILED (exit $rc)"
    failed+=(swift)
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    die "toolchain setup failed for: ${failed[*]} (see the messages above)"
fi
log "all toolchains ready in $(elapsed)"
cat "$out/kotlin" "$out/python" "$out/swift"
