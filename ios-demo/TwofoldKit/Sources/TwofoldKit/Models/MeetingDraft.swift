import Foundation
import TwofoldCore

/// A day of the week, as RRULE spells it.
public enum Weekday: String, CaseIterable, Sendable {
    case mo = "MO", tu = "TU", we = "WE", th = "TH", fr = "FR", sa = "SA", su = "SU"

    /// The localisation key of its short name (`weekday.tu`).
    public var titleKey: String { "weekday.\(rawValue.lowercased())" }
}

/// The "add a meeting" form: what a person types, turned into the core's `Meeting` (wall-clock
/// start and IANA zone, an RRULE for a weekly meeting) with the core's own checks.
public struct MeetingDraft: Equatable, Sendable {
    public var id = newItemId()
    public var name = ""
    public var kind: MeetingKind = .peerSupportGroup
    public var format: MeetingFormat = .inPerson
    public var address = ""
    public var conferenceURL = ""
    public var conferencePhone = ""
    public var start: Date
    public var durationMinutes: UInt32 = 60
    /// Empty: a one-off appointment; otherwise weekly on these days.
    public var weekdays: Set<Weekday> = []
    /// Minutes before the start at which to remind.
    public var reminderMinutes: [UInt32] = [60]
    public var notes = ""

    public init(start: Date) {
        self.start = start
    }

    /// `FREQ=WEEKLY;BYDAY=MO,TH` in Monday-first order, or nil for a one-off.
    public var rrule: String? {
        guard !weekdays.isEmpty else { return nil }
        let days = Weekday.allCases.filter(weekdays.contains).map(\.rawValue)
        return "FREQ=WEEKLY;BYDAY=" + days.joined(separator: ",")
    }

    /// The meeting in the person's zone.
    public func meeting(clock: Clock) -> Meeting {
        func optional(_ text: String) -> String? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        return Meeting(
            id: id, name: name, kind: kind, format: format, address: address,
            conferenceUrl: optional(conferenceURL), conferencePhone: optional(conferencePhone),
            start: clock.wallClock(start), timeZone: clock.zone, durationMinutes: durationMinutes,
            rrule: rrule, reminderOffsetsMinutes: reminderMinutes, notes: notes)
    }
}
