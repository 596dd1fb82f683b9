import Foundation
import TwofoldCore

/// What went wrong in a core call, by what the app can do about it: a Swift-style mirror of the
/// generated `TwofoldError` (whose cases are spelled the Rust way, `InvalidInput`), so that app
/// code and tests match on `.invalidInput(field:reason:)` and never import the FFI's names.
///
/// Like the core's error, no case carries the person's words: only field names, item ids and
/// fixed texts, so an error can be logged.
public enum StoreError: Error, Equatable, Sendable {
    /// An argument or a field of a record was refused; nothing was written. `field` names it
    /// the way the record does (`triggers.description`, `meetings.rrule`, `key`).
    case invalidInput(field: String, reason: String)
    case notFound(what: String, id: String)
    /// The key does not open this store; nothing was changed or deleted.
    case wrongKey
    /// The file was damaged and moved aside (never deleted) to `movedTo`.
    case corrupt(movedTo: String)
    /// The passphrase does not open this backup; nothing was changed.
    case wrongPassphrase
    /// Written by a newer version of the app; left untouched.
    case newerVersion
    case importRefused(reason: String)
    /// The phone's storage failed; what was acknowledged before is safe.
    case storage(reason: String)
    /// Read-only share, ended share, or a device that is not paired.
    case notAllowed(reason: String)
    /// The store has an app lock: ask for the PIN and open it with the PIN.
    case locked
    /// The PIN does not open this store; the try was counted. The next waits `waitMs`.
    case wrongPin(waitMs: UInt64)
    /// Too many wrong PINs: refused unchecked until `untilMs`, `waitMs` from now.
    case lockedOut(untilMs: Int64, waitMs: UInt64)
    case closed
    /// A bug in the core (a contained panic).
    case internalFailure(reason: String)

    /// The field a form should highlight, when the error is about one.
    public var field: String? {
        if case .invalidInput(let field, _) = self { return field }
        return nil
    }

    /// Whether the field named `name` (`description`) or its full path
    /// (`triggers.description`) is the one refused.
    public func isAbout(field name: String) -> Bool {
        guard let field else { return false }
        return field == name || field.hasSuffix("." + name)
    }

    init(_ error: TwofoldError) {
        switch error {
        case .InvalidInput(let field, let reason): self = .invalidInput(field: field, reason: reason)
        case .NotFound(let what, let id): self = .notFound(what: what, id: id)
        case .WrongKey: self = .wrongKey
        case .Corrupt(let movedTo): self = .corrupt(movedTo: movedTo)
        case .WrongPassphrase: self = .wrongPassphrase
        case .NewerVersion: self = .newerVersion
        case .ImportRefused(let reason): self = .importRefused(reason: reason)
        case .Storage(let reason): self = .storage(reason: reason)
        case .NotAllowed(let reason): self = .notAllowed(reason: reason)
        case .Locked: self = .locked
        case .WrongPin(let waitMs): self = .wrongPin(waitMs: waitMs)
        case .LockedOut(let untilMs, let waitMs): self = .lockedOut(untilMs: untilMs, waitMs: waitMs)
        case .Closed: self = .closed
        case .Internal(let reason): self = .internalFailure(reason: reason)
        }
    }
}

/// Runs a core call and rethrows its `TwofoldError` as a `StoreError`. Every call the kit makes
/// into the core goes through one of these two, so no generated error escapes the kit.
func mapped<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TwofoldError {
        throw StoreError(error)
    }
}

func mapped<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as TwofoldError {
        throw StoreError(error)
    }
}
