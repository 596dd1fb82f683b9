"""A calendar exported by Twofold, expanded by Python's icalendar + recurring-ical-events,
yields exactly the occurrences Twofold itself expands: UID, start as a UTC instant, length.

The length is compared as the DURATION written, not as an end instant: Python adds it in
wall-clock time, so the one occurrence that starts in a spring-forward gap ends an hour
"earlier" there, while RFC 5545 §3.3.6 (and Twofold) count hours and minutes exactly.

Run through scripts/interop-tests.sh, which writes the calendar and Twofold's expansion into
$TWOFOLD_INTEROP_DIR first.
"""

import datetime as dt
import json
import os
import pathlib

import icalendar
import recurring_ical_events

DIR = pathlib.Path(os.environ["TWOFOLD_INTEROP_DIR"])


def utc(value):
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load():
    cal = icalendar.Calendar.from_ical((DIR / "schedule.ics").read_bytes())
    expected = json.loads((DIR / "expected.json").read_text())
    return cal, expected


def parse(stamp):
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def test_the_calendar_is_valid_icalendar():
    cal, _ = load()
    events = cal.walk("VEVENT")
    assert events, "no events"
    for event in events:
        assert event.get("UID") and event.get("DTSTAMP") and event.get("DTSTART")
    zones = {str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")}
    used = {event["DTSTART"].params.get("TZID") for event in events}
    assert used <= zones


def test_same_occurrences_as_twofold():
    cal, expected = load()
    found = recurring_ical_events.of(cal).between(parse(expected["from"]), parse(expected["to"]))
    theirs = sorted(
        (str(e["UID"]), utc(e["DTSTART"].dt), (e["DTEND"].dt - e["DTSTART"].dt) // dt.timedelta(minutes=1))
        for e in found
    )
    ours = sorted(
        (o["uid"], o["start_utc"], o["duration_minutes"]) for o in expected["occurrences"]
    )
    assert len(ours) > 100
    assert theirs == ours


def test_reminders_are_alarms_without_detail():
    cal, _ = load()
    for event in cal.walk("VEVENT"):
        for alarm in event.walk("VALARM"):
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert str(alarm["DESCRIPTION"]) == "Reminder"
            assert alarm["TRIGGER"].dt == -dt.timedelta(minutes=30)
