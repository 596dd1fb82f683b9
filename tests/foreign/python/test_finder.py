"""Meeting Guide feeds as published and the offline finder through the Python bindings:
12-hour times and one-tap dial strings imported, a region saved / replaced / removed, the
finder's queries, a result added to the schedule, and the bound on saved regions."""

import datetime
import json
import zoneinfo

import pytest

from twofold_ffi import (
    AttendanceOption,
    FinderJoin,
    FinderQuery,
    FinderWhen,
    ImportOutcome,
    MeetingFormat,
    MeetingGuideFilter,
    MeetingGuideImport,
    MeetingKind,
    Near,
    TwofoldError,
    TwofoldStore,
)

CHICAGO = "America/Chicago"
ONE_TAP = "+16465588656,,123456789#,,,,,,0#,,555#"

FEED = json.dumps([
    {"slug": "dd-mon", "name": "DD Monday", "day": 1, "time": "7:00 PM", "end_time": "8:00 PM",
     "types": ["DD", "O"], "attendance_option": "in_person",
     "formatted_address": "1 N State St, Chicago, IL", "latitude": 41.8826, "longitude": -87.6278},
    {"slug": "phone", "name": "Phone Line", "day": [0, 1, 2, 3, 4, 5, 6], "time": "20:00:00",
     "attendance_option": "online", "conference_phone": ONE_TAP, "conference_phone_notes": "passcode 555"},
    {"slug": "w-online", "name": "Women Online", "day": "1", "time": "6:00pm", "types": ["W"],
     "attendance_option": "online", "conference_url": "https://zoom.us/j/5"},
    {"slug": "gone", "name": "Gone", "day": 1, "time": "19:00", "attendance_option": "inactive"},
    {"slug": "day-seven", "name": "Bad day", "day": 7, "time": "19:00"},
]).encode()


def chicago_ms(iso: str) -> int:
    local = datetime.datetime.fromisoformat(iso).replace(tzinfo=zoneinfo.ZoneInfo(CHICAGO))
    return int(local.timestamp() * 1000)


def query(now_ms: int, **fields) -> FinderQuery:
    fields.setdefault("when", FinderWhen.ANY())
    fields.setdefault("join", FinderJoin.ANY)
    return FinderQuery(now_ms=now_ms, viewer_zone=CHICAGO, **fields)


def reason_of(report, key: str) -> str:
    outcome = next(e.outcome for e in report.entries if e.key == key)
    assert isinstance(outcome, ImportOutcome.SKIPPED), outcome
    return outcome.reason


async def test_a_published_feed_imports_with_its_dial_in_and_place(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    options = MeetingGuideImport(filter=MeetingGuideFilter(), default_time_zone=CHICAGO,
                                 today="2026-03-02", kind=MeetingKind.TWELVE_STEP)
    report = await store.import_meeting_guide(FEED, options)
    assert (report.added, report.skipped) == (3, 2)
    assert "out of range" in reason_of(report, "day-seven")
    assert "inactive" in reason_of(report, "gone")
    meetings = {m.source_slug: m for m in store.list_meetings()}
    assert meetings["dd-mon"].start == "2026-03-02T19:00:00"
    assert (meetings["dd-mon"].latitude, meetings["dd-mon"].attendance_option) == (41.8826, AttendanceOption.IN_PERSON)
    assert meetings["phone"].conference_phone == ONE_TAP
    assert meetings["phone"].conference_phone_notes == "passcode 555"
    assert meetings["phone"].format == MeetingFormat.PHONE
    again = await store.import_meeting_guide(FEED, options)
    assert (again.added, again.updated) == (0, 3)
    assert len(store.list_meetings()) == 3


async def test_the_finder_searches_saved_regions_and_adds_to_the_schedule(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    report = await store.save_region_feed("chi", "Chicago", FEED, CHICAGO)
    assert (report.added, report.skipped) == (3, 2)
    [region] = store.region_feeds()
    assert (region.region, region.label, region.listing_count) == ("chi", "Chicago", 3)

    now = chicago_ms("2026-03-02T18:30:00")
    soon = store.find_meetings(query(now, when=FinderWhen.STARTING_WITHIN(minutes=120)))
    assert [f.name for f in soon] == ["DD Monday", "Phone Line"]
    assert soon[0].viewer_start == "2026-03-02T19:00:00"

    online_now = store.find_meetings(query(now, when=FinderWhen.UNDER_WAY(), join=FinderJoin.ONLINE))
    assert [f.name for f in online_now] == ["Women Online"]
    assert online_now[0].under_way

    tuesday = store.find_meetings(query(now, when=FinderWhen.WEEKDAY(day=2, from_minute=17 * 60, to_minute=22 * 60)))
    assert [f.name for f in tuesday] == ["Phone Line"]

    by_phone = store.find_meetings(query(now, join=FinderJoin.PHONE))
    assert by_phone[0].conference_phone == ONE_TAP

    near = store.find_meetings(query(now, near=Near(latitude=41.8781, longitude=-87.6298, radius_km=2.0),
                                     types_all=["DD"]))
    assert [f.name for f in near] == ["DD Monday"]
    assert 0 < near[0].distance_km < 2

    with pytest.raises(TwofoldError.InvalidInput):
        store.find_meetings(query(now, limit=0))

    meeting_id = await store.add_found_meeting("chi", "dd-mon", MeetingKind.DUAL_RECOVERY_ANONYMOUS)
    assert await store.add_found_meeting("chi", "dd-mon", MeetingKind.OTHER) == meeting_id
    [meeting] = store.list_meetings()
    assert (meeting.id, meeting.rrule) == (meeting_id, "FREQ=WEEKLY;BYDAY=MO")


async def test_regions_are_replaced_removed_and_bounded(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    one = json.dumps([{"slug": "one", "name": "Only One", "day": 1, "time": "19:00",
                       "formatted_address": "1 Main St"}]).encode()
    await store.save_region_feed("chi", "Chicago", FEED, CHICAGO)
    await store.save_region_feed("chi", "Chicago (new)", one, CHICAGO)
    assert [(r.label, r.listing_count) for r in store.region_feeds()] == [("Chicago (new)", 1)]
    for i in range(1, 12):
        await store.save_region_feed(f"r{i}", "Region", one, CHICAGO)
    with pytest.raises(TwofoldError.ImportRefused):
        await store.save_region_feed("r12", "One too many", one, CHICAGO)
    assert len(store.region_feeds()) == 12
    await store.remove_region_feed("chi")
    with pytest.raises(TwofoldError.NotFound):
        await store.remove_region_feed("chi")
    assert len(store.region_feeds()) == 11
