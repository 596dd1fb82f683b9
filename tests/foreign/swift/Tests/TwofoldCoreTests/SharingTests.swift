// Pairing, sharing and sync from Swift: two real stores, the suites' real relay, and the FFI's
// SyncSession — consent, shared reads and writes, authorship and typed refusals. (What the
// relay keeps is scanned for plaintext by the Kotlin and Python suites: its files are outside
// this chroot.)
import Foundation
import XCTest

import TwofoldCore

func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

final class SharingTests: DeviceTestCase {
    func testPairShareSyncAndReadOnTheMentorsSide() async throws {
        let url = try relayUrl()
        let owner = try await device("Sam")
        let mentor = try await device("Alex")
        let ownerSync = try owner.syncSession(relayUrl: url)
        let mentorSync = try mentor.syncSession(relayUrl: url)

        let invite = try await owner.createInvite(relay: url, expiresAtMs: nowMs() + 600_000)
        let pending = try await mentor.acceptInvite(invite: invite, displayName: "Alex")
        XCTAssertEqual(pending.status, .awaitingApproval)
        try await syncUntilQuiet(mentorSync, ownerSync)
        let asking = try owner.peers()
        XCTAssertEqual(asking.count, 1)
        XCTAssertEqual(asking[0].status, .needsDecision)
        XCTAssertEqual(asking[0].displayName, "Alex")
        XCTAssertEqual(pending.verificationCode, "", "no code before the owner's half arrives")
        XCTAssertEqual(asking[0].verificationCode, try mentor.pairing(peerId: try owner.deviceId())?.verificationCode)
        let mentorId = asking[0].id
        XCTAssertEqual(mentorId, try mentor.deviceId())
        _ = try await owner.approvePairing(peerId: mentorId)
        try await syncUntilQuiet(ownerSync, mentorSync)
        XCTAssertEqual(try mentor.peers().map { $0.status }, [.paired])
        XCTAssertEqual(try mentor.peers().map { $0.displayName }, ["Sam"])

        let first = CopingStrategy(id: newItemId(), description: "call my sister", domain: .both)
        try await owner.putCopingStrategy(item: first)
        try await owner.share(kind: .plan, peerId: mentorId, access: .write, purpose: "weekly sessions", expiresAtMs: nil)
        try await owner.share(kind: .schedule, peerId: mentorId, access: .read, purpose: "meeting reminders")
        try await syncUntilQuiet(ownerSync, mentorSync)

        let docs = try mentor.sharedWithMe()
        XCTAssertEqual(Set(docs.map { $0.kind }), [.plan, .schedule])
        XCTAssertTrue(docs.allSatisfy { $0.ownerName == "Sam" })
        let plan = try XCTUnwrap(docs.first { $0.kind == .plan })
        let schedule = try XCTUnwrap(docs.first { $0.kind == .schedule })
        XCTAssertEqual(plan.access, .write)
        XCTAssertEqual(schedule.access, .read)
        XCTAssertEqual(plan.docId, try owner.docId(kind: .plan))
        XCTAssertEqual(try mentor.sharedList(docId: plan.docId, section: .copingStrategies), [.copingStrategies(item: first)])

        // The mentor adds an item; the owner gets it, knows who wrote it, and both agree.
        let fromMentor = CopingStrategy(id: newItemId(), description: "box breathing, 4 counts", domain: .mentalHealth)
        try await mentor.sharedPut(docId: plan.docId, item: .copingStrategies(item: fromMentor))
        try await owner.putCopingStrategy(item: CopingStrategy(id: first.id, description: "call my sister, or text her", domain: .both))
        try await syncUntilQuiet(ownerSync, mentorSync)
        XCTAssertEqual(try owner.getCopingStrategy(id: fromMentor.id), fromMentor)
        XCTAssertEqual(try mentor.sharedGet(docId: plan.docId, section: .copingStrategies, id: first.id),
                       .copingStrategies(item: CopingStrategy(id: first.id, description: "call my sister, or text her", domain: .both)))
        XCTAssertEqual(try mentor.sharedList(docId: plan.docId, section: .copingStrategies),
                       try owner.listCopingStrategies().map { SectionItem.copingStrategies(item: $0) })
        XCTAssertEqual(try mentor.docHeads(docId: plan.docId), try owner.docHeads(docId: plan.docId))
        XCTAssertEqual(try owner.authorship(docId: plan.docId, section: .copingStrategies, id: fromMentor.id).createdBy,
                       .peer(id: mentorId, name: "Alex"))
        XCTAssertTrue(try owner.disclosureLog().contains { $0.kind == .plan && $0.what == "snapshot" && $0.peerId == mentorId })

        // Typed errors: read-only on the mentor's side, and a malformed id.
        let meeting = Meeting(
            id: newItemId(), name: "Dual Recovery group", kind: .dualRecoveryAnonymous, format: .inPerson,
            start: "2026-03-03T19:00:00", timeZone: "Europe/Madrid", durationMinutes: 90)
        do {
            try await mentor.sharedPut(docId: schedule.docId, item: .meetings(item: meeting))
            XCTFail("a read-only share was written")
        } catch TwofoldError.NotAllowed(let reason) {
            XCTAssertTrue(reason.contains("schedule"), reason)
        }
        await assertInvalid("peer_id") { try await owner.share(kind: .plan, peerId: "nope", access: .read, purpose: "") }
        await assertInvalid("doc_id") { _ = try mentor.sharedList(docId: "PLAN", section: .triggers) }

        owner.close()
        mentor.close()
    }
}
