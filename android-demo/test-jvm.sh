#!/usr/bin/env bash
# The Android demo's logic on a desktop JVM, against the library built for this machine:
# twofold-kit (generated bindings + the Kotlin layer) and app-model (the screens' state holders)
# with their JUnit 4 tests, and the cold-start measurement. No Gradle, no Android SDK: npm's
# kotlinc, Debian's JNA and JUnit, as the foreign suites use (tests/foreign).
#
#   android-demo/test-jvm.sh
#
# Environment (all optional):
#   KOTLINC KOTLIN_LIB JNA_JAR JUNIT_JAR HAMCREST_JAR
#                         the Kotlin toolchain; when KOTLINC is unset, scripts/toolchains/kotlin.sh
#                         installs or reuses it
#   TWOFOLD_BINDINGS      the generated bindings: kotlin/ and lib/ inside, as scripts/bindgen.sh
#                         makes them (default <repo>/build/bindings)
#   TWOFOLD_RELAY_URL     a running twofold-relay; when unset, TWOFOLD_RELAY_BIN (default
#                         <repo>/target/debug/twofold-relay) is started on 127.0.0.1:0 and
#                         stopped on exit. Without either the two-device test fails (never skips).
#   TWOFOLD_MAKE_DATASET  the make-dataset binary, for the cold-start measurement; when unset
#                         only the measurement is skipped, and the script says so.
#
# Build output: <repo>/build/android-jvm/ (the generated bindings' classes are reused while the
# generated file is unchanged — or taken from the foreign Kotlin suite's cache when it compiled
# the same file: compiling them takes ~30 s). Runs every *Test class of both
# modules; exits non-zero on any failure. The last line is JUnit's `OK (N tests)` (or its
# failure summary).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
out=$root/build/android-jvm
logs=$out/logs
mkdir -p "$logs"
t_start=$SECONDS
status=0
# shellcheck source=../scripts/relay-process.sh
source "$root/scripts/relay-process.sh"

say() { printf 'android-jvm: %s\n' "$*"; }
die() { say "FAILED: $*"; exit 1; }
show_log() { echo "----- $1 -----"; cat "$1"; echo "----- end of $1 -----"; }

trap relay_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- toolchain and inputs ----------------------------------------------------------------------
if [[ -z "${KOTLINC:-}" ]]; then
    env_file=$out/kotlin.env
    "$root/scripts/toolchains/kotlin.sh" >"$env_file" 2>"$logs/toolchain.log" \
        || { show_log "$logs/toolchain.log"; die "the Kotlin toolchain could not be installed"; }
    # shellcheck disable=SC1090
    source "$env_file"
fi
for v in KOTLINC KOTLIN_LIB JNA_JAR JUNIT_JAR HAMCREST_JAR; do
    [[ -n "${!v:-}" ]] || die "$v is not set (see scripts/toolchains/kotlin.sh)"
done
bindings=${TWOFOLD_BINDINGS:-$root/build/bindings}
generated=$bindings/kotlin/org/twofold/core/twofold_ffi.kt
libdir=$bindings/lib
[[ -f "$generated" ]] || die "no generated Kotlin at $generated (run scripts/bindgen.sh, or set TWOFOLD_BINDINGS)"
[[ -f "$libdir/libtwofold_ffi.so" ]] || die "no library at $libdir/libtwofold_ffi.so"

# Compile-time classpath (stdlib comes with kotlinc); at run time add kotlin-stdlib.
cp="$JNA_JAR:$JUNIT_JAR:$HAMCREST_JAR:$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar:$KOTLIN_LIB/kotlin-test.jar:$KOTLIN_LIB/kotlin-test-junit.jar"
# C1 only (-XX:TieredStopAtLevel=1): kotlinc runs are short, and the optimising JIT's warm-up
# costs more than it gains — about half the compile time here.
kotlinc() { "$KOTLINC" -nowarn -jvm-target 17 -J-XX:TieredStopAtLevel=1 "$@"; }

