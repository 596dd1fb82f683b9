"""The schedule in time, open formats and insights through the Python bindings: occurrences,
reminders, moved and cancelled meetings, attendance, iCalendar / vCard / Meeting Guide,
early-warning alerts and thresholds, the crisis screen with the bundled crisis lines of the
phone's region, asking for help, plan review and the summary (in Arabic too, right to left)."""

import datetime
import json

import pytest

from test_twofold import check_in, crisis_line, mentor, put_full_plan, weekly_meeting
from twofold_ffi import (
    AttendanceStatus,
    CountPeriod,
    Direction,
    HelpDefaults,
    ImportOutcome,
    Lang,
    LocalCrisisLine,
    MeetingGuideFilter,
    MeetingGuideImport,
    MeetingKind,
    NextStep,
    Rule,
    SummaryOptions,
    SummaryPart,
    ThresholdSuggestion,
    Thresholds,
    TwofoldError,
    TwofoldStore,
    crisis_line_regions,
    crisis_lines_for_region,
)

MADRID = "Europe/Madrid"


def ms(iso: str) -> int:
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


async def test_occurrences_reminders_and_changes_to_one_occurrence(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    meeting = weekly_meeting()  # Tuesdays 19:00 Madrid from 2026-03-03, not on 03-31
    await store.put_meeting(meeting)

    upcoming = store.next_occurrences(ms("2026-03-01T00:00:00+00:00"), 3, MADRID)
    assert [o.start for o in upcoming] == ["2026-03-03T19:00:00", "2026-03-10T19:00:00", "2026-03-17T19:00:00"]
    assert upcoming[0].start_utc_ms == ms("2026-03-03T18:00:00+00:00")
    # Summer time: still 19:00 in Madrid, an hour earlier in UTC; the exception date is skipped.
    march = await store.occurrences_between(ms("2026-03-01T00:00:00+00:00"), ms("2026-04-08T00:00:00+00:00"), MADRID)
    assert [o.start[:10] for o in march] == ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24", "2026-04-07"]
    assert march[-1].start_utc_ms == ms("2026-04-07T17:00:00+00:00")
    in_new_york = store.occurrences_on("2026-03-10", "America/New_York")
    assert [o.viewer_start for o in in_new_york] == ["2026-03-10T14:00:00"]
    assert [o.meeting_id for o in store.occurrences_now(ms("2026-03-10T18:30:00+00:00"), MADRID)] == [meeting.id]
    assert store.home_screen("2026-03-02").next_meetings

    reminders = await store.reminders(ms("2026-03-01T00:00:00+00:00"), 7, False, MADRID)
    assert sorted(r.offset_minutes for r in reminders) == [15, 60]
    assert all(meeting.name not in str(r.params) for r in reminders), "private reminders do not name the meeting"

    await store.cancel_occurrence(meeting.id, "2026-03-10T19:00", "Holiday")
    moved_id = await store.move_occurrence(meeting.id, "2026-03-17T19:00", "2026-03-18T19:00", "Room taken")
    starts = [o.start for o in store.next_occurrences(ms("2026-03-09T00:00:00+00:00"), 2, MADRID)]
    assert starts == ["2026-03-18T19:00:00", "2026-03-24T19:00:00"]
    assert moved_id
    await store.restore_occurrence(meeting.id, "2026-03-10T19:00")
    assert store.next_occurrences(ms("2026-03-09T00:00:00+00:00"), 1, MADRID)[0].start == "2026-03-10T19:00:00"
    with pytest.raises(TwofoldError.InvalidInput) as bad:
        await store.cancel_occurrence(meeting.id, "2026-03-11T19:00", "")
    assert bad.value.field == "occurrence"

    await store.mark_attendance(meeting.id, "2026-03-03T19:00", AttendanceStatus.ATTENDED, "Good")
    await store.mark_attendance(meeting.id, "2026-03-10T19:00", AttendanceStatus.MISSED, "")
    counts = store.attendance_counts(CountPeriod.MONTH, "2026-03-01", "2026-03-31")
    assert [(c.attended, c.missed) for c in counts] == [(1, 1)]

    await store.remove_meeting(meeting.id)
    assert store.list_meetings() == []
    store.close()


async def test_icalendar_vcard_and_meeting_guide(tmp_path, key):
    store = await TwofoldStore.open(str(tmp_path / "a.db"), key)
    other = await TwofoldStore.open(str(tmp_path / "b.db"), key)
    await store.put_meeting(weekly_meeting())
    await store.put_contact(mentor())
    await store.put_contact(crisis_line())

    ics = await store.export_icalendar()
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in ics
    report = await other.import_icalendar(ics.encode(), MADRID)
    assert (report.added, report.skipped) == (1, 0)
    assert other.list_meetings()[0].rrule == "FREQ=WEEKLY;BYDAY=TU"

    vcf = await store.export_vcard()
    assert vcf.startswith("BEGIN:VCARD")
    report = await other.import_vcard(vcf.encode())
    assert report.added == 2
    assert sorted(c.name for c in other.list_contacts()) == ["Alex (mentor)", "Crisis line"]

    feed = json.dumps([
        {"slug": "dd-tuesday", "name": "Dual Diagnosis Tuesday", "day": 2, "time": "19:00",
         "end_time": "20:30", "timezone": MADRID, "formatted_address": "Calle Mayor 1, Madrid",
         "types": ["DD", "O"]},
        {"slug": "aa-friday", "name": "Friday AA", "day": 5, "time": "20:00", "types": ["O"]},
    ]).encode()
    options = MeetingGuideImport(
        filter=MeetingGuideFilter(types=["DD"], days=[2]),
        default_time_zone=MADRID, today="2026-03-01", kind=MeetingKind.DUAL_RECOVERY_ANONYMOUS,
        dry_run=True)
    preview = await store.import_meeting_guide(feed, options)
    assert preview.dry_run and preview.added == 1
    assert isinstance(preview.entries[0].outcome, ImportOutcome.ADDED)
    assert len(store.list_meetings()) == 1, "a dry run writes nothing"
    options.dry_run = False
    await store.import_meeting_guide(feed, options)
    assert sorted(m.source_slug or "" for m in store.list_meetings()) == ["", "dd-tuesday"]
    with pytest.raises(TwofoldError.InvalidInput):
        await store.import_meeting_guide(feed, MeetingGuideImport(
            filter=MeetingGuideFilter(days=[300]), default_time_zone=MADRID, today="2026-03-01",
            kind=MeetingKind.OTHER))
    store.close()
    other.close()


async def test_alerts_thresholds_and_progress(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    await put_full_plan(store)
    settings = store.thresholds()
    assert settings.suggestion is None and settings.active.high_craving_level > 0

    outcome = None
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        new = check_in(day, 5)
        new.craving = 9
        outcome = await store.record_check_in_and_evaluate(new, day)
    assert outcome.check_in.craving == 9
    high = [a for a in outcome.alerts if a.rule == Rule.HIGH_CRAVING]
    assert len(high) == 1 and high[0].reason.code == "alert.high_craving"
    assert all(isinstance(s, (NextStep.WARNING_SIGN_PLAN, NextStep.COPING, NextStep.CONTACT)) for s in high[0].next_steps)
    await store.acknowledge_alert(Rule.HIGH_CRAVING, high[0].situation)
    assert Rule.HIGH_CRAVING not in [a.rule for a in await store.open_alerts("2026-03-03")]
    assert [a.acknowledged for a in await store.alerts("2026-03-03") if a.rule == Rule.HIGH_CRAVING] == [True]

    patterns = await store.patterns("2026-03-03")
    assert patterns.windows and patterns.windows[0].days_with_check_in == 3
    assert patterns.windows[0].craving.direction in list(Direction)

    stricter = Thresholds(**{**settings.active.__dict__, "high_craving_level": 6})
    await store.set_thresholds(stricter)
    assert store.thresholds().active == stricter
    suggestion = ThresholdSuggestion(thresholds=Thresholds(**{**stricter.__dict__, "silence_days": 5}),
                                     suggested_by="Alex", at_ms=ms("2026-03-03T10:00:00+00:00"))
    await store.store_threshold_suggestion(suggestion)
    assert store.thresholds().suggestion == suggestion
    assert (await store.accept_threshold_suggestion()).silence_days == 5
    await store.store_threshold_suggestion(suggestion)
    await store.dismiss_threshold_suggestion()
    assert store.thresholds().suggestion is None

    recovery = await store.add_recovery("alcohol", "2026-01-01")
    progress = store.recovery_progress("2026-03-02")
    assert [(p.recovery_id, p.days) for p in progress] == [(recovery.id, 60)]
    assert progress[0].next.days > 60
    store.close()


async def test_crisis_screen_help_review_and_summary(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    await put_full_plan(store)

    screen = store.crisis_screen()
    assert [p.contact_id for p in screen.people_to_call] == [mentor().id]
    assert [r.text for r in screen.reasons] == ["Seeing my daughter graduate"]
    assert store.local_crisis_line() is None
    line = LocalCrisisLine(name="Línea 024", number="024", region="ES")
    await store.set_local_crisis_line(line)
    assert store.local_crisis_line() == line
    await store.set_local_crisis_line(None)
    assert store.local_crisis_line() is None

    draft = store.help_draft(Lang.EN)
    assert mentor().id in [c.contact_id for c in draft.candidates]
    await store.set_help_defaults(HelpDefaults(text="Please call me", recipients=[mentor().id]))
    assert store.help_draft(Lang.ES).own_words
    message = store.prepare_help_message([mentor().id], "Please call me")
    assert [r.name for r in message.recipients] == ["Alex (mentor)"] and message.text == "Please call me"

    review = await store.plan_review()
    assert review.interval_days > 0
    await store.set_review_interval(30)
    await store.mark_plan_reviewed()
    review = await store.plan_review()
    assert review.interval_days == 30 and not review.due

    summary = await store.summary(SummaryOptions(lang=Lang.EN, today="2026-03-03",
                                                 parts=[SummaryPart.WHEN_WELL, SummaryPart.TRIGGERS]))
    assert "Payday evenings alone" in summary.markdown
    assert "Payday evenings alone" in summary.html

    # The same summary in Arabic: the page is right to left, the person's words as written.
    arabic = await store.summary(SummaryOptions(lang=Lang.AR, today="2026-03-03",
                                                parts=[SummaryPart.TRIGGERS, SummaryPart.LAST_THIRTY_DAYS]))
    assert arabic.html.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    assert "المحفّزات" in arabic.markdown and "Payday evenings alone" in arabic.markdown
    assert "summary." not in arabic.markdown, "every code has Arabic words"
    store.close()


async def test_bundled_crisis_lines_by_region(db_path, key):
    regions = crisis_line_regions()
    assert len(regions) >= 30 and {"US", "MX", "BR", "FR", "EG"} <= set(regions)
    brazil = crisis_lines_for_region("br")
    assert (brazil.region, brazil.emergency.number) == ("BR", "192")
    assert [line.number for line in brazil.lines] == ["188"]
    assert brazil.lines[0].source.url.startswith("http") and brazil.lines[0].source.checked == "2026-12-03"
    assert crisis_lines_for_region("AQ") is None, "a country the core does not bundle gets no guess"
    with pytest.raises(TwofoldError.InvalidInput):
        crisis_lines_for_region("Brazil")

    store = await TwofoldStore.open(db_path, key)
    await put_full_plan(store)
    screen = store.crisis_screen_for_region("MX")
    assert screen.emergency.number == "911"
    bundled = [line for line in screen.crisis_lines if line.bundled_region == "MX"]
    assert [line.phones[0].number for line in bundled] == ["800 911 2000"]
    await store.set_local_crisis_line(LocalCrisisLine(name="Mi línea", number="+52 55 0000 0000", region="MX"))
    screen = store.crisis_screen_for_region("MX")
    assert not [line for line in screen.crisis_lines if line.bundled_region], "the person's line overrides"
    assert screen.emergency.number == "911"
    store.close()
