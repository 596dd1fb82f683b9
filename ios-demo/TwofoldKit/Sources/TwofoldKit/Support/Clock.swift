import Foundation

/// The person's "now" and time zone. The core takes local days (`YYYY-MM-DD`), epoch
/// milliseconds and IANA zone names; this is the one place that makes them from `Date`, so
/// models never format dates themselves and tests can pin the date.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = .current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.timeZone = timeZone
        self.now = now
    }

    public static var system: Clock { Clock() }

    /// The IANA name the core takes as `viewer_zone`.
    public var zone: String { timeZone.identifier }

    public var nowMs: Int64 { Self.ms(now()) }

    /// Today in the person's zone, `YYYY-MM-DD`.
    public var today: String { day(of: now()) }

    public func day(of date: Date) -> String {
        format(date, "yyyy-MM-dd")
    }

    /// A wall-clock time in the person's zone, `YYYY-MM-DDTHH:MM` (what meetings start at).
    public func wallClock(_ date: Date) -> String {
        format(date, "yyyy-MM-dd'T'HH:mm")
    }

    public static func ms(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func date(ms: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(ms) / 1000)
    }

    private func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