# The modules that must run without Android: nothing from android.* or androidx.* in them.
if grep -rlE '^import (android|androidx)\.' "$here/twofold-kit/src" "$here/app-model/src" >"$logs/android-imports.txt"; then
    show_log "$logs/android-imports.txt"
    die "twofold-kit or app-model imports Android classes"
fi

# The app itself is not compiled here (no Android SDK), so check what can be: every string and
# plural it names exists in English (values/), every language (es, fr, pt, ar) has exactly
# English's names with the same placeholders and its plural quantities, and aapt2 would read
# each file (well-formed, apostrophes escaped). See check-strings.py.
if ! python3 "$here/check-strings.py" "$here/app/src/main/res" "$here/app/src/main/kotlin" >"$logs/strings.txt" 2>&1; then
    show_log "$logs/strings.txt"
    die "the app's string resources are incomplete"
fi
say "string resources: en, es, fr, pt, ar complete"

# --- compile -----------------------------------------------------------------------------------
t0=$SECONDS
stamp=$(sha256sum "$generated" | cut -d' ' -f1)
foreign=$root/build/foreign/kotlin # the Kotlin foreign suite's cache (tests/foreign/lib.sh)
if [[ "$(cat "$out/bindings.stamp" 2>/dev/null)" == "$stamp" && -d "$out/bindings-classes" ]]; then
    say "generated bindings unchanged: reusing their classes"
elif [[ "$(cat "$foreign/bindings.stamp" 2>/dev/null)" == "$stamp" && -d "$foreign/bindings-classes" ]]; then
    # The foreign suite compiled the same generated file already: take its classes.
    rm -rf "$out/bindings-classes"
    cp -r "$foreign/bindings-classes" "$out/bindings-classes"
    echo "$stamp" >"$out/bindings.stamp"
    say "generated bindings: reusing the classes the foreign Kotlin suite compiled"
else
    rm -rf "$out/bindings-classes" "$out/bindings.stamp"
    kotlinc -cp "$cp" "$generated" -d "$out/bindings-classes" >"$logs/bindings.log" 2>&1 \
        || { show_log "$logs/bindings.log"; die "the generated Kotlin did not compile"; }
    echo "$stamp" >"$out/bindings.stamp"
    say "generated bindings compiled in $((SECONDS - t0))s"
fi

# Each module on its own, like Gradle: app-model sees only twofold-kit's public API. The tests
# of both modules compile together (one kotlinc start less: it costs ~10 s) and, like Gradle's
# test source sets, see their module's internals (-Xfriend-paths).
kit=$out/kit-classes model=$out/model-classes tests=$out/test-classes
rm -rf "$kit" "$model" "$tests" "$out/kit-test-classes" "$out/model-test-classes"
t1=$SECONDS
sources() { find "$1" -name '*.kt' | sort; }
mapfile -t kit_src < <(sources "$here/twofold-kit/src/main/kotlin")
mapfile -t model_src < <(sources "$here/app-model/src/main/kotlin")
mapfile -t kit_test_src < <(sources "$here/twofold-kit/src/test/kotlin")
mapfile -t model_test_src < <(sources "$here/app-model/src/test/kotlin")
kotlinc -cp "$cp:$out/bindings-classes" -module-name twofold-kit \
    "${kit_src[@]}" -d "$kit" >"$logs/kit.log" 2>&1 \
    || { show_log "$logs/kit.log"; die "twofold-kit did not compile"; }
kotlinc -cp "$cp:$out/bindings-classes:$kit" -module-name app-model \
    "${model_src[@]}" -d "$model" >"$logs/model.log" 2>&1 \
    || { show_log "$logs/model.log"; die "app-model did not compile"; }
kotlinc -cp "$cp:$out/bindings-classes:$kit:$model" -module-name tests -Xfriend-paths="$kit,$model" \
    "${kit_test_src[@]}" "${model_test_src[@]}" -d "$tests" >"$logs/tests.log" 2>&1 \
    || { show_log "$logs/tests.log"; die "the tests did not compile"; }
