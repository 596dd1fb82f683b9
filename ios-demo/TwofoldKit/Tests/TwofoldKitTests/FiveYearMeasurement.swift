// A measurement, printed and never asserted: "open the five-year store and show today" through
// the Swift layer — `Store.open` of the design's five-year data set (made by make-dataset on
// the host, see test-linux.sh), then the today screen's model until its first state is shown.
import Foundation
import XCTest

@testable import TwofoldKit

final class FiveYearMeasurement: XCTestCase {
    @MainActor
    func testOpenTheFiveYearStoreAndShowToday() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["TWOFOLD_DATASET"], let keyHex = environment["TWOFOLD_DATASET_KEY"],
              let key = Data(hex: keyHex) else {
            print("five-year measurement: skipped (no TWOFOLD_DATASET; test-linux.sh makes it when TWOFOLD_MAKE_DATASET is set)")
            return
        }
        // A copy, so that each run opens the same never-opened bytes.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("five-year-\(UUID().uuidString).db")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }

        let clock = Clock(timeZone: TimeZone(identifier: "Europe/Madrid")!)
        let start = DispatchTime.now().uptimeNanoseconds
        let store = try await Store.open(at: copy, key: key)
        let opened = DispatchTime.now().uptimeNanoseconds
        // The core's home screen (today's plan items, next meetings, streaks), first value.
        let home = Collector(try store.homeStream(today: clock.today))
        try await waitUntil("the home screen", timeout: 60) { !home.values.isEmpty }
        let homeShown = DispatchTime.now().uptimeNanoseconds
        home.cancel()
        // The whole today screen: plus open alerts (the rules over the journal), milestones and
        // the next meetings in the phone's zone.
        let today = TodayModel(store: store, clock: clock)
        today.start()
        try await waitUntil("the today screen", timeout: 60) { today.isLoaded }
        let todayShown = DispatchTime.now().uptimeNanoseconds
        let screen = try XCTUnwrap(today.home)

        func ms(_ nanos: UInt64) -> String { String(format: "%.1f ms", Double(nanos) / 1_000_000) }
        print("five-year measurement: open \(ms(opened - start)), home screen \(ms(homeShown - opened)), "
            + "whole today screen \(ms(todayShown - homeShown)) more; open + home screen \(ms(homeShown - start)) "
            + "(\(screen.lastCheckIns.count) recent check-ins, \(screen.streaks.count) streaks, "
            + "\(today.nextMeetings.count) next meetings, \(today.openAlerts.count) open alerts)")
        today.stop()
        store.close()
    }
}

extension Data {
    /// Bytes from hex digits (the key test-linux.sh hands over); nil if malformed.
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
