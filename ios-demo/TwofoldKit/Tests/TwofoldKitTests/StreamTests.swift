// Streams fed by the core's listeners: the current value first, then each change, and the end
// of the stream — its task cancelled — ends the core's subscription too.
import Foundation
import XCTest

@testable import TwofoldKit

final class StreamTests: StoreTestCase {
    @MainActor
    func testADocumentStreamYieldsTheCurrentValueThenEachChangeAndEndsOnCancellation() async throws {
        let store = try await openStore()
        let first = Contact(id: newItemId(), name: "Alex (mentor)", roles: [.mentor])
        try await store.put(.contacts(item: first))

        let contacts = Collector(try store.documentStream(.contacts))
        XCTAssertEqual(store.liveSubscriptionCount, 1)
        try await waitUntil("the current value") { contacts.values.count == 1 }
        guard case .contacts(let now) = contacts.values[0] else { return XCTFail("\(contacts.values[0])") }
        XCTAssertEqual(now.contacts, [first], "the current state comes first, before any change")

        let second = Contact(id: newItemId(), name: "Crisis line", roles: [.crisisLine], phones: [Phone(number: "024")])
        try await store.put(.contacts(item: second))
        try await waitUntil("the first change") { contacts.values.count == 2 }
        var renamed = first
        renamed.name = "Alex"
        try await store.put(.contacts(item: renamed))
        try await waitUntil("the second change") { contacts.values.count == 3 }
        guard case .contacts(let last) = contacts.values[2] else { return XCTFail("\(contacts.values[2])") }
        XCTAssertEqual(last.contacts, [renamed, second])

        contacts.cancel()
        try await waitUntil("the stream ends when its task is cancelled") { contacts.finished }
        try await waitUntil("and the core's subscription with it") { store.liveSubscriptionCount == 0 }
        try await store.put(.contacts(item: Contact(id: newItemId(), name: "After the end")))
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(contacts.values.count, 3, "nothing is delivered after the end")
        store.close()
    }

    /// The stream's end calls `cancel()` on the core's subscription handle, exactly once.
    @MainActor
    func testCancellingTheConsumingTaskCancelsTheCoreSubscription() async throws {
        final class Handle: CoreSubscription {
            var cancels = 0
            func cancel() { cancels += 1 }
        }
        let handle = Handle()
        let registry = SubscriptionRegistry()
        var feed: AsyncStream<Int>.Continuation?
        let stream: AsyncStream<Int> = try coreStream(registry: registry) { continuation in
            feed = continuation
            continuation.yield(1) // the core delivers the current value at once
            return handle
        }
        let values = Collector(stream)
        try await waitUntil("the current value") { values.values == [1] }
        feed?.yield(2)
        try await waitUntil("a change") { values.values == [1, 2] }
        XCTAssertEqual(handle.cancels, 0)
        values.cancel()
        try await waitUntil("the core subscription cancelled") { handle.cancels == 1 && values.finished }
        XCTAssertEqual(registry.count, 0)
        registry.cancelAll()
        XCTAssertEqual(handle.cancels, 1, "once only")
    }

    @MainActor
    func testTheHomeScreenStreamFollowsACheckIn() async throws {
        let store = try await openStore()
        let home = Collector(try store.homeStream(today: "2026-03-03"))
        try await waitUntil("the current home screen") { home.values.count == 1 }
        XCTAssertFalse(home.values[0].checkedInToday)
        _ = try await store.write {
            try await $0.recordCheckIn(checkIn: NewCheckIn(day: "2026-03-03", mood: 7, craving: 1), atMs: nil)
        }
        try await waitUntil("the check-in on the home screen") { home.values.last?.checkedInToday == true }
        home.cancel()
        try await waitUntil("the subscription ends") { store.liveSubscriptionCount == 0 && home.finished }
        store.close()
    }

    @MainActor
    func testAModelsStreamsEndWithTheModel() async throws {
        let store = try await openStore()
        let plan = PlanModel(store: store)
        var announced = 0
        plan.onChange = { announced += 1 } // what objectWillChange does for SwiftUI on Apple platforms
        plan.start()
        XCTAssertEqual(store.liveSubscriptionCount, 2, "the plan and the contacts it names")
        try await waitUntil("the plan's current state") { plan.isLoaded }
        var draft = PlanItemDraft(section: .copingStrategies)
        draft.text = "Cold water on my face"
        draft.domain = .mentalHealth
        let saved = await plan.save(draft)
        XCTAssertTrue(saved, "\(String(describing: plan.failure))")
        try await waitUntil("the new item on the screen") { plan.entries(in: .copingStrategies).count == 1 }
        XCTAssertEqual(plan.entries(in: .copingStrategies).first?.domain, .mentalHealth)
        XCTAssertGreaterThan(announced, 0, "the model announced its changes")
        plan.stop()
        try await waitUntil("no subscription left") { store.liveSubscriptionCount == 0 }
        store.close()
    }

    @MainActor
    func testClosingTheStoreEndsEveryStream() async throws {
        let store = try await openStore()
        let schedule = Collector(try store.documentStream(.schedule))
        let journal = Collector(try store.documentStream(.journal))
        try await waitUntil("both current values") { schedule.values.count == 1 && journal.values.count == 1 }
        store.close()
        try await waitUntil("both streams end") { schedule.finished && journal.finished }
        XCTAssertEqual(store.liveSubscriptionCount, 0)
        XCTAssertThrowsError(try store.documentStream(.plan)) { XCTAssertEqual($0 as? StoreError, .closed) }
    }
}
