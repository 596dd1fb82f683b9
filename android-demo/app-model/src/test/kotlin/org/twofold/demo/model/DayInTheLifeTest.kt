package org.twofold.demo.model

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.ContactRole
import org.twofold.core.Domain
import org.twofold.core.ImportOutcome
import org.twofold.core.Lang
import org.twofold.core.Rule as AlertRule
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

/**
 * A whole day of the app, end to end through the screens' state holders and the real
 * library: contacts (one imported from a vCard), every section of the plan, the today screen,
 * a check-in that raises an alert, the crisis screen, a Meeting Guide feed fetched over HTTP,
 * previewed and imported, and the reminder it gives — private unless the person allowed
 * details.
 */
class DayInTheLifeTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val scope = modelScope()
    private lateinit var store: Store
    private val clock = TUESDAY_MORNING

    @Before
    fun open() = runBlocking { store = openStore(tmp.root, "lena") }

    @After
    fun close() {
        scope.cancel()
        store.close()
    }

    @Test
    fun aFullDay() = runBlocking {
        // --- contacts: one typed in (a refused phone first), one from a vCard -----------------
        val contacts = ContactsModel(store, scope)
        contacts.startNew()
        contacts.edit { it.copy(name = "Rosa", phone = "call me maybe", roles = setOf(ContactRole.MENTOR), crisisOrder = 1) }
        contacts.save().join()
        assertEquals("number", contacts.state.value.fieldError?.first, "the refused field, named")
        contacts.edit { it.copy(phone = "+34 600 000 001") }
        contacts.save().join()
        assertNull(contacts.state.value.editing)
        contacts.importVcard("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dr. Vega\r\nTEL:+34 910 000 002\r\nEND:VCARD\r\n".toByteArray()).join()
        assertEquals(1uL, assertNotNull(contacts.state.value.lastImport).added)
        val people = contacts.state.awaitState("two contacts") { it.contacts.size == 2 }.contacts
        val rosa = people.single { it.name == "Rosa" }

        // --- today, before anything happened --------------------------------------------------
        val today = TodayModel(store, clock, scope)
        assertTrue(today.state.awaitState("today loaded") { it.loaded }.needsCheckIn, "the check-in prompt shows")

        // --- the plan: every section through its form ---------------------------------------
        val plan = PlanModel(store, scope)
        plan.state.awaitState("plan loaded") { it.loaded && it.contacts.size == 2 }
        plan.setWhenWell("I sleep well and walk the dog.").join()
        plan.startNew(PlanSection.TRIGGERS)
        plan.save().join()
        assertTrue("description" in assertNotNull(plan.state.value.editing).errors, "an empty description is refused on its field")
        plan.cancelEdit()
        for (section in PlanSection.entries) {
            if (section == PlanSection.GOAL_STEPS) plan.state.awaitState("the goal") { it.goals.isNotEmpty() }
            plan.startNew(section)
            for (field in assertNotNull(plan.state.value.editing).fields) {
                when (field) {
                    is FormField.Text -> plan.editField(field.key,
                        if (field.key == "phone") "+34 600 000 009" else "${section.name.lowercase()} ${field.key}")
                    // Optional references stay empty: "people not to involve" naming Rosa
                    // would rightly take her off the crisis ladder.
                    is FormField.Pick -> if (!field.optional) plan.editField(field.key,
                        if (field.source == PickSource.CONTACTS) rosa.id else plan.state.value.goals.first().id)
                    is FormField.Day -> plan.editField(field.key, "2026-09-01")
                    is FormField.Choice -> if (field.key == "domain") plan.editField(field.key, Domain.SUBSTANCE.name)
                    is FormField.Flag, is FormField.Number -> Unit
                }
            }
            plan.save().join()
            assertNull(plan.problem.value, "$section saved")
            assertNull(plan.state.value.editing, "$section saved")
        }
        val filled = plan.state.awaitState("every section has its item") { s -> s.sections.all { it.entries.size == 1 } }
        assertEquals("I sleep well and walk the dog.", filled.whenWell)
        val section = { s: PlanSection -> filled.sections.single { it.section == s }.entries.single() }
        assertEquals(Domain.SUBSTANCE, section(PlanSection.TRIGGERS).domain, "the substance / mental health / both tag")
        assertEquals("Rosa", section(PlanSection.CRISIS_CONTACTS).title, "a crisis contact shows the contact's name")
        val warningSign = section(PlanSection.WARNING_SIGNS)

        // Order and removal: a second item moved up, then removed.
        plan.startNew(PlanSection.WHAT_HELPS)
        plan.editField("text", "a quiet room")
        plan.save().join()
        val twoHelps = plan.state.awaitState("two things that help") { s -> s.sections.single { it.section == PlanSection.WHAT_HELPS }.entries.size == 2 }
        val added = twoHelps.sections.single { it.section == PlanSection.WHAT_HELPS }.entries.last()
        plan.moveUp(PlanSection.WHAT_HELPS, added.id).join()
        plan.state.awaitState("moved first") { s -> s.sections.single { it.section == PlanSection.WHAT_HELPS }.entries.first().id == added.id }
        plan.remove(PlanSection.WHAT_HELPS, added.id).join()
        plan.state.awaitState("removed") { s -> s.sections.single { it.section == PlanSection.WHAT_HELPS }.entries.size == 1 }

        // --- a check-in in a few taps: a warning sign noticed raises an alert -----------------
        store.call { addRecovery("alcohol", "2026-01-01") }
        val checkIn = CheckInModel(store, clock, scope)
        checkIn.state.awaitState("the plan's chips") { it.choices.warningSigns.isNotEmpty() }
        checkIn.edit { it.copy(mood = 11) }
        checkIn.save().join()
        assertEquals("check_ins.mood", assertIs<TwofoldError.InvalidInput>(checkIn.problem.value).field)
        checkIn.edit { it.copy(mood = 4, craving = 6, medicationTaken = true, warningSigns = setOf(warningSign.id)) }
        checkIn.save().join()
        assertNull(checkIn.problem.value)
        val outcome = assertNotNull(checkIn.state.value.outcome)
        assertEquals("2026-03-03", outcome.checkIn.day)
        assertTrue(outcome.alerts.any { it.rule == AlertRule.WARNING_SIGN }, "the alert shows on the confirmation")

        val after = today.state.awaitState("today shows the check-in and the alert") {
            !it.needsCheckIn && it.openAlerts.isNotEmpty()
        }
        assertEquals(AlertRule.WARNING_SIGN, after.openAlerts.first().rule)
        val alcohol = after.milestones.single()
        assertEquals(61L, alcohol.days, "1 January to 3 March")
        assertEquals(listOf(rosa.id), after.crisisLadder.map { it.contactId })
        val seen = after.openAlerts.first()
        today.acknowledge(seen.rule, seen.situation).join()
        today.state.awaitState("an acknowledged alert leaves the today screen") { s -> s.openAlerts.none { it.situation == seen.situation } }

        // --- the crisis screen: offline, from the plan, with the region's line --------------
        val crisis = CrisisModel(store, Lang.ES, scope, region = "ES")
        val screen = crisis.state.awaitState("crisis screen with the region's line") { it.loaded }
        val spain = assertNotNull(screen.screen).crisisLines.single { it.bundledRegion == "ES" }
        assertEquals("024", spain.phones.first().number, "the core's bundled line for the phone's region")
        assertEquals("112", screen.screen!!.emergency?.number)
        assertEquals(listOf(rosa.id), assertNotNull(screen.screen).peopleToCall.map { it.contactId })
        assertEquals(1, screen.screen!!.copingStrategies.size)
        assertTrue(screen.helpText.isNotBlank(), "a help text to start from")
        assertEquals(CrisisAction.Call("024"), crisis.call(spain.phones.first().number))
        val sms = crisis.helpMessage(listOf(rosa.id), screen.helpText)
        assertEquals(listOf("+34 600 000 001"), sms.numbers)

        // --- a Meeting Guide feed from a URL: preview, choose, import, its reminder ---------
        val server = feedServer()
        try {
            val schedule = ScheduleModel(store, clock, HttpFeedFetcher(), scope)
            schedule.previewFeedFromFile("not json".toByteArray()).join()
            assertIs<TwofoldError.ImportRefused>(schedule.problem.value)
            schedule.previewFeedFromUrl("http://meetings.example.org/feed.json").join()
            assertEquals(FeedFailure.NOT_HTTPS, schedule.state.value.feedFailure, "no plain HTTP off this device")
            schedule.previewFeedFromUrl("http://127.0.0.1:${server.address.port}/missing.json").join()
            assertEquals(FeedFailure.UNREACHABLE, schedule.state.value.feedFailure)
            schedule.previewFeedFromUrl("http://127.0.0.1:${server.address.port}/feed.json").join()
            assertNull(schedule.state.value.feedFailure)
            val preview = assertNotNull(schedule.state.value.preview, "${schedule.problem.value}")
            assertEquals(setOf("dd-tuesday", "aa-friday"), preview.chosen, "every new entry starts ticked")
            assertTrue(preview.report.dryRun)
            assertEquals(0, store.call { listMeetings() }.size, "a preview writes nothing")
            schedule.toggleFeedEntry("aa-friday")
            schedule.importChosen().join()
            assertEquals(listOf(ImportOutcome.Added), schedule.state.value.lastImport?.entries?.map { it.outcome }?.filter { it is ImportOutcome.Added })
            val meeting = store.call { listMeetings() }.single()
            assertEquals("Dual Diagnosis Tuesday", meeting.name)
            assertEquals(listOf(60u), meeting.reminderOffsetsMinutes, "an imported meeting gets the default reminder")

            val next = schedule.state.awaitState("tonight's meeting upcoming") { it.upcoming.isNotEmpty() }.upcoming.first()
            assertEquals(Instant.parse("2026-03-03T18:00:00Z").toEpochMilli(), next.startUtcMs, "19:00 in Madrid")
            val event = schedule.calendarEvent(next)
            assertEquals("FREQ=WEEKLY;BYDAY=TU", event.rrule)
            assertTrue(schedule.exportIcalendar().contains("Dual Diagnosis Tuesday"))
            assertEquals("Dual Diagnosis Tuesday", today.state.awaitState("today's next meeting") { it.nextMeetings.isNotEmpty() }
                .nextMeetings.first().name)

            val settings = InMemorySettings()
            val private = ReminderPlanner(store, clock, settings).plan().first()
            assertEquals(private, ReminderPlanner(store, clock, settings).plans().first().first(), "the flow plans the same")
            assertEquals(Instant.parse("2026-03-03T17:00:00Z").toEpochMilli(), private.fireAtMs, "an hour before")
            assertEquals("19:00", private.time)
            assertNull(private.name, "a lock screen names nothing unless allowed")
            assertNull(private.place)
            settings.remindersShowDetail = true
            val detailed = ReminderPlanner(store, clock, settings).plan().first()
            assertEquals("Dual Diagnosis Tuesday", detailed.name)
            assertEquals("Calle Mayor 1, Madrid", detailed.place)
            assertEquals(private.notificationId, detailed.notificationId, "the same notification, updated")
        } finally {
            server.stop(0)
        }
    }

    /** A Meeting Guide feed served on loopback, as a regional feed would be over HTTPS. */
    private fun feedServer(): HttpServer {
        val feed = """[
            {"slug": "dd-tuesday", "name": "Dual Diagnosis Tuesday", "day": 2, "time": "19:00", "end_time": "20:30",
             "timezone": "Europe/Madrid", "formatted_address": "Calle Mayor 1, Madrid", "types": ["DD", "O"]},
            {"slug": "aa-friday", "name": "Friday AA", "day": 5, "time": "20:00", "types": ["O"]}
        ]""".toByteArray()
        return HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/feed.json") { exchange ->
                exchange.sendResponseHeaders(200, feed.size.toLong())
                exchange.responseBody.use { it.write(feed) }
            }
            start()
        }
    }
}
