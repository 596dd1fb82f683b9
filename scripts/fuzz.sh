#!/usr/bin/env bash
# Runs every coverage-guided fuzz target in fuzz/ (libFuzzer; ADR 0016) for a while and fails on
# any finding: a crash (panic), a timeout (a hang), or going past the memory limit.
#
#   scripts/fuzz.sh --quick              # CI: every target for 5 s, two at a time (stable build)
#   scripts/fuzz.sh --quick 60 envelope  # the same build, longer, some targets
#   scripts/fuzz.sh 300                  # every target for five minutes (cargo-fuzz, nightly)
#   scripts/fuzz.sh 300 envelope invite  # some targets
#   FUZZ_SANITIZER=address scripts/fuzz.sh 300   # with AddressSanitizer (catches more, slower)
#
# --quick builds one binary with every target (fuzz/all) on the stable toolchain: libFuzzer
# compiled with g++ from libfuzzer-sys's sources, coverage instrumentation on our own crates only
# (fuzz/sancov-rustc.sh), every dependency compiled as the main workspace's tests compile it and
# in the same target folder, so after `cargo test --workspace` only our crates are compiled.
# Without --quick it installs the nightly toolchain (rustup, minimal profile) and cargo-fuzz, and
# builds one optimised binary per target. Either way each target starts from its committed seeds
# (fuzz/corpus/<target>) plus what earlier runs on this machine found (fuzz/target/corpus/
# <target>, not committed). A finding is saved under fuzz/artifacts/<target>/ and printed with
# the command that replays it; it then becomes a regression test in the normal suite and a fix in
# the decoder.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root/fuzz"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

quick=false
seconds=300
if [ "${1:-}" = --quick ]; then
    quick=true
    seconds=5
    shift
fi
case "${1:-}" in
'' | *[!0-9]*) ;;
*)
    seconds=$1
    shift
    ;;
esac
sanitizer=${FUZZ_SANITIZER:-none}
jobs=${FUZZ_JOBS:-2}
cargo_fuzz_version=0.13.2

fail() {
    echo "fuzz: FAILED: $*"
    exit 1
}

