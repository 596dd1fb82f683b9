#!/usr/bin/env bash
# Installs what the Kotlin/JVM binding tests need and prints `export` lines for them:
#   - Debian: libjna-java, junit4 (and default-jdk-headless if java/javac are missing)
#   - npm: kotlin-compiler@$KOTLIN_VERSION into $TWOFOLD_CACHE/kotlin (reused when present)
#
#   eval "$(scripts/toolchains/kotlin.sh)"            # install / reuse, set KOTLINC etc.
#   scripts/toolchains/kotlin.sh --verify             # ... and compile + run a JUnit4 smoke test
#
# Prints to stdout only the export lines: KOTLINC, KOTLIN_LIB, JNA_JAR, JUNIT_JAR, HAMCREST_JAR.
# KOTLIN_LIB holds kotlin-stdlib.jar, kotlinx-coroutines-core-jvm.jar, kotlin-test.jar and
# kotlin-test-junit.jar. Everything else goes to stderr; any failure exits non-zero.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TWOFOLD_LOG_TAG=kotlin
# shellcheck source=common.sh
source "$here/common.sh"

KOTLIN_VERSION=2.4.20

verify=0
for arg in "$@"; do
    case "$arg" in
        --verify) verify=1 ;;
        -h|--help) sed -n '2,12p' "$0" >&2; exit 0 ;;
        *) die "unknown argument: $arg (usage: kotlin.sh [--verify])" ;;
    esac
done

# --- Debian packages -------------------------------------------------------------------
pkgs=(libjna-java junit4)
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
    pkgs+=(default-jdk-headless)
fi
if ! command -v npm >/dev/null 2>&1; then
    pkgs+=(nodejs npm)
fi
apt_install "${pkgs[@]}"

JNA_JAR=/usr/share/java/jna.jar
JUNIT_JAR=/usr/share/java/junit4.jar
HAMCREST_JAR=/usr/share/java/hamcrest-core.jar
for j in "$JNA_JAR" "$JUNIT_JAR" "$HAMCREST_JAR"; do
    [[ -f "$j" ]] || die "expected $j after installing ${pkgs[*]}, but it is missing"
done
command -v java >/dev/null 2>&1 || die "java not found on PATH after installing a JDK"

# --- kotlin-compiler from npm ----------------------------------------------------------
dest=$TWOFOLD_CACHE/kotlin
pkg_rel=node_modules/kotlin-compiler
jars=(kotlin-stdlib.jar kotlinx-coroutines-core-jvm.jar kotlin-test.jar kotlin-test-junit.jar)

# kotlin_ok DIR: DIR holds a complete kotlin-compiler of the wanted version.
kotlin_ok() {
    local p=$1/$pkg_rel j v
    [[ -x "$p/bin/kotlinc" && -f "$p/package.json" ]] || return 1
    v=$(sed -n 's/^[[:space:]]*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$p/package.json" | head -n1)
    [[ "$v" == "$KOTLIN_VERSION" ]] || return 1
    for j in "${jars[@]}"; do [[ -f "$p/lib/$j" ]] || return 1; done
}

mkdir -p "$TWOFOLD_CACHE"
exec 9>"$TWOFOLD_CACHE/.kotlin.lock"
flock 9
if kotlin_ok "$dest"; then
    log "reusing kotlin-compiler $KOTLIN_VERSION in $dest"
else
    log "installing kotlin-compiler@$KOTLIN_VERSION from npm into $dest"
    rm -rf "$TWOFOLD_CACHE"/kotlin.tmp.*
    tmp=$(mktemp -d "$TWOFOLD_CACHE/kotlin.tmp.XXXXXX")
    TWOFOLD_CLEANUP+=("$tmp")
    retry 3 npm install --prefix "$tmp" --no-audit --no-fund --no-update-notifier \
        --loglevel=error "kotlin-compiler@$KOTLIN_VERSION" >&2 \
        || die "npm install kotlin-compiler@$KOTLIN_VERSION failed"
    kotlin_ok "$tmp" || die "npm installed kotlin-compiler, but $tmp/$pkg_rel lacks bin/kotlinc or one of: ${jars[*]}"
    rm -rf "$dest"
    mv -T "$tmp" "$dest"
fi
flock -u 9

KOTLINC=$dest/$pkg_rel/bin/kotlinc
KOTLIN_LIB=$dest/$pkg_rel/lib

# --- optional smoke test ---------------------------------------------------------------
if [[ $verify -eq 1 ]]; then
    log "verifying: compile and run a Kotlin JUnit4 test using kotlinx.coroutines"
    work=$(mktemp -d "${TMPDIR:-/tmp}/twofold-kotlin-verify.XXXXXX")
    TWOFOLD_CLEANUP+=("$work")
    cat >"$work/SmokeTest.kt" <<'KT'
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.Test
import kotlin.test.assertEquals

class SmokeTest {
    @Test
    fun coroutinesAndKotlinTest() = runBlocking {
        val answer = async { delay(10); 21 * 2 }
        assertEquals(42, answer.await())
    }
}
KT
    cp_compile="$JNA_JAR:$JUNIT_JAR:$HAMCREST_JAR:$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar:$KOTLIN_LIB/kotlin-test.jar:$KOTLIN_LIB/kotlin-test-junit.jar"
    "$KOTLINC" -cp "$cp_compile" "$work/SmokeTest.kt" -d "$work/out" >&2 2>&1 \
        || die "kotlinc failed to compile the smoke test"
    rc=0
    java -cp "$work/out:$cp_compile:$KOTLIN_LIB/kotlin-stdlib.jar" org.junit.runner.JUnitCore SmokeTest \
        >"$work/junit.log" 2>&1 || rc=$?
    cat "$work/junit.log" >&2
    if [[ $rc -ne 0 ]] || ! grep -q '^OK (1 test)' "$work/junit.log"; then
        die "Kotlin JUnit4 smoke test failed (exit $rc)"
    fi
    log "verify OK: kotlinc $("$KOTLINC" -version 2>&1 | sed -n 's/.*kotlinc-jvm \([^ ]*\).*/\1/p')"
fi

log "done in $(elapsed)"
printf 'export KOTLINC=%q\n' "$KOTLINC"
printf 'export KOTLIN_LIB=%q\n' "$KOTLIN_LIB"
printf 'export JNA_JAR=%q\n' "$JNA_JAR"
printf 'export JUNIT_JAR=%q\n' "$JUNIT_JAR"
printf 'export HAMCREST_JAR=%q\n' "$HAMCREST_JAR"
