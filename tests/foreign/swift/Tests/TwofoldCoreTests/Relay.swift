// The real relay the suites share (scripts/foreign-tests.sh starts it on the host; the chroot
// shares its loopback), and syncing over it with the FFI's SyncSession: the exchange loop the
// library runs, not one written here.
import Foundation
import XCTest

import TwofoldCore

/// The relay started for the suites; never a skip: without it the test fails.
func relayUrl() throws -> String {
    let url = ProcessInfo.processInfo.environment["TWOFOLD_RELAY_URL"] ?? ""
    guard url.hasPrefix("http://127.0.0.1:") else {
        XCTFail("TWOFOLD_RELAY_URL is '\(url)': run through scripts/foreign-tests.sh, which starts the relay")
        throw CancellationError()
    }
    return url
}

func assertClean(_ r: SyncReport, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNil(r.interrupted, "\(r)", file: file, line: line)
    XCTAssertEqual(r.rejected, [], "\(r)", file: file, line: line)
    XCTAssertEqual(r.pending, 0, "\(r)", file: file, line: line)
}

/// syncNow on each in turn until a whole round moves nothing; every report clean.
func syncUntilQuiet(_ sessions: SyncSession...) async throws {
    for _ in 0..<10 {
        var moved: UInt64 = 0
        for s in sessions {
            let r = try await s.syncNow()
            assertClean(r)
            moved += r.sent + r.mailboxSent + r.applied
        }
        if moved == 0 { return }
    }
    XCTFail("the devices did not settle in 10 rounds")
}

/// Pairs `joiner` with `owner` through the relay (syncNow only); the joiner's id on the owner's phone.
func pairThroughRelay(_ owner: TwofoldStore, _ ownerSync: SyncSession, _ joiner: TwofoldStore, _ joinerSync: SyncSession, _ url: String) async throws -> String {
    let invite = try await owner.createInvite(relay: url, expiresAtMs: nowMs() + 600_000)
    _ = try await joiner.acceptInvite(invite: invite, displayName: try joiner.displayName())
    assertClean(try await joinerSync.syncNow())
    var asking: Peer?
    for _ in 0..<10 {
        assertClean(try await ownerSync.syncNow())
        asking = try owner.peers().first { $0.status == .needsDecision }
        if asking != nil { break }
    }
    let request = try XCTUnwrap(asking, "the join request arrived through the relay")
    _ = try await owner.approvePairing(peerId: request.id)
    try await syncUntilQuiet(ownerSync, joinerSync)
    return request.id
}

/// A test case whose stores live in a fresh directory, removed after each test.
class DeviceTestCase: XCTestCase {
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
}
