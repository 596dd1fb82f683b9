"""The Python suite: the generated bindings under asyncio, against the library built for this
machine. Each test tells one small story of the app's use."""

import asyncio
import datetime
import queue
import secrets
import threading

import pytest

from twofold_ffi import (
    Attendance,
    AttendanceStatus,
    CheckIn,
    Contact,
    ContactRole,
    CopingStrategy,
    CrisisContact,
    Distraction,
    DistractionKind,
    DocumentKind,
    DocumentListener,
    DocumentSnapshot,
    DoNotInvolve,
    Domain,
    Goal,
    GoalStep,
    HomeScreenListener,
    MaintenanceItem,
    Medication,
    MedicationPreference,
    Meeting,
    MeetingFormat,
    MeetingKind,
    NewCheckIn,
    Phone,
    PlanNote,
    Priority,
    Professional,
    Reason,
    ReasonKind,
    SafetyStep,
    SectionName,
    Treatment,
    TreatmentKind,
    TreatmentPreference,
    Trigger,
    TriggerKind,
    TwofoldError,
    TwofoldStore,
    WarningSign,
    WarningStage,
    attendance_id,
    new_item_id,
    validate_rrule,
    version,
)

# --- fixtures --------------------------------------------------------------------------------


def mentor() -> Contact:
    return Contact(
        id="contact-mentor",
        name="Alex (mentor)",
        roles=[ContactRole.MENTOR, ContactRole.PEER],
        phones=[Phone(label="mobile", number="+34 600 000 001")],
        email="alex@example.org",
        availability="evenings",
        crisis_order=1,
    )


def crisis_line() -> Contact:
    return Contact(
        id="contact-crisis-line",
        name="Crisis line",
        roles=[ContactRole.CRISIS_LINE],
        phones=[Phone(number="024")],
        availability="24/7",
    )


def weekly_meeting() -> Meeting:
    return Meeting(
        id=new_item_id(),
        name="Dual Recovery group",
        kind=MeetingKind.DUAL_RECOVERY_ANONYMOUS,
        format=MeetingFormat.HYBRID,
        address="Calle Mayor 1, Madrid",
        conference_url="https://meet.example.org/dra",
        start="2026-03-03T19:00",
        time_zone="Europe/Madrid",
        duration_minutes=90,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        exdates=["2026-03-31T19:00:00"],
        type_codes=["DD", "O"],
        reminder_offsets_minutes=[60, 15],
    )


def check_in(day: str, mood: int, note: str = "") -> NewCheckIn:
    return NewCheckIn(day=day, mood=mood, craving=2, sleep_hours=7.5, medication_taken=True, note=note)


async def put_full_plan(store: TwofoldStore) -> dict:
    m, line = mentor(), crisis_line()
    await store.put_contact(m)
    await store.put_contact(line)
    ids = {}

    def nid(name: str) -> str:
        ids[name] = new_item_id()
        return ids[name]

    await store.set_when_well("I sleep eight hours, walk the dog and call my sister on Sundays.")
    await store.put_maintenance_item(MaintenanceItem(id=nid("maintenance"), text="Take medication at 9", priority=Priority.MUST_DO))
    await store.put_trigger(Trigger(id=nid("trigger"), description="Payday evenings alone", kind=TriggerKind.EXTERNAL, domain=Domain.BOTH, action_plan="Plan the evening with Alex"))
    await store.put_warning_sign(WarningSign(id=nid("warning"), description="Skipping meals", stage=WarningStage.EARLY, domain=Domain.MENTAL_HEALTH))
    await store.put_coping_strategy(CopingStrategy(id=nid("coping"), description="Box breathing, four rounds", domain=Domain.BOTH))
    await store.put_distraction(Distraction(id=nid("distraction"), kind=DistractionKind.PERSON, name="Alex", contact_id=m.id))
    await store.put_reason(Reason(id=nid("reason"), kind=ReasonKind.RECOVERY, text="Seeing my daughter graduate"))
    await store.put_goal(Goal(id=nid("goal"), title="Run a 5k", target_date="2026-09-01"))
    await store.put_goal_step(GoalStep(id=nid("goal_step"), goal_id=ids["goal"], text="Buy running shoes"))
    await store.put_takeover_sign(PlanNote(id=nid("takeover"), text="I stop answering the phone for two days"))
    await store.put_crisis_contact(CrisisContact(id=nid("crisis_contact"), contact_id=m.id, will_do="Comes over and stays"))
    await store.put_do_not_involve(DoNotInvolve(id=nid("do_not_involve"), name="Old drinking friend", reason="Offers a drink"))
    await store.put_professional(Professional(id=nid("professional"), contact_id=line.id, role_note="Night crisis support"))
    await store.put_medication(Medication(id=nid("medication"), name="Sertraline", preference=MedicationPreference.PREFERRED))
    await store.put_treatment(Treatment(id=nid("treatment"), name="Day hospital", kind=TreatmentKind.FACILITY, preference=TreatmentPreference.PREFERRED))
    await store.put_what_helps(PlanNote(id=nid("what_helps"), text="Quiet room, dim light"))
    await store.put_what_does_not_help(PlanNote(id=nid("what_does_not_help"), text="Being told to calm down"))
    await store.put_safety_step(SafetyStep(id=nid("safety"), description="Give spare medication to the pharmacy"))
    await store.put_lapse_plan_step(PlanNote(id=nid("lapse_plan"), text="Call Alex within an hour"))
    await store.put_post_crisis_step(PlanNote(id=nid("post_crisis"), text="Two days off work"))
    return ids


