import TwofoldCore

/// The daily check-in, built to take under 20 seconds: two sliders, a few toggles, the plan's
/// own triggers, coping strategies and warning signs as chips, an optional note. Submitting
/// records it durably and evaluates the early-warning rules in the same call.
@MainActor
public final class CheckInModel: ViewModel {
    let store: Store
    let clock: Clock

    /// 0 (very low) … 10 (very good).
    public var mood: UInt8 = 5 { willSet { willChange() } }
    /// 0 (none) … 10 (overwhelming).
    public var craving: UInt8 = 0 { willSet { willChange() } }
    public var sleepHours: Double? { willSet { willChange() } }
    public var medicationTaken: Bool? { willSet { willChange() } }
    public var usedSubstance = false { willSet { willChange() } }
    public var triggersMet: Set<String> = [] { willSet { willChange() } }
    public var copingUsed: Set<String> = [] { willSet { willChange() } }
    public var warningSigns: Set<String> = [] { willSet { willChange() } }
    public var note = "" { willSet { willChange() } }

    /// The plan's items to pick from.
    public private(set) var triggerChoices: [Trigger] = [] { willSet { willChange() } }
    public private(set) var copingChoices: [CopingStrategy] = [] { willSet { willChange() } }
    public private(set) var warningSignChoices: [WarningSign] = [] { willSet { willChange() } }
    /// Today's scheduled doses, in time order, with the medication each belongs to.
    public private(set) var dueDoses: [(dose: DueDose, medication: ScheduledMedication?)] = [] { willSet { willChange() } }
    /// Per dose (by `DueDose.medicationId` and `due`): taken or missed; unanswered ones are left out.
    public var doseAnswers: [DoseKey: Bool] = [:] { willSet { willChange() } }

    /// What the last submission brought up: the check-in and the open alerts (with the steps
    /// the person's own plan suggests).
    public private(set) var outcome: CheckInOutcome? { willSet { willChange() } }

    public init(store: Store, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    /// Reads the plan's choices and today's doses (once per opening of the form).
    public func load() {
        do {
            let today = clock.today
            (triggerChoices, copingChoices, warningSignChoices) = try store.read { core in
                (try core.listTriggers(), try core.listCopingStrategies(), try core.listWarningSigns())
            }
            let (doses, schedule) = try store.read { core in (try core.dosesOn(day: today), try core.listMedicationSchedule()) }
            dueDoses = doses.map { dose in (dose, schedule.first { $0.id == dose.medicationId }) }
        } catch {
            failure = error as? StoreError
        }
    }

    @discardableResult
    public func submit() async -> Bool {
        let today = clock.today
        let entry = NewCheckIn(
            day: today, mood: mood, craving: craving, sleepHours: sleepHours, medicationTaken: medicationTaken,
            doses: doseAnswers.sorted { ($0.key.due, $0.key.medicationId) < ($1.key.due, $1.key.medicationId) }
                .map { DoseAnswer(medicationId: $0.key.medicationId, due: $0.key.due, taken: $0.value) },
            usedSubstance: usedSubstance, triggersMet: triggersMet.sorted(), copingUsed: copingUsed.sorted(),
            warningSigns: warningSigns.sorted(), note: note)
        let atMs = clock.nowMs
        return await attempt {
            outcome = try await store.write {
                try await $0.recordCheckInAndEvaluate(checkIn: entry, today: today, atMs: atMs)
            }
            reset()
        }
    }

    /// A fresh form for the next check-in (the outcome stays until dismissed).
    public func reset() {
        (mood, craving, sleepHours, medicationTaken, usedSubstance) = (5, 0, nil, nil, false)
        (triggersMet, copingUsed, warningSigns, note) = ([], [], [], "")
        doseAnswers = [:]
    }

    /// Answers one dose: taken, missed, or (nil) not answered.
    public func answer(_ dose: DueDose, taken: Bool?) {
        doseAnswers[DoseKey(medicationId: dose.medicationId, due: dose.due)] = taken
    }

    public func dismissOutcome() {
        outcome = nil
    }
}

/// A scheduled dose of the day: which medication, and its wall-clock time.
public struct DoseKey: Hashable, Sendable {
    public let medicationId: String
    public let due: String
}
