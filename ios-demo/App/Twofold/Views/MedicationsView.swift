import SwiftUI
import TwofoldKit

/// The medication schedule: each medication with its dose and times, tapped to edit. Private to
/// this phone unless the person shares the journal; reminders name no drug unless allowed.
struct MedicationsView: View {
    @ObservedObject var medications: MedicationsModel

    var body: some View {
        List {
            ForEach(medications.medications, id: \.id) { m in
                NavigationLink {
                    MedicationEditor(medications: medications, draft: MedicationDraft(editing: m))
                } label: {
                    VStack(alignment: .leading) {
                        Text(m.name)
                        Text("\(m.doseAmount, specifier: "%g") \(m.doseUnit) · \(m.rrule ?? m.start)").font(.caption)
                    }
                }
            }
            .onDelete { offsets in
                let ids = offsets.map { medications.medications[$0].id }
                Task { for id in ids { await medications.remove(id) } }
            }
            NavigationLink("medications.add") {
                MedicationEditor(medications: medications, draft: medications.newDraft())
            }
            FailureText(failure: medications.failure)
        }
        .navigationTitle("medications.title")
    }
}

private struct MedicationEditor: View {
    @ObservedObject var medications: MedicationsModel
    @State var draft: MedicationDraft
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            TextField("medications.name", text: $draft.name)
            TextField("medications.dose", text: $draft.doseAmount).keyboardType(.decimalPad)
            TextField("medications.unit", text: $draft.doseUnit)
            TextField("medications.start", text: $draft.start).keyboardType(.numbersAndPunctuation)
            TextField("medications.rrule", text: $draft.rrule)
            TextField("medications.reminders", text: $draft.reminderOffsets).keyboardType(.numbersAndPunctuation)
            TextField("medications.pickup", text: $draft.pickupPlace)
            TextField("medications.refill", text: $draft.refillDate).keyboardType(.numbersAndPunctuation)
            Stepper(value: $draft.refillRemindDaysBefore, in: 0...30) {
                Text("medications.refillRemind \(Int(draft.refillRemindDaysBefore))")
            }
            Toggle("medications.showName", isOn: $draft.showNameInReminders)
            FailureText(failure: medications.failure)
        }
        .navigationTitle("medications.title")
        .toolbar {
            ToolbarItem(placement: .confirmationAction) {
                Button("common.save") { Task { if await medications.save(draft) { dismiss() } } }
            }
        }
    }
}
