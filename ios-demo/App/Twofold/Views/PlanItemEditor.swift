import SwiftUI
import TwofoldKit

/// The form of one plan item: the main text, and the fields its section uses.
struct PlanItemEditor: View {
    @ObservedObject var plan: PlanModel
    @State var draft: PlanItemDraft
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            if !draft.section.textIsContactName {
                TextField("plan.item.text", text: $draft.text, axis: .vertical)
                    .accessibilityLabel(Text("plan.item.text"))
                    .foregroundStyle(draft.isTextRefused(plan.failure) ? Color.red : Color.primary)
            }
            if uses(.domain) {
                Picker("plan.item.domain", selection: $draft.domain) {
                    ForEach(Labels.domains, id: \.self) { Text(Labels.domain($0)).tag($0) }
                }
            }
            if uses(.priority) {
                Picker("plan.item.priority", selection: $draft.priority) {
                    Text("plan.priority.mustDo").tag(Priority.mustDo)
                    Text("plan.priority.shouldDo").tag(Priority.shouldDo)
                }
            }
            if uses(.triggerKind) {
                Picker("plan.item.triggerKind", selection: $draft.triggerKind) {
                    Text("plan.trigger.internal").tag(TriggerKind.internal)
                    Text("plan.trigger.external").tag(TriggerKind.external)
                }
            }
            if uses(.stage) {
                Picker("plan.item.stage", selection: $draft.stage) {
                    Text("plan.stage.early").tag(WarningStage.early)
                    Text("plan.stage.breakingDown").tag(WarningStage.breakingDown)
                    Text("plan.stage.crisis").tag(WarningStage.crisis)
                }
            }
            if uses(.distractionKind) {
                Picker("plan.item.distractionKind", selection: $draft.distractionKind) {
                    Text("plan.distraction.person").tag(DistractionKind.person)
                    Text("plan.distraction.place").tag(DistractionKind.place)
                }
            }
            if uses(.reasonKind) {
                Picker("plan.item.reasonKind", selection: $draft.reasonKind) {
                    Text("plan.reason.living").tag(ReasonKind.living)
                    Text("plan.reason.recovery").tag(ReasonKind.recovery)
                }
            }
            if uses(.medicationPreference) {
                Picker("plan.item.preference", selection: $draft.medicationPreference) {
                    Text("plan.medication.preferred").tag(MedicationPreference.preferred)
                    Text("plan.medication.acceptable").tag(MedicationPreference.acceptable)
                    Text("plan.medication.unacceptable").tag(MedicationPreference.unacceptable)
                }
            }
            if uses(.treatmentKind) {
                Picker("plan.item.treatmentKind", selection: $draft.treatmentKind) {
                    Text("plan.treatment.treatment").tag(TreatmentKind.treatment)
                    Text("plan.treatment.facility").tag(TreatmentKind.facility)
                }
                Picker("plan.item.preference", selection: $draft.treatmentPreference) {
                    Text("plan.treatment.preferred").tag(TreatmentPreference.preferred)
                    Text("plan.treatment.avoid").tag(TreatmentPreference.avoid)
                }
            }
            if uses(.contact) {
                Picker("plan.item.contact", selection: $draft.contactId) {
                    Text("plan.item.contact.none").tag(String?.none)
                    ForEach(plan.contacts, id: \.id) { Text($0.name).tag(Optional($0.id)) }
                }
                .foregroundStyle(draft.formField(of: plan.failure) == .contact ? Color.red : Color.primary)
            }
            if uses(.goal) {
                Picker("plan.item.goal", selection: $draft.goalId) {
                    Text("plan.item.goal.none").tag(String?.none)
                    ForEach(plan.goals, id: \.id) { Text($0.title).tag(Optional($0.id)) }
                }
            }
            if uses(.targetDate) {
                TextField("plan.item.targetDate", text: Binding(
                    get: { draft.targetDate ?? "" }, set: { draft.targetDate = $0.isEmpty ? nil : $0 }))
                    .keyboardType(.numbersAndPunctuation)
            }
            if uses(.done) {
                Toggle("plan.item.done", isOn: $draft.done)
            }
            if uses(.expires) {
                TextField("plan.item.expires", text: Binding(
                    get: { draft.expires ?? "" }, set: { draft.expires = $0.isEmpty ? nil : $0 }))
                    .keyboardType(.numbersAndPunctuation)
                    .foregroundStyle(draft.formField(of: plan.failure) == .expires ? Color.red : Color.primary)
            }
            if uses(.remindDays) {
                Stepper(value: $draft.remindDaysBefore, in: 0...90) {
                    Text("plan.item.remindDays \(Int(draft.remindDaysBefore))")
                }
            }
            if uses(.phone) {
                TextField("plan.item.phone", text: $draft.phone)
                    .keyboardType(.phonePad)
                    .foregroundStyle(draft.formField(of: plan.failure) == .phone ? Color.red : Color.primary)
            }
            if uses(.detail) {
                TextField(LocalizedStringKey("plan.item.detail." + draft.section.rawValue), text: $draft.detail, axis: .vertical)
            }
            FailureText(failure: plan.failure)
        }
        .navigationTitle(LocalizedStringKey(draft.section.titleKey))
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { dismiss() } }
            ToolbarItem(placement: .confirmationAction) {
                Button("common.save") { Task { if await plan.save(draft) { dismiss() } } }
            }
        }
    }

    private func uses(_ field: PlanField) -> Bool {
        draft.section.fields.contains(field)
    }
}
