// The Swift suite: the generated bindings used the way the iOS app uses them (async/await,
// typed errors, listeners), on Linux against the library built for this machine.
import Foundation
import XCTest

import TwofoldCore

/// Collects values delivered on another thread; `next` waits for one.
final class Inbox<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []

    func put(_ item: T) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    func next(timeout: TimeInterval = 10) -> T? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if !condition.wait(until: deadline) { return nil }
        }
        return items.removeFirst()
    }
}

final class DocumentInbox: DocumentListener, @unchecked Sendable {
    let inbox = Inbox<DocumentSnapshot>()
    func onDocument(snapshot: DocumentSnapshot) { inbox.put(snapshot) }
}

final class HomeInbox: HomeScreenListener, @unchecked Sendable {
    let inbox = Inbox<HomeScreen>()
    func onHomeScreen(home: HomeScreen) { inbox.put(home) }
}

func randomKey() -> Data {
    var rng = SystemRandomNumberGenerator()
    return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
}

/// Runs `body` and checks it throws `InvalidInput` naming `field`.
func assertInvalid(_ field: String, file: StaticString = #filePath, line: UInt = #line,
                   _ body: () async throws -> Void) async {
    do {
        try await body()
        XCTFail("expected InvalidInput(\(field))", file: file, line: line)
    } catch TwofoldError.InvalidInput(let got, _) {
        XCTAssertEqual(got, field, file: file, line: line)
    } catch {
        XCTFail("expected InvalidInput(\(field)), got \(error)", file: file, line: line)
    }
}

