#!/usr/bin/env bash
# Runs the Kotlin, Swift and Python suites of tests/foreign against freshly generated bindings.
#
#   scripts/foreign-tests.sh                  # every suite, debug library
#   scripts/foreign-tests.sh --release        # ... against the release library
#   scripts/foreign-tests.sh kotlin python    # only some suites
#   scripts/foreign-tests.sh --library=FILE   # ... loading FILE instead of the built library
#                                             # (the phones' build from scripts/mobile-size.sh,
#                                             # ADR 0027; the bindings still come from the build)
#
# Suites: kotlin, swift, python (tests/foreign), and the demo apps' layers below their UI:
# android (android-demo/test-jvm.sh: twofold-kit and the view models on the JVM) and ios
# (ios-demo/test-linux.sh: TwofoldKit and the app's models with `swift test` on Linux).
#
# Steps: install (or reuse) the toolchains with scripts/toolchains/{kotlin,swift,python}.sh —
# in the background, while scripts/bindgen.sh builds the library and generates the bindings —
# then run each suite: Kotlin (JUnit 4 on the JVM, compiled with npm's kotlinc), Swift
# (`swift test --disable-swift-testing` in the Debian 13 chroot, through swift-run.sh) and
# Python (pytest in the toolchain venv). Each suite's own closing line is printed (JUnit's
# `OK (N tests)`, XCTest's `Executed N tests, with 0 failures …`, pytest's `N passed in …`),
# with its time; a failing suite's whole log is printed too. Logs: build/foreign/logs/.
#
# One real relay serves every suite: `twofold-relay` is built (same profile and target dir as the
# library), started on 127.0.0.1:0 with a temporary --data-dir, and its address (read from its
# one stdout line) is exported as TWOFOLD_RELAY_URL to each suite (passed into the Swift chroot
# explicitly: swift-run.sh clears the environment; a chroot shares the host's loopback), and its
# data directory as TWOFOLD_RELAY_DATA_DIR (the Kotlin and Python suites scan it for plaintext;
# the Swift chroot cannot see it). It is
# stopped and its directory removed on exit. If it cannot be built or started, every suite
# fails (the suites' relay tests need it). Its log: build/foreign/logs/relay.log.
#
# The last line is always `foreign: N passed, M failed`, counting SUITES (at most 5). A suite
# whose toolchain could not be installed, or that could not be built, counts as failed: none is
# ever skipped silently. Exits 0 only when every requested suite passed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bindgen_flags=()
profile=debug
library=
suites=()
for arg in "$@"; do
    case "$arg" in
        --release) bindgen_flags+=(--release); profile=release ;;
        --library=*) library=$(realpath -e "${arg#--library=}") || { echo "foreign-tests.sh: no library at ${arg#--library=}" >&2; exit 2; } ;;
        kotlin|swift|python|android|ios) suites+=("$arg") ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "foreign-tests.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done
