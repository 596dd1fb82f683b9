# shellcheck shell=bash
# Shared helpers for scripts/toolchains/*.sh. Source it; do not run it.
#
#   TWOFOLD_CACHE   where toolchains are kept between runs (default ~/.cache/twofold)
#   log MSG...      print "[toolchains] MSG" to stderr
#   die MSG...      log "ERROR: MSG" and exit 1
#   retry N CMD...  run CMD up to N times, sleeping 2s, 4s, 8s, ... between tries
#   apt_install P.. install the Debian packages P.. that are not installed yet
#                   (apt-get update runs at most once per process, and only if needed)
#
# Everything here writes to stderr only: stdout is reserved for the `export` lines
# that the toolchain scripts print for `eval "$(...)"`.

if [[ -n "${_TWOFOLD_COMMON_SOURCED:-}" ]]; then
    return 0
fi
_TWOFOLD_COMMON_SOURCED=1

TWOFOLD_CACHE=${TWOFOLD_CACHE:-$HOME/.cache/twofold}
export TWOFOLD_CACHE

log() {
    printf '[toolchains]%s %s\n' "${TWOFOLD_LOG_TAG:+ [$TWOFOLD_LOG_TAG]}" "$*" >&2
}

die() {
    log "ERROR: $*"
    exit 1
}

# retry N CMD... : run CMD until it succeeds, at most N times, with exponential backoff.
retry() {
    local tries=$1 n=1 delay=2 rc
    shift
    [[ "$tries" =~ ^[0-9]+$ && "$tries" -ge 1 ]] || die "retry: bad count '$tries'"
    while :; do
        rc=0
        "$@" || rc=$?
        if [[ $rc -eq 0 ]]; then
            return 0
        fi
        if [[ $n -ge $tries ]]; then
            log "command failed $n time(s) (exit $rc), giving up: $*"
            return "$rc"
        fi
        log "command failed (exit $rc), try $n/$tries; retrying in ${delay}s: $*"
        sleep "$delay"
        n=$((n + 1))
        delay=$((delay * 2))
    done
}

# True when Debian package $1 is installed.
_deb_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# apt-get, serialised across the toolchain scripts (all.sh runs them in parallel) by a
# lock file, and waiting for dpkg's own lock if something else holds it.
_apt_get() {
    mkdir -p "$TWOFOLD_CACHE"
    DEBIAN_FRONTEND=noninteractive flock "$TWOFOLD_CACHE/.apt.lock" \
        apt-get -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600 "$@" >&2
}

_TWOFOLD_APT_UPDATED=${_TWOFOLD_APT_UPDATED:-}

apt_update_once() {
    if [[ -z "$_TWOFOLD_APT_UPDATED" ]]; then
        log "apt-get update"
        retry 3 _apt_get update || die "apt-get update failed"
        _TWOFOLD_APT_UPDATED=1
    fi
}

# apt_install PKG... : install whichever of PKG... is missing, non-interactively.
apt_install() {
    local p missing=()
    for p in "$@"; do
        _deb_installed "$p" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "need root to apt-get install: ${missing[*]}"
    apt_update_once
    log "apt-get install ${missing[*]}"
    retry 3 _apt_get install -y --no-install-recommends "${missing[@]}" \
        || die "apt-get install failed: ${missing[*]}"
}

# Seconds since the script started, for log lines.
elapsed() { echo "$SECONDS"s; }

# safe_rm DIR: rm -rf DIR, but refuse if anything is mounted at or below it (a chroot with
# /dev or /proc still bound must never be deleted through), and never cross file systems.
safe_rm() {
    local dir=$1 real
    [[ -e "$dir" ]] || return 0
    real=$(realpath -e -- "$dir")
    [[ "$real" != / && "$real" == /*/* ]] || die "safe_rm: refusing to remove '$dir'"
    if findmnt -rn -o TARGET | awk -v d="$real" '$0 == d || index($0, d "/") == 1 { f = 1 } END { exit !f }'; then
        die "safe_rm: something is still mounted under $real (see findmnt); not removing it"
    fi
    rm -rf --one-file-system -- "$real"
}

# ns_chroot ROOT BIND_DIR CMD... : run CMD inside the chroot ROOT, in private mount and PID
# namespaces, so nothing (mounts, processes) outlives it. Mounts proc, /dev (recursively, so
# /dev/pts and /dev/shm come along), a read-only /sys and a fresh tmpfs /tmp; if BIND_DIR is
# not empty, bind-mounts that host directory at the same absolute path inside ROOT.
# CMD runs with a clean environment (HOME=/root, a standard PATH, LANG=C.UTF-8).
# Note: unshare ignores SIGTERM/SIGINT sent to it alone (it does not forward them); killing it
# with SIGKILL kills the namespace's PID 1 (--kill-child) and so everything inside. With
# TWOFOLD_NS_EXEC=1 the (sub)shell calling this is replaced by unshare (exec), so `$!` of a
# backgrounded call is unshare's pid.
ns_chroot() {
    local root=$1 bind=$2 ex=
    shift 2
    [[ "${TWOFOLD_NS_EXEC:-}" != 1 ]] || ex='exec'
    # shellcheck disable=SC2016  # the inner script is single-quoted on purpose
    $ex unshare --mount --propagation private --pid --fork --kill-child /bin/bash -c '
        set -euo pipefail
        root=$1 bind=$2
        shift 2
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount -t sysfs -o ro sysfs "$root/sys"
        mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
        if [[ -n "$bind" ]]; then
            mkdir -p -- "$root$bind"
            mount --bind -- "$bind" "$root$bind"
        fi
        # Not exec: this shell stays the namespace'"'"'s PID 1 (which the kernel shields from
        # signals it has no handler for), so the command itself still gets SIGTERM/SIGINT.
        rc=0
        chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" || rc=$?
        exit "$rc"
    ' ns_chroot "$root" "$bind" "$@"
}

# Temporary paths removed (with safe_rm) when the script exits, however it exits: scripts
# append to TWOFOLD_CLEANUP. INT/TERM/HUP are turned into exits so the EXIT trap runs.
TWOFOLD_CLEANUP=()
_twofold_cleanup() {
    local p
    for p in "${TWOFOLD_CLEANUP[@]}"; do
        if [[ -n "$p" && -e "$p" ]]; then
            (safe_rm "$p") || true
        fi
    done
}
trap _twofold_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
