// Failures arrive as typed Swift errors (`StoreError`) naming the field, from the store and
// through the models' `failure`; and nothing is written when an input is refused.
import Foundation
import XCTest

@testable import TwofoldKit

final class ErrorTests: StoreTestCase {
    func testARefusedItemIsATypedErrorNamingItsFieldAndWritesNothing() async throws {
        let store = try await openStore()
        let blank = Trigger(id: newItemId(), description: "   ", kind: .internal, domain: .substance)
        do {
            try await store.put(.triggers(item: blank))
            XCTFail("a blank trigger was written")
        } catch let error as StoreError {
            XCTAssertEqual(error.field, "triggers.description")
            XCTAssertTrue(error.isAbout(field: "description"))
            guard case .invalidInput(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(reason.isEmpty)
        }
        XCTAssertEqual(try store.read { try $0.listTriggers() }, [])

        let mood11 = NewCheckIn(day: "2026-03-03", mood: 11, craving: 0)
        do {
            _ = try await store.write { try await $0.recordCheckIn(checkIn: mood11, atMs: nil) }
            XCTFail("mood 11 was recorded")
        } catch StoreError.invalidInput(let field, _) {
            XCTAssertEqual(field, "check_ins.mood")
        }
        XCTAssertThrowsError(try store.read { try $0.getTrigger(id: "no-such-trigger") }) { error in
            XCTAssertEqual(error as? StoreError, .notFound(what: "item", id: "no-such-trigger"))
        }
        store.close()
    }

    func testAWrongKeyIsItsOwnErrorAndKeepsTheStore() async throws {
        let key = EphemeralKey.random()
        let store = try await openStore("mine", key: key)
        try await store.put(.contacts(item: Contact(id: newItemId(), name: "Alex")))
        store.close()
        do {
            _ = try await openStore("mine", key: EphemeralKey.random())
            XCTFail("a wrong key opened the store")
        } catch let error as StoreError {
            XCTAssertEqual(error, .wrongKey)
        }
        do {
            _ = try await openStore("mine", key: Data(count: 16))
            XCTFail("a short key was taken")
        } catch let error as StoreError {
            XCTAssertEqual(error.field, "key")
        }
        let again = try await openStore("mine", key: key)
        XCTAssertEqual(try again.read { try $0.listContacts() }.map(\.name), ["Alex"])
        again.close()
        XCTAssertThrowsError(try again.read { try $0.listContacts() }) { XCTAssertEqual($0 as? StoreError, .closed) }
    }

    @MainActor
    func testAModelShowsTheRefusedFieldOfItsForm() async throws {
        let app = try await device("sam", clock: testClock(TestTime("2026-03-03T09:00:00Z")))
        app.start()
        var draft = PlanItemDraft(section: .warningSigns)
        draft.text = ""
        let saved = await app.plan.save(draft)
        XCTAssertFalse(saved)
        XCTAssertEqual(app.plan.failure?.field, "warning_signs.description")
        XCTAssertTrue(draft.isTextRefused(app.plan.failure))

        var rung = PlanItemDraft(section: .crisisContacts)
        rung.detail = "comes over"
        let savedRung = await app.plan.save(rung)
        XCTAssertFalse(savedRung, "a crisis rung needs a contact")
        XCTAssertEqual(rung.formField(of: app.plan.failure), .contact, "\(String(describing: app.plan.failure))")

        var meeting = app.schedule.newMeeting()
        meeting.name = "Group"
        meeting.weekdays = [.tu]
        meeting.durationMinutes = 0
        let savedMeeting = await app.schedule.save(meeting)
        XCTAssertFalse(savedMeeting)
        XCTAssertEqual(app.schedule.failure?.field, "meetings.duration_minutes")

        XCTAssertFalse(app.sync.connect(relayURL: "not a url"))
        XCTAssertEqual(app.sync.failure?.field, "relay")
        XCTAssertEqual(app.plan.entries(in: .warningSigns), [], "nothing was written")
        await app.close()
    }
}