final class TwofoldStoreTests: XCTestCase {
    var dir: URL!
    let key = randomKey()
    var path: String { dir.appendingPathComponent("twofold.db").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func openStore() async throws -> TwofoldStore {
        try await TwofoldStore.open(path: path, key: key)
    }

    // --- fixtures ---------------------------------------------------------------------------

    let mentor = Contact(
        id: "contact-mentor", name: "Alex (mentor)", roles: [.mentor, .peer],
        phones: [Phone(label: "mobile", number: "+34 600 000 001")], email: "alex@example.org",
        availability: "evenings", crisisOrder: 1)
    let crisisLine = Contact(
        id: "contact-crisis-line", name: "Crisis line", roles: [.crisisLine],
        phones: [Phone(number: "024")], availability: "24/7")

    func weeklyMeeting() -> Meeting {
        Meeting(
            id: newItemId(), name: "Dual Recovery group", kind: .dualRecoveryAnonymous,
            format: .hybrid, address: "Calle Mayor 1, Madrid",
            conferenceUrl: "https://meet.example.org/dra", start: "2026-03-03T19:00",
            timeZone: "Europe/Madrid", durationMinutes: 90, rrule: "FREQ=WEEKLY;BYDAY=TU",
            exdates: ["2026-03-31T19:00:00"], typeCodes: ["DD", "O"],
            reminderOffsetsMinutes: [60, 15])
    }

    func checkIn(_ day: String, mood: UInt8, note: String = "") -> NewCheckIn {
        NewCheckIn(day: day, mood: mood, craving: 2, sleepHours: 7.5, medicationTaken: true, note: note)
    }

    @discardableResult
    func putFullPlan(_ store: TwofoldStore) async throws -> [String: String] {
        try await store.putContact(item: mentor)
        try await store.putContact(item: crisisLine)
        var ids: [String: String] = [:]
        func id(_ name: String) -> String {
            let new = newItemId()
            ids[name] = new
            return new
        }
        try await store.setWhenWell(text: "I sleep eight hours, walk the dog and call my sister on Sundays.")
        try await store.putMaintenanceItem(item: MaintenanceItem(id: id("maintenance"), text: "Take medication at 9", priority: .mustDo))
        try await store.putTrigger(item: Trigger(id: id("trigger"), description: "Payday evenings alone", kind: .external, domain: .both, actionPlan: "Plan the evening with Alex"))
        try await store.putWarningSign(item: WarningSign(id: id("warning"), description: "Skipping meals", stage: .early, domain: .mentalHealth))
        try await store.putCopingStrategy(item: CopingStrategy(id: id("coping"), description: "Box breathing, four rounds", domain: .both))
        try await store.putDistraction(item: Distraction(id: id("distraction"), kind: .person, name: "Alex", contactId: mentor.id))
        try await store.putReason(item: Reason(id: id("reason"), kind: .recovery, text: "Seeing my daughter graduate"))
        try await store.putGoal(item: Goal(id: id("goal"), title: "Run a 5k", targetDate: "2026-09-01"))
        try await store.putGoalStep(item: GoalStep(id: id("goalStep"), goalId: ids["goal"]!, text: "Buy running shoes"))
        try await store.putTakeoverSign(item: PlanNote(id: id("takeover"), text: "I stop answering the phone for two days"))
        try await store.putCrisisContact(item: CrisisContact(id: id("crisisContact"), contactId: mentor.id, willDo: "Comes over and stays"))
        try await store.putDoNotInvolve(item: DoNotInvolve(id: id("doNotInvolve"), name: "Old drinking friend", reason: "Offers a drink"))
        try await store.putProfessional(item: Professional(id: id("professional"), contactId: crisisLine.id, roleNote: "Night crisis support"))
        try await store.putMedication(item: Medication(id: id("medication"), name: "Sertraline", preference: .preferred))
        try await store.putTreatment(item: Treatment(id: id("treatment"), name: "Day hospital", kind: .facility, preference: .preferred))
        try await store.putWhatHelps(item: PlanNote(id: id("whatHelps"), text: "Quiet room, dim light"))
        try await store.putWhatDoesNotHelp(item: PlanNote(id: id("whatDoesNotHelp"), text: "Being told to calm down"))
        try await store.putSafetyStep(item: SafetyStep(id: id("safety"), description: "Give spare medication to the pharmacy"))
        try await store.putLapsePlanStep(item: PlanNote(id: id("lapsePlan"), text: "Call Alex within an hour"))
        try await store.putPostCrisisStep(item: PlanNote(id: id("postCrisis"), text: "Two days off work"))
        return ids
    }

    // --- tests ------------------------------------------------------------------------------

    func testOpensANewStore() async throws {
        let store = try await openStore()
        XCTAssertFalse(version().isEmpty)
        XCTAssertEqual(try store.listContacts(), [])
        XCTAssertEqual(try store.whenWell(), "")
        let intact = try await store.integrityCheck()
        XCTAssertTrue(intact)
        store.close()
    }

    func testWrongKeyIsATypedErrorAndKeepsTheData() async throws {
        let first = try await openStore()
        try await first.putContact(item: mentor)
        first.close()
        do {
            _ = try await TwofoldStore.open(path: path, key: randomKey())
            XCTFail("a wrong key opened the store")
        } catch TwofoldError.WrongKey {
            // expected
        }
        await assertInvalid("key") { _ = try await TwofoldStore.open(path: self.path, key: Data(count: 16)) }
        let store = try await openStore()
        XCTAssertEqual(try store.listContacts(), [mentor])
        store.close()
    }

    func testAFullPlanWithEverySection() async throws {
        let store = try await openStore()
        let ids = try await putFullPlan(store)
        let lists: [String: [String]] = [
            "maintenance": try store.listDailyMaintenance().map(\.id),
            "trigger": try store.listTriggers().map(\.id),
            "warning": try store.listWarningSigns().map(\.id),
            "coping": try store.listCopingStrategies().map(\.id),
            "distraction": try store.listDistractions().map(\.id),
            "reason": try store.listReasons().map(\.id),
            "goal": try store.listGoals().map(\.id),
            "goalStep": try store.listGoalSteps().map(\.id),
            "takeover": try store.listTakeoverSigns().map(\.id),
            "crisisContact": try store.listCrisisContacts().map(\.id),
            "doNotInvolve": try store.listDoNotInvolve().map(\.id),
            "professional": try store.listProfessionals().map(\.id),
            "medication": try store.listMedications().map(\.id),
            "treatment": try store.listTreatments().map(\.id),
            "whatHelps": try store.listWhatHelps().map(\.id),
            "whatDoesNotHelp": try store.listWhatDoesNotHelp().map(\.id),
            "safety": try store.listEnvironmentSafety().map(\.id),
            "lapsePlan": try store.listLapsePlan().map(\.id),
            "postCrisis": try store.listPostCrisisPlan().map(\.id),
        ]
        XCTAssertEqual(lists, ids.mapValues { [$0] })
        XCTAssertEqual(try store.getGoal(id: ids["goal"]!).targetDate, "2026-09-01")

        guard case .plan(let plan) = try await store.documentSnapshot(kind: .plan) else {
            return XCTFail("not a plan snapshot")
        }
        XCTAssertEqual(plan.triggers, try store.listTriggers())
        XCTAssertTrue(plan.whenWell.hasPrefix("I sleep"))
        let json = try await store.exportJson(kind: .plan)
        XCTAssertTrue(json.contains("\"takeover_signs\""))

        let second = PlanNote(id: newItemId(), text: "Text a friend")
        try await store.putWhatHelps(item: second)
        try await store.moveItem(section: .whatHelps, id: second.id, before: ids["whatHelps"])
        XCTAssertEqual(try store.listWhatHelps().map(\.id), [second.id, ids["whatHelps"]!])
        XCTAssertEqual(try store.countItems(section: .whatHelps), 2)
        XCTAssertEqual(try store.itemConflicts(section: .triggers, id: ids["trigger"]!), [])
        try await store.removeItem(section: .goals, id: ids["goal"]!)
        XCTAssertEqual(try store.listGoalSteps(), [], "a goal's steps go with it")
        XCTAssertThrowsError(try store.getTrigger(id: "no-such-trigger")) { error in
            guard case TwofoldError.NotFound(_, let id) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(id, "no-such-trigger")
        }
        store.close()
    }

    func testContacts() async throws {
        let store = try await openStore()
        try await store.putContact(item: mentor)
        try await store.putContact(item: crisisLine)
        XCTAssertEqual(try store.listContacts(), [mentor, crisisLine])
        var changed = mentor
        changed.phones.append(Phone(label: "work", number: "+34 910 000 002"))
        changed.notes = "Prefers texts"
        try await store.putContact(item: changed)
        XCTAssertEqual(try store.getContact(id: mentor.id), changed)
        XCTAssertEqual(try store.homeScreen(today: "2026-03-03").crisisLadder.map(\.contactId), [mentor.id])

        let rung = CrisisContact(id: newItemId(), contactId: mentor.id, willDo: "Comes over")
        try await store.putCrisisContact(item: rung)
        await assertInvalid("id") { try await store.removeItem(section: .contacts, id: self.mentor.id) }
        try await store.removeItem(section: .crisisContacts, id: rung.id)
        try await store.removeItem(section: .contacts, id: mentor.id)
        XCTAssertEqual(try store.listContacts(), [crisisLine])
        store.close()
    }

    func testARecurringMeeting() async throws {
        let store = try await openStore()
        try validateRrule(rrule: "FREQ=WEEKLY;BYDAY=TU", start: "2026-03-03T19:00", timeZone: "Europe/Madrid")
        let meeting = weeklyMeeting()
        try await store.putMeeting(item: meeting)
        let stored = try store.getMeeting(id: meeting.id)
        XCTAssertEqual(stored.rrule, "FREQ=WEEKLY;BYDAY=TU")
        XCTAssertEqual(stored.timeZone, "Europe/Madrid")
        XCTAssertEqual(stored.start, "2026-03-03T19:00:00")
        XCTAssertEqual(stored.exdates, ["2026-03-31T19:00:00"])
        XCTAssertEqual(stored.reminderOffsetsMinutes, [60, 15])

        let occurrence = "2026-03-10T19:00"
        let attendance = Attendance(
            id: try attendanceId(meetingId: meeting.id, occurrence: occurrence), meetingId: meeting.id,
            occurrence: occurrence, status: .attended, note: "Spoke for the first time")
        try await store.putAttendance(item: attendance)
        XCTAssertEqual(try store.listAttendance().map(\.status), [.attended])
        await assertInvalid("meetings.rrule") {
            try validateRrule(rrule: "FREQ=SOMETIMES", start: "2026-03-03T19:00", timeZone: "Europe/Madrid")
        }
        store.close()
    }

    func testCheckIns() async throws {
        let store = try await openStore()
        let at: Int64 = 1_772_485_200_000 // 2026-03-02T21:00:00Z
        let first = try await store.recordCheckIn(checkIn: checkIn("2026-03-02", mood: 4, note: "Rough day"), atMs: at)
        XCTAssertEqual(first.atMs, at)
        _ = try await store.recordCheckIn(checkIn: checkIn("2026-03-03", mood: 6))
        _ = try await store.recordCheckIn(checkIn: checkIn("2026-03-04", mood: 7))
        XCTAssertEqual(try store.checkInsBetween(fromDay: "2026-03-01", toDay: "2026-03-03").map(\.day), ["2026-03-02", "2026-03-03"])
        XCTAssertEqual(try store.getCheckIn(id: first.id), first)

        let home = try store.homeScreen(today: "2026-03-04")
        XCTAssertTrue(home.checkedInToday)
        XCTAssertEqual(home.lastCheckIns.map(\.day), ["2026-03-04", "2026-03-03", "2026-03-02"])

        let recovery = try await store.addRecovery(substance: "alcohol", started: "2026-01-01")
        try await store.putLapsePlanStep(item: PlanNote(id: newItemId(), text: "Call Alex within an hour"))
        let lapse = try await store.recordLapse(recoveryId: recovery.id, day: "2026-02-14", note: "")
        XCTAssertEqual(lapse.lapse.recoveryId, recovery.id)
        XCTAssertEqual(lapse.lapsePlan.map(\.text), ["Call Alex within an hour"])
        let streak = try XCTUnwrap(try store.homeScreen(today: "2026-03-04").streaks.first)
        XCTAssertEqual(streak.since, "2026-02-15")
        XCTAssertEqual(streak.lapses, 1)
        store.close()
    }

    func testAValidationFailurePerDocumentWritesNothing() async throws {
        let store = try await openStore()
        try await putFullPlan(store)
        let meeting = weeklyMeeting()
        try await store.putMeeting(item: meeting)
        _ = try await store.recordCheckIn(checkIn: checkIn("2026-03-03", mood: 6))
        let triggers = try store.listTriggers(), contacts = try store.listContacts()
        let meetings = try store.listMeetings(), checkIns = try store.listCheckIns()

        await assertInvalid("triggers.description") {
            try await store.putTrigger(item: Trigger(id: newItemId(), description: "  ", kind: .internal, domain: .substance))
        }
        await assertInvalid("contacts.phones.number") {
            try await store.putContact(item: Contact(id: newItemId(), name: "Sam", phones: [Phone(number: "call me maybe")]))
        }
        var atlantis = meeting
        atlantis.id = newItemId()
        atlantis.timeZone = "Europe/Atlantis"
        await assertInvalid("meetings.time_zone") { try await store.putMeeting(item: atlantis) }
        await assertInvalid("check_ins.mood") { _ = try await store.recordCheckIn(checkIn: self.checkIn("2026-03-04", mood: 11)) }
        await assertInvalid("check_ins.day") { _ = try await store.recordCheckIn(checkIn: self.checkIn("2026-02-30", mood: 5)) }
        await assertInvalid("triggers.id") {
            try await store.putTrigger(item: Trigger(id: "not an id!", description: "x", kind: .internal, domain: .substance))
        }

        XCTAssertEqual(try store.listTriggers(), triggers)
        XCTAssertEqual(try store.listContacts(), contacts)
        XCTAssertEqual(try store.listMeetings(), meetings)
        XCTAssertEqual(try store.listCheckIns(), checkIns)
        store.close()
    }

    func testAListenerSeesTheCurrentValueThenAChangeFromAnotherThread() async throws {
        let store = try await openStore()
        try await store.putContact(item: mentor)
        let listener = DocumentInbox()
        let handle = try store.subscribeDocument(kind: .contacts, listener: listener)
        guard case .contacts(let first) = listener.inbox.next() else { return XCTFail("no current value") }
        XCTAssertEqual(first.contacts, [mentor])

        let line = crisisLine
        let writer = Thread {
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                try? await store.putContact(item: line)
                done.signal()
            }
            done.wait()
        }
        writer.start()
        guard case .contacts(let second) = listener.inbox.next() else { return XCTFail("no change") }
        XCTAssertEqual(second.contacts, [mentor, crisisLine])

        let home = HomeInbox()
        let homeHandle = try store.subscribeHomeScreen(today: "2026-03-03", listener: home)
        XCTAssertEqual(home.inbox.next()?.checkedInToday, false)
        _ = try await store.recordCheckIn(checkIn: checkIn("2026-03-03", mood: 8))
        XCTAssertEqual(home.inbox.next()?.checkedInToday, true)

        handle.cancel()
        homeHandle.cancel()
        XCTAssertTrue(handle.isCancelled())
        try await store.putContact(item: Contact(id: newItemId(), name: "After cancel"))
        XCTAssertNil(listener.inbox.next(timeout: 0.3))
        store.close()
    }

