#!/usr/bin/env bash
# Runs every test of Twofold. On a fresh machine it first installs what the tests need (the
# foreign toolchains come from scripts/toolchains/*.sh, cached under ~/.cache/twofold).
#
#   scripts/test.sh            # everything
#
# Stages: lint (rustfmt, clippy -D warnings, the phones' build flags still taken by the
# compiler, ADR 0027) → deny (licences, bans, sources) → Rust tests (core, cross-crate:
# property tests, the 200-kill test, failure paths, fuzz properties, I/O faults, the soak) →
# fuzz (every coverage-guided target for a few seconds, ADR 0016) → interop checks against
# other implementations (when present) → Kotlin, Swift and Python suites against generated
# bindings.
# Every stage runs even if an earlier one failed; the last line counts the stages:
# `stages: N passed, M failed`. Exit status is non-zero if any stage failed. Nothing is ever
# skipped silently: a missing toolchain fails its stage.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

passed=0
failed=0
failures=()

stage() { # stage NAME CMD...
    local name=$1
    shift
    local started=$SECONDS
    echo
    echo "=== stage: $name ==="
    if "$@"; then
        passed=$((passed + 1))
        echo "=== stage $name: passed in $((SECONDS - started)) s ==="
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== stage $name: FAILED in $((SECONDS - started)) s ==="
    fi
}

lint() {
    cargo fmt --all --check && cargo clippy --workspace --all-targets --locked -- -D warnings \
        && (source scripts/phone-build.sh && phone_flags_check)
}

rust_tests() {
    # The relay's JetStream test runs a real nats-server; the path is where Debian puts it.
    scripts/toolchains/nats.sh && PATH="$PATH:/usr/sbin" cargo test --workspace --locked
}

stage lint lint
# Dependencies against deny.toml: licences, bans, sources (ADR 0016).
stage deny scripts/deny.sh
stage rust-tests rust_tests
# After the Rust tests: the fuzz build reuses every dependency they compiled (ADR 0016).
stage fuzz scripts/fuzz.sh --quick
if [ -x scripts/interop-tests.sh ]; then
    stage interop scripts/interop-tests.sh
fi
if [ -x scripts/foreign-tests.sh ]; then
    stage foreign-suites scripts/foreign-tests.sh
fi

echo
if [ "$failed" -gt 0 ]; then
    echo "failed stages: ${failures[*]}"
fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