# The quick build: one binary, `twofold-fuzz-all`, on stable. Sets `run_cmd` (a function that
# runs target $1 with libFuzzer's arguments $2..).
build_quick() {
    local target_dir=${CARGO_TARGET_DIR:-$root/target}
    if ! command -v g++ >/dev/null; then
        # A machine without a C++ compiler gets Debian's (the toolchain scripts' helper).
        # shellcheck source=toolchains/common.sh
        (. "$root/scripts/toolchains/common.sh" && apt_install g++) ||
            fail "g++ is needed to compile libFuzzer and could not be installed (apt-get install g++)"
    fi
    local host
    host=$(rustc -vV | sed -n 's/^host: //p')
    cargo fetch --locked --target "$host" --manifest-path "$root/fuzz/Cargo.toml" ||
        fail "the fuzz workspace's crates could not be fetched (cargo fetch)"
    local manifest
    manifest=$(cargo metadata --locked --format-version 1 --filter-platform "$host" \
        --manifest-path "$root/fuzz/Cargo.toml" |
        grep -o '"manifest_path":"[^"]*/libfuzzer-sys-[0-9.]*/Cargo.toml"' | head -1 |
        sed 's/^"manifest_path":"//; s/"$//')
    [ -n "$manifest" ] || fail "libfuzzer-sys (libFuzzer's sources) is not in fuzz/Cargo.lock"
    local sources version archive
    sources=$(dirname "$manifest")/libfuzzer
    version=$(basename "$(dirname "$manifest")")
    archive=$target_dir/libfuzzer/$version/libfuzzer.a
    if [ ! -f "$archive" ]; then
        echo "fuzz: compiling libFuzzer from $version"
        local objects=$target_dir/libfuzzer/$version/objects
        rm -rf "$objects" && mkdir -p "$objects"
        # The flags libfuzzer-sys's build script gives it (C++17, frame pointers kept).
        if ! find "$sources" -maxdepth 1 -name '*.cpp' -print0 |
            xargs -0 -P "$(nproc)" -I{} sh -c \
                'g++ -O2 -std=c++17 -fno-omit-frame-pointer -w -c "$1" -o "$2/$(basename "$1" .cpp).o"' \
                _ {} "$objects"; then
            fail "libFuzzer does not compile (g++ on $sources)"
        fi
        ar rcs "$archive.tmp" "$objects"/*.o && mv "$archive.tmp" "$archive" ||
            fail "libFuzzer's archive could not be written"
    fi
    # debug = line-tables-only on our crates: smaller and faster to link, line numbers still in
    # a finding's backtrace; and it keeps cargo from taking an uninstrumented build of them
    # (the seed writer's) for this one, since the wrapper's flags are invisible to it.
    local ours=(twofold-core twofold-relay twofold-fuzz-targets twofold-fuzz-all)
    local config=()
    for crate in "${ours[@]}"; do
        config+=(--config "profile.dev.package.$crate.debug=\"line-tables-only\"")
    done
    local log=$target_dir/fuzz-build.json
    mkdir -p "$target_dir"
    if ! TWOFOLD_LIBFUZZER=$archive RUSTC_WRAPPER=$root/fuzz/sancov-rustc.sh \
        CARGO_TARGET_DIR=$target_dir cargo build --locked --manifest-path "$root/fuzz/Cargo.toml" \
        -p twofold-fuzz-all "${config[@]}" --message-format=json-render-diagnostics >"$log"; then
        fail "the fuzz targets do not build (cargo build -p twofold-fuzz-all in fuzz/)"
    fi
    local compiled
    compiled=$(grep '"reason":"compiler-artifact"' "$log" | grep '"fresh":false' |
        grep -vc '"package_id":"path+file')
    echo "fuzz: compiled $compiled dependencies besides our crates (none after the main" \
        "workspace's tests have run in $target_dir; ADR 0016)"
    quick_bin=$target_dir/debug/twofold-fuzz-all
    [ -x "$quick_bin" ] || fail "no binary at $quick_bin"
    mapfile -t all_targets < <(TWOFOLD_FUZZ_TARGET=list "$quick_bin" 2>/dev/null)
    # exec: the fuzzer keeps the pid `start` records (the relay targets name a folder by it).
    run_cmd() {
        TWOFOLD_FUZZ_TARGET=$1 exec "$quick_bin" "${@:2}"
    }
    replay="TWOFOLD_FUZZ_TARGET=<target> ${quick_bin#"$root"/}"
}

# The cargo-fuzz build: one optimised binary per target, on nightly.
build_cargo_fuzz() {
    if ! rustup run nightly rustc --version >/dev/null 2>&1; then
        echo "fuzz: installing the nightly toolchain (rustup, minimal profile)"
        rustup toolchain install nightly --profile minimal ||
            fail "the nightly toolchain could not be installed; cargo-fuzz needs it" \
                "(rustup toolchain install nightly --profile minimal)"
    fi
    if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
        echo "fuzz: installing cargo-fuzz $cargo_fuzz_version"
        cargo install cargo-fuzz --locked --version "$cargo_fuzz_version" ||
            fail "cargo-fuzz could not be installed (cargo install cargo-fuzz --locked)"
    fi
    # One build for every target: they share all their dependencies.
    cargo +nightly fuzz build --sanitizer "$sanitizer" || fail "the fuzz targets do not build"
    fuzz_bin=$root/fuzz/target/x86_64-unknown-linux-gnu/release
    mapfile -t all_targets < <(cargo +nightly fuzz list)
    run_cmd() {
        exec "$fuzz_bin/$1" "${@:2}"
    }
    replay="${fuzz_bin#"$root"/}/<target>"
}

started=$SECONDS
if $quick; then
    build_quick
else
    build_cargo_fuzz
fi
echo "fuzz: built every target in $((SECONDS - started)) s"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=("${all_targets[@]}")
fi

# Limits: an input may take 10 s and the process 2 GiB; with a sanitizer, one allocation may
# not pass 512 MiB (libFuzzer needs a sanitizer's allocator hooks to see single allocations).
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536)
logs=$root/fuzz/target/logs
mkdir -p "$logs"

# Runs target $1 in the background; its pid goes to `pids`.
declare -A pids
start() {
    local target=$1
    local corpus=$root/fuzz/target/corpus/$target
    local artifacts=$root/fuzz/artifacts/$target
    local seeds=$root/fuzz/corpus/$target
    mkdir -p "$corpus" "$artifacts" "$seeds"
    echo "fuzz: $target for $seconds s"
    run_cmd "$target" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$logs/$target.log" 2>&1 &
    pids[$target]=$!
}

findings=0
report=()
finish() {
    local target=$1 status
    wait "${pids[$target]}"
    status=$?
    # The relay targets keep a store in a temporary folder named after their process.
    rm -rf "${TMPDIR:-/tmp}/twofold-fuzz-relay-${pids[$target]}" \
        "${TMPDIR:-/tmp}/twofold-fuzz-relay-ws-${pids[$target]}"
    local log=$logs/$target.log artifacts=$root/fuzz/artifacts/$target
    local execs line cov ft corp result
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
        echo "fuzz: replay with: ${replay//<target>/$target}" \
            "$(ls -t "$artifacts" | head -1 | sed "s|^|fuzz/artifacts/$target/|")"
    fi
    report+=("$(printf '%-16s %10s execs  cov %6s  ft %6s  corpus %-12s %s' \
        "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
}

# `jobs` targets at a time (libFuzzer runs one input at a time: one core each).
running=()
for target in "${targets[@]}"; do
    if [ "${#running[@]}" -ge "$jobs" ]; then
        finish "${running[0]}"
        running=("${running[@]:1}")
    fi
    start "$target"
    running+=("$target")
done
for target in "${running[@]}"; do
    finish "$target"
done

echo
printf '%s\n' "${report[@]}"
echo "fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time, $findings with findings" \
    "($((SECONDS - started)) s with the build)"
[ "$findings" -eq 0 ]
