// A request for help from Swift (ADR 0013): two real stores paired through the suites' relay;
// Sam links his ladder contact to Alex's phone and sends his own words; Alex's listener hears
// it, Alex's overview puts Sam on top even in quiet hours, Alex answers "on my way", Sam sees
// the answer and closes the request.
import Foundation
import XCTest

import TwofoldCore

final class SosHeard: SosListener, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [SosEvent] = []

    func onSos(event: SosEvent) {
        lock.lock()
        seen.append(event)
        lock.unlock()
    }

    var all: [SosEvent] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }
}

final class SosTests: DeviceTestCase {
    func testAnSosReachesTheMentorIsAnsweredAndTopsTheOverview() async throws {
        let url = try relayUrl()
        let sam = try await device("Sam")
        let alex = try await device("Alex")
        let samSync = try sam.syncSession(relayUrl: url)
        let alexSync = try alex.syncSession(relayUrl: url)
        let alexId = try await pairThroughRelay(sam, samSync, alex, alexSync, url)

        // Nobody linked yet: refused; the app offers the prepared SMS instead.
        do {
            _ = try await sam.sendSos(text: nil, location: nil, waitMs: 300_000)
            XCTFail("an SOS with nobody linked was sent")
        } catch TwofoldError.NotAllowed(_) {}
        try await sam.putContact(item: Contact(
            id: "contact-alex", name: "Alex", roles: [.mentor],
            phones: [Phone(label: "mobile", number: "+34 600 000 001")], crisisOrder: 1))
        try await sam.linkSosContact(contactId: "contact-alex", peerId: alexId)
        XCTAssertEqual(try sam.sosLadder().map { [$0.contactId, $0.peer] }, [["contact-alex", alexId]])

        let heard = SosHeard()
        let handle = try alex.subscribeSos(listener: heard)
        let sent = try await sam.sendSos(text: "in a bad place, please call", location: nil, waitMs: 300_000)
        XCTAssertEqual(sent.state, .open)
        try await syncUntilQuiet(samSync, alexSync)
        for _ in 0..<200 where heard.all.isEmpty {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(heard.all.count, 1)
        let got = try XCTUnwrap(try alex.sosReceived().first)
        XCTAssertEqual([got.sosId, got.text, got.fromName], [sent.sosId, "in a bad place, please call", "Sam"])

        // Alex's overview: Sam on top, and an SOS breaks through quiet hours.
        let minute = Int(Date().timeIntervalSince1970 / 60) % 1440
        try await alex.setQuietHours(hours: QuietHours(
            startMinute: UInt16((minute + 23 * 60) % 1440), endMinute: UInt16((minute + 60) % 1440)))
        XCTAssertEqual(try alex.mentorView().mentees.map { $0.name }, ["Sam"])
        XCTAssertEqual(try alex.mentorView().mentees.map { $0.attention }, [.sos])
        XCTAssertTrue(try alex.shouldInterrupt(what: .sos))
        XCTAssertFalse(try alex.shouldInterrupt(what: .update))

        try await alex.answerSos(fromId: try sam.deviceId(), sosId: sent.sosId, reply: .onMyWay)
        try await syncUntilQuiet(alexSync, samSync)
        let answered = try sam.sos(sosId: sent.sosId)
        XCTAssertEqual(answered.state, .answered)
        XCTAssertEqual(answered.rungs.first?.reply, .onMyWay)
        try await sam.closeSos(sosId: sent.sosId)
        try await syncUntilQuiet(samSync, alexSync)
        XCTAssertEqual(try alex.sosReceived().map { $0.closed }, [true])
        handle.cancel()
    }
}
