// Shared by the suites: temporary stores, a clock the test moves, and waiting on models whose
// state arrives from the core's listener threads.
import Foundation
import XCTest

@testable import TwofoldKit

/// A time the test sets; the models read it through `Clock`.
final class TestTime: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ iso: String) {
        current = TestTime.parse(iso)
    }

    var date: Date {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }

    func set(_ iso: String) { date = TestTime.parse(iso) }

    static func parse(_ iso: String) -> Date {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: iso) else { preconditionFailure("bad test date \(iso)") }
        return date
    }
}

let madrid = TimeZone(identifier: "Europe/Madrid")!

func testClock(_ time: TestTime) -> Clock {
    Clock(timeZone: madrid) { time.date }
}

/// A fresh directory per test, removed afterwards.
class StoreTestCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("twofoldkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func openStore(_ name: String = "store", key: Data = EphemeralKey.random()) async throws -> Store {
        try await Store.open(at: dir.appendingPathComponent("\(name).db"), key: key)
    }

    /// A device: its own directory, key and models.
    @MainActor
    func device(_ name: String, clock: Clock = .system, preferences: Preferences = Preferences()) async throws -> AppModel {
        let home = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return try await AppModel.open(directory: home, keys: EphemeralKey(), preferences: preferences, clock: clock)
    }
}

/// Waits (polling, up to `timeout` seconds) until `condition` holds on the main actor; the
/// models' state is filled from the core's listener threads, so it arrives asynchronously.
@MainActor
func waitUntil(_ what: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line,
               _ condition: @MainActor () throws -> Bool) async throws {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while try !condition() {
        guard Date() < deadline else {
            XCTFail("timed out after \(timeout)s waiting: \(what)", file: file, line: line)
            throw CancellationError()
        }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
}

/// Consumes a stream in a task of its own, keeping every value, the way a screen's task does;
/// `cancel()` cancels that task, as leaving the screen does.
@MainActor
final class Collector<Value> {
    private(set) var values: [Value] = []
    private(set) var finished = false
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<Value>) {
        task = Task { @MainActor [weak self] in
            for await value in stream {
                self?.values.append(value)
            }
            self?.finished = true
        }
    }

    func cancel() {
        task?.cancel()
    }
}
