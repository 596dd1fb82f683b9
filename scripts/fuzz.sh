#!/usr/bin/env bash
# Runs every coverage-guided fuzz target in fuzz/ (cargo-fuzz, libFuzzer; ADR 0016) for a while
# and fails on any finding: a crash (panic), a timeout (a hang), or going past the memory limits.
#
#   scripts/fuzz.sh --quick              # CI: every target for 8 s, built without a sanitizer
#   scripts/fuzz.sh 300                  # every target for five minutes
#   scripts/fuzz.sh 300 envelope invite  # some targets
#   FUZZ_SANITIZER=address scripts/fuzz.sh 300   # with AddressSanitizer (catches more, slower)
#
# It installs what it needs: the nightly toolchain through rustup (minimal profile) and
# cargo-fuzz from crates.io. Each target starts from its committed seeds (fuzz/corpus/<target>)
# plus what earlier runs on this machine found (fuzz/target/corpus/<target>, not committed). A
# finding is saved under fuzz/artifacts/<target>/ and printed with the command that replays it;
# it then becomes a regression test in the normal suite and a fix in the decoder.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root/fuzz"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

seconds=8
case "${1:-}" in
--quick) shift ;;
'' | *[!0-9]*) ;;
*)
    seconds=$1
    shift
    ;;
esac
sanitizer=${FUZZ_SANITIZER:-none}
cargo_fuzz_version=0.13.2

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: installing the nightly toolchain (rustup, minimal profile)"
    if ! rustup toolchain install nightly --profile minimal; then
        echo "fuzz: FAILED: the nightly toolchain could not be installed; cargo-fuzz needs it" \
            "(rustup toolchain install nightly --profile minimal)"
        exit 1
    fi
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
    echo "fuzz: installing cargo-fuzz $cargo_fuzz_version"
    if ! cargo install cargo-fuzz --locked --version "$cargo_fuzz_version"; then
        echo "fuzz: FAILED: cargo-fuzz could not be installed (cargo install cargo-fuzz --locked)"
        exit 1
    fi
fi

# One build for every target: they share all their dependencies.
started=$SECONDS
if ! cargo +nightly fuzz build --sanitizer "$sanitizer"; then
    echo "fuzz: FAILED: the fuzz targets do not build"
    exit 1
fi
echo "fuzz: built every target (sanitizer: $sanitizer) in $((SECONDS - started)) s"
bin="$root/fuzz/target/x86_64-unknown-linux-gnu/release"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Limits: an input may take 10 s and the process 2 GiB; with a sanitizer, one allocation may
# not pass 512 MiB (libFuzzer needs a sanitizer's allocator hooks to see single allocations).
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536)

findings=0
report=()
for target in "${targets[@]}"; do
    corpus="$root/fuzz/target/corpus/$target"
    artifacts="$root/fuzz/artifacts/$target"
    seeds="$root/fuzz/corpus/$target"
    mkdir -p "$corpus" "$artifacts" "$seeds"
    log="$root/fuzz/target/$target.log"
    echo "fuzz: $target for $seconds s"
    "$bin/$target" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
    status=$?
    rm -rf "${TMPDIR:-/tmp}"/twofold-fuzz-relay-*
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    line=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$line")
    if [ "$status" -eq 0 ]; then
        result=ok
    else
        result=FINDING
        findings=$((findings + 1))
        echo "fuzz: FINDING in $target (exit $status); the end of its log:"
        tail -40 "$log"
        echo "fuzz: replay with: fuzz/target/x86_64-unknown-linux-gnu/release/$target" \
            "$(ls -t "$artifacts" | head -1 | sed "s|^|fuzz/artifacts/$target/|")"
    fi
    report+=("$(printf '%-16s %10s execs  cov %6s  ft %6s  corpus %-12s %s' \
        "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
done

echo
printf '%s\n' "${report[@]}"
echo "fuzz: ${#targets[@]} targets, $seconds s each, $findings with findings"
[ "$findings" -eq 0 ]
