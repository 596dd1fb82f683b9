#!/usr/bin/env bash
# Runs a command inside the Swift chroot built by swift.sh.
#
#   scripts/toolchains/swift-run.sh DIR_TO_BIND CMD...
#
# The host directory DIR_TO_BIND is bind-mounted at the same absolute path inside the chroot,
# and CMD runs there (cd DIR_TO_BIND) with `bash -c`. A single CMD argument is taken as a
# shell script ('swift build && swift test'); several arguments are quoted as one command
# (swift test --filter 'A/b'). The chroot is $SWIFT_CHROOT (default $TWOFOLD_CACHE/swift-chroot).
#
# It runs in private mount and PID namespaces: proc, /dev, a read-only /sys, a tmpfs /tmp and
# the bind mount exist only for the command, and every process it started is killed when it
# ends. The environment is clean (HOME=/root, standard PATH); set variables inside CMD.
# Exits with CMD's exit status.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TWOFOLD_LOG_TAG=${TWOFOLD_LOG_TAG:-swift-run}
# shellcheck source=common.sh
source "$here/common.sh"

if [[ $# -lt 2 ]]; then
    sed -n '2,15p' "$0" >&2
    die "usage: swift-run.sh DIR_TO_BIND CMD..."
fi
[[ $(id -u) -eq 0 ]] || die "swift-run.sh needs root (chroot, mount namespaces)"

root=${SWIFT_CHROOT:-$TWOFOLD_CACHE/swift-chroot}
[[ -e "$root/usr/libexec/swift/bin/swift" ]] || die "no Swift chroot at $root; run scripts/toolchains/swift.sh first"
root=$(realpath -e -- "$root")

[[ -d "$1" ]] || die "DIR_TO_BIND '$1' is not a directory"
dir=$(realpath -e -- "$1")
[[ "$dir" != / ]] || die "refusing to bind the host's / into the chroot"
case "$dir/" in
    "$root"/*) die "DIR_TO_BIND $dir lies inside the chroot $root" ;;
esac
shift

if [[ $# -eq 1 ]]; then
    script=$1
else
    script=$(printf '%q ' "$@")
fi

# unshare ignores SIGTERM/SIGINT aimed at it alone, so run it in the background and turn a
# signal to this script into SIGKILL for unshare: --kill-child then kills the namespace's
# PID 1, and with it every process inside, and the mounts go with the namespace.
# (<&0: a background job would otherwise get /dev/null as its stdin.)
TWOFOLD_NS_EXEC=1 ns_chroot "$root" "$dir" /bin/bash -c "cd -- $(printf '%q' "$dir") || exit 1"$'\n'"$script" <&0 &
ns_pid=$!
# shellcheck disable=SC2317  # called from the traps below
stop() {
    kill -KILL "$ns_pid" 2>/dev/null || true
    wait "$ns_pid" 2>/dev/null || true
    exit "$1"
}
trap - EXIT
trap 'stop 129' HUP
trap 'stop 130' INT
trap 'stop 143' TERM
rc=0
wait "$ns_pid" || rc=$?
exit "$rc"
