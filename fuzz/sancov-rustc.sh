#!/bin/sh
# RUSTC_WRAPPER for the quick fuzz build (scripts/fuzz.sh, ADR 0016): adds libFuzzer's coverage
# instrumentation (the flags cargo-fuzz 0.13 sets, with sanitizer none) to our own crates only —
# twofold-core, twofold-relay and the targets — and compiles every dependency exactly as the
# main workspace's test build does, so a CI run reuses what `cargo test` compiled. Coverage then
# guides the fuzzer through our decoders, not through the insides of Automerge or SQLite.
rustc=$1
shift
case " $* " in
*" --crate-name build_script_build "*) exec "$rustc" "$@" ;;
esac
case "${CARGO_PKG_NAME:-}" in
twofold-core | twofold-relay | twofold-fuzz-targets | twofold-fuzz-all)
    exec "$rustc" "$@" \
        -Cpasses=sancov-module \
        -Cllvm-args=-sanitizer-coverage-level=4 \
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
        -Cllvm-args=-sanitizer-coverage-pc-table \
        -Cllvm-args=-sanitizer-coverage-trace-compares \
        -Cllvm-args=-sanitizer-coverage-stack-depth \
        -Cllvm-args=-simplifycfg-branch-fold-threshold=0
    ;;
esac
exec "$rustc" "$@"
