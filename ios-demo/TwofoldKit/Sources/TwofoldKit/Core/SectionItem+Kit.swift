import TwofoldCore

/// What the generated `SectionItem` does not say about itself: its section and its id. (The
/// Rust side has `section()`, but it is not part of the FFI.)
extension SectionItem {
    public var section: SectionName {
        switch self {
        case .dailyMaintenance: return .dailyMaintenance
        case .triggers: return .triggers
        case .warningSigns: return .warningSigns
        case .copingStrategies: return .copingStrategies
        case .distractions: return .distractions
        case .reasons: return .reasons
        case .goals: return .goals
        case .goalSteps: return .goalSteps
        case .takeoverSigns: return .takeoverSigns
        case .crisisContacts: return .crisisContacts
        case .doNotInvolve: return .doNotInvolve
        case .professionals: return .professionals
        case .medications: return .medications
        case .treatments: return .treatments
        case .whatHelps: return .whatHelps
        case .whatDoesNotHelp: return .whatDoesNotHelp
        case .environmentSafety: return .environmentSafety
        case .lapsePlan: return .lapsePlan
        case .postCrisisPlan: return .postCrisisPlan
        case .naloxoneKits: return .naloxoneKits
        case .neverUseAlone: return .neverUseAlone
        case .naloxoneResponders: return .naloxoneResponders
        case .contacts: return .contacts
        case .meetings: return .meetings
        case .attendance: return .attendance
        case .checkIns: return .checkIns
        case .recoveries: return .recoveries
        case .lapses: return .lapses
        case .medicationSchedule: return .medicationSchedule
        case .weeks: return .weeks
        case .milestones: return .milestones
        case .openAlerts: return .openAlerts
        }
    }

    public var id: String {
        switch self {
        case .dailyMaintenance(let item): return item.id
        case .triggers(let item): return item.id
        case .warningSigns(let item): return item.id
        case .copingStrategies(let item): return item.id
        case .distractions(let item): return item.id
        case .reasons(let item): return item.id
        case .goals(let item): return item.id
        case .goalSteps(let item): return item.id
        case .takeoverSigns(let item): return item.id
        case .crisisContacts(let item): return item.id
        case .doNotInvolve(let item): return item.id
        case .professionals(let item): return item.id
        case .medications(let item): return item.id
        case .treatments(let item): return item.id
        case .whatHelps(let item): return item.id
        case .whatDoesNotHelp(let item): return item.id
        case .environmentSafety(let item): return item.id
        case .lapsePlan(let item): return item.id
        case .postCrisisPlan(let item): return item.id
        case .naloxoneKits(let item): return item.id
        case .neverUseAlone(let item): return item.id
        case .naloxoneResponders(let item): return item.id
        case .contacts(let item): return item.id
        case .meetings(let item): return item.id
        case .attendance(let item): return item.id
        case .checkIns(let item): return item.id
        case .recoveries(let item): return item.id
        case .lapses(let item): return item.id
        case .medicationSchedule(let item): return item.id
        case .weeks(let item): return item.id
        case .milestones(let item): return item.id
        case .openAlerts(let item): return item.id
        }
    }
}

extension SectionItem {
    /// The item's main line as the person wrote it (a suggestion's preview, a list row). Items
    /// that point at a contact show nothing here: their name comes from the contacts.
    public var text: String {
        switch self {
        case .dailyMaintenance(let i): return i.text
        case .triggers(let i): return i.description
        case .warningSigns(let i): return i.description
        case .copingStrategies(let i): return i.description
        case .distractions(let i): return i.name
        case .reasons(let i): return i.text
        case .goals(let i): return i.title
        case .goalSteps(let i): return i.text
        case .takeoverSigns(let i), .whatHelps(let i), .whatDoesNotHelp(let i), .lapsePlan(let i), .postCrisisPlan(let i):
            return i.text
        case .crisisContacts(let i): return i.willDo
        case .doNotInvolve(let i): return i.name
        case .professionals(let i): return i.roleNote
        case .medications(let i): return i.name
        case .treatments(let i): return i.name
        case .environmentSafety(let i): return i.description
        case .naloxoneKits(let i): return i.location
        case .neverUseAlone(let i): return i.name
        case .naloxoneResponders(let i): return i.note
        case .contacts(let i): return i.name
        case .meetings(let i): return i.name
        case .attendance(let i): return i.note
        case .checkIns(let i): return i.day
        case .recoveries(let i): return i.substance
        case .lapses(let i): return i.day
        case .medicationSchedule(let i): return i.name
        case .weeks(let i): return i.weekStart
        case .milestones(let i): return i.recovery
        case .openAlerts(let i): return i.id
        }
    }
}

extension Store {
    /// Adds or replaces an item of any of the person's own sections, by its case: one entry
    /// point for the plan editor, which handles every section alike. The summary's items are
    /// derived by the core, never written (`.invalidInput(field: "section")`).
    public func put(_ item: SectionItem) async throws {
        try await write { core in
            switch item {
            case .dailyMaintenance(let item): try await core.putMaintenanceItem(item: item)
            case .triggers(let item): try await core.putTrigger(item: item)
            case .warningSigns(let item): try await core.putWarningSign(item: item)
            case .copingStrategies(let item): try await core.putCopingStrategy(item: item)
            case .distractions(let item): try await core.putDistraction(item: item)
            case .reasons(let item): try await core.putReason(item: item)
            case .goals(let item): try await core.putGoal(item: item)
            case .goalSteps(let item): try await core.putGoalStep(item: item)
            case .takeoverSigns(let item): try await core.putTakeoverSign(item: item)
            case .crisisContacts(let item): try await core.putCrisisContact(item: item)
            case .doNotInvolve(let item): try await core.putDoNotInvolve(item: item)
            case .professionals(let item): try await core.putProfessional(item: item)
            case .medications(let item): try await core.putMedication(item: item)
            case .treatments(let item): try await core.putTreatment(item: item)
            case .whatHelps(let item): try await core.putWhatHelps(item: item)
            case .whatDoesNotHelp(let item): try await core.putWhatDoesNotHelp(item: item)
            case .environmentSafety(let item): try await core.putSafetyStep(item: item)
            case .lapsePlan(let item): try await core.putLapsePlanStep(item: item)
            case .postCrisisPlan(let item): try await core.putPostCrisisStep(item: item)
            case .naloxoneKits(let item): try await core.putNaloxoneKit(item: item)
            case .neverUseAlone(let item): try await core.putNeverUseAloneLine(item: item)
            case .naloxoneResponders(let item): try await core.putNaloxoneResponder(item: item)
            case .contacts(let item): try await core.putContact(item: item)
            case .meetings(let item): try await core.putMeeting(item: item)
            case .attendance(let item): try await core.putAttendance(item: item)
            case .checkIns(let item): try await core.putCheckIn(item: item)
            case .recoveries(let item): try await core.putRecovery(item: item)
            case .lapses(let item): try await core.putLapse(item: item)
            case .medicationSchedule(let item): try await core.putScheduledMedication(item: item)
            case .weeks, .milestones, .openAlerts:
                throw StoreError.invalidInput(field: "section", reason: "is derived from the journal, not written")
            }
        }
    }

    /// Removes an item. Refused (`.invalidInput(field: "id")`) while the crisis plan still
    /// points at it.
    public func remove(_ section: SectionName, id: String) async throws {
        try await write { try await $0.removeItem(section: section, id: id) }
    }

    /// Moves an item just before `before`, or to the end.
    public func move(_ section: SectionName, id: String, before: String?) async throws {
        try await write { try await $0.moveItem(section: section, id: id, before: before) }
    }
}
