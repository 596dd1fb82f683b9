// Times typical calls from Swift through the generated bindings, against a baseline measured
// in the same run: `version()`, an FFI call that does no work (one string back). Prints
// per-call means and their ratio to the baseline. Run with tests/foreign/bench.sh.
import Foundation
import TwofoldCore

func contact(_ n: Int) -> Contact {
    Contact(
        id: "contact-\(n)", name: "Contact \(n)", roles: [.peer],
        phones: [Phone(label: "mobile", number: String(format: "+34 600 000 %03d", n))],
        availability: "evenings", notes: "Met at the Tuesday group")
}

func checkIn(_ n: Int) -> NewCheckIn {
    NewCheckIn(
        day: String(format: "2026-%02d-%02d", 1 + n / 28 % 12, 1 + n % 28),
        mood: UInt8(n % 11), craving: UInt8(n % 4), sleepHours: 7, medicationTaken: true,
        note: "Bench check-in \(n)")
}

/// Mean nanoseconds per call of `calls` runs of `body`.
func meanNanos(_ calls: Int, _ body: (Int) throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<calls { try body(i) }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls)
}

func meanNanosAsync(_ calls: Int, _ body: (Int) async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<calls { try await body(i) }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls)
}

func row(_ name: String, _ calls: Int, _ nanos: Double, _ baseline: Double) {
    print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0)
        + String(format: " %5d calls  mean %10.2f µs  %9.1f× baseline", calls, nanos / 1000, nanos / baseline))
}

// The store goes under the directory given as the first argument (the same disk as the Kotlin
// bench's), else under the temporary directory.
let parent = CommandLine.arguments.count > 1
    ? URL(fileURLWithPath: CommandLine.arguments[1]) : FileManager.default.temporaryDirectory
let dir = parent.appendingPathComponent("twofold-bench-\(UUID())")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }

var rng = SystemRandomNumberGenerator()
let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
let store = try await TwofoldStore.open(path: dir.appendingPathComponent("bench.db").path, key: key)
for n in 1...15 { try await store.putContact(item: contact(n)) }

// Reads first (on 15 contacts, no check-ins yet), then writes; each after a warm-up.
_ = meanNanos(20_000) { _ in _ = version() }
_ = try meanNanos(2_000) { _ in _ = try store.listContacts() }
let baseline = meanNanos(10_000) { _ in _ = version() }
let list = try meanNanos(1_000) { _ in _ = try store.listContacts() }
let home = try meanNanos(1_000) { _ in _ = try store.homeScreen(today: "2026-06-15") }
_ = try await meanNanosAsync(20) { _ = try await store.recordCheckIn(checkIn: checkIn(10_000 + $0)) }
let checkIns = try await meanNanosAsync(200) { _ = try await store.recordCheckIn(checkIn: checkIn($0)) }

print("swift bench: 15 contacts; record_check_in is durable (synchronous=FULL)")
row("version() [baseline]", 10_000, baseline, baseline)
row("listContacts()", 1_000, list, baseline)
row("homeScreen(today)", 1_000, home, baseline)
row("recordCheckIn() [async]", 200, checkIns, baseline)
store.close()
