import Foundation
import TwofoldKit
import UserNotifications

/// The core's reminder list as local notifications. The kit decides what to schedule (and
/// keeps it discreet unless the person chose detail); this only fills the texts from the string
/// table and replaces what is pending.
enum Reminders {
    static func requestPermission() async -> Bool {
        (try? await UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound])) ?? false
    }

    static func schedule(_ planned: [PlannedNotification]) async {
        let center = UNUserNotificationCenter.current()
        center.removeAllPendingNotificationRequests()
        let texts = PhraseText.bundle(.main)
        for reminder in planned {
            let content = UNMutableNotificationContent()
            content.title = texts.fill(reminder.titleKey, reminder.values)
            content.body = texts.fill(reminder.bodyKey, reminder.values)
            content.sound = .default
            let interval = max(1, reminder.fireDate.timeIntervalSinceNow)
            let trigger = UNTimeIntervalNotificationTrigger(timeInterval: interval, repeats: false)
            try? await center.add(UNNotificationRequest(identifier: reminder.id, content: content, trigger: trigger))
        }
    }
}
