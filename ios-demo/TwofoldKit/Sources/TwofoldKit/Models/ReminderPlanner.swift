import Foundation
import TwofoldCore

/// One local notification to schedule: what the app's notification glue hands to
/// `UNUserNotificationCenter` after filling the texts from its string table.
public struct PlannedNotification: Equatable, Sendable {
    /// Stable across runs (the core's reminder id), so rescheduling replaces, never doubles.
    public let id: String
    public let fireDate: Date
    public let titleKey: String
    /// `reminder.private` ("Something on your schedule at {time}") unless the person chose to
    /// show details, then `reminder.detailed` ("{name} at {time}, {place}").
    public let bodyKey: String
    public let values: [String: String]
}

/// Turns the core's reminder list into notifications. Discreet by default: without
/// `showDetail` the core leaves the meeting's name and place out of the reminder, so nothing on
/// a lock screen says what the meeting is.
public enum ReminderPlanner {
    /// iOS keeps at most 64 pending local notifications per app; leave room for others.
    public static let maximum = 60

    public static func plan(store: Store, clock: Clock, showDetail: Bool = false,
                            horizonDays: UInt32 = 14) async throws -> [PlannedNotification] {
        let (nowMs, zone) = (clock.nowMs, clock.zone)
        let reminders = try await store.write {
            try await $0.reminders(nowMs: nowMs, horizonDays: horizonDays, showDetail: showDetail, viewerZone: zone)
        }
        return reminders
            .sorted { $0.fireAtUtcMs < $1.fireAtUtcMs }
            .prefix(maximum)
            .map { reminder in
                PlannedNotification(
                    id: reminder.id,
                    fireDate: Clock.date(ms: reminder.fireAtUtcMs),
                    titleKey: "reminder.title",
                    bodyKey: reminder.code == .detailed ? "reminder.detailed" : "reminder.private",
                    values: reminder.params)
            }
    }
}
