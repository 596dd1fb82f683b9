// Care content through the app's models (issue 22): the core's language from the phone's
// languages, the harm-reduction sections' forms and the crisis screen, the medication
// schedule's form, and per-dose answers in the check-in.
import Foundation
import XCTest

@testable import TwofoldKit

final class CareTests: StoreTestCase {
    func testTheCoreSpeaksTheFirstOfThePersonsLanguagesItKnows() {
        XCTAssertEqual(coreLang(preferred: ["fr-CA"]), .fr)
        XCTAssertEqual(coreLang(preferred: ["pt-BR"]), .pt)
        XCTAssertEqual(coreLang(preferred: ["ar"]), .ar)
        XCTAssertEqual(coreLang(preferred: ["de-DE", "es-MX"]), .es, "German first, then Spanish")
        XCTAssertEqual(coreLang(preferred: ["zh_Hans_CN"]), .en)
        XCTAssertEqual(coreLang(preferred: []), .en)
        XCTAssertEqual(Set(["en", "es", "fr", "pt", "ar"].map { coreLang(preferred: [$0]) }).count, 5)
        XCTAssertTrue(Lang.ar.isRightToLeft)
        XCTAssertFalse([Lang.en, .es, .fr, .pt].contains { $0.isRightToLeft })
    }

    func testHarmReductionItemsGoToTheirFormsAndBack() {
        let kit = SectionItem.naloxoneKits(item: NaloxoneKit(
            id: newItemId(), location: "kitchen drawer", expires: "2027-01-31", remindDaysBefore: 30, notes: "two doses"))
        let line = SectionItem.neverUseAlone(item: NeverUseAloneLine(id: newItemId(), name: "A line", phone: "+1 800 000 0000", notes: ""))
        let responder = SectionItem.naloxoneResponders(item: NaloxoneResponder(id: newItemId(), contactId: newItemId(), note: "trained"))
        for item in [kit, line, responder] {
            let draft = PlanItemDraft(editing: item)
            XCTAssertEqual(draft.item, item)
            XCTAssertEqual(draft.section.name, item.section)
        }
        let draft = PlanItemDraft(section: .neverUseAlone)
        XCTAssertEqual(draft.formField(of: .invalidInput(field: "never_use_alone.phone", reason: "x")), .phone)
        XCTAssertEqual(draft.formField(of: .invalidInput(field: "naloxone_kits.remind_days_before", reason: "x")), .remindDays)
        XCTAssertTrue(draft.isTextRefused(.invalidInput(field: "naloxone_kits.location", reason: "x")))
    }

    @MainActor
    func testHarmReductionFromThePlanShowsOnTheCrisisScreen() async throws {
        let app = try await device("care")
        let ana = Contact(id: newItemId(), name: "Ana", phones: [Phone(label: "mobile", number: "+34 600 000 001")])
        let added = await app.contacts.save(ana)
        XCTAssertTrue(added)
        var kit = PlanItemDraft(section: .naloxoneKits)
        kit.text = "kitchen drawer"
        kit.expires = "2027-01-31"
        kit.remindDaysBefore = 91
        let refused = await app.plan.save(kit)
        XCTAssertFalse(refused, "over 90 days is refused")
        XCTAssertEqual(kit.formField(of: app.plan.failure), .remindDays)
        kit.remindDaysBefore = 30
        var line = PlanItemDraft(section: .neverUseAlone)
        line.text = "A line I trust"
        line.phone = "+34 600 000 002"
        var responder = PlanItemDraft(section: .naloxoneResponders)
        responder.contactId = ana.id
        responder.detail = "trained"
        for draft in [kit, line, responder] {
            let saved = await app.plan.save(draft)
            XCTAssertTrue(saved, "\(draft.section): \(String(describing: app.plan.failure))")
        }
        app.crisis.load()
        let screen = try XCTUnwrap(app.crisis.screen)
        XCTAssertEqual(screen.naloxoneKits.map(\.location), ["kitchen drawer"])
        XCTAssertEqual(screen.naloxoneKits.map(\.expires), ["2027-01-31"])
        XCTAssertEqual(screen.neverUseAlone.map(\.phone), ["+34 600 000 002"])
        XCTAssertEqual(screen.naloxoneResponders.map(\.name), ["Ana"])
        XCTAssertEqual(app.crisis.callLink(screen.naloxoneResponders[0].phones)?.absoluteString, "tel:+34600000001")

        // The phone's region: the core's bundled lines and emergency number, with the same items.
        let mexico = CrisisModel(store: app.store, lang: .es, region: "MX")
        mexico.load()
        let there = try XCTUnwrap(mexico.screen)
        XCTAssertEqual(there.emergency?.number, "911")
        XCTAssertEqual(there.crisisLines.filter { $0.bundledRegion == "MX" }.map { $0.phones.first?.number }, ["800 911 2000"])
        XCTAssertEqual(there.naloxoneKits, screen.naloxoneKits)
    }

    @MainActor
    func testAMedicationFromItsFormAndPerDoseAnswersInTheCheckIn() async throws {
        let time = TestTime("2026-03-03T07:30:00Z")
        let app = try await device("meds", clock: testClock(time))
        app.medications.start()
        var draft = app.medications.newDraft()
        XCTAssertEqual(draft.timeZone, "Europe/Madrid")
        draft.name = "Buprenorphine"
        draft.doseAmount = "0"
        draft.start = "2026-03-01T08:00"
        draft.rrule = "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0"
        var saved = await app.medications.save(draft)
        XCTAssertFalse(saved)
        XCTAssertEqual(app.medications.failure?.field, "medication_schedule.dose_amount")
        draft.doseAmount = "8"
        draft.reminderOffsets = "0, soon"
        saved = await app.medications.save(draft)
        XCTAssertFalse(saved)
        XCTAssertEqual(app.medications.failure?.field, "medication_schedule.reminder_offsets_minutes")
        XCTAssertEqual(try app.store.read { try $0.listMedicationSchedule() }, [], "nothing written while refused")
        draft.reminderOffsets = "0,15"
        saved = await app.medications.save(draft)
        XCTAssertTrue(saved, "\(String(describing: app.medications.failure))")
        try await waitUntil("the medication is listed") { app.medications.medications.count == 1 }
        let medication = app.medications.medications[0]
        XCTAssertEqual(medication.reminderOffsetsMinutes, [0, 15])
        XCTAssertFalse(medication.showNameInReminders, "reminders stay discreet unless allowed")
        XCTAssertEqual(MedicationDraft(editing: medication).start, "2026-03-01T08:00")
        XCTAssertEqual(MedicationDraft(editing: medication).doseAmount, "8")

        app.checkIn.load()
        XCTAssertEqual(app.checkIn.dueDoses.map(\.dose.due), ["2026-03-03T08:00:00", "2026-03-03T20:00:00"])
        XCTAssertEqual(app.checkIn.dueDoses.first?.medication?.name, "Buprenorphine")
        app.checkIn.answer(app.checkIn.dueDoses[0].dose, taken: true)
        app.checkIn.answer(app.checkIn.dueDoses[1].dose, taken: false)
        let submitted = await app.checkIn.submit()
        XCTAssertTrue(submitted, "\(String(describing: app.checkIn.failure))")
        let doses = try XCTUnwrap(app.checkIn.outcome).checkIn.doses
        XCTAssertEqual(doses.map(\.taken), [true, false])
        XCTAssertTrue(app.checkIn.doseAnswers.isEmpty, "the form is fresh again")
        XCTAssertEqual(try app.store.read { try $0.medicationAdherence(today: "2026-03-03") }.map(\.taken), [1])
    }
}