[[ ${#suites[@]} -gt 0 ]] || suites=(kotlin swift python android ios)

# The toolchain each suite needs (the demo apps' layers use the same Kotlin and Swift).
declare -A toolchain_of=([kotlin]=kotlin [swift]=swift [python]=python [android]=kotlin [ios]=swift)

work=$root/build/foreign
logs=$work/logs
mkdir -p "$logs"
rm -f "$logs"/*.log
passed=0
failed=0
declare -A toolchain_pid=()
# shellcheck source=relay-process.sh
source scripts/relay-process.sh

say() { printf 'foreign: %s\n' "$*"; }

finish() {
    local pid
    for pid in "${toolchain_pid[@]}"; do
        kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
    done
    relay_stop
    printf 'foreign: %d passed, %d failed\n' "$passed" "$failed"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { # fail SUITE WHY [LOG]
    say "$1 FAILED: $2"
    if [[ -n "${3:-}" && -f "$3" ]]; then
        echo "----- $3 -----"
        cat "$3"
        echo "----- end of $3 -----"
    fi
    failed=$((failed + 1))
}

# --- toolchains (background) and bindings (foreground) ----------------------------------------
declare -A toolchain_started=()
for suite in "${suites[@]}"; do
    tool=${toolchain_of[$suite]}
    [[ -n "${toolchain_started[$tool]:-}" ]] && continue
    toolchain_started[$tool]=1
    scripts/toolchains/"$tool".sh >"$work/$tool.env" 2>"$logs/toolchain-$tool.log" &
    toolchain_pid[$tool]=$!
done

t0=$SECONDS
if ! scripts/bindgen.sh "${bindgen_flags[@]}" >"$logs/bindgen.log" 2>&1; then
    echo "----- $logs/bindgen.log -----"
    cat "$logs/bindgen.log"
    for suite in "${suites[@]}"; do
        fail "$suite" "building the library or generating the bindings failed"
    done
    exit 1
fi
say "library built and bindings generated in $((SECONDS - t0))s"
if [[ -n $library ]]; then
    # Every suite loads the library from these two places. They are hard links to the build's
    # own file: replaced, not written through.
    for dir in build/bindings/lib build/bindings/python; do
        rm -f "$dir/libtwofold_ffi.so" && cp "$library" "$dir/libtwofold_ffi.so" \
            || { say "could not put $library in $dir"; exit 1; }
    done
    say "the suites load $library"
fi

# --- the relay (one process for every suite) ---------------------------------------------------
# start_relay: builds and starts twofold-relay, sets relay_url; on failure says why and returns 1.
start_relay() {
    local log=$logs/relay.log target_dir bin
    # The same target dir as bindgen.sh (CARGO_TARGET_DIR, .cargo/config, or target/).
    target_dir=$(cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])') \
        || { echo "cargo metadata failed" >"$log"; return 1; }
    local build_flags=(--locked -p twofold-relay)
    [[ $profile == release ]] && build_flags+=(--release)
    bin=$target_dir/$profile/twofold-relay
    # `cargo test --workspace` (the stage before this one) has just built it; building it
    # alone would rebuild its dependencies with other features, a minute for nothing. Reuse
    # it when no source of the relay (or the lock file) is newer than the binary.
    if [[ -x "$bin" && -z $(find relay Cargo.lock Cargo.toml -newer "$bin" -print -quit) ]]; then
        echo "reusing $bin (newer than every relay source)" >"$log"
    elif ! cargo build "${build_flags[@]}" >"$log" 2>&1; then
        say "building the relay failed (cargo build ${build_flags[*]})"
        return 1
    fi
    [[ -x "$bin" ]] || { say "the relay was not built at $bin"; return 1; }
    relay_start "$bin" "$log" || { say "$relay_error"; return 1; }
    relay_bin=$bin
}

t0=$SECONDS
if start_relay; then
    export TWOFOLD_RELAY_URL=$relay_url
    # Where it keeps what it stores: the suites check that it holds ciphertext only.
    export TWOFOLD_RELAY_DATA_DIR=$relay_dir/data
    # The push test starts its own relay with its own loopback gateway (test_push.py).
    export TWOFOLD_RELAY_BIN=$relay_bin
    say "relay built and listening on $relay_url in $((SECONDS - t0))s"
else
    echo "----- $logs/relay.log -----"
    cat "$logs/relay.log" 2>/dev/null
    echo "----- end of $logs/relay.log -----"
    for suite in "${suites[@]}"; do
        fail "$suite" "no relay for its relay tests (see above)"
    done
    exit 1
fi
# shellcheck source=../tests/foreign/lib.sh
source tests/foreign/lib.sh
libdir=$bindings/lib

declare -A toolchain_rc=()
toolchain_ready() { # toolchain_ready SUITE: waits for its toolchain's installer; loads its exports
    local tool=${toolchain_of[$1]} rc=0
    if [[ -n "${toolchain_pid[$tool]:-}" ]]; then
        wait "${toolchain_pid[$tool]}" || rc=$?
        unset "toolchain_pid[$tool]"
        toolchain_rc[$tool]=$rc
    fi
    rc=${toolchain_rc[$tool]:-1}
    if [[ $rc -ne 0 ]]; then
        fail "$1" "its toolchain could not be installed (scripts/toolchains/$tool.sh exit $rc)" \
            "$logs/toolchain-$tool.log"
        return 1
    fi
    # shellcheck disable=SC1090
    source "$work/$tool.env"
}

closing_line() { # closing_line LOG REGEX: the last line of LOG matching REGEX
    grep -E "$2" "$1" | tail -n 1
}

# --- Kotlin ------------------------------------------------------------------------------------
run_kotlin() {
    toolchain_ready kotlin || return 0
    local log=$logs/kotlin.log out=$work/kotlin t0=$SECONDS rc=0 cp
    cp=$(kotlin_classpath)
    : >"$log"
    if ! kotlin_bindings_classes "$out" "$log"; then
        fail kotlin "the generated Kotlin did not compile" "$log"
        return 0
    fi
    rm -rf "$out/test-classes"
    if ! "$KOTLINC" -nowarn -J-XX:TieredStopAtLevel=1 -cp "$cp:$out/bindings-classes" tests/foreign/kotlin/src/*.kt \
        -d "$out/test-classes" >>"$log" 2>&1; then
        fail kotlin "the Kotlin suite did not compile" "$log"
        return 0
    fi
    # Every test class: one per tests/foreign/kotlin/src/*Test.kt, named after its file.
    local classes=() file
    for file in tests/foreign/kotlin/src/*Test.kt; do
        classes+=("org.twofold.core.test.$(basename "$file" .kt)")
    done
    local t1=$SECONDS
    java -Djna.library.path="$libdir" \
        -cp "$out/test-classes:$out/bindings-classes:$cp:$KOTLIN_LIB/kotlin-stdlib.jar" \
        org.junit.runner.JUnitCore "${classes[@]}" >>"$log" 2>&1 || rc=$?
    local line
    line=$(closing_line "$log" '^(OK \(|Tests run:)')
    if [[ $rc -eq 0 && "$line" == OK* ]]; then
        say "kotlin: $line — compiled in $((t1 - t0))s, ran in $((SECONDS - t1))s"
        passed=$((passed + 1))
    else
        fail kotlin "${line:-JUnit exit $rc}" "$log"
    fi
}

# --- Swift -------------------------------------------------------------------------------------
run_swift() {
    toolchain_ready swift || return 0
    local log=$logs/swift.log stage=$work/swift t0=$SECONDS rc=0
    swift_stage "$stage"
    # swift-run.sh gives the command a clean environment: pass the relay's address in it.
    SWIFT_CHROOT=$SWIFT_CHROOT scripts/toolchains/swift-run.sh "$stage" \
        env TWOFOLD_RELAY_URL="$TWOFOLD_RELAY_URL" swift test --disable-swift-testing >"$log" 2>&1 || rc=$?
    local line
    line=$(closing_line "$log" '^[[:space:]]*Executed [0-9]+ tests?, with')
    if [[ $rc -eq 0 && "$line" =~ with\ 0\ failures ]]; then
        say "swift: $(echo "$line" | sed 's/^[[:space:]]*//') — built and ran in $((SECONDS - t0))s"
        passed=$((passed + 1))
    else
        fail swift "${line:-swift test exit $rc}" "$log"
    fi
}

# --- Python ------------------------------------------------------------------------------------
run_python() {
    toolchain_ready python || return 0
    local log=$logs/python.log t0=$SECONDS rc=0
    (cd tests/foreign/python && TWOFOLD_PY_BINDINGS=$bindings/python "$TWOFOLD_PY" -m pytest -q) \
        >"$log" 2>&1 || rc=$?
    local line
    line=$(closing_line "$log" '(passed|failed|error|no tests ran)')
    if [[ $rc -eq 0 ]]; then
        say "python: $line — ran in $((SECONDS - t0))s"
        passed=$((passed + 1))
    else
        fail python "${line:-pytest exit $rc}" "$log"
    fi
}

# --- the demo apps' layers below their UI ------------------------------------------------------
# make-dataset writes the five-year store for their "open and show today" measurement; the
# Rust test stage has just built it (twofold-tests' binaries), so this is usually a no-op.
make_dataset() {
    local target_dir bin
    target_dir=$(cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])') || return 1
    bin=$target_dir/debug/make-dataset
    # Building it alone resolves other features than `cargo test --workspace` and rebuilds
    # half the dependencies (minutes): reuse the test stage's binary while no source is newer.
    if [[ -x "$bin" && -z $(find core/src tests/src Cargo.lock -newer "$bin" -print -quit) ]]; then
        echo "reusing $bin" >>"$logs/make-dataset.log"
    else
        cargo build --locked -p twofold-tests --bin make-dataset >>"$logs/make-dataset.log" 2>&1 \
            || return 1
    fi
    echo "$bin"
}

run_app_layer() { # run_app_layer SUITE SCRIPT CLOSING_REGEX
    local suite=$1 script=$2 regex=$3 log=$logs/$1.log t0=$SECONDS rc=0 dataset line
    toolchain_ready "$suite" || return 0
    if ! dataset=$(make_dataset); then
        fail "$suite" "make-dataset could not be built" "$logs/make-dataset.log"
        return 0
    fi
    TWOFOLD_BINDINGS=$bindings TWOFOLD_MAKE_DATASET=$dataset "$script" >"$log" 2>&1 || rc=$?
    line=$(closing_line "$log" "$regex")
    if [[ $rc -eq 0 && -n "$line" ]]; then
        say "$suite: $(echo "$line" | sed 's/^[[:space:]]*//') — ran in $((SECONDS - t0))s"
        # Their measurements ("open the five-year store and show today"), for the record.
        grep -E '^(android-jvm: cold start|test-linux: five-year measurement)' "$log" \
            | sed 's/^/foreign:   /'
        passed=$((passed + 1))
    else
        fail "$suite" "${line:-$script exit $rc}" "$log"
    fi
}

run_android() { run_app_layer android android-demo/test-jvm.sh '^OK \('; }
run_ios() { run_app_layer ios ios-demo/test-linux.sh '^[[:space:]]*Executed [0-9]+ tests?, with 0 failures'; }

for suite in "${suites[@]}"; do
    "run_$suite"
    if [[ -n "$relay_pid" ]] && ! kill -0 "$relay_pid" 2>/dev/null; then
        say "the relay exited during the $suite suite; its log: $logs/relay.log"
    fi
done
[[ $failed -eq 0 ]]
