// A full day of one person's use, end to end through the app's models against the real core:
// contacts and every section of the plan, two evenings' check-ins and this morning's, an alert
// on the today screen, the crisis screen's data and links, a meeting imported from a Meeting
// Guide feed after a preview, its discreet reminder, attendance and the calendar export.
import Foundation
import XCTest

@testable import TwofoldKit

final class FullDayTests: StoreTestCase {
    let texts = PhraseText { key in
        [
            "phrase.alert.high_craving": "High craving on {count} of the last {window_days} days",
            "reminder.private": "Something on your schedule at {time}",
            "reminder.detailed": "{name} at {time}, {place}",
        ][key]
    }

    let feed = Data("""
        [
          {"slug": "dd-tuesday", "name": "Dual Diagnosis Tuesday", "day": 2, "time": "19:00",
           "end_time": "20:30", "timezone": "Europe/Madrid", "formatted_address": "Calle Mayor 1, Madrid",
           "types": ["DD", "O"]},
          {"slug": "aa-friday", "name": "Friday AA", "day": 5, "time": "20:00", "types": ["O"]}
        ]
        """.utf8)

    @MainActor
    func testAFullDayThroughTheModels() async throws {
        let time = TestTime("2026-03-01T20:00:00Z")
        let app = try await device("sam", clock: testClock(time))

        // Contacts, then every section of the plan through the editor's drafts.
        let alex = Contact(
            id: newItemId(), name: "Alex (mentor)", roles: [.mentor],
            phones: [Phone(label: "mobile", number: "+34 600 000 001")], availability: "evenings", crisisOrder: 1)
        let line = Contact(id: newItemId(), name: "Crisis line", roles: [.crisisLine], phones: [Phone(number: "024")])
        for contact in [alex, line] {
            let saved = await app.contacts.save(contact)
            XCTAssertTrue(saved, "\(String(describing: app.contacts.failure))")
        }
        app.plan.start()
        app.contacts.start()
        try await waitUntil("the plan and the contacts are shown") { app.plan.isLoaded && app.contacts.contacts.count == 2 }
        let whenWellSaved = await app.plan.setWhenWell("I sleep eight hours and walk the dog.")
        XCTAssertTrue(whenWellSaved)
        var goalId = ""
        for section in PlanSection.allCases {
            var draft = PlanItemDraft(section: section)
            draft.text = "My \(section.rawValue)"
            draft.detail = "what to do"
            draft.domain = .both
            if section == .goalSteps { draft.goalId = goalId }
            if [.crisisContacts, .professionals, .naloxoneResponders].contains(section) {
                draft.contactId = section == .professionals ? line.id : alex.id
            }
            if section == .neverUseAlone { draft.phone = "+34 600 000 009" }
            let saved = await app.plan.save(draft)
            XCTAssertTrue(saved, "\(section): \(String(describing: app.plan.failure))")
            if section == .goals { goalId = draft.id }
        }
        try await waitUntil("every section has its item") {
            PlanSection.allCases.allSatisfy { app.plan.entries(in: $0).count == 1 }
        }
        XCTAssertEqual(app.plan.whenWell, "I sleep eight hours and walk the dog.")
        XCTAssertEqual(app.plan.entries(in: .crisisContacts).first?.text, "Alex (mentor)", "a rung shows its contact's name")
        XCTAssertEqual(app.plan.entries(in: .triggers).first?.domain, .both)
        var trigger = PlanItemDraft(editing: try XCTUnwrap(app.plan.entries(in: .triggers).first).item)
        trigger.domain = .substance
        let edited = await app.plan.save(trigger)
        XCTAssertTrue(edited)
        try await waitUntil("the edited tag") { app.plan.entries(in: .triggers).first?.domain == .substance }
        await app.crisis.setLocalLine(LocalCrisisLine(name: "Línea 024", number: "024", region: "ES"))

        // Two evenings of high craving, checked in through the form.
        app.checkIn.load()
        XCTAssertEqual(app.checkIn.triggerChoices.map(\.description), ["My triggers"])
        for day in ["2026-03-01T20:00:00Z", "2026-03-02T20:00:00Z"] {
            time.set(day)
            app.checkIn.craving = 9
            app.checkIn.mood = 4
            app.checkIn.triggersMet = Set(app.checkIn.triggerChoices.map(\.id))
            let submitted = await app.checkIn.submit()
            XCTAssertTrue(submitted, "\(String(describing: app.checkIn.failure))")
        }

        // This morning: the today screen asks for a check-in; after it, the alert is there.
        time.set("2026-03-03T07:30:00Z")
        app.start()
        try await waitUntil("the today screen") { app.today.isLoaded }
        XCTAssertTrue(app.today.needsCheckIn)
        app.checkIn.craving = 8
        app.checkIn.copingUsed = Set(app.checkIn.copingChoices.map(\.id))
        let submitted = await app.checkIn.submit()
        XCTAssertTrue(submitted)
        let outcome = try XCTUnwrap(app.checkIn.outcome)
        XCTAssertEqual(outcome.checkIn.day, "2026-03-03")
        XCTAssertTrue(outcome.alerts.contains { $0.rule == .highCraving }, "\(outcome.alerts.map(\.rule))")
        XCTAssertEqual(app.checkIn.craving, 0, "the form is fresh again")
        try await waitUntil("the alert on the today screen") {
            !app.today.needsCheckIn && app.today.openAlerts.contains { $0.rule == .highCraving }
        }
        let alert = try XCTUnwrap(app.today.openAlerts.first { $0.rule == .highCraving })
        XCTAssertTrue(texts.text(alert.reason).hasPrefix("High craving on 3 of the last"), texts.text(alert.reason))

        // Counting days: a milestone on the today screen; a lapse brings up the lapse plan.
        let counting = await app.today.startRecovery(substance: "alcohol", on: TestTime.parse("2026-02-01T12:00:00Z"))
        XCTAssertTrue(counting)
        try await waitUntil("the milestone on the today screen") { app.today.milestones.first?.days == 30 }
        XCTAssertEqual(app.today.milestones.first?.substance, "alcohol")
        XCTAssertNotNil(app.today.milestones.first?.reached, "a month reached")

        // The crisis screen: the plan's people, lines and links, all read offline.
        app.crisis.load()
        let screen = try XCTUnwrap(app.crisis.screen)
        XCTAssertEqual(screen.peopleToCall.map(\.name), ["Alex (mentor)"])
        XCTAssertEqual(screen.copingStrategies.map(\.description), ["My copingStrategies"])
        XCTAssertEqual(screen.reasons.map(\.text), ["My reasons"])
        XCTAssertEqual(screen.environmentSafety.map(\.description), ["My environmentSafety"])
        XCTAssertEqual(screen.professionals.map(\.name), ["Crisis line"])
        XCTAssertEqual(screen.crisisLines, [], "the local line's number is already on the screen (the crisis line)")
        XCTAssertEqual(app.crisis.localLine?.number, "024")
        XCTAssertEqual(app.crisis.callLink(screen.peopleToCall[0].phones)?.absoluteString, "tel:+34600000001")
        let sms = try XCTUnwrap(app.crisis.helpMessageLink(to: [alex.id], text: "Please call me"))
        XCTAssertEqual(sms.absoluteString, "sms:+34600000001&body=Please%20call%20me")
        XCTAssertNotNil(app.crisis.helpDraft)

        // A Meeting Guide feed: preview (nothing written), then import the chosen meeting.
        let previewed = await app.schedule.previewFeed(feed, filter: MeetingGuideFilter(types: ["DD"]), kind: .dualRecoveryAnonymous)
        XCTAssertTrue(previewed, "\(String(describing: app.schedule.failure))")
        let preview = try XCTUnwrap(app.schedule.preview)
        XCTAssertEqual(preview.importable.map(\.key), ["dd-tuesday"])
        XCTAssertEqual(try app.store.read { try $0.listMeetings() }, [], "a preview writes nothing")
        let imported = await app.schedule.importPreview(choosing: ["dd-tuesday"])
        XCTAssertTrue(imported)
        XCTAssertEqual(app.schedule.lastImport?.added, 1)
        try await waitUntil("the meeting in the schedule") { app.schedule.meetings.count == 1 }
        let meeting = app.schedule.meetings[0]
        XCTAssertEqual(meeting.sourceSlug, "dd-tuesday")
        XCTAssertEqual(meeting.rrule, "FREQ=WEEKLY;BYDAY=TU")
        let reminded = await app.schedule.setReminders(meeting, minutesBefore: [60])
        XCTAssertTrue(reminded)
        try await waitUntil("tonight's meeting on the today screen") {
            app.today.nextMeetings.first?.meetingId == meeting.id && app.schedule.upcoming.count > 1
        }
        XCTAssertEqual(app.today.nextMeetings.first?.viewerStart, "2026-03-03T19:00:00")

        // Its reminder: an hour before, discreet by default (no name, no place).
        let reminders = await app.reminders()
        let first = try XCTUnwrap(reminders.first)
        XCTAssertEqual(first.fireDate, TestTime.parse("2026-03-03T17:00:00Z"))
        XCTAssertEqual(first.bodyKey, "reminder.private")
        XCTAssertNil(first.values["name"])
        XCTAssertEqual(texts.fill(first.bodyKey, first.values), "Something on your schedule at 19:00")
        app.setShowReminderDetail(true)
        let detailedList = await app.reminders()
        let detailed = try XCTUnwrap(detailedList.first)
        XCTAssertEqual(texts.fill(detailed.bodyKey, detailed.values), "Dual Diagnosis Tuesday at 19:00, Calle Mayor 1, Madrid")

        // The evening: attended, and the schedule goes to the calendar.
        let tonight = try XCTUnwrap(app.today.nextMeetings.first)
        let marked = await app.schedule.mark(tonight, .attended)
        XCTAssertTrue(marked)
        XCTAssertEqual(try app.store.read { try $0.listAttendance() }.map(\.status), [.attended])
        let exported = await app.schedule.calendarExport()
        let ics = try XCTUnwrap(exported)
        XCTAssertTrue(ics.contains("BEGIN:VCALENDAR") && ics.contains("RRULE:FREQ=WEEKLY;BYDAY=TU"))

        // The alert is acknowledged and leaves the today screen.
        await app.today.acknowledge(alert)
        XCTAssertFalse(app.today.openAlerts.contains { $0.rule == .highCraving })
        await app.close()
        XCTAssertTrue(app.store.isClosed)
    }
}