    func testAsyncCallsRunConcurrently() async throws {
        let store = try await openStore()
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 1...20 {
                group.addTask {
                    let day = String(format: "2026-03-%02d", n)
                    return try await store.recordCheckIn(checkIn: self.checkIn(day, mood: UInt8(n % 11))).id
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(ids.count, 20)
        XCTAssertEqual(try store.listCheckIns().count, 20)
        let bytes = try await store.exportBytes(kind: .journal)
        try await store.importBytes(kind: .journal, bytes: bytes)
        do {
            try await store.importJson(kind: .journal, json: "{ not json")
            XCTFail("bad JSON was imported")
        } catch TwofoldError.ImportRefused(let reason) {
            XCTAssertFalse(reason.isEmpty)
        }
        store.close()
    }

    func testCloseAndReopenWithEverythingStillThere() async throws {
        let store = try await openStore()
        let ids = try await putFullPlan(store)
        let meeting = weeklyMeeting()
        try await store.putMeeting(item: meeting)
        let storedMeeting = try store.getMeeting(id: meeting.id)
        let checked = try await store.recordCheckIn(checkIn: checkIn("2026-03-03", mood: 6, note: "Good group tonight"))
        let plan = try await store.documentSnapshot(kind: .plan)
        store.close()
        XCTAssertTrue(store.isClosed())
        XCTAssertThrowsError(try store.listContacts()) { XCTAssertEqual($0 as? TwofoldError, .Closed) }
        do {
            try await store.putContact(item: mentor)
            XCTFail("wrote to a closed store")
        } catch TwofoldError.Closed {
            // expected
        }
        store.close()

        let reopened = try await openStore()
        let planAgain = try await reopened.documentSnapshot(kind: .plan)
        XCTAssertEqual(planAgain, plan)
        XCTAssertEqual(try reopened.listContacts(), [mentor, crisisLine])
        XCTAssertEqual(try reopened.getMeeting(id: meeting.id), storedMeeting)
        XCTAssertEqual(try reopened.listCheckIns(), [checked])
        XCTAssertEqual(try reopened.listTriggers().map(\.id), [ids["trigger"]!])
        reopened.close()
    }

    func testTheScheduleInTimeAndTheCrisisScreen() async throws {
        let store = try await openStore()
        try await putFullPlan(store)
        let meeting = weeklyMeeting()
        try await store.putMeeting(item: meeting)
        let from: Int64 = 1_772_323_200_000 // 2026-03-01T00:00:00Z
        let next = try store.nextOccurrences(nowMs: from, count: 2, viewerZone: "Europe/Madrid")
        XCTAssertEqual(next.map(\.start), ["2026-03-03T19:00:00", "2026-03-10T19:00:00"])
        XCTAssertEqual(next.first?.startUtcMs, 1_772_560_800_000) // 2026-03-03T18:00:00Z
        try await store.cancelOccurrence(meetingId: meeting.id, original: "2026-03-03T19:00", note: "Holiday")
        XCTAssertEqual(try store.nextOccurrences(nowMs: from, count: 1, viewerZone: "Europe/Madrid").map(\.start),
                       ["2026-03-10T19:00:00"])
        try await store.markAttendance(meetingId: meeting.id, occurrence: "2026-03-10T19:00", status: .attended, note: "")
        XCTAssertEqual(try store.attendanceCounts(period: .month, fromDay: "2026-03-01", toDay: "2026-03-31").map(\.attended), [1])
        let ics = try await store.exportIcalendar()
        XCTAssertTrue(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=TU"))

        let screen = try store.crisisScreen()
        XCTAssertEqual(screen.peopleToCall.map(\.contactId), [mentor.id])
        let help = try store.prepareHelpMessage(recipients: [mentor.id], text: "Please call me")
        XCTAssertEqual(help.recipients.map(\.name), ["Alex (mentor)"])
        let outcome = try await store.recordCheckInAndEvaluate(checkIn: checkIn("2026-03-03", mood: 6), today: "2026-03-03")
        XCTAssertEqual(outcome.checkIn.day, "2026-03-03")
        store.close()
    }
}
