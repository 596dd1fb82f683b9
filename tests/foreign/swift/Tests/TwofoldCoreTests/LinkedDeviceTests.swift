// The person's second device from Swift (ADR 0012), through the suites' real relay and the
// FFI's SyncSession: a tablet linked to the phone with a link invite and the same code gets the
// person's documents, its check-in reaches the phone and its plan edit the mentor; removed on the
// phone, it gets nothing new, its later edits reach nobody, and the person's documents leave it
// when it next syncs. The Python suite's test_linked_device.py, in Swift.
import Foundation
import XCTest

import TwofoldCore

final class LinkedDeviceTests: DeviceTestCase {
    private func coping(_ text: String) -> CopingStrategy {
        CopingStrategy(id: newItemId(), description: text, domain: .both)
    }

    private func descriptions(_ store: TwofoldStore) throws -> [String] {
        try store.listCopingStrategies().map(\.description).sorted()
    }

    private func sharedDescriptions(_ store: TwofoldStore, _ docId: String) throws -> [String] {
        try store.sharedList(docId: docId, section: .copingStrategies).compactMap { item -> String? in
            if case .copingStrategies(let c) = item { return c.description }
            return nil
        }.sorted()
    }

    private func notes(_ store: TwofoldStore) throws -> [String] {
        try store.checkInsBetween(fromDay: "2026-12-01", toDay: "2026-12-31").map(\.note)
    }

    private func checkIn(_ day: String, _ note: String) -> NewCheckIn {
        NewCheckIn(day: day, mood: 6, craving: 2, sleepHours: nil, medicationTaken: nil, note: note)
    }

    /// After the removal the phone and the mentor refuse the tablet's changes, so rounds are
    /// not clean: only "not interrupted" is asked. Returns every refusal's reason.
    @discardableResult
    private func syncRounds(_ rounds: Int, _ sessions: SyncSession...) async throws -> Set<String> {
        var reasons = Set<String>()
        for _ in 0..<rounds {
            for s in sessions {
                let r = try await s.syncNow()
                XCTAssertNil(r.interrupted, "\(r)")
                r.rejected.forEach { reasons.insert($0.reason) }
            }
        }
        return reasons
    }

