import BackgroundTasks
import Foundation
import TwofoldKit

/// Background refresh through BGTaskScheduler: the system wakes the app now and then; it runs
/// the model's `backgroundRefresh` (one sync, then the reminders) and asks to be woken again.
/// The identifier is listed in Info.plist (`BGTaskSchedulerPermittedIdentifiers`).
enum BackgroundSync {
    static let identifier = "org.twofold.app.sync"

    /// Must run before the app finishes launching.
    static func register(model: @escaping @MainActor () -> AppModel?) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            guard let task = task as? BGAppRefreshTask else { return }
            schedule()
            let work = Task { @MainActor in
                guard let app = model() else { return task.setTaskCompleted(success: false) }
                let (report, reminders) = await app.backgroundRefresh()
                await Reminders.schedule(reminders)
                task.setTaskCompleted(success: report?.interrupted == nil)
            }
            task.expirationHandler = { work.cancel() }
        }
    }

    /// Asks for the next wake-up, no sooner than in 30 minutes.
    static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 30 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }
}