say "twofold-kit, app-model and their tests compiled in $((SECONDS - t1))s"

run_cp="$tests:$model:$kit:$out/bindings-classes:$cp:$KOTLIN_LIB/kotlin-stdlib.jar"
java_run() { java -Djna.library.path="$libdir" -cp "$run_cp" "$@"; }

# --- the relay ---------------------------------------------------------------------------------
if [[ -z "${TWOFOLD_RELAY_URL:-}" ]]; then
    relay_bin=${TWOFOLD_RELAY_BIN:-$root/target/debug/twofold-relay}
    if relay_start "$relay_bin" "$logs/relay.log"; then
        export TWOFOLD_RELAY_URL=$relay_url
        say "relay started on $TWOFOLD_RELAY_URL"
    else
        [[ -f "$logs/relay.log" ]] && show_log "$logs/relay.log"
        say "$relay_error: the two-device test will fail"
    fi
fi

# --- cold start: open the five-year store and show today, in a fresh JVM -------------------------
if [[ -n "${TWOFOLD_MAKE_DATASET:-}" ]]; then
    dataset=$out/dataset
    # Made once per make-dataset binary (it writes ~1,800 check-ins through the API).
    if [[ ! -f "$dataset/five-years.db" || ! -f "$dataset/key.hex" || "$TWOFOLD_MAKE_DATASET" -nt "$dataset/five-years.db" ]]; then
        rm -rf "$dataset"
        mkdir -p "$dataset"
        od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$dataset/key.hex"
        t2=$SECONDS
        if "$TWOFOLD_MAKE_DATASET" "$dataset/five-years.db" "$(cat "$dataset/key.hex")" 5 >"$logs/dataset.log" 2>&1; then
            say "five-year store made in $((SECONDS - t2))s ($(tail -n 1 "$logs/dataset.log"))"
        else
            show_log "$logs/dataset.log"
            rm -rf "$dataset"
            say "FAILED: make-dataset did not write the five-year store"
            status=1
        fi
    fi
    if [[ -f "$dataset/five-years.db" ]]; then
        # A copy each run: opening may write (migrations, WAL), and each run must start alike.
        rm -rf "$out/coldstart" && mkdir -p "$out/coldstart" && cp "$dataset/five-years.db" "$out/coldstart/"
        if java_run org.twofold.demo.model.ColdStartKt "$out/coldstart/five-years.db" "$(cat "$dataset/key.hex")" \
            >"$logs/coldstart.log" 2>&1; then
            grep '^cold start' "$logs/coldstart.log" | sed 's/^/android-jvm: /'
        else
            show_log "$logs/coldstart.log"
            say "FAILED: the cold-start measurement"
            status=1
        fi
        rm -rf "$out/coldstart"
    fi
else
    say "TWOFOLD_MAKE_DATASET is not set: skipping the cold-start measurement (only that)"
fi

# --- JUnit -------------------------------------------------------------------------------------
classes=()
for file in "${kit_test_src[@]}" "${model_test_src[@]}"; do
    [[ "$file" == *Test.kt ]] || continue
    package=$(sed -n 's/^package \([a-zA-Z0-9_.]*\).*/\1/p' "$file" | head -n 1)
    classes+=("$package.$(basename "$file" .kt)")
done
t3=$SECONDS
rc=0
java_run org.junit.runner.JUnitCore "${classes[@]}" >"$logs/junit.log" 2>&1 || rc=$?
line=$(grep -E '^(OK \(|Tests run:)' "$logs/junit.log" | tail -n 1)
if [[ $rc -ne 0 || "$line" != OK* ]]; then
    show_log "$logs/junit.log"
    status=1
fi
say "${#classes[@]} test classes ran in $((SECONDS - t3))s; whole run $((SECONDS - t_start))s; logs in $logs"
echo "${line:-JUnit did not finish (exit $rc)}"
exit $(( status != 0 ? status : rc ))
