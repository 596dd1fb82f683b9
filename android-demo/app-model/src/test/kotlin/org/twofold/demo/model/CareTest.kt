package org.twofold.demo.model

import java.util.Locale
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.Contact
import org.twofold.core.Lang
import org.twofold.core.Phone
import org.twofold.kit.Store

/**
 * Care content through the screens' state holders (issue 22): the core's language from the
 * phone's languages, the medication schedule's form, per-dose answers in the check-in, and the
 * harm-reduction items on the plan's forms and the crisis screen.
 */
class CareTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val scope = modelScope()
    private lateinit var store: Store

    @Before
    fun open() = runBlocking { store = openStore(tmp.root, "care") }

    @After
    fun close() {
        scope.cancel()
        store.close()
    }

    @Test
    fun theCoreSpeaksTheFirstOfThePersonsLanguagesItKnows() {
        assertEquals(Lang.FR, coreLang(listOf(Locale.CANADA_FRENCH)))
        assertEquals(Lang.PT, coreLang(listOf(Locale.forLanguageTag("pt-BR"))))
        assertEquals(Lang.AR, coreLang(listOf(Locale.forLanguageTag("ar-EG"))))
        assertEquals(Lang.ES, coreLang(listOf(Locale.GERMAN, Locale.forLanguageTag("es-MX"))), "German first, then Spanish")
        assertEquals(Lang.EN, coreLang(listOf(Locale.JAPANESE)))
        assertEquals(Lang.EN, coreLang(emptyList()))
        assertTrue(Lang.AR.isRightToLeft)
        assertFalse(Lang.entries.filter { it != Lang.AR }.any { it.isRightToLeft })
        // Every language the core speaks is reachable from some phone.
        assertEquals(Lang.entries.toSet(), listOf("en", "es", "fr", "pt", "ar").map { coreLang(listOf(Locale.forLanguageTag(it))) }.toSet())
    }

    @Test
    fun aMedicationIsSavedFromItsFormAndTheCheckInAnswersEachDose() = runBlocking {
        val meds = MedicationsModel(store, MADRID, scope)
        meds.state.awaitState("loaded") { it.loaded }
        meds.startNew()
        meds.edit { it.copy(name = "Buprenorphine", doseAmount = "0", start = "2026-03-01T08:00", rrule = "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0") }
        meds.save().join()
        assertTrue("dose_amount" in meds.state.value.errors, "a zero dose is refused on its field: ${meds.state.value.errors}")
        meds.edit { it.copy(doseAmount = "8", reminderOffsets = "0, soon") }
        meds.save().join()
        assertTrue("reminder_offsets_minutes" in meds.state.value.errors)
        assertEquals(0, store.call { listMedicationSchedule() }.size, "nothing written while the form is refused")
        meds.edit { it.copy(reminderOffsets = "0, 15") }
        meds.save().join()
        assertNull(meds.problem.value)
        assertNull(meds.state.value.editing)
        val saved = meds.state.awaitState("listed") { it.medications.size == 1 }.medications.single()
        assertEquals(8.0, saved.doseAmount)
        assertEquals(listOf(0u, 15u), saved.reminderOffsetsMinutes)
        assertFalse(saved.showNameInReminders, "reminders stay discreet unless the person allows the name")
        meds.startEdit(saved.id)
        assertEquals("2026-03-01T08:00", assertNotNull(meds.state.value.editing).start)
        meds.cancel()

        val checkIn = CheckInModel(store, TUESDAY_MORNING, scope)
        val doses = checkIn.state.awaitState("today's two doses") { it.choices.doses.size == 2 }.choices.doses
        assertEquals(listOf("08:00", "20:00"), doses.map { it.time })
        assertEquals("Buprenorphine", doses.first().name)
        checkIn.answerDose(doses[0].key, true)
        checkIn.answerDose(doses[1].key, false)
        checkIn.answerDose(doses[1].key, null)
        checkIn.answerDose(doses[1].key, false)
        checkIn.save().join()
        assertNull(checkIn.problem.value)
        val recorded = assertNotNull(checkIn.state.value.outcome).checkIn
        assertEquals(listOf(true, false), recorded.doses.map { it.taken })
        assertEquals(doses.map { it.key.due }, recorded.doses.map { it.due })
        assertEquals(listOf(1u), store.call { medicationAdherence("2026-03-03") }.map { it.taken })
    }

    @Test
    fun harmReductionItemsComeFromThePlanFormsAndShowOnTheCrisisScreen() = runBlocking {
        store.call {
            putContact(Contact(id = "ana", name = "Ana", phones = listOf(Phone("mobile", "+34 600 000 001"))))
        }
        val plan = PlanModel(store, scope)
        plan.state.awaitState("plan with Ana") { it.loaded && it.contacts.isNotEmpty() }
        plan.startNew(PlanSection.NALOXONE_KITS)
        plan.editField("location", "kitchen drawer")
        plan.editField("expires", "2027-01-31")
        plan.editField("remind_days_before", 91)
        plan.save().join()
        assertTrue("remind_days_before" in assertNotNull(plan.state.value.editing).errors, "over 90 days is refused on its field")
        plan.editField("remind_days_before", 30)
        plan.save().join()
        plan.startNew(PlanSection.NEVER_USE_ALONE)
        plan.editField("name", "A line I trust")
        plan.editField("phone", "call me")
        plan.save().join()
        assertTrue("phone" in assertNotNull(plan.state.value.editing).errors)
        plan.editField("phone", "+34 600 000 002")
        plan.save().join()
        plan.startNew(PlanSection.NALOXONE_RESPONDERS)
        plan.editField("contact_id", "ana")
        plan.editField("note", "trained")
        plan.save().join()
        assertNull(plan.state.value.editing)
        val listed = plan.state.awaitState("three harm-reduction sections") { s ->
            listOf(PlanSection.NALOXONE_KITS, PlanSection.NEVER_USE_ALONE, PlanSection.NALOXONE_RESPONDERS)
                .all { section -> s.sections.single { it.section == section }.entries.size == 1 }
        }
        assertEquals("Ana", listed.sections.single { it.section == PlanSection.NALOXONE_RESPONDERS }.entries.single().title)

        val crisis = CrisisModel(store, Lang.AR, scope)
        val screen = assertNotNull(crisis.state.awaitState("the crisis screen") { it.loaded && it.screen?.naloxoneResponders?.isNotEmpty() == true }.screen)
        assertEquals(listOf("kitchen drawer" to "2027-01-31"), screen.naloxoneKits.map { it.location to it.expires })
        assertEquals(listOf("+34 600 000 002"), screen.neverUseAlone.map { it.phone })
        assertEquals(listOf("Ana"), screen.naloxoneResponders.map { it.name })
    }
}
