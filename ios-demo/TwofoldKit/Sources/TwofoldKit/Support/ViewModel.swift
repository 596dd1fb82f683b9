import Foundation
#if canImport(Combine)
import Combine
#endif

/// The base of every view-state model: SwiftUI observes it, tests and Linux observe it too.
///
/// The app targets iOS 16, so `@Observable` (iOS 17) is out, and Combine — which
/// `ObservableObject` and `@Published` need — does not exist on Linux, where the models are
/// tested. So a model announces its own changes: each observed property calls `willChange()`
/// in its `willSet`. On Apple platforms that sends `objectWillChange` (the class is then an
/// `ObservableObject`, usable with `@StateObject`/`@ObservedObject`); everywhere it also calls
/// `onChange`, a plain hook the tests (and any non-SwiftUI observer) can set.
@MainActor
open class ViewModel {
    #if canImport(Combine)
    public nonisolated let objectWillChange = ObservableObjectPublisher()
    #endif

    /// Called before every change of an observed property.
    public var onChange: (() -> Void)?

    /// The last failure of an action, for the screen to show (field errors highlight a field).
    public internal(set) var failure: StoreError? { willSet { willChange() } }

    /// Background tasks the model started (stream consumers); cancelled by `stop()`.
    var tasks: [Task<Void, Never>] = []

    public init() {}

    public func willChange() {
        #if canImport(Combine)
        objectWillChange.send()
        #endif
        onChange?()
    }

    /// Ends every stream the model consumes (their core subscriptions end with them).
    public func stop() {
        tasks.forEach { $0.cancel() }
        tasks.removeAll()
    }

    /// Consumes `stream` on the main actor until `stop()`, handing each value to `apply` in
    /// order (the next value waits until `apply` is done with this one). A model that is gone
    /// stops at the next value: its task ends, and with it the stream and its core subscription.
    func consume<Value>(_ stream: AsyncStream<Value>, _ apply: @escaping @MainActor (Value) async -> Void) {
        tasks.append(Task { @MainActor [weak self] in
            for await value in stream {
                guard self != nil else { break }
                await apply(value)
            }
        })
    }

    /// Runs an action, recording a `StoreError` in `failure` instead of throwing; returns
    /// whether it succeeded. For buttons: the screen shows `failure`.
    @discardableResult
    func attempt(_ action: () async throws -> Void) async -> Bool {
        do {
            try await action()
            failure = nil
            return true
        } catch let error as StoreError {
            failure = error
            return false
        } catch {
            failure = .internalFailure(reason: "unexpected error")
            return false
        }
    }
}

#if canImport(Combine)
extension ViewModel: ObservableObject {}
#endif
