// Direct sync from Swift (ADR 0011): two real stores paired and sharing through the suites'
// relay, then a DirectSession listening on loopback and another calling it by the address code
// an app would show as a QR code — the library's Noise KK session, not one written here — and
// the names an iOS app gives NWListener and looks for with NWBrowser to be found without a code.
import Foundation
import XCTest

import TwofoldCore

final class DirectSyncTests: DeviceTestCase {
    func testTwoPhonesInOneRoomSyncByAnAddressCodeAndKnowEachOthersDiscoveryNames() async throws {
        let url = try relayUrl()
        let owner = try await device("Sam")
        let mentor = try await device("Alex")
        let ownerSync = try owner.syncSession(relayUrl: url)
        let mentorSync = try mentor.syncSession(relayUrl: url)
        let mentorId = try await pairThroughRelay(owner, ownerSync, mentor, mentorSync, url)
        try await owner.share(kind: .plan, peerId: mentorId, access: .write, purpose: "in the room", expiresAtMs: nil)
        try await syncUntilQuiet(ownerSync, mentorSync)
        let planId = try XCTUnwrap(try mentor.sharedWithMe().first { $0.kind == .plan }).docId

        // No relay from here: an edit on each side, then one direct session.
        let fromOwner = CopingStrategy(id: newItemId(), description: "walk to the river", domain: .both)
        let fromMentor = CopingStrategy(id: newItemId(), description: "text me after the meeting", domain: .both)
        try await owner.putCopingStrategy(item: fromOwner)
        try await mentor.sharedPut(docId: planId, item: .copingStrategies(item: fromMentor))
        let listening = try await owner.directSession().listen(port: 0)
        let code = try encodeAddressHint(hint: AddressHint(port: listening.port(), addresses: ["127.0.0.1"]))
        XCTAssertTrue(code.hasPrefix("TFD1:") && code.count < 40, code)
        let report = try await mentor.directSession().connectHint(code: code, peer: try owner.deviceId())
        XCTAssertNil(report.interrupted, "\(report)")
        XCTAssertEqual(report.peer, try owner.deviceId())
        XCTAssertEqual([UInt64(report.documents), report.sentChanges, report.appliedChanges], [1, 1, 1], "\(report)")
        let served = await listening.nextReport()
        XCTAssertEqual(served?.peer, mentorId)
        listening.stop()
        XCTAssertTrue(try owner.listCopingStrategies().contains(fromMentor), "the mentor's edit arrived directly")
        XCTAssertEqual(try owner.docHeads(docId: planId), try mentor.docHeads(docId: planId))
        XCTAssertTrue(try owner.disclosureLog().contains { $0.what == "direct" && $0.peerId == mentorId })

        // What the app gives NWListener and looks for with NWBrowser: names only the pair can make.
        XCTAssertEqual(discoveryServiceType(), "_http._tcp.local.")
        let samName = try owner.directSession().discoveryName(peer: mentorId)
        XCTAssertEqual(samName.count, 20)
        XCTAssertTrue(samName.allSatisfy { "0123456789abcdef".contains($0) }, samName)
        XCTAssertTrue(try mentor.directSession().peerDiscoveryNames(peer: try owner.deviceId()).contains(samName))
        XCTAssertNotEqual(samName, try mentor.directSession().discoveryName(peer: try owner.deviceId()))
        let stranger = try await device("Eve")
        XCTAssertThrowsError(try stranger.directSession().discoveryName(peer: try owner.deviceId()))
    }
}
