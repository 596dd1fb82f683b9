import Foundation
import TwofoldCore

/// The today screen: the check-in prompt, the next meetings, milestones and open alerts. The
/// home screen comes live from the core; the parts it does not carry (alerts, milestones,
/// meetings in the phone's own zone) are read again whenever it changes.
@MainActor
public final class TodayModel: ViewModel {
    let store: Store
    let clock: Clock

    public private(set) var home: HomeScreen? { willSet { willChange() } }
    public private(set) var nextMeetings: [Occurrence] = [] { willSet { willChange() } }
    public private(set) var milestones: [RecoveryProgress] = [] { willSet { willChange() } }
    public private(set) var openAlerts: [WarningAlert] = [] { willSet { willChange() } }
    /// How many home screens arrived (the first is the current state): tests wait on it.
    public private(set) var updates = 0 { willSet { willChange() } }
    private var day = ""

    public init(store: Store, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    /// Shows the check-in prompt until today's check-in is in.
    public var needsCheckIn: Bool { home.map { !$0.checkedInToday } ?? false }

    public var isLoaded: Bool { home != nil }

    /// Subscribes for today; call again when the date changes (the app does on foreground).
    public func start() {
        let today = clock.today
        guard today != day || tasks.isEmpty else { return }
        stop()
        day = today
        do {
            consume(try store.homeStream(today: today)) { [weak self] home in
                await self?.show(home)
            }
        } catch {
            failure = error as? StoreError
        }
    }

    /// Quiets an alert until its situation changes.
    public func acknowledge(_ alert: WarningAlert) async {
        await attempt {
            try await store.write { try await $0.acknowledgeAlert(rule: alert.rule, situation: alert.situation) }
            openAlerts = try await store.write { try await $0.openAlerts(today: day) }
        }
    }

    /// The person's "if a lapse happens" plan, shown right after they record a lapse.
    public private(set) var lapsePlan: [PlanNote]? { willSet { willChange() } }

    /// Starts counting days of recovery from `substance` (in the person's words) on `day`.
    @discardableResult
    public func startRecovery(substance: String, on day: Date) async -> Bool {
        let started = clock.day(of: day)
        return await attempt { _ = try await store.write { try await $0.addRecovery(substance: substance, started: started) } }
    }

    /// Records a lapse today: the counter restarts, the history stays, and the person's own
    /// lapse plan comes up at once.
    @discardableResult
    public func recordLapse(_ progress: RecoveryProgress) async -> Bool {
        let today = clock.today
        return await attempt {
            let recorded = try await store.write {
                try await $0.recordLapse(recoveryId: progress.recoveryId, day: today, note: "")
            }
            lapsePlan = recorded.lapsePlan
        }
    }

    public func dismissLapsePlan() {
        lapsePlan = nil
    }

    private func show(_ home: HomeScreen) async {
        let today = home.today
        await attempt {
            let nowMs = clock.nowMs
            let zone = clock.zone
            let (meetings, progress) = try store.read { core in
                (try core.nextOccurrences(nowMs: nowMs, count: 3, viewerZone: zone), try core.recoveryProgress(today: today))
            }
            let alerts = try await store.write { try await $0.openAlerts(today: today) }
            self.nextMeetings = meetings
            self.milestones = progress
            self.openAlerts = alerts
        }
        self.home = home
        updates += 1
    }
}