# --- tests -----------------------------------------------------------------------------------


async def test_opens_a_new_store(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    assert version()
    assert store.list_contacts() == []
    assert store.when_well() == ""
    assert await store.integrity_check()
    store.close()


async def test_wrong_key_is_a_typed_error_and_keeps_the_data(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    await store.put_contact(mentor())
    store.close()
    with pytest.raises(TwofoldError.WrongKey):
        await TwofoldStore.open(db_path, secrets.token_bytes(32))
    with pytest.raises(TwofoldError.InvalidInput) as short:
        await TwofoldStore.open(db_path, b"too short")
    assert short.value.field == "key"
    store = await TwofoldStore.open(db_path, key)
    assert store.list_contacts() == [mentor()]
    store.close()


async def test_a_full_plan_with_every_section(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    ids = await put_full_plan(store)
    lists = {
        "maintenance": store.list_daily_maintenance(),
        "trigger": store.list_triggers(),
        "warning": store.list_warning_signs(),
        "coping": store.list_coping_strategies(),
        "distraction": store.list_distractions(),
        "reason": store.list_reasons(),
        "goal": store.list_goals(),
        "goal_step": store.list_goal_steps(),
        "takeover": store.list_takeover_signs(),
        "crisis_contact": store.list_crisis_contacts(),
        "do_not_involve": store.list_do_not_involve(),
        "professional": store.list_professionals(),
        "medication": store.list_medications(),
        "treatment": store.list_treatments(),
        "what_helps": store.list_what_helps(),
        "what_does_not_help": store.list_what_does_not_help(),
        "safety": store.list_environment_safety(),
        "lapse_plan": store.list_lapse_plan(),
        "post_crisis": store.list_post_crisis_plan(),
    }
    assert {name: [item.id for item in items] for name, items in lists.items()} == {
        name: [ids[name]] for name in lists
    }
    assert store.get_goal(ids["goal"]).target_date == "2026-09-01"
    assert store.list_distractions()[0].contact_id == mentor().id

    snapshot = await store.document_snapshot(DocumentKind.PLAN)
    assert isinstance(snapshot, DocumentSnapshot.PLAN)
    assert snapshot.plan.triggers == lists["trigger"]
    assert snapshot.plan.when_well.startswith("I sleep")
    assert '"environment_safety"' in await store.export_json(DocumentKind.PLAN)

    second = PlanNote(id=new_item_id(), text="Text a friend")
    await store.put_what_helps(second)
    await store.move_item(SectionName.WHAT_HELPS, second.id, ids["what_helps"])
    assert [n.id for n in store.list_what_helps()] == [second.id, ids["what_helps"]]
    assert store.count_items(SectionName.WHAT_HELPS) == 2
    assert store.item_conflicts(SectionName.TRIGGERS, ids["trigger"]) == []
    await store.remove_item(SectionName.GOALS, ids["goal"])
    assert store.list_goal_steps() == []
    with pytest.raises(TwofoldError.NotFound) as missing:
        store.get_trigger("no-such-trigger")
    assert missing.value.id == "no-such-trigger"
    store.close()


async def test_contacts(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    m, line = mentor(), crisis_line()
    await store.put_contact(m)
    await store.put_contact(line)
    assert store.list_contacts() == [m, line]
    m.phones.append(Phone(label="work", number="+34 910 000 002"))
    m.notes = "Prefers texts"
    await store.put_contact(m)
    assert store.get_contact(m.id) == m
    assert [r.contact_id for r in store.home_screen("2026-03-03").crisis_ladder] == [m.id]

    rung = CrisisContact(id=new_item_id(), contact_id=m.id, will_do="Comes over")
    await store.put_crisis_contact(rung)
    with pytest.raises(TwofoldError.InvalidInput) as blocked:
        await store.remove_item(SectionName.CONTACTS, m.id)
    assert blocked.value.field == "id"
    await store.remove_item(SectionName.CRISIS_CONTACTS, rung.id)
    await store.remove_item(SectionName.CONTACTS, m.id)
    assert store.list_contacts() == [line]
    store.close()


async def test_a_recurring_meeting(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    validate_rrule("FREQ=WEEKLY;BYDAY=TU", "2026-03-03T19:00", "Europe/Madrid")
    meeting = weekly_meeting()
    await store.put_meeting(meeting)
    stored = store.get_meeting(meeting.id)
    assert (stored.rrule, stored.time_zone, stored.start) == ("FREQ=WEEKLY;BYDAY=TU", "Europe/Madrid", "2026-03-03T19:00:00")
    assert stored.exdates == ["2026-03-31T19:00:00"]
    assert stored.reminder_offsets_minutes == [60, 15]

    occurrence = "2026-03-10T19:00"
    await store.put_attendance(Attendance(
        id=attendance_id(meeting.id, occurrence), meeting_id=meeting.id, occurrence=occurrence,
        status=AttendanceStatus.ATTENDED, note="Spoke for the first time"))
    assert store.list_attendance()[0].status == AttendanceStatus.ATTENDED
    with pytest.raises(TwofoldError.InvalidInput) as bad:
        validate_rrule("FREQ=SOMETIMES", "2026-03-03T19:00", "Europe/Madrid")
    assert bad.value.field == "meetings.rrule"
    store.close()


async def test_check_ins(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    at = int(datetime.datetime(2026, 3, 2, 21, tzinfo=datetime.timezone.utc).timestamp() * 1000)
    first = await store.record_check_in(check_in("2026-03-02", 4, "Rough day"), at)
    assert isinstance(first, CheckIn) and first.at_ms == at
    await store.record_check_in(check_in("2026-03-03", 6))
    await store.record_check_in(check_in("2026-03-04", 7))
    assert [c.day for c in store.check_ins_between("2026-03-01", "2026-03-03")] == ["2026-03-02", "2026-03-03"]
    assert store.get_check_in(first.id) == first

    home = store.home_screen("2026-03-04")
    assert home.checked_in_today
    assert [c.day for c in home.last_check_ins] == ["2026-03-04", "2026-03-03", "2026-03-02"]

    recovery = await store.add_recovery("alcohol", "2026-01-01")
    await store.put_lapse_plan_step(PlanNote(id=new_item_id(), text="Call Alex within an hour"))
    lapse = await store.record_lapse(recovery.id, "2026-02-14", "")
    assert lapse.lapse.recovery_id == recovery.id
    assert [n.text for n in lapse.lapse_plan] == ["Call Alex within an hour"]
    streak = store.home_screen("2026-03-04").streaks[0]
    assert (streak.since, streak.lapses) == ("2026-02-15", 1)
    store.close()


async def test_a_validation_failure_per_document_writes_nothing(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    await put_full_plan(store)
    meeting = weekly_meeting()
    await store.put_meeting(meeting)
    await store.record_check_in(check_in("2026-03-03", 6))

    def everything():
        return (store.list_triggers(), store.list_contacts(), store.list_meetings(), store.list_check_ins())

    before = everything()
    cases = [
        (store.put_trigger(Trigger(id=new_item_id(), description="  ", kind=TriggerKind.INTERNAL, domain=Domain.SUBSTANCE)), "triggers.description"),
        (store.put_contact(Contact(id=new_item_id(), name="Sam", phones=[Phone(number="call me maybe")])), "contacts.phones.number"),
        (store.put_meeting(Meeting(**{**meeting.__dict__, "id": new_item_id(), "time_zone": "Europe/Atlantis"})), "meetings.time_zone"),
        (store.record_check_in(check_in("2026-03-04", 11)), "check_ins.mood"),
        (store.record_check_in(check_in("2026-02-30", 5)), "check_ins.day"),
        (store.put_trigger(Trigger(id="not an id!", description="x", kind=TriggerKind.INTERNAL, domain=Domain.SUBSTANCE)), "triggers.id"),
    ]
    for call, field in cases:
        with pytest.raises(TwofoldError.InvalidInput) as refused:
            await call
        assert refused.value.field == field
    assert everything() == before
    store.close()


async def test_a_listener_sees_the_current_value_then_a_change_from_another_thread(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    await store.put_contact(mentor())
    seen: "queue.Queue[DocumentSnapshot]" = queue.Queue()

    class Contacts(DocumentListener):
        def on_document(self, snapshot):
            seen.put(snapshot)

    handle = store.subscribe_document(DocumentKind.CONTACTS, Contacts())
    first = seen.get(timeout=10)
    assert [c.id for c in first.contacts.contacts] == [mentor().id]

    writer = threading.Thread(target=lambda: asyncio.run(store.put_contact(crisis_line())))
    writer.start()
    writer.join()
    second = seen.get(timeout=10)
    assert [c.id for c in second.contacts.contacts] == [mentor().id, crisis_line().id]

    homes: queue.Queue = queue.Queue()

    class Home(HomeScreenListener):
        def on_home_screen(self, home):
            homes.put(home)

    home_handle = store.subscribe_home_screen("2026-03-03", Home())
    assert not homes.get(timeout=10).checked_in_today
    await store.record_check_in(check_in("2026-03-03", 8))
    assert homes.get(timeout=10).checked_in_today

    handle.cancel()
    home_handle.cancel()
    assert handle.is_cancelled()
    await store.put_contact(Contact(id=new_item_id(), name="After cancel"))
    with pytest.raises(queue.Empty):
        seen.get(timeout=0.3)
    store.close()


async def test_async_calls_run_concurrently(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    written = await asyncio.gather(*(store.record_check_in(check_in(f"2026-03-{n:02d}", n % 11)) for n in range(1, 21)))
    assert len({c.id for c in written}) == 20
    assert len(store.list_check_ins()) == 20
    exported = await store.export_bytes(DocumentKind.JOURNAL)
    await store.import_bytes(DocumentKind.JOURNAL, exported)
    with pytest.raises(TwofoldError.ImportRefused):
        await store.import_json(DocumentKind.JOURNAL, "{ not json")
    store.close()


def _run_length_bomb() -> bytes:
    """A 45-byte Automerge document (valid checksum) whose change-actor column is one run of
    2^40 rows: Automerge alone asks for gigabytes and aborts the process."""
    import hashlib

    def uleb(v: int) -> bytes:
        out = bytearray()
        while True:
            b, v = v & 0x7F, v >> 7
            if v == 0:
                return bytes(out + bytes([b]))
            out.append(b | 0x80)

    column = uleb(1 << 40) + b"\x00"  # a positive RLE count (its top bit clear), then actor 0
    body = b"\x01\x10" + b"\x07" * 16 + b"\x00\x01" + b"\x01" + uleb(len(column)) + b"\x00" + column
    hashed = b"\x00" + uleb(len(body)) + body
    return b"\x85\x6f\x4a\x83" + hashlib.sha256(hashed).digest()[:4] + hashed


async def test_a_run_length_bomb_is_refused_and_the_store_goes_on(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    await store.record_check_in(check_in("2026-03-03", 7))
    bomb = _run_length_bomb()
    assert len(bomb) < 64
    with pytest.raises(TwofoldError.ImportRefused):
        await store.import_bytes(DocumentKind.JOURNAL, bomb)
    assert len(store.list_check_ins()) == 1
    await store.record_check_in(check_in("2026-03-04", 6))
    assert len(store.list_check_ins()) == 2
    store.close()


async def test_close_and_reopen_with_everything_still_there(db_path, key):
    store = await TwofoldStore.open(db_path, key)
    ids = await put_full_plan(store)
    meeting = weekly_meeting()
    await store.put_meeting(meeting)
    stored_meeting = store.get_meeting(meeting.id)
    checked = await store.record_check_in(check_in("2026-03-03", 6, "Good group tonight"))
    plan = await store.document_snapshot(DocumentKind.PLAN)
    store.close()
    assert store.is_closed()
    with pytest.raises(TwofoldError.Closed):
        store.list_contacts()
    with pytest.raises(TwofoldError.Closed):
        await store.put_contact(mentor())
    store.close()

    reopened = await TwofoldStore.open(db_path, key)
    assert await reopened.document_snapshot(DocumentKind.PLAN) == plan
    assert reopened.list_contacts() == [mentor(), crisis_line()]
    assert reopened.get_meeting(meeting.id) == stored_meeting
    assert reopened.list_check_ins() == [checked]
    assert [t.id for t in reopened.list_triggers()] == [ids["trigger"]]
    reopened.close()
