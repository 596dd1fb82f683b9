import TwofoldCore

/// The support plan's sections in the order the plan screen shows them (WRAP, the
/// Stanley-Brown safety plan and relapse prevention for co-occurring disorders), and what each
/// section's form asks for. The plan's free text "when I'm well" is not a list and has its own
/// field on the model.
public enum PlanSection: String, CaseIterable, Sendable, Identifiable {
    case dailyMaintenance, triggers, warningSigns, copingStrategies, distractions, reasons
    case goals, goalSteps, takeoverSigns, crisisContacts, doNotInvolve, professionals
    case medications, treatments, whatHelps, whatDoesNotHelp, environmentSafety
    case lapsePlan, postCrisisPlan
    /// Harm reduction: where naloxone is, "never use alone" lines, who can give naloxone.
    case naloxoneKits, neverUseAlone, naloxoneResponders

    public var id: String { rawValue }

    /// The plan section of a section name; nil for the other documents' sections.
    public init?(_ name: SectionName) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// The localisation key of the section's title (`plan.section.triggers`).
    public var titleKey: String { "plan.section.\(rawValue)" }

    public var name: SectionName {
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
        }
    }

    /// The fields the section's form shows beyond the main text.
    public var fields: Set<PlanField> {
        switch self {
        case .dailyMaintenance: return [.priority]
        case .triggers: return [.domain, .triggerKind, .detail]
        case .warningSigns: return [.domain, .stage, .detail]
        case .copingStrategies: return [.domain]
        case .distractions: return [.distractionKind, .contact, .detail]
        case .reasons: return [.reasonKind]
        case .goals: return [.targetDate, .done]
        case .goalSteps: return [.goal, .done]
        case .crisisContacts: return [.contact, .detail]
        case .doNotInvolve: return [.contact, .detail]
        case .professionals: return [.contact, .detail]
        case .medications: return [.medicationPreference, .detail]
        case .treatments: return [.treatmentKind, .treatmentPreference, .detail]
        case .environmentSafety: return [.done]
        case .takeoverSigns, .whatHelps, .whatDoesNotHelp, .lapsePlan, .postCrisisPlan: return []
        case .naloxoneKits: return [.expires, .remindDays, .detail]
        case .neverUseAlone: return [.phone, .detail]
        case .naloxoneResponders: return [.contact, .detail]
        }
    }

    /// Sections whose items point at a contact and have no text of their own (the text shown
    /// is the contact's name).
    public var textIsContactName: Bool {
        self == .crisisContacts || self == .professionals || self == .naloxoneResponders
    }

    /// The section's items, in the person's order, from a whole plan.
    public func items(in plan: PlanDocument) -> [SectionItem] {
        switch self {
        case .dailyMaintenance: return plan.dailyMaintenance.map { .dailyMaintenance(item: $0) }
        case .triggers: return plan.triggers.map { .triggers(item: $0) }
        case .warningSigns: return plan.warningSigns.map { .warningSigns(item: $0) }
        case .copingStrategies: return plan.copingStrategies.map { .copingStrategies(item: $0) }
        case .distractions: return plan.distractions.map { .distractions(item: $0) }
        case .reasons: return plan.reasons.map { .reasons(item: $0) }
        case .goals: return plan.goals.map { .goals(item: $0) }
        case .goalSteps: return plan.goalSteps.map { .goalSteps(item: $0) }
        case .takeoverSigns: return plan.takeoverSigns.map { .takeoverSigns(item: $0) }
        case .crisisContacts: return plan.crisisContacts.map { .crisisContacts(item: $0) }
        case .doNotInvolve: return plan.doNotInvolve.map { .doNotInvolve(item: $0) }
        case .professionals: return plan.professionals.map { .professionals(item: $0) }
        case .medications: return plan.medications.map { .medications(item: $0) }
        case .treatments: return plan.treatments.map { .treatments(item: $0) }
        case .whatHelps: return plan.whatHelps.map { .whatHelps(item: $0) }
        case .whatDoesNotHelp: return plan.whatDoesNotHelp.map { .whatDoesNotHelp(item: $0) }
        case .environmentSafety: return plan.environmentSafety.map { .environmentSafety(item: $0) }
        case .lapsePlan: return plan.lapsePlan.map { .lapsePlan(item: $0) }
        case .postCrisisPlan: return plan.postCrisisPlan.map { .postCrisisPlan(item: $0) }
        case .naloxoneKits: return plan.naloxoneKits.map { .naloxoneKits(item: $0) }
        case .neverUseAlone: return plan.neverUseAlone.map { .neverUseAlone(item: $0) }
        case .naloxoneResponders: return plan.naloxoneResponders.map { .naloxoneResponders(item: $0) }
        }
    }
}

/// A field of a plan item's form besides its main text.
public enum PlanField: String, Sendable, Hashable {
    case detail, domain, priority, triggerKind, stage, distractionKind, reasonKind
    case medicationPreference, treatmentKind, treatmentPreference, contact, goal, targetDate, done
    /// A naloxone kit's expiry (`YYYY-MM-DD`) and how many days before it to remind (0–90).
    case expires, remindDays
    /// A "never use alone" line's number.
    case phone
}

/// One row of the plan screen: what it says, its domain tag, and the typed item behind it.
public struct PlanEntry: Identifiable, Equatable, Sendable {
    public var id: String { item.id }
    public let section: PlanSection
    public let item: SectionItem
    /// The main line (for contact rungs: the contact's name, filled in by the model).
    public let text: String
    /// The second line (an action plan, what someone will do, a reason), or empty.
    public let detail: String
    /// Substance, mental health or both; nil for sections without the tag.
    public let domain: Domain?
}
