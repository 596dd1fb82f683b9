import TwofoldCore

/// The plan editor's form state for one item of any section: one flat set of fields, of which
/// each section uses a few (`PlanSection.fields`). It turns into the typed item the core takes,
/// and back; the core validates it and names the field it refuses.
public struct PlanItemDraft: Equatable, Sendable {
    public let section: PlanSection
    /// The item's id: kept when editing, new when adding.
    public let id: String
    public var text = ""
    public var detail = ""
    public var domain: Domain = .both
    public var priority: Priority = .mustDo
    public var triggerKind: TriggerKind = .internal
    public var stage: WarningStage = .early
    public var distractionKind: DistractionKind = .person
    public var reasonKind: ReasonKind = .recovery
    public var medicationPreference: MedicationPreference = .preferred
    public var treatmentKind: TreatmentKind = .treatment
    public var treatmentPreference: TreatmentPreference = .preferred
    /// A contact's id (crisis ladder, professionals, distractions, people not to involve).
    public var contactId: String?
    /// The goal a step belongs to.
    public var goalId: String?
    /// `YYYY-MM-DD`, for goals.
    public var targetDate: String?
    public var done = false
    /// A naloxone kit's expiry, `YYYY-MM-DD`.
    public var expires: String?
    /// Days before `expires` to remind (0–90).
    public var remindDaysBefore: UInt32 = 30
    /// A "never use alone" line's number.
    public var phone = ""

    /// A new, empty item of `section`.
    public init(section: PlanSection) {
        self.section = section
        self.id = newItemId()
    }

    /// The form for an existing item.
    public init(editing item: SectionItem) {
        let section = PlanSection(item.section) ?? .whatHelps
        self.section = section
        self.id = item.id
        switch item {
        case .dailyMaintenance(let i): text = i.text; priority = i.priority
        case .triggers(let i): text = i.description; triggerKind = i.kind; domain = i.domain; detail = i.actionPlan
        case .warningSigns(let i): text = i.description; stage = i.stage; domain = i.domain; detail = i.actionPlan
        case .copingStrategies(let i): text = i.description; domain = i.domain
        case .distractions(let i): text = i.name; distractionKind = i.kind; contactId = i.contactId; detail = i.notes
        case .reasons(let i): text = i.text; reasonKind = i.kind
        case .goals(let i): text = i.title; targetDate = i.targetDate; done = i.done
        case .goalSteps(let i): text = i.text; goalId = i.goalId; done = i.done
        case .crisisContacts(let i): contactId = i.contactId; detail = i.willDo
        case .doNotInvolve(let i): text = i.name; contactId = i.contactId; detail = i.reason
        case .professionals(let i): contactId = i.contactId; detail = i.roleNote
        case .medications(let i): text = i.name; medicationPreference = i.preference; detail = i.reason
        case .treatments(let i):
            text = i.name; treatmentKind = i.kind; treatmentPreference = i.preference; detail = i.reason
        case .environmentSafety(let i): text = i.description; done = i.done
        case .takeoverSigns(let i), .whatHelps(let i), .whatDoesNotHelp(let i), .lapsePlan(let i), .postCrisisPlan(let i):
            text = i.text
        case .naloxoneKits(let i): text = i.location; expires = i.expires; remindDaysBefore = i.remindDaysBefore; detail = i.notes
        case .neverUseAlone(let i): text = i.name; phone = i.phone; detail = i.notes
        case .naloxoneResponders(let i): contactId = i.contactId; detail = i.note
        default: break
        }
    }

    /// The typed item to write. Empty references stay empty: the core refuses them by field.
    public var item: SectionItem {
        let contact = contactId ?? ""
        switch section {
        case .dailyMaintenance: return .dailyMaintenance(item: MaintenanceItem(id: id, text: text, priority: priority))
        case .triggers:
            return .triggers(item: Trigger(id: id, description: text, kind: triggerKind, domain: domain, actionPlan: detail))
        case .warningSigns:
            return .warningSigns(item: WarningSign(id: id, description: text, stage: stage, domain: domain, actionPlan: detail))
        case .copingStrategies: return .copingStrategies(item: CopingStrategy(id: id, description: text, domain: domain))
        case .distractions:
            return .distractions(item: Distraction(id: id, kind: distractionKind, name: text, contactId: contactId, notes: detail))
        case .reasons: return .reasons(item: Reason(id: id, kind: reasonKind, text: text))
        case .goals: return .goals(item: Goal(id: id, title: text, targetDate: targetDate, done: done))
        case .goalSteps: return .goalSteps(item: GoalStep(id: id, goalId: goalId ?? "", text: text, done: done))
        case .takeoverSigns: return .takeoverSigns(item: PlanNote(id: id, text: text))
        case .crisisContacts: return .crisisContacts(item: CrisisContact(id: id, contactId: contact, willDo: detail))
        case .doNotInvolve: return .doNotInvolve(item: DoNotInvolve(id: id, contactId: contactId, name: text, reason: detail))
        case .professionals: return .professionals(item: Professional(id: id, contactId: contact, roleNote: detail))
        case .medications:
            return .medications(item: Medication(id: id, name: text, preference: medicationPreference, reason: detail))
        case .treatments:
            return .treatments(item: Treatment(
                id: id, name: text, kind: treatmentKind, preference: treatmentPreference, reason: detail))
        case .whatHelps: return .whatHelps(item: PlanNote(id: id, text: text))
        case .whatDoesNotHelp: return .whatDoesNotHelp(item: PlanNote(id: id, text: text))
        case .environmentSafety: return .environmentSafety(item: SafetyStep(id: id, description: text, done: done))
        case .lapsePlan: return .lapsePlan(item: PlanNote(id: id, text: text))
        case .postCrisisPlan: return .postCrisisPlan(item: PlanNote(id: id, text: text))
        case .naloxoneKits:
            return .naloxoneKits(item: NaloxoneKit(
                id: id, location: text, expires: expires, remindDaysBefore: remindDaysBefore, notes: detail))
        case .neverUseAlone: return .neverUseAlone(item: NeverUseAloneLine(id: id, name: text, phone: phone, notes: detail))
        case .naloxoneResponders: return .naloxoneResponders(item: NaloxoneResponder(id: id, contactId: contact, note: detail))
        }
    }

    /// Which of the form's fields a refusal is about, so the form can mark it: the core names
    /// fields the way the record does (`triggers.description`), the form has one main text.
    public func formField(of error: StoreError?) -> PlanField? {
        guard let field = error?.field, let last = field.split(separator: ".").last else { return nil }
        switch last {
        case "description", "text", "name", "title", "location": return nil // the main text: see `isTextRefused`
        case "action_plan", "will_do", "notes", "note", "reason", "role_note": return .detail
        case "expires": return .expires
        case "remind_days_before": return .remindDays
        case "phone": return .phone
        case "contact_id": return .contact
        case "goal_id": return .goal
        case "target_date": return .targetDate
        default: return nil
        }
    }

    /// Whether a refusal is about the main text.
    public func isTextRefused(_ error: StoreError?) -> Bool {
        guard let field = error?.field, let last = field.split(separator: ".").last else { return false }
        return ["description", "text", "name", "title", "location"].contains(String(last))
    }
}
