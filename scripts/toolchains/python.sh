#!/usr/bin/env bash
# Creates (or reuses) the Python venv the Python binding tests run in, at $TWOFOLD_CACHE/venv,
# with pinned test dependencies, and prints `export TWOFOLD_PY=<venv>/bin/python`.
#
#   eval "$(scripts/toolchains/python.sh)"
#   scripts/toolchains/python.sh --verify     # ... and run a small pytest smoke suite
#
# The base interpreter is $TWOFOLD_PYTHON_BASE (default: python3 on PATH; Debian's python3
# and python3-venv are installed when there is none, or when it cannot make a venv).
# Only the export line goes to stdout; any failure exits non-zero.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TWOFOLD_LOG_TAG=python
# shellcheck source=common.sh
source "$here/common.sh"

# Top-level pins (checked together on Python 3.11, Debian 12).
REQUIREMENTS=(
    pytest==9.2.0
    pytest-asyncio==1.5.0
    icalendar==7.3.2
    recurring-ical-events==3.8.2
    hypothesis==6.170.17
)
IMPORTS="pytest, pytest_asyncio, icalendar, recurring_ical_events, hypothesis"

verify=0
for arg in "$@"; do
    case "$arg" in
        --verify) verify=1 ;;
        -h|--help) sed -n '2,11p' "$0" >&2; exit 0 ;;
        *) die "unknown argument: $arg (usage: python.sh [--verify])" ;;
    esac
done

venv=$TWOFOLD_CACHE/venv
stamp=$venv/.twofold-requirements
want=$(printf '%s\n' "${REQUIREMENTS[@]}")

mkdir -p "$TWOFOLD_CACHE"
exec 9>"$TWOFOLD_CACHE/.venv.lock"
flock 9

venv_works() { [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; }

if venv_works && [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] \
    && "$venv/bin/python" -c "import $IMPORTS" >/dev/null 2>&1; then
    log "reusing venv $venv ($("$venv/bin/python" --version 2>&1))"
else
    if ! venv_works; then
        if [[ -e "$venv" ]]; then
            log "venv $venv is broken (its python does not run); recreating it"
            rm -rf "$venv"
        fi
        base=${TWOFOLD_PYTHON_BASE:-python3}
        if ! command -v "$base" >/dev/null 2>&1; then
            [[ -z "${TWOFOLD_PYTHON_BASE:-}" ]] || die "TWOFOLD_PYTHON_BASE=$base not found"
            apt_install python3 python3-venv
        fi
        if ! "$base" -c 'import venv, ensurepip' >/dev/null 2>&1; then
            log "$base cannot create venvs (no ensurepip); installing python3-venv"
            apt_install python3-venv
        fi
        log "creating venv $venv with $(command -v "$base") ($("$base" --version 2>&1))"
        "$base" -m venv "$venv" >&2 || { rm -rf "$venv"; die "$base -m venv $venv failed"; }
    fi
    log "pip install ${REQUIREMENTS[*]}"
    rm -f "$stamp"
    retry 3 "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --no-input "${REQUIREMENTS[@]}" >&2 \
        || die "pip install into $venv failed"
    "$venv/bin/python" -c "import $IMPORTS" >&2 || die "installed packages do not import in $venv"
    printf '%s\n' "$want" >"$stamp"
fi
flock -u 9

TWOFOLD_PY=$venv/bin/python

if [[ $verify -eq 1 ]]; then
    log "verifying: pytest smoke suite (asyncio, icalendar + recurring-ical-events, hypothesis)"
    work=$(mktemp -d "${TMPDIR:-/tmp}/twofold-python-verify.XXXXXX")
    TWOFOLD_CLEANUP+=("$work")
    cat >"$work/test_smoke.py" <<'PY'
import asyncio
import datetime

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, strategies as st

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//twofold//smoke//EN
BEGIN:VEVENT
UID:meeting@twofold
DTSTART:20260105T190000Z
DTEND:20260105T200000Z
RRULE:FREQ=WEEKLY;COUNT=10
SUMMARY:Group meeting
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.asyncio
async def test_asyncio():
    await asyncio.sleep(0)
    assert await asyncio.gather(asyncio.sleep(0, result=1), asyncio.sleep(0, result=2)) == [1, 2]


def test_recurring_events():
    cal = icalendar.Calendar.from_ical(ICS)
    events = recurring_ical_events.of(cal).between(datetime.date(2026, 1, 1), datetime.date(2026, 2, 1))
    assert [e["DTSTART"].dt.day for e in events] == [5, 12, 19, 26]


@given(st.integers(), st.integers())
def test_hypothesis(a, b):
    assert a + b == b + a
PY
    rc=0
    (cd "$work" && "$TWOFOLD_PY" -m pytest -p no:cacheprovider -o asyncio_default_fixture_loop_scope=function -q test_smoke.py) >"$work/pytest.log" 2>&1 || rc=$?
    cat "$work/pytest.log" >&2
    if [[ $rc -ne 0 ]] || ! grep -q '^3 passed' "$work/pytest.log"; then
        die "Python smoke suite failed (pytest exit $rc)"
    fi
    log "verify OK"
fi

log "done in $(elapsed)"
printf 'export TWOFOLD_PY=%q\n' "$TWOFOLD_PY"
