import Foundation
import TwofoldCore

/// The app's composition root: opens the store with the platform's key and makes one model per
/// screen over it. The SwiftUI app holds one; the tests build it the same way.
@MainActor
public final class AppModel: ViewModel {
    public static let fileName = "twofold.db"

    public let store: Store
    public let clock: Clock
    public private(set) var preferences: Preferences { willSet { willChange() } }

    public let today: TodayModel
    public let plan: PlanModel
    public let crisis: CrisisModel
    public let contacts: ContactsModel
    public let schedule: ScheduleModel
    public let checkIn: CheckInModel
    public let medications: MedicationsModel
    public let sync: SyncModel
    public let pairing: PairingModel
    public let devices: LinkDeviceModel
    public let sharing: SharingModel
    public let mentor: MentorModel
    public let fromMentor: MentorNotesModel
    public let appLock: AppLockSettingsModel

    init(store: Store, clock: Clock, preferences: Preferences, lang: Lang, region: String? = nil) {
        self.store = store
        self.clock = clock
        self.preferences = preferences
        today = TodayModel(store: store, clock: clock)
        plan = PlanModel(store: store)
        crisis = CrisisModel(store: store, lang: lang, region: region)
        contacts = ContactsModel(store: store)
        schedule = ScheduleModel(store: store, clock: clock)
        checkIn = CheckInModel(store: store, clock: clock)
        medications = MedicationsModel(store: store, clock: clock)
        sync = SyncModel(store: store)
        pairing = PairingModel(store: store, sync: sync, clock: clock)
        devices = LinkDeviceModel(store: store, sync: sync, clock: clock)
        sharing = SharingModel(store: store, sync: sync)
        mentor = MentorModel(store: store, clock: clock)
        fromMentor = MentorNotesModel(store: store)
        appLock = AppLockSettingsModel(store: store)
    }

    /// Opens (or creates) the store in `directory`. A wrong key throws `.wrongKey` and touches
    /// nothing: the app then says so and never deletes the file.
    public static func open(directory: URL, keys: KeyProvider, preferences: Preferences = Preferences(),
                            clock: Clock = .system, lang: Lang = .en, region: String? = nil) async throws -> AppModel {
        let key = try keys.databaseKey()
        let store = try await Store.open(at: directory.appendingPathComponent(fileName), key: key)
        return AppModel(store: store, clock: clock, preferences: preferences, lang: lang, region: region)
    }

    /// Opens the store in `directory` that has an app lock, with the platform key and the PIN
    /// (`.wrongPin`, `.lockedOut` as `Store.openWithPin` says). The lock screen's call.
    public static func open(directory: URL, keys: KeyProvider, pin: String, preferences: Preferences = Preferences(),
                            clock: Clock = .system, lang: Lang = .en, region: String? = nil) async throws -> AppModel {
        let key = try keys.databaseKey()
        let store = try await Store.openWithPin(at: directory.appendingPathComponent(fileName), key: key, pin: pin)
        return AppModel(store: store, clock: clock, preferences: preferences, lang: lang, region: region)
    }

    /// Starts the live parts (today, plan, contacts, schedule; sync when a relay is chosen).
    public func start() {
        today.start()
        plan.start()
        contacts.start()
        schedule.start()
        medications.start()
        crisis.load()
        appLock.load()
        connectRelay()
    }

    /// Syncs with the relay the person chose, or else the one a pairing or a link went through:
    /// a mentor's app and a linked tablet learn it from the invite, and keep it after a restart.
    func connectRelay() {
        let fromInvite = (try? store.read { try $0.peers() })?
            .first { $0.status != .declined && $0.relay != nil }?.relay
        if let relay = preferences.relayURL ?? fromInvite {
            sync.connect(relayURL: relay)
        }
    }

    /// Changes the relay (or stops syncing with nil).
    public func setRelay(_ url: String?) {
        guard let url else {
            preferences.relayURL = nil
            return
        }
        if sync.connect(relayURL: url) {
            preferences.relayURL = url
        }
    }

    public func setShowReminderDetail(_ show: Bool) {
        preferences.showReminderDetail = show
    }

    /// What BGAppRefreshTask runs: one sync, then the reminders to schedule from the new state.
    public func backgroundRefresh() async -> (report: SyncReport?, reminders: [PlannedNotification]) {
        let report = await sync.syncNow()
        return (report, await reminders())
    }

    /// The notifications to schedule now (discreet unless the person chose otherwise).
    public func reminders() async -> [PlannedNotification] {
        do {
            return try await ReminderPlanner.plan(store: store, clock: clock, showDetail: preferences.showReminderDetail)
        } catch {
            failure = error as? StoreError
            return []
        }
    }

    /// Stops every stream and sync, then closes the store.
    public func close() async {
        stopModels()
        await sync.shutDown()
        store.close()
    }

    /// "Delete everything from this phone", in order: every share this device gave ends with a
    /// notice asking the paired device to delete its copy; one sync carries the notices (best
    /// effort: an offline phone erases anyway); the core
    /// removes every file of the store (the app lock's file included); then the platform key
    /// goes (`keys.deleteKey()`: the Keychain item), so no copy of the old files can be opened
    /// again. Returns how many files were removed. The model is closed afterwards.
    public func eraseEverything(keys: KeyProvider) async throws -> UInt64 {
        _ = try await store.prepareErase()
        // Offline, the report says so at once; the relay's own timeouts bound a slow network.
        _ = await sync.syncNow()
        stopModels()
        await sync.shutDown()
        let removed = try await store.eraseEverything()
        try keys.deleteKey()
        return removed
    }

    private func stopModels() {
        for model in [today, plan, contacts, schedule, checkIn, medications, pairing, devices, sharing, mentor, fromMentor, appLock]
            as [ViewModel] {
            model.stop()
        }
    }
}