    func testALinkedTabletGetsTheDocumentsWritesAndGetsNothingNewOnceRemoved() async throws {
        let url = try relayUrl()
        let phone = try await device("Lena")
        let mentor = try await device("Rosa")
        let tablet = try await device("Lena-tablet")
        let phoneSync = try phone.syncSession(relayUrl: url)
        let mentorSync = try mentor.syncSession(relayUrl: url)
        let tabletSync = try tablet.syncSession(relayUrl: url)

        try await phone.putCopingStrategy(item: coping("walk by the river"))
        let rosa = try await pairThroughRelay(phone, phoneSync, mentor, mentorSync, url)
        try await phone.share(kind: .plan, peerId: rosa, access: .write, purpose: "support", expiresAtMs: nil)
        // The tablet's own check-in from before it was linked: it merges into the person's journal.
        _ = try await tablet.recordCheckIn(checkIn: checkIn("2026-12-01", "tablet before linking"))
        try await syncUntilQuiet(phoneSync, mentorSync)

        // The link invite is not a pairing invite, and the reverse; a paired device is not linked.
        let link = try await phone.createLinkInvite(relay: url, expiresAtMs: nowMs() + 600_000)
        XCTAssertTrue(link.hasPrefix("twofold:link:2:"), link)
        await assertInvalid("invite") { _ = try await mentor.acceptInvite(invite: link, displayName: "Rosa") }
        let invite = try await phone.createInvite(relay: url, expiresAtMs: nowMs() + 600_000)
        await assertInvalid("invite") { _ = try await tablet.acceptLinkInvite(invite: invite, deviceName: "Lena's tablet") }
        await assertInvalid("device") { _ = try await mentor.acceptLinkInvite(invite: link, deviceName: "Rosa") }

        // The same six digits on both screens; the phone approves.
        let pending = try await tablet.acceptLinkInvite(invite: link, deviceName: "Lena's tablet")
        XCTAssertTrue(pending.linked)
        XCTAssertEqual(pending.status, .awaitingApproval)
        XCTAssertEqual(pending.id, try phone.deviceId())
        try await syncUntilQuiet(tabletSync, phoneSync)
        let asking = try XCTUnwrap(try phone.peers().first { $0.status == .needsDecision })
        XCTAssertTrue(asking.linked)
        XCTAssertEqual(asking.displayName, "Lena's tablet")
        XCTAssertEqual(pending.verificationCode, "")
        XCTAssertEqual(asking.verificationCode, try tablet.pairing(peerId: try phone.deviceId())?.verificationCode)
        XCTAssertEqual(try phone.peers().filter { $0.id == rosa }.map(\.linked), [false], "the mentor is not a linked device")
        let ownBefore = try tablet.docId(kind: .plan)
        _ = try await phone.approvePairing(peerId: asking.id)
        try await syncUntilQuiet(phoneSync, tabletSync, mentorSync)

        // The person's documents on the tablet, in place of its own; its check-in merged.
        for kind in [DocumentKind.plan, .journal, .contacts, .schedule, .summary] {
            XCTAssertEqual(try tablet.docId(kind: kind), try phone.docId(kind: kind), "\(kind) adopted")
        }
        XCTAssertNotEqual(try tablet.docId(kind: .plan), ownBefore)
        XCTAssertEqual(try descriptions(tablet), ["walk by the river"])
        // The tablet's one linked peer is the phone (the mentor, introduced to it, is not linked).
        let linkedPeers = try tablet.peers().filter(\.linked)
        XCTAssertEqual(linkedPeers.map(\.id), [try phone.deviceId()])
        XCTAssertEqual(linkedPeers.map(\.status), [.paired])
        XCTAssertEqual(try notes(phone), ["tablet before linking"])

        // The tablet writes like the phone: a check-in reaches the phone, a plan edit the mentor.
        _ = try await tablet.recordCheckIn(checkIn: checkIn("2026-12-03", "from the tablet"))
        try await tablet.putCopingStrategy(item: coping("call Rosa from the tablet"))
        try await syncUntilQuiet(tabletSync, phoneSync, mentorSync)
        try await syncUntilQuiet(phoneSync, mentorSync, tabletSync)
        XCTAssertEqual(try notes(phone), ["tablet before linking", "from the tablet"])
        XCTAssertEqual(try descriptions(phone), ["call Rosa from the tablet", "walk by the river"])
        let plan = try phone.docId(kind: .plan)
        XCTAssertEqual(try sharedDescriptions(mentor, plan), ["call Rosa from the tablet", "walk by the river"])
        XCTAssertEqual(try tablet.docHeads(docId: plan), try phone.docHeads(docId: plan))
        XCTAssertEqual(try mentor.docHeads(docId: plan), try phone.docHeads(docId: plan))

        // Removal: only on the phone; then the tablet gets nothing new and is heard by no one.
        await assertInvalid("device") { try await tablet.removeDevice(peerId: try phone.deviceId()) }
        await assertInvalid("device") { try await phone.removeDevice(peerId: rosa) }
        try await phone.removeDevice(peerId: asking.id)
        XCTAssertFalse(try phone.peers().contains { $0.id == asking.id })
        // The tablet writes and syncs before the phone has told anyone: its changes reach the
        // relay on the old streams. The phone's next sync grants new streams and deletes the old
        // ones on the relay (ADR 0023), so nobody reads them; what was read before is refused.
        try await tablet.putCopingStrategy(item: coping("TABLET-AFTER-REMOVAL"))
        _ = try await tablet.recordCheckIn(checkIn: checkIn("2026-12-04", "TABLET-AFTER-REMOVAL"))
        let early = try await tabletSync.syncNow()
        XCTAssertNil(early.interrupted, "\(early)")
        XCTAssertGreaterThan(early.sent, 0, "the removed tablet's changes reached the relay: \(early)")
        try await phone.putCopingStrategy(item: coping("PHONE-AFTER-REMOVAL"))
        _ = try await syncRounds(2, phoneSync, mentorSync)
        try await syncRounds(3, tabletSync, phoneSync, mentorSync)
        XCTAssertFalse(try descriptions(phone).contains("TABLET-AFTER-REMOVAL"))
        XCTAssertFalse(try notes(phone).contains("TABLET-AFTER-REMOVAL"))
        XCTAssertFalse(try sharedDescriptions(mentor, plan).contains("TABLET-AFTER-REMOVAL"))
        XCTAssertTrue(try descriptions(phone).contains("PHONE-AFTER-REMOVAL"))
        XCTAssertEqual(try descriptions(tablet), [], "the person's plan left the removed tablet")
        XCTAssertFalse(try notes(tablet).contains("from the tablet"))
        XCTAssertNotEqual(try tablet.docId(kind: .plan), plan, "the tablet starts an empty plan of its own")

        phone.close()
        mentor.close()
        tablet.close()
    }
}
