# shellcheck shell=bash
# A real twofold-relay process on loopback for the shell scripts that need one
# (scripts/foreign-tests.sh, android-demo/test-jvm.sh, ios-demo/test-linux.sh). Source it.
#
#   relay_start BIN LOG || …   starts BIN on 127.0.0.1:0 with a temporary --data-dir (rate
#                              limits lifted for test traffic), its stderr
#                              to LOG; on success sets relay_url (http://127.0.0.1:PORT); on
#                              failure returns 1 with relay_error saying why
#   relay_stop                 SIGTERM (it stops gracefully), SIGKILL after 5 s; removes its
#                              directory. Safe to call twice; call it from an EXIT trap.

relay_pid=
relay_dir=
relay_url=
relay_error=

relay_start() { # relay_start BIN LOG
    local bin=$1 log=$2 out line
    relay_error=
    if [[ ! -x "$bin" ]]; then
        relay_error="no relay binary at $bin"
        return 1
    fi
    relay_dir=$(mktemp -d "${TMPDIR:-/tmp}/twofold-relay.XXXXXX") || {
        relay_error="mktemp failed"
        return 1
    }
    out=$relay_dir/stdout
    # Every suite's devices share one loopback address and sync far faster than people do:
    # the per-address and per-token rate limits are lifted (relay/tests cover the limits).
    "$bin" --listen 127.0.0.1:0 --data-dir "$relay_dir/data" \
        --ip-rate 1000 --ip-burst 10000 --token-rate 1000 --token-burst 10000 \
        --auth-failure-rate 1000 --auth-failure-burst 10000 \
        >"$out" 2>>"$log" </dev/null &
    relay_pid=$!
    # Its one stdout line: `twofold-relay listening on http://127.0.0.1:PORT`.
    for _ in {1..200}; do # up to 10 s
        [[ -s "$out" && -z "$(tail -c 1 "$out")" ]] && break # a whole line
        kill -0 "$relay_pid" 2>/dev/null || break
        sleep 0.05
    done
    line=$(head -n 1 "$out" 2>/dev/null)
    if [[ "$line" =~ ^twofold-relay\ listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] \
        && kill -0 "$relay_pid" 2>/dev/null; then
        relay_url=${BASH_REMATCH[1]}
        return 0
    fi
    relay_error="the relay did not start (stdout: '$line'; its log: $log)"
    return 1
}

relay_stop() {
    if [[ -n "$relay_pid" ]]; then
        kill -TERM "$relay_pid" 2>/dev/null
        for _ in {1..50}; do
            kill -0 "$relay_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$relay_pid" 2>/dev/null
        wait "$relay_pid" 2>/dev/null
        relay_pid=
    fi
    if [[ -n "$relay_dir" ]]; then
        rm -rf -- "$relay_dir"
        relay_dir=
    fi
}
