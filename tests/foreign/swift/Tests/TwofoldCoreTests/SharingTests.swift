// Pairing, sharing and sync from Swift: two real stores driven through the FFI's sans-IO engine
// and a dictionary relay written here (dense positions per stream, mailboxes), the way an iOS
// app with its own transport would.
import Foundation
import XCTest

import TwofoldCore

/// The relay's contract in two dictionaries: opaque bytes by stream and by mailbox.
final class DictRelay {
    var streams: [String: [Data]] = [:]
    var mailboxes: [String: [Data]] = [:]

    func append(_ e: OutgoingEnvelope) -> UInt64 {
        var records = streams[e.stream, default: []]
        if let i = records.firstIndex(of: e.envelope) { return UInt64(i + 1) }
        records.append(e.envelope)
        streams[e.stream] = records
        return UInt64(records.count)
    }

    func read(_ stream: String, after: UInt64) -> [(UInt64, Data)] {
        (streams[stream] ?? []).enumerated().map { (UInt64($0.offset + 1), $0.element) }.filter { $0.0 > after }
    }

    func post(_ mailbox: String, _ bytes: Data) {
        var box = mailboxes[mailbox, default: []]
        if !box.contains(bytes) { box.append(bytes) }
        mailboxes[mailbox] = box
    }

    func readMailbox(_ mailbox: String, after: UInt64) -> [(UInt64, Data)] {
        (mailboxes[mailbox] ?? []).enumerated().map { (UInt64($0.offset + 1), $0.element) }.filter { $0.0 > after }
    }
}

func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// One round of one device; returns how much moved.
func syncRound(_ store: TwofoldStore, _ relay: DictRelay) async throws -> Int {
    let now = nowMs()
    var moved = 0
    let out = try await store.syncOutgoing(nowMs: now)
    for post in out.mailbox {
        relay.post(post.mailbox, post.bytes)
        try await store.syncMailboxPosted(id: post.id)
        moved += 1
    }
    for e in out.envelopes {
        _ = relay.append(e)
        try await store.syncAcked(id: e.id, nowMs: now)
        moved += 1
    }
    for m in try store.syncMailboxFollows() {
        for (pos, bytes) in relay.readMailbox(m.mailbox, after: m.after) {
            if case .control = try await store.syncReceiveMailbox(mailbox: m.mailbox, position: pos, bytes: bytes, nowMs: now) {
                moved += 1
            }
        }
    }
    var seen = Set<String>()
    while true {
        let follows = try store.syncFollows().filter { !seen.contains("\($0.stream)@\($0.after)") }
        if follows.isEmpty { return moved }
        for f in follows {
            seen.insert("\(f.stream)@\(f.after)")
            for (pos, bytes) in relay.read(f.stream, after: f.after) {
                switch try await store.syncReceive(stream: f.stream, position: pos, bytes: bytes, nowMs: now) {
                case .applied, .control: moved += 1
                default: break
                }
            }
        }
    }
}

func settle(_ relay: DictRelay, _ stores: TwofoldStore...) async throws {
    for _ in 0..<30 {
        var moved = 0
        for s in stores { moved += try await syncRound(s, relay) }
        if moved == 0 { return }
    }
    XCTFail("sync did not settle")
}

final class SharingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func device(_ name: String) async throws -> TwofoldStore {
        let store = try await TwofoldStore.open(path: dir.appendingPathComponent("\(name).db").path, key: randomKey())
        try await store.setDisplayName(name: name)
        return store
    }

    func testPairShareSyncAndReadOnTheMentorsSide() async throws {
        let relay = DictRelay()
        let owner = try await device("Sam")
        let mentor = try await device("Alex")

        let invite = try await owner.createInvite(relay: "https://relay.example", expiresAtMs: nowMs() + 600_000)
        let pending = try await mentor.acceptInvite(invite: invite, displayName: "Alex")
        XCTAssertEqual(pending.status, .awaitingApproval)
        try await settle(relay, mentor, owner)
        let asking = try owner.peers()
        XCTAssertEqual(asking.count, 1)
        XCTAssertEqual(asking[0].status, .needsDecision)
        XCTAssertEqual(asking[0].displayName, "Alex")
        XCTAssertEqual(asking[0].verificationCode, pending.verificationCode)
        let mentorId = asking[0].id
        XCTAssertEqual(mentorId, try mentor.deviceId())
        _ = try await owner.approvePairing(peerId: mentorId)
        try await settle(relay, owner, mentor)
        XCTAssertEqual(try mentor.peers().map { $0.status }, [.paired])
        XCTAssertEqual(try mentor.peers().map { $0.displayName }, ["Sam"])

        let first = CopingStrategy(id: newItemId(), description: "call my sister", domain: .both)
        try await owner.putCopingStrategy(item: first)
        try await owner.share(kind: .plan, peerId: mentorId, access: .write, purpose: "weekly sessions", expiresAtMs: nil)
        try await owner.share(kind: .schedule, peerId: mentorId, access: .read, purpose: "meeting reminders")
        try await settle(relay, owner, mentor)

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
        try await settle(relay, owner, mentor)
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
