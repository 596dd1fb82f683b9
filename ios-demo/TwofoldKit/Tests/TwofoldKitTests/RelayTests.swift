// Two devices and a real `twofold-relay` process (test-linux.sh starts it on the host, or uses
// TWOFOLD_RELAY_URL; the chroot shares the host's loopback): pairing with the code on both
// screens, sharing with consent, and an edit on one phone arriving on the other's stream —
// all through the app's models.
import Foundation
import XCTest

@testable import TwofoldKit

final class RelayTests: StoreTestCase {
    /// The relay test-linux.sh provides; without it the test fails, never skips.
    func relayURL() throws -> String {
        let url = ProcessInfo.processInfo.environment["TWOFOLD_RELAY_URL"] ?? ""
        guard url.hasPrefix("http://") else {
            XCTFail("TWOFOLD_RELAY_URL is '\(url)': run through ios-demo/test-linux.sh, which starts a relay")
            throw CancellationError()
        }
        return url
    }

    /// Repeats a sync step until `done` holds (messages cross the relay one hop per sync).
    @MainActor
    func repeatUntil(_ what: String, _ step: () async -> Void, _ done: () -> Bool) async throws {
        for _ in 0..<20 {
            await step()
            if done() { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        XCTFail("not reached after 20 syncs: \(what)")
        throw CancellationError()
    }

    @MainActor
    func testPairShareAndAnEditOnOnePhoneReachesTheOthersStream() async throws {
        let url = try relayURL()
        let sam = try await device("sam", preferences: Preferences(relayURL: url))
        let alex = try await device("alex")
        sam.start()
        alex.start()
        XCTAssertNil(alex.sync.relayURL, "the mentor has no relay until the invite names one")

        // Sam shows the invite; Alex scans it; both screens show the same code; Sam approves.
        let invited = await sam.pairing.createInvite(displayName: "Sam")
        XCTAssertTrue(invited, "\(String(describing: sam.pairing.failure))")
        let invite = try XCTUnwrap(sam.pairing.invite)
        let joined = await alex.pairing.join(invite: invite, displayName: "Alex")
        XCTAssertTrue(joined, "\(String(describing: alex.pairing.failure))")
        XCTAssertEqual(alex.sync.relayURL, url, "the invite's relay")
        let asked = try XCTUnwrap(alex.pairing.joining)
        XCTAssertEqual(asked.status, .awaitingApproval)
        XCTAssertEqual(asked.verificationCode, "", "no code before Sam's phone answers")
        try await repeatUntil("the request reaches Sam", { await sam.pairing.checkForRequests() }) {
            !sam.pairing.requests.isEmpty
        }
        let request = sam.pairing.requests[0]
        XCTAssertEqual(request.displayName, "Alex")
        try await repeatUntil("Sam's half of the code reaches Alex", { await alex.pairing.checkApproval() }) {
            !(alex.pairing.joining?.verificationCode.isEmpty ?? true)
        }
        let shown = try XCTUnwrap(alex.pairing.joining).verificationCode
        XCTAssertEqual(request.verificationCode, shown, "both screens show the same code")
        XCTAssertEqual(shown.count, 6)
        let approved = await sam.pairing.approve(request)
        XCTAssertTrue(approved)
        try await repeatUntil("Alex sees the approval", { await alex.pairing.checkApproval() }) {
            alex.pairing.joining?.status == .paired
        }
        XCTAssertEqual(sam.pairing.paired.map(\.displayName), ["Alex"])

        // Sam shares the plan read-write and the schedule read-only, with a purpose and expiry.
        sam.sharing.load()
        let mentorId = try XCTUnwrap(sam.sharing.peers.first?.id)
        var plan = ShareDraft(peerId: mentorId)
        plan.access = .write
        plan.purpose = "weekly sessions"
        var schedule = ShareDraft(peerId: mentorId)
        schedule.kind = .schedule
        schedule.purpose = "meeting reminders"
        schedule.expiresAt = sam.clock.now().addingTimeInterval(30 * 86_400)
        for draft in [plan, schedule] {
            let shared = await sam.sharing.share(draft)
            XCTAssertTrue(shared, "\(String(describing: sam.sharing.failure))")
        }
        XCTAssertEqual(sam.sharing.activeShares.map(\.kind), [.plan, .schedule])
        XCTAssertEqual(sam.sharing.shares(of: .plan).first?.purpose, "weekly sessions")

        // Alex's mentor view: Sam, the plan editable, live.
        try await repeatUntil("Sam's documents reach Alex", {
            await alex.sync.syncNow()
            alex.mentor.load()
        }) { alex.mentor.mentees.first?.documents.count == 2 }
        let mentee = alex.mentor.model(for: alex.mentor.mentees[0])
        XCTAssertEqual(mentee.mentee.name, "Sam")
        mentee.start()
        let menteePlan = try XCTUnwrap(mentee.plan)
        XCTAssertTrue(menteePlan.canEdit)
        XCTAssertFalse(menteePlan.canEditWhenWell)
        try await waitUntil("the shared plan on Alex's screen") { menteePlan.isLoaded }

        // Both live; Sam's edit arrives on Alex's stream with no sync call, and back.
        sam.sync.goLive()
        alex.sync.goLive()
        try await waitUntil("both up to date") {
            sam.sync.status.phase == .upToDate && alex.sync.status.phase == .upToDate
        }
        var coping = PlanItemDraft(section: .copingStrategies)
        coping.text = "Call Alex after work"
        let saved = await sam.plan.save(coping)
        XCTAssertTrue(saved)
        try await waitUntil("Sam's edit on Alex's stream") {
            menteePlan.entries(in: .copingStrategies).map(\.text) == ["Call Alex after work"]
        }
        var fromAlex = PlanItemDraft(section: .copingStrategies)
        fromAlex.text = "Box breathing, four counts"
        fromAlex.domain = .mentalHealth
        let savedByAlex = await menteePlan.save(fromAlex)
        XCTAssertTrue(savedByAlex, "\(String(describing: menteePlan.failure))")
        try await waitUntil("Alex's edit on Sam's stream") {
            sam.plan.entries(in: .copingStrategies).map(\.text) == ["Call Alex after work", "Box breathing, four counts"]
        }

        // The schedule is read-only for Alex: a typed refusal.
        let scheduleDoc = try XCTUnwrap(mentee.mentee.document(.schedule))
        let meeting = Meeting(id: newItemId(), name: "Group", kind: .other, format: .online,
                              start: "2026-03-03T19:00", timeZone: "Europe/Madrid", durationMinutes: 60)
        do {
            try await alex.store.write { try await $0.sharedPut(docId: scheduleDoc.docId, item: .meetings(item: meeting)) }
            XCTFail("a read-only share was written")
        } catch StoreError.notAllowed(let reason) {
            XCTAssertTrue(reason.contains("schedule"), reason)
        }

        // Sam's disclosure log, and a revocation.
        sam.sharing.load()
        XCTAssertTrue(sam.sharing.disclosures(of: .plan).contains { $0.peerId == mentorId })
        let scheduleShare = try XCTUnwrap(sam.sharing.activeShares.first { $0.kind == .schedule })
        let revoked = await sam.sharing.revoke(scheduleShare)
        XCTAssertTrue(revoked)
        XCTAssertEqual(sam.sharing.activeShares.map(\.kind), [.plan])
        XCTAssertEqual(sam.sharing.endedShares.first?.endReason, "revoked")

        // A note and a suggestion back; Sam accepts the suggestion into the plan.
        let noted = await mentee.addNote("Proud of you for going tonight")
        XCTAssertTrue(noted)
        let idea = CopingStrategy(id: newItemId(), description: "Walk round the block", domain: .both)
        let suggested = await mentee.suggest(.copingStrategies(item: idea), message: "Worked for me")
        XCTAssertTrue(suggested, "\(String(describing: mentee.failure))")
        try await waitUntil("the note and the suggestion reach Sam") {
            sam.fromMentor.load()
            return sam.fromMentor.notes.count == 1 && sam.fromMentor.open.count == 1
        }
        XCTAssertEqual(sam.fromMentor.notes.first?.fromName, "Alex")
        let accepted = await sam.fromMentor.accept(sam.fromMentor.open[0])
        XCTAssertTrue(accepted, "\(String(describing: sam.fromMentor.failure))")
        try await waitUntil("the accepted idea in Sam's plan") {
            sam.plan.entries(in: .copingStrategies).contains { $0.text == "Walk round the block" }
        }
        mentee.stop()
        await sam.close()
        await alex.close()
    }

    @MainActor
    func testTheSyncStatusStreamYieldsTheCurrentStatusThenChangesAndEnds() async throws {
        let url = try relayURL()
        let store = try await openStore()
        let sync = try SyncService(store: store, relayURL: url)
        let statuses = Collector(try sync.statusStream())
        try await waitUntil("the current status") { statuses.values.count == 1 }
        XCTAssertEqual(statuses.values[0], .idle)
        let report = try await sync.syncNow()
        XCTAssertNil(report.interrupted)
        try await waitUntil("up to date") { statuses.values.last?.phase == .upToDate }
        statuses.cancel()
        try await waitUntil("the stream and its subscription end") { statuses.finished && sync.liveSubscriptionCount == 0 }

        // Something to send (an invite's mailbox to read), to a port nothing listens on.
        _ = try await store.write { try await $0.createInvite(relay: "http://127.0.0.1:9", expiresAtMs: Clock.system.nowMs + 600_000) }
        let offline = try SyncService(store: store, relayURL: "http://127.0.0.1:9")
        let refused = try await offline.syncNow()
        XCTAssertEqual(refused.interrupted, .offline, "a network problem is a report, not an error")
        XCTAssertEqual(offline.status.phase, .offline)
        await sync.shutDown()
        await offline.shutDown()
        store.close()
    }
}
