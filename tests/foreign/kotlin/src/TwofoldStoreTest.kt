// The Kotlin suite: the generated bindings used the way the Android app uses them (coroutines,
// typed exceptions, listeners), on the JVM against the library built for this machine.
package org.twofold.core.test

import java.io.File
import java.security.SecureRandom
import java.time.Instant
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.*

class TwofoldStoreTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
    private fun dbPath(): String = File(tmp.root, "twofold.db").path
    private suspend fun openStore(): TwofoldStore = TwofoldStore.open(dbPath(), key)

    // --- fixtures ---------------------------------------------------------------------------

    private val mentor = Contact(
        id = newItemId(),
        name = "Alex (mentor)",
        roles = listOf(ContactRole.MENTOR, ContactRole.PEER),
        phones = listOf(Phone(label = "mobile", number = "+34 600 000 001")),
        email = "alex@example.org",
        availability = "evenings",
        crisisOrder = 1u,
    )
    private val crisisLine = Contact(
        id = newItemId(),
        name = "Crisis line",
        roles = listOf(ContactRole.CRISIS_LINE),
        phones = listOf(Phone(number = "024")),
        availability = "24/7",
    )

    private suspend fun putFullPlan(store: TwofoldStore): Map<String, String> {
        store.putContact(mentor)
        store.putContact(crisisLine)
        val ids = mutableMapOf<String, String>()
        fun id(name: String) = newItemId().also { ids[name] = it }

        store.setWhenWell("I sleep eight hours, walk the dog and call my sister on Sundays.")
        store.putMaintenanceItem(MaintenanceItem(id("maintenance"), "Take medication at 9", Priority.MUST_DO))
        store.putTrigger(Trigger(id("trigger"), "Payday evenings alone", TriggerKind.EXTERNAL, Domain.BOTH, "Plan the evening with Alex"))
        store.putWarningSign(WarningSign(id("warning"), "Skipping meals", WarningStage.EARLY, Domain.MENTAL_HEALTH, "Eat with someone"))
        store.putCopingStrategy(CopingStrategy(id("coping"), "Box breathing, four rounds", Domain.BOTH))
        store.putDistraction(Distraction(id("distraction"), DistractionKind.PERSON, "Alex", contactId = mentor.id))
        store.putReason(Reason(id("reason"), ReasonKind.RECOVERY, "Seeing my daughter graduate"))
        store.putGoal(Goal(id("goal"), "Run a 5k", targetDate = "2026-09-01"))
        store.putGoalStep(GoalStep(id("goalStep"), ids.getValue("goal"), "Buy running shoes"))
        store.putTakeoverSign(PlanNote(id("takeover"), "I stop answering the phone for two days"))
        store.putCrisisContact(CrisisContact(id("crisisContact"), mentor.id, "Comes over and stays"))
        store.putDoNotInvolve(DoNotInvolve(id("doNotInvolve"), name = "Old drinking friend", reason = "Offers a drink"))
        store.putProfessional(Professional(id("professional"), crisisLine.id, "Night crisis support"))
        store.putMedication(Medication(id("medication"), "Sertraline", MedicationPreference.PREFERRED, "Works for me"))
        store.putTreatment(Treatment(id("treatment"), "Day hospital", TreatmentKind.FACILITY, TreatmentPreference.PREFERRED))
        store.putWhatHelps(PlanNote(id("whatHelps"), "Quiet room, dim light"))
        store.putWhatDoesNotHelp(PlanNote(id("whatDoesNotHelp"), "Being told to calm down"))
        store.putSafetyStep(SafetyStep(id("safety"), "Give spare medication to the pharmacy"))
        store.putLapsePlanStep(PlanNote(id("lapsePlan"), "Call Alex within an hour"))
        store.putPostCrisisStep(PlanNote(id("postCrisis"), "Two days off work"))
        return ids
    }

    private fun weeklyMeeting() = Meeting(
        id = newItemId(),
        name = "Dual Recovery group",
        kind = MeetingKind.DUAL_RECOVERY_ANONYMOUS,
        format = MeetingFormat.HYBRID,
        address = "Calle Mayor 1, Madrid",
        conferenceUrl = "https://meet.example.org/dra",
        start = "2026-03-03T19:00",
        timeZone = "Europe/Madrid",
        durationMinutes = 90u,
        rrule = "FREQ=WEEKLY;BYDAY=TU",
        exdates = listOf("2026-03-31T19:00:00"),
        typeCodes = listOf("DD", "O"),
        reminderOffsetsMinutes = listOf(60u, 15u),
    )

    private fun checkIn(day: String, mood: Int, note: String = "") = NewCheckIn(
        day = day,
        mood = mood.toUByte(),
        craving = 2u.toUByte(),
        sleepHours = 7.5,
        medicationTaken = true,
        note = note,
    )

    // --- tests ------------------------------------------------------------------------------

    @Test
    fun opensANewStore() = runBlocking {
        val store = openStore()
        assertTrue(version().isNotEmpty())
        assertEquals(emptyList(), store.listContacts())
        assertEquals("", store.whenWell())
        assertTrue(store.integrityCheck())
        store.closeStore()
    }

    @Test
    fun wrongKeyIsATypedErrorAndKeepsTheData() = runBlocking {
        openStore().apply { putContact(mentor); closeStore() }
        val otherKey = ByteArray(32).also { SecureRandom().nextBytes(it) }
        assertFailsWith<TwofoldException.WrongKey> { TwofoldStore.open(dbPath(), otherKey) }
        val short = assertFailsWith<TwofoldException.InvalidInput> { TwofoldStore.open(dbPath(), ByteArray(16)) }
        assertEquals("key", short.field)
        val store = openStore()
        assertEquals(listOf(mentor), store.listContacts())
        store.closeStore()
    }

    @Test
    fun aFullPlanWithEverySection() = runBlocking {
        val store = openStore()
        val ids = putFullPlan(store)
        assertEquals("Payday evenings alone", store.listTriggers().single().description)
        assertEquals(ids["trigger"], store.getTrigger(ids.getValue("trigger")).id)
        assertEquals(Priority.MUST_DO, store.listDailyMaintenance().single().priority)
        assertEquals(WarningStage.EARLY, store.listWarningSigns().single().stage)
        assertEquals(1, store.listCopingStrategies().size)
        assertEquals(mentor.id, store.listDistractions().single().contactId)
        assertEquals(1, store.listReasons().size)
        assertEquals("2026-09-01", store.listGoals().single().targetDate)
        assertEquals(ids["goal"], store.listGoalSteps().single().goalId)
        assertEquals(1, store.listTakeoverSigns().size)
        assertEquals(mentor.id, store.listCrisisContacts().single().contactId)
        assertEquals(1, store.listDoNotInvolve().size)
        assertEquals(crisisLine.id, store.listProfessionals().single().contactId)
        assertEquals(MedicationPreference.PREFERRED, store.listMedications().single().preference)
        assertEquals(TreatmentKind.FACILITY, store.listTreatments().single().kind)
        assertEquals(1, store.listWhatHelps().size)
        assertEquals(1, store.listWhatDoesNotHelp().size)
        assertFalse(store.listEnvironmentSafety().single().done)
        assertEquals(1, store.listLapsePlan().size)
        assertEquals(1, store.listPostCrisisPlan().size)

        // Every section is in the document snapshot and in the JSON export.
        val plan = (store.documentSnapshot(DocumentKind.PLAN) as DocumentSnapshot.Plan).plan
        assertTrue(plan.whenWell.startsWith("I sleep"))
        assertEquals(store.listTriggers(), plan.triggers)
        assertEquals(store.listPostCrisisPlan(), plan.postCrisisPlan)
        assertTrue(store.exportJson(DocumentKind.PLAN).contains("\"crisis_contacts\""))

        // Order, edits and removal through the generic section operations.
        val second = PlanNote(newItemId(), "Text a friend")
        store.putWhatHelps(second)
        store.moveItem(SectionName.WHAT_HELPS, second.id, ids["whatHelps"])
        assertEquals(listOf(second.id, ids["whatHelps"]), store.listWhatHelps().map { it.id })
        store.putGoalStep(store.listGoalSteps().single().copy(done = true))
        assertTrue(store.listGoalSteps().single().done)
        assertEquals(2uL, store.countItems(SectionName.WHAT_HELPS))
        assertEquals(emptyList(), store.itemConflicts(SectionName.TRIGGERS, ids.getValue("trigger")))
        store.removeItem(SectionName.GOALS, ids.getValue("goal"))
        assertEquals(emptyList(), store.listGoalSteps(), "a goal's steps go with it")
        val missing = assertFailsWith<TwofoldException.NotFound> { store.getTrigger("no-such-trigger") }
        assertEquals("no-such-trigger", missing.id)
        store.closeStore()
    }

    @Test
    fun contacts() = runBlocking {
        val store = openStore()
        store.putContact(mentor)
        store.putContact(crisisLine)
        assertEquals(listOf(mentor, crisisLine), store.listContacts())
        assertEquals(mentor, store.getContact(mentor.id))

        val moved = mentor.copy(phones = mentor.phones + Phone("work", "+34 910 000 002"), notes = "Prefers texts")
        store.putContact(moved)
        assertEquals(2, store.getContact(mentor.id).phones.size)

        // The home screen falls back to the contacts' crisis order while the plan has no ladder.
        assertEquals(listOf(mentor.id), store.homeScreen("2026-03-03").crisisLadder.map { it.contactId })

        // A contact on the crisis ladder cannot be removed until the plan lets go of it.
        val rung = CrisisContact(newItemId(), mentor.id, "Comes over")
        store.putCrisisContact(rung)
        val blocked = assertFailsWith<TwofoldException.InvalidInput> { store.removeItem(SectionName.CONTACTS, mentor.id) }
        assertEquals("id", blocked.field)
        store.removeItem(SectionName.CRISIS_CONTACTS, rung.id)
        store.removeItem(SectionName.CONTACTS, mentor.id)
        assertEquals(listOf(crisisLine), store.listContacts())
        store.closeStore()
    }

    @Test
    fun aRecurringMeeting() = runBlocking {
        val store = openStore()
        validateRrule("FREQ=WEEKLY;BYDAY=TU", "2026-03-03T19:00", "Europe/Madrid")
        val meeting = weeklyMeeting()
        store.putMeeting(meeting)
        val stored = store.getMeeting(meeting.id)
        assertEquals("FREQ=WEEKLY;BYDAY=TU", stored.rrule)
        assertEquals("Europe/Madrid", stored.timeZone)
        assertEquals("2026-03-03T19:00:00", stored.start)
        assertEquals(listOf("2026-03-31T19:00:00"), stored.exdates)
        assertEquals(listOf(60u, 15u), stored.reminderOffsetsMinutes)

        val occurrence = "2026-03-10T19:00"
        val attendance = Attendance(attendanceId(meeting.id, occurrence), meeting.id, occurrence, AttendanceStatus.ATTENDED, note = "Spoke for the first time")
        store.putAttendance(attendance)
        assertEquals(AttendanceStatus.ATTENDED, store.listAttendance().single().status)
        assertEquals(listOf(meeting.id), store.homeScreen("2026-03-10").meetings.map { it.id })

        val bad = assertFailsWith<TwofoldException.InvalidInput> { validateRrule("FREQ=SOMETIMES", "2026-03-03T19:00", "Europe/Madrid") }
        assertEquals("meetings.rrule", bad.field)
        store.closeStore()
    }

    @Test
    fun checkIns() = runBlocking {
        val store = openStore()
        val at = Instant.parse("2026-03-02T21:00:00Z").toEpochMilli()
        val first = store.recordCheckIn(checkIn("2026-03-02", 4, "Rough day"), at)
        assertEquals(at, first.atMs)
        store.recordCheckIn(checkIn("2026-03-03", 6))
        store.recordCheckIn(checkIn("2026-03-04", 7))
        assertEquals(listOf("2026-03-02", "2026-03-03"), store.checkInsBetween("2026-03-01", "2026-03-03").map { it.day })
        assertEquals(first, store.getCheckIn(first.id))

        val home = store.homeScreen("2026-03-04")
        assertTrue(home.checkedInToday)
        assertEquals(listOf("2026-03-04", "2026-03-03", "2026-03-02"), home.lastCheckIns.map { it.day })

        val recovery = store.addRecovery("alcohol", "2026-01-01")
        store.putLapsePlanStep(PlanNote(newItemId(), "Call Alex within an hour"))
        val lapse = store.recordLapse(recovery.id, "2026-02-14", "")
        assertEquals(recovery.id, lapse.lapse.recoveryId)
        assertEquals("Call Alex within an hour", lapse.lapsePlan.single().text)
        val streak = store.homeScreen("2026-03-04").streaks.single()
        assertEquals("2026-02-15", streak.since)
        assertEquals(1uL, streak.lapses)
        store.closeStore()
    }

    @Test
    fun aValidationFailurePerDocumentWritesNothing() = runBlocking {
        val store = openStore()
        putFullPlan(store)
        val meeting = weeklyMeeting().also { store.putMeeting(it) }
        store.recordCheckIn(checkIn("2026-03-03", 6))
        val before = listOf(store.listTriggers(), store.listContacts(), store.listMeetings(), store.listCheckIns())

        // plan
        val plan = assertFailsWith<TwofoldException.InvalidInput> {
            store.putTrigger(Trigger(newItemId(), "   ", TriggerKind.INTERNAL, Domain.SUBSTANCE))
        }
        assertEquals("triggers.description", plan.field)
        // contacts
        val contacts = assertFailsWith<TwofoldException.InvalidInput> {
            store.putContact(Contact(newItemId(), "Sam", phones = listOf(Phone(number = "call me maybe"))))
        }
        assertEquals("contacts.phones.number", contacts.field)
        // schedule
        val schedule = assertFailsWith<TwofoldException.InvalidInput> {
            store.putMeeting(meeting.copy(id = newItemId(), timeZone = "Europe/Atlantis"))
        }
        assertEquals("meetings.time_zone", schedule.field)
        // journal
        val journal = assertFailsWith<TwofoldException.InvalidInput> { store.recordCheckIn(checkIn("2026-03-04", 11)) }
        assertEquals("check_ins.mood", journal.field)
        // a malformed day and a malformed id never reach the core
        val day = assertFailsWith<TwofoldException.InvalidInput> { store.recordCheckIn(checkIn("2026-02-30", 5)) }
        assertEquals("check_ins.day", day.field)
        val id = assertFailsWith<TwofoldException.InvalidInput> {
            store.putTrigger(Trigger("not an id!", "x", TriggerKind.INTERNAL, Domain.SUBSTANCE))
        }
        assertEquals("triggers.id", id.field)

        assertEquals(before, listOf(store.listTriggers(), store.listContacts(), store.listMeetings(), store.listCheckIns()))
        store.closeStore()
    }

    @Test
    fun aListenerSeesTheCurrentValueThenAChangeFromAnotherThread() = runBlocking {
        val store = openStore()
        store.putContact(mentor)
        val seen = LinkedBlockingQueue<DocumentSnapshot>()
        val handle = store.subscribeDocument(DocumentKind.CONTACTS, object : DocumentListener {
            override fun onDocument(snapshot: DocumentSnapshot) { seen.put(snapshot) }
        })
        val first = seen.poll(10, TimeUnit.SECONDS) as DocumentSnapshot.Contacts
        assertEquals(listOf(mentor), first.contacts.contacts)

        thread(name = "writer") { runBlocking { store.putContact(crisisLine) } }.join()
        val second = seen.poll(10, TimeUnit.SECONDS) as DocumentSnapshot.Contacts
        assertEquals(listOf(mentor, crisisLine), second.contacts.contacts)

        // The home screen listener, and cancellation.
        val homes = LinkedBlockingQueue<HomeScreen>()
        val homeHandle = store.subscribeHomeScreen("2026-03-03", object : HomeScreenListener {
            override fun onHomeScreen(home: HomeScreen) { homes.put(home) }
        })
        assertFalse(assertNotNull(homes.poll(10, TimeUnit.SECONDS)).checkedInToday)
        store.recordCheckIn(checkIn("2026-03-03", 8))
        assertTrue(assertNotNull(homes.poll(10, TimeUnit.SECONDS)).checkedInToday)

        handle.cancel()
        homeHandle.close() // AutoCloseable: releasing the handle cancels too
        assertTrue(handle.isCancelled())
        store.putContact(mentor.copy(notes = "after cancel"))
        assertEquals(null, seen.poll(300, TimeUnit.MILLISECONDS))
        store.closeStore()
    }

    @Test
    fun asyncCallsRunConcurrentlyOffTheCallersThread() = runBlocking {
        val store = openStore()
        val written = (1..20).map { n ->
            async { store.recordCheckIn(checkIn("2026-03-%02d".format(n), n % 11)) }
        }.awaitAll()
        assertEquals(20, written.map { it.id }.toSet().size)
        assertEquals(20, store.listCheckIns().size)
        val bytes = store.exportBytes(DocumentKind.JOURNAL)
        assertTrue(bytes.isNotEmpty())
        store.importBytes(DocumentKind.JOURNAL, bytes)
        val refused = assertFailsWith<TwofoldException.ImportRefused> { store.importJson(DocumentKind.JOURNAL, "{ not json") }
        assertTrue(refused.reason.isNotEmpty())
        store.closeStore()
    }

    @Test
    fun closeAndReopenWithEverythingStillThere() = runBlocking {
        val store = openStore()
        val ids = putFullPlan(store)
        val meeting = weeklyMeeting().also { store.putMeeting(it) }.let { store.getMeeting(it.id) }
        val checkIn = store.recordCheckIn(checkIn("2026-03-03", 6, "Good group tonight"))
        val plan = store.documentSnapshot(DocumentKind.PLAN)
        store.closeStore()
        assertTrue(store.isClosed())
        assertFailsWith<TwofoldException.Closed> { store.listContacts() }
        assertFailsWith<TwofoldException.Closed> { store.putContact(mentor) }
        store.closeStore() // twice is fine

        val reopened = openStore()
        assertEquals(plan, reopened.documentSnapshot(DocumentKind.PLAN))
        assertEquals(listOf(mentor, crisisLine), reopened.listContacts())
        assertEquals(meeting, reopened.getMeeting(meeting.id))
        assertEquals(checkIn, reopened.listCheckIns().single())
        assertEquals(ids["trigger"], reopened.listTriggers().single().id)
        reopened.closeStore()
    }

    @Test
    fun theScheduleInTimeAndTheCrisisScreen() = runBlocking {
        val store = openStore()
        putFullPlan(store)
        val meeting = weeklyMeeting().also { store.putMeeting(it) }
        val from = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli()
        val next = store.nextOccurrences(from, 2u, "Europe/Madrid")
        assertEquals(listOf("2026-03-03T19:00:00", "2026-03-10T19:00:00"), next.map { it.start })
        assertEquals(Instant.parse("2026-03-03T18:00:00Z").toEpochMilli(), next.first().startUtcMs)
        store.cancelOccurrence(meeting.id, "2026-03-03T19:00", "Holiday")
        assertEquals("2026-03-10T19:00:00", store.nextOccurrences(from, 1u, "Europe/Madrid").single().start)
        store.markAttendance(meeting.id, "2026-03-10T19:00", AttendanceStatus.ATTENDED, "")
        assertEquals(1u, store.attendanceCounts(CountPeriod.MONTH, "2026-03-01", "2026-03-31").single().attended)
        assertTrue(store.exportIcalendar().contains("RRULE:FREQ=WEEKLY;BYDAY=TU"))

        val screen = store.crisisScreen()
        assertEquals(listOf(mentor.id), screen.peopleToCall.map { it.contactId })
        val help = store.prepareHelpMessage(listOf(mentor.id), "Please call me")
        assertEquals("Alex (mentor)", help.recipients.single().name)
        val outcome = store.recordCheckInAndEvaluate(checkIn("2026-03-03", 6), "2026-03-03")
        assertEquals("2026-03-03", outcome.checkIn.day)
        store.closeStore()
    }
}
