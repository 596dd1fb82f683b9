"""Care content through the Python bindings (issue 22): harm-reduction plan items, a
medication schedule with discreet reminders, per-dose check-in answers, the lowered-tolerance
alert with the person's harm-reduction next steps, and adherence."""

import datetime

import pytest

from test_twofold import mentor
from twofold_ffi import (
    AlertPriority,
    CareReminderKind,
    DoseAnswer,
    NaloxoneKit,
    NaloxoneResponder,
    NeverUseAloneLine,
    NewCheckIn,
    NextStep,
    PlanNote,
    Rule,
    ScheduledMedication,
    SectionName,
    SummaryOptions,
    SummaryPart,
    Lang,
    TwofoldError,
    TwofoldStore,
    new_item_id,
)

MADRID = "Europe/Madrid"


def ms(iso: str) -> int:
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


def medication(med_id: str) -> ScheduledMedication:
    return ScheduledMedication(
        id=med_id, name="Buprenorphine", dose_amount=8.0, dose_unit="mg",
        start="2026-03-01T08:00", time_zone=MADRID,
        rrule="FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0",
        reminder_offsets_minutes=[0], pickup_place="Clinic on Main St",
        refill_date="2026-03-05", refill_remind_days_before=1,
    )


def entry(day: str, used: bool, doses=None) -> NewCheckIn:
    return NewCheckIn(day=day, mood=5, craving=3, used_substance=used, doses=doses or [])


async def test_medication_schedule_doses_and_discreet_reminders(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    med_id = new_item_id()
    await store.put_scheduled_medication(medication(med_id))
    assert [m.name for m in store.list_medication_schedule()] == ["Buprenorphine"]

    doses = store.doses_on("2026-03-02")
    assert [d.due for d in doses] == ["2026-03-02T08:00:00", "2026-03-02T20:00:00"]
    # The check-in answers per dose; the evening one is missed.
    answers = [DoseAnswer(medication_id=med_id, due=doses[0].due, taken=True),
               DoseAnswer(medication_id=med_id, due=doses[1].due, taken=False)]
    recorded = await store.record_check_in(entry("2026-03-02", False, answers), ms("2026-03-02T22:00:00+01:00"))
    assert [(d.due, d.taken) for d in recorded.doses] == [(a.due, a.taken) for a in answers]
    adherence = store.medication_adherence("2026-03-02")
    assert [(a.name, a.taken, a.due) for a in adherence] == [("Buprenorphine", 1, 4)]
    summary = await store.summary(SummaryOptions(lang=Lang.EN, today="2026-03-02", parts=[SummaryPart.MEDICATION_ADHERENCE]))
    assert "1 of 4 doses taken" in summary.markdown

    reminders = await store.care_reminders(ms("2026-03-03T00:00:00+01:00"), 3, False, MADRID)
    assert {r.kind for r in reminders} == {CareReminderKind.DOSE, CareReminderKind.REFILL}
    for r in reminders:
        words = r.message.code + str(r.message.params)
        assert "Buprenorphine" not in words and "Clinic" not in words and "mg" not in words

    # A bad dose is refused naming its field; nothing is written.
    bad = medication(new_item_id())
    bad.dose_amount = 0.0
    with pytest.raises(TwofoldError.InvalidInput) as refused:
        await store.put_scheduled_medication(bad)
    assert refused.value.field == "medication_schedule.dose_amount"
    bad = medication(new_item_id())
    bad.rrule = "RRULE:FREQ=DAILY"
    with pytest.raises(TwofoldError.InvalidInput) as refused:
        await store.put_scheduled_medication(bad)
    assert refused.value.field == "medication_schedule.rrule"
    assert len(store.list_medication_schedule()) == 1
    store.close()


async def test_a_lapse_after_abstinence_raises_a_high_priority_alert_with_naloxone_steps(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    friend = mentor()
    await store.put_contact(friend)
    await store.put_lapse_plan_step(PlanNote(id=new_item_id(), text="Call my sponsor before anything else"))
    await store.put_naloxone_kit(NaloxoneKit(id=new_item_id(), location="kitchen drawer", expires="2027-01-31", remind_days_before=30))
    await store.put_never_use_alone_line(NeverUseAloneLine(id=new_item_id(), name="A line I trust", phone="+1 800 000 0000"))
    await store.put_naloxone_responder(NaloxoneResponder(id=new_item_id(), contact_id=friend.id, note="carries a kit"))
    with pytest.raises(TwofoldError.InvalidInput):
        await store.put_never_use_alone_line(NeverUseAloneLine(id=new_item_id(), name="No number", phone="call me"))
    assert store.count_items(SectionName.NALOXONE_KITS) == 1

    await store.record_check_in(entry("2026-05-01", True), ms("2026-05-01T20:00:00+00:00"))
    for d in range(2, 11):
        await store.record_check_in(entry(f"2026-05-{d:02d}", False), ms(f"2026-05-{d:02d}T20:00:00+00:00"))
    outcome = await store.record_check_in_and_evaluate(entry("2026-05-11", True), "2026-05-11", ms("2026-05-11T20:00:00+00:00"))
    alert = outcome.alerts[0]
    assert alert.rule == Rule.TOLERANCE_LOWERED and alert.priority == AlertPriority.HIGH
    first = alert.next_steps[:4]
    assert [first[0].is_lapse_plan(), first[1].is_naloxone_kit(), first[2].is_never_use_alone(), first[3].is_naloxone_responder()] == [True] * 4
    assert isinstance(alert.next_steps[1], NextStep.NALOXONE_KIT) and alert.next_steps[1].location == "kitchen drawer"
    assert alert.next_steps[3].person.contact_id == friend.id

    thresholds = store.thresholds().active
    thresholds.tolerance_abstinent_days = 10
    await store.set_thresholds(thresholds)
    assert all(a.rule != Rule.TOLERANCE_LOWERED for a in await store.alerts("2026-05-11"))
    store.close()


async def test_the_crisis_screen_lists_the_harm_reduction_items(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    assert store.crisis_screen().naloxone_kits == []
    friend = mentor()
    await store.put_contact(friend)
    await store.put_naloxone_kit(NaloxoneKit(id=new_item_id(), location="kitchen drawer", expires="2027-01-31", remind_days_before=30))
    await store.put_naloxone_kit(NaloxoneKit(id=new_item_id(), location="my backpack"))
    await store.put_never_use_alone_line(NeverUseAloneLine(id=new_item_id(), name="A line I trust", phone="+1 800 000 0000"))
    await store.put_naloxone_responder(NaloxoneResponder(id=new_item_id(), contact_id=friend.id, note="carries a kit"))

    screen = store.crisis_screen_for_region("US")
    assert [(k.location, k.expires) for k in screen.naloxone_kits] == [("kitchen drawer", "2027-01-31"), ("my backpack", None)]
    assert [(l.name, l.phone) for l in screen.never_use_alone] == [("A line I trust", "+1 800 000 0000")]
    assert [(p.contact_id, p.will_do) for p in screen.naloxone_responders] == [(friend.id, "carries a kit")]
    assert screen.naloxone_responders[0].phones == friend.phones
    assert screen.emergency.number == "911"
    store.close()
