import TwofoldCore

/// A medication as its form edits it: text the person types, turned into the core's record on
/// save. The core names a refused field the way the record does (`medication_schedule.dose_amount`).
public struct MedicationDraft: Equatable, Sendable {
    public let id: String
    public var name = ""
    public var doseAmount = ""
    public var doseUnit = "mg"
    /// The first dose, `YYYY-MM-DDTHH:MM`, in `timeZone`.
    public var start = ""
    public var timeZone: String
    /// An RRULE without `RRULE:`; empty for a single dose.
    public var rrule = "FREQ=DAILY"
    /// Minutes before each dose to remind, comma-separated.
    public var reminderOffsets = "0"
    public var pickupPlace = ""
    public var refillDate = ""
    public var refillRemindDaysBefore: UInt32 = 2
    /// Reminders name the medication only when this is on.
    public var showNameInReminders = false

    public init(timeZone: String) {
        self.id = newItemId()
        self.timeZone = timeZone
    }

    public init(editing m: ScheduledMedication) {
        id = m.id
        name = m.name
        doseAmount = m.doseAmount.truncatingRemainder(dividingBy: 1) == 0 ? String(Int(m.doseAmount)) : String(m.doseAmount)
        doseUnit = m.doseUnit
        start = String(m.start.prefix(16))
        timeZone = m.timeZone
        rrule = m.rrule ?? ""
        reminderOffsets = m.reminderOffsetsMinutes.map(String.init).joined(separator: ",")
        pickupPlace = m.pickupPlace
        refillDate = m.refillDate ?? ""
        refillRemindDaysBefore = m.refillRemindDaysBefore
        showNameInReminders = m.showNameInReminders
    }

    /// The record to write; nil with the field's name when a number cannot be read.
    func record() -> Result<ScheduledMedication, StoreError> {
        let pieces = reminderOffsets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let offsets = pieces.compactMap { UInt32($0) }
        guard offsets.count == pieces.count else {
            return .failure(.invalidInput(field: "medication_schedule.reminder_offsets_minutes", reason: "is not a number of minutes"))
        }
        let trimmed = { (s: String) in s.trimmingCharacters(in: .whitespaces) }
        return .success(ScheduledMedication(
            id: id, name: trimmed(name),
            // An unreadable amount goes to the core as 0, which it refuses naming `dose_amount`.
            doseAmount: Double(trimmed(doseAmount).replacingOccurrences(of: ",", with: ".")) ?? 0,
            doseUnit: trimmed(doseUnit), start: trimmed(start), timeZone: timeZone,
            rrule: trimmed(rrule).isEmpty ? nil : trimmed(rrule), reminderOffsetsMinutes: offsets,
            pickupPlace: trimmed(pickupPlace), refillDate: trimmed(refillDate).isEmpty ? nil : trimmed(refillDate),
            refillRemindDaysBefore: refillRemindDaysBefore, showNameInReminders: showNameInReminders))
    }
}

/// The medication schedule (the journal's, private by default), listed from the journal's
/// stream and edited through a `MedicationDraft`. Reminders name no drug unless allowed.
@MainActor
public final class MedicationsModel: ViewModel {
    let store: Store
    let clock: Clock

    public private(set) var medications: [ScheduledMedication] = [] { willSet { willChange() } }

    public init(store: Store, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    public func start() {
        do {
            consume(try store.documentStream(.journal)) { [weak self] snapshot in
                guard case .journal(let journal) = snapshot else { return }
                self?.medications = journal.medicationSchedule
            }
        } catch {
            failure = error as? StoreError
        }
    }

    public func newDraft() -> MedicationDraft { MedicationDraft(timeZone: clock.zone) }

    /// Saves the draft; false (with `failure` naming the field) when refused — nothing is written.
    @discardableResult
    public func save(_ draft: MedicationDraft) async -> Bool {
        switch draft.record() {
        case .failure(let refused):
            failure = refused
            return false
        case .success(let medication):
            return await attempt { try await store.put(.medicationSchedule(item: medication)) }
        }
    }

    public func remove(_ id: String) async {
        await attempt { try await store.remove(.medicationSchedule, id: id) }
    }
}
