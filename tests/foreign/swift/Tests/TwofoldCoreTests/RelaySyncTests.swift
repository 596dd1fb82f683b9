// Sync over the real relay from Swift: the `twofold-relay` process scripts/foreign-tests.sh starts
// on the host (its address in TWOFOLD_RELAY_URL, passed into the chroot, which shares the host's
// loopback), two real stores, and the FFI's SyncSession doing the network — syncNow as
// BGAppRefreshTask would call it, live sync with a status listener as the foreground does, and
// what a sync against an unreachable relay reports.
import Foundation
import XCTest

import TwofoldCore

/// Every status delivered, from the listener's own thread.
final class StatusLog: SyncStatusListener, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [SyncStatus] = []

    func onStatus(status: SyncStatus) {
        lock.lock()
        seen.append(status)
        lock.unlock()
    }

    var all: [SyncStatus] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }
}

extension SyncStatus {
    var isUpToDate: Bool { if case .upToDate = self { return true } else { return false } }
}

final class RelaySyncTests: DeviceTestCase {
    /// A port nothing listens on (TCP "discard"): connecting is refused at once.
    static let closedPortUrl = "http://127.0.0.1:9"
    func waitFor(_ what: String, timeout: TimeInterval = 10, _ done: () throws -> Bool) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while try !done() {
            guard Date() < deadline else {
                XCTFail("timed out after \(timeout)s waiting: \(what)")
                throw CancellationError()
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    func has(_ store: TwofoldStore, _ docId: String, _ id: String) -> Bool {
        (try? store.sharedGet(docId: docId, section: .copingStrategies, id: id)) != nil
    }

    func plan(_ snapshot: DocumentSnapshot?) -> [CopingStrategy]? {
        if case .plan(let plan) = snapshot { return plan.copingStrategies }
        return nil
    }

    func testPairShareEditOfflineConvergeThenDeliverLive() async throws {
        let url = try relayUrl()
        let owner = try await device("Sam")
        let mentor = try await device("Alex")
        let ownerSync = try owner.syncSession(relayUrl: url)
        let mentorSync = try mentor.syncSession(relayUrl: url)
        XCTAssertEqual(mentorSync.status(), .idle)

        // Pairing through the relay's mailboxes, with syncNow only.
        let invite = try await owner.createInvite(relay: url, expiresAtMs: nowMs() + 600_000)
        let pending = try await mentor.acceptInvite(invite: invite, displayName: "Alex")
        XCTAssertEqual(pending.status, .awaitingApproval)
        let joined = try await mentorSync.syncNow()
        assertClean(joined)
        XCTAssertEqual(joined.mailboxSent, 1, "the join request went out")
        var asking: Peer?
        for _ in 0..<10 {
            assertClean(try await ownerSync.syncNow())
            asking = try owner.peers().first { $0.status == .needsDecision }
            if asking != nil { break }
        }
        let request = try XCTUnwrap(asking, "the join request arrived through the relay")
        // Commit-then-reveal: the mentor's screen has no code until the owner's half arrives.
        XCTAssertEqual(pending.verificationCode, "")
        var shown = ""
        for _ in 0..<5 {
            assertClean(try await ownerSync.syncNow())
            assertClean(try await mentorSync.syncNow())
            shown = try XCTUnwrap(try mentor.pairing(peerId: try owner.deviceId())).verificationCode
            if !shown.isEmpty { break }
        }
        XCTAssertEqual(request.verificationCode, shown, "both screens show the same code")
        XCTAssertEqual(shown.count, 6)
        XCTAssertEqual(request.displayName, "Alex")
        XCTAssertEqual(request.id, try mentor.deviceId())
        let approved = try await owner.approvePairing(peerId: request.id)
        XCTAssertEqual(approved.status, .paired)
        try await syncUntilQuiet(ownerSync, mentorSync)
        XCTAssertEqual(try mentor.peers().map { [$0.id, $0.displayName] }, [[try owner.deviceId(), "Sam"]])
        XCTAssertEqual(try mentor.peers().map { $0.status }, [.paired])

        // The plan read-write, the schedule read-only.
        let first = CopingStrategy(id: newItemId(), description: "call my sister", domain: .both)
        let meeting = Meeting(
            id: newItemId(), name: "Dual Recovery group", kind: .dualRecoveryAnonymous, format: .inPerson,
            start: "2026-03-03T19:00:00", timeZone: "Europe/Madrid", durationMinutes: 90)
        try await owner.putCopingStrategy(item: first)
        try await owner.putMeeting(item: meeting)
        try await owner.share(kind: .plan, peerId: request.id, access: .write, purpose: "weekly sessions", expiresAtMs: nil)
        try await owner.share(kind: .schedule, peerId: request.id, access: .read, purpose: "meeting reminders", expiresAtMs: nil)
        try await syncUntilQuiet(ownerSync, mentorSync)
        let docs = try mentor.sharedWithMe()
        let planDoc = try XCTUnwrap(docs.first { $0.kind == .plan })
        let scheduleDoc = try XCTUnwrap(docs.first { $0.kind == .schedule })
        XCTAssertEqual(docs.count, 2)
        XCTAssertEqual([planDoc.access, scheduleDoc.access], [.write, .read])
        let planId = planDoc.docId
        XCTAssertEqual(planId, try owner.docId(kind: .plan))
        XCTAssertEqual(try mentor.sharedList(docId: planId, section: .copingStrategies), [.copingStrategies(item: first)])
        XCTAssertEqual(try mentor.sharedGet(docId: scheduleDoc.docId, section: .meetings, id: meeting.id), .meetings(item: meeting))

        // Offline on both sides, the same item included (different fields); then syncNow.
        try await owner.putCopingStrategy(item: CopingStrategy(id: first.id, description: "call my sister, or text her", domain: .both))
        try await mentor.sharedPut(docId: planId, item: .copingStrategies(item: CopingStrategy(id: first.id, description: first.description, domain: .mentalHealth)))
        let fromMentor = CopingStrategy(id: newItemId(), description: "box breathing, 4 counts", domain: .mentalHealth)
        try await mentor.sharedPut(docId: planId, item: .copingStrategies(item: fromMentor))
        let pushed = try await ownerSync.syncNow()
        assertClean(pushed)
        XCTAssertGreaterThan(pushed.sent, 0)
        XCTAssertGreaterThan(pushed.sentBytes, 0)
        let crossed = try await mentorSync.syncNow()
        assertClean(crossed)
        XCTAssertGreaterThan(crossed.sent, 0, "the mentor pushed its edits")
        XCTAssertGreaterThan(crossed.applied, 0, "and got the owner's")
        try await syncUntilQuiet(ownerSync, mentorSync)
        XCTAssertTrue(ownerSync.status().isUpToDate, "\(ownerSync.status())")
        let merged = CopingStrategy(id: first.id, description: "call my sister, or text her", domain: .mentalHealth)
        XCTAssertEqual(try owner.listCopingStrategies(), [merged, fromMentor], "edits of different fields of one item merge")
        XCTAssertEqual(try mentor.sharedList(docId: planId, section: .copingStrategies),
                       try owner.listCopingStrategies().map { SectionItem.copingStrategies(item: $0) })
        XCTAssertEqual(try mentor.docHeads(docId: planId), try owner.docHeads(docId: planId))
        XCTAssertEqual(try mentor.docHeads(docId: scheduleDoc.docId), try owner.docHeads(docId: scheduleDoc.docId))

        // Live: a status listener, then an edit that arrives without any syncNow.
        let statuses = StatusLog()
        let subscription = try mentorSync.watchStatus(listener: statuses)
        try await waitFor("the current status") { !statuses.all.isEmpty }
        XCTAssertTrue(statuses.all[0].isUpToDate, "the last syncNow left it up to date: \(statuses.all)")
        let before = statuses.all.count
        let snapshots = DocumentInbox()
        let handle = try mentor.subscribeSharedDocument(docId: planId, listener: snapshots)
        XCTAssertEqual(plan(snapshots.inbox.next()), [merged, fromMentor], "the current state first")
        try ownerSync.startLive()
        try mentorSync.startLive()
        XCTAssertTrue(ownerSync.isLive() && mentorSync.isLive())
        try await waitFor("live sync reports UpToDate") { statuses.all.dropFirst(before).contains { $0.isUpToDate } }
        let live = CopingStrategy(id: newItemId(), description: "text Jo", domain: .both)
        try await owner.putCopingStrategy(item: live)
        try await waitFor("the owner's edit arrives live") { self.has(mentor, planId, live.id) }
        XCTAssertEqual(plan(snapshots.inbox.next()), [merged, fromMentor, live], "the listener saw the owner's edit")
        let back = CopingStrategy(id: newItemId(), description: "walk together", domain: .both)
        try await mentor.sharedPut(docId: planId, item: .copingStrategies(item: back))
        try await waitFor("the mentor's edit arrives live") { (try? owner.getCopingStrategy(id: back.id)) == back }
        try await waitFor("both sides agree") { try owner.docHeads(docId: planId) == mentor.docHeads(docId: planId) }
        XCTAssertFalse(statuses.all.contains {
            if case .error = $0 { return true }
            if case .storageFailed = $0 { return true }
            return false
        }, "\(statuses.all)")
        await ownerSync.stopLive()
        await mentorSync.stopLive()
        XCTAssertFalse(ownerSync.isLive() || mentorSync.isLive())
        subscription.cancel()
        handle.cancel()
        owner.close()
        mentor.close()
    }

    func testAnUnreachableRelayIsAnOfflineReportAndAMalformedOneIsInvalidInput() async throws {
        let store = try await device("Sam")
        try await store.putCopingStrategy(item: CopingStrategy(id: newItemId(), description: "waiting", domain: .both))
        _ = try await store.createInvite(relay: Self.closedPortUrl, expiresAtMs: nowMs() + 600_000) // a mailbox to read
        let session = try store.syncSession(relayUrl: Self.closedPortUrl)
        let report = try await session.syncNow()
        XCTAssertEqual(report.interrupted, .offline, "\(report)")
        XCTAssertEqual([report.sent, report.mailboxSent, report.received, report.applied], [0, 0, 0, 0])
        guard case .offline(let problem, _) = session.status() else {
            return XCTFail("status after a refused connection: \(session.status())")
        }
        XCTAssertEqual(problem, .offline)
        for bad in ["not a url", "ftp://relay.example", ""] {
            await assertInvalid("relay") { _ = try store.syncSession(relayUrl: bad) }
        }
        store.close()
    }
}
