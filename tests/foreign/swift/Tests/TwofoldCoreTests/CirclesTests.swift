// Peer circles from Swift (ADR 0019), through the suites' real relay and the FFI's SyncSession:
// a host starts a circle, two members join with a circle invite and the code comparison, post
// while apart and see one order; a reaction, a status and the pinned note reach the others;
// nobody met in the circle is in the people list; the host removes a member, who gets nothing
// new and can no longer post. The Kotlin suite's CirclesTest, in Swift (the chroot cannot see
// the relay's files: the Kotlin and Python suites scan them).
import Foundation
import XCTest

import TwofoldCore

final class CirclesTests: DeviceTestCase {
    /// The host's invite, answered by `member` under `name`; the codes compared; approved.
    private func join(_ host: TwofoldStore, _ hostSync: SyncSession, _ circle: String,
                      _ member: TwofoldStore, _ memberSync: SyncSession, _ name: String,
                      _ url: String) async throws -> String {
        let invite = try await host.createCircleInvite(circleId: circle, relay: url, expiresAtMs: nowMs() + 600_000)
        XCTAssertTrue(invite.hasPrefix("twofold:circle:2:"), invite)
        await assertInvalid("invite") { _ = try await member.acceptInvite(invite: invite, displayName: name) }
        let pending = try await member.acceptCircleInvite(invite: invite, myName: name)
        try await settle(memberSync, hostSync)
        let requests = try host.circleJoinRequests(circleId: circle)
        XCTAssertEqual(requests.count, 1, "one request waits for \(name)")
        let asking = try XCTUnwrap(requests.first)
        XCTAssertEqual(pending.verificationCode, "", "no code before the host's half arrives")
        XCTAssertEqual(asking.verificationCode, try member.pairing(peerId: try host.deviceId())?.verificationCode)
        _ = try await host.approvePairing(peerId: asking.id)
        try await settle(hostSync, memberSync)
        return asking.id
    }

    /// Syncs until a round moves nothing. A join or a removal starts a new epoch, so a member
    /// that wrote on the old stream meanwhile is refused as `stale_epoch` (ADR 0004's window);
    /// any other refusal fails the test.
    private func settle(_ sessions: SyncSession...) async throws {
        for _ in 0..<10 {
            var moved: UInt64 = 0
            for s in sessions {
                let r = try await s.syncNow()
                XCTAssertNil(r.interrupted, "\(r)")
                XCTAssertEqual(r.rejected.map(\.reason).filter { $0 != "stale_epoch" }, [], "\(r)")
                moved += r.sent + r.mailboxSent + r.applied
            }
            if moved == 0 { return }
        }
        XCTFail("the devices did not settle in 10 rounds")
    }

    private func texts(_ store: TwofoldStore, _ circle: String) throws -> [String] {
        try store.circle(circleId: circle).messages.map(\.text)
    }

    func testACircleMergesPostsInOneOrderAndARemovedMemberGetsNothingNew() async throws {
        let url = try relayUrl()
        let host = try await device("Samantha")
        let anna = try await device("Anna")
        let ben = try await device("Ben")
        let hostSync = try host.syncSession(relayUrl: url)
        let annaSync = try anna.syncSession(relayUrl: url)
        let benSync = try ben.syncSession(relayUrl: url)

        let circle = try await host.createCircle(name: "SW-CIRCLE Tuesday group", myName: "Sam")
        try await host.setCircleGuidelines(circleId: circle, text: "What is said here stays here.")
        let annaId = try await join(host, hostSync, circle, anna, annaSync, "SW-NAME Anna", url)
        let benId = try await join(host, hostSync, circle, ben, benSync, "Ben", url)
        try await settle(hostSync, annaSync, benSync)

        // Apart: each posts; then everyone meets and every copy shows one order.
        let first = try await anna.postCircleMessage(circleId: circle, text: "SW-MSG anna")
        _ = try await ben.postCircleMessage(circleId: circle, text: "SW-MSG ben")
        _ = try await host.postCircleMessage(circleId: circle, text: "SW-MSG sam")
        try await ben.setCircleStatus(circleId: circle, words: "SW-STATUS tired but ok", colour: "#3a7bd5")
        try await settle(hostSync, annaSync, benSync)
        try await settle(hostSync, annaSync, benSync)
        let order = try host.circle(circleId: circle).messages.map(\.id)
        XCTAssertEqual(order.count, 3)
        XCTAssertEqual(try anna.circle(circleId: circle).messages.map(\.id), order)
        XCTAssertEqual(try ben.circle(circleId: circle).messages.map(\.id), order)
        let annas = try XCTUnwrap(try ben.circle(circleId: circle).messages.first { $0.id == first })
        XCTAssertEqual(annas.author, annaId)
        XCTAssertEqual(annas.authorName, "SW-NAME Anna")

        // A reply; a reaction; the status and the pinned note reach Anna.
        let reply = try await ben.postCircleMessage(circleId: circle, text: "SW-MSG ben replies", replyTo: first)
        try await host.reactInCircle(circleId: circle, messageId: first, reaction: "💛")
        try await settle(hostSync, annaSync, benSync)
        let view = try anna.circle(circleId: circle)
        XCTAssertEqual(view.messages.first { $0.id == reply }?.replyTo, first)
        XCTAssertEqual(view.messages.first { $0.id == first }?.reactions.map(\.reaction), ["💛"])
        XCTAssertEqual(view.statuses.map(\.words), ["SW-STATUS tired but ok"])
        XCTAssertEqual(view.statuses.map(\.member), [benId])
        XCTAssertEqual(view.guidelines, "What is said here stays here.")
        XCTAssertEqual(view.members.map(\.name).sorted(), ["Ben", "SW-NAME Anna", "Sam"])
        XCTAssertEqual(view.members.filter(\.isMe).map(\.id), [annaId])
        XCTAssertEqual(view.summary.myRole, .member)
        XCTAssertTrue(view.summary.active)
        XCTAssertEqual(try host.circles().map(\.docId), [circle])

        // Circle members are not the person's people.
        XCTAssertEqual(try host.peers(), [])
        XCTAssertEqual(try anna.peers(), [])

        // A member cannot remove anyone; the host removes Ben, who gets nothing new.
        await assertInvalid("member") { try await anna.removeCircleMember(circleId: circle, memberId: benId) }
        try await host.removeCircleMember(circleId: circle, memberId: benId)
        try await settle(hostSync, annaSync, benSync)
        _ = try await host.postCircleMessage(circleId: circle, text: "SW-AFTER-BEN")
        try await settle(hostSync, annaSync, benSync)
        XCTAssertTrue(try texts(anna, circle).contains("SW-AFTER-BEN"))
        XCTAssertFalse(try texts(ben, circle).contains("SW-AFTER-BEN"))
        XCTAssertFalse(try ben.circle(circleId: circle).summary.active)
        XCTAssertNil(try ben.circle(circleId: circle).summary.myRole)
        XCTAssertEqual(try host.circle(circleId: circle).members.map(\.name).sorted(), ["SW-NAME Anna", "Sam"])
        do {
            _ = try await ben.postCircleMessage(circleId: circle, text: "SW-BEN-LATE")
            XCTFail("a removed member posted")
        } catch TwofoldError.NotAllowed(_) {}

        // Hidden for me: only here.
        try await anna.hideCircleMessage(circleId: circle, messageId: first, forEveryone: false)
        XCTAssertFalse(try anna.circle(circleId: circle).messages.map(\.id).contains(first))
        XCTAssertTrue(try host.circle(circleId: circle).messages.map(\.id).contains(first))
    }
}
