import SwiftUI
import TwofoldKit

/// The daily check-in, in under 20 seconds: two sliders, three toggles, chips from the plan, a
/// note; then what the core noticed, with the person's own next steps.
struct CheckInView: View {
    @ObservedObject var checkIn: CheckInModel
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            if let outcome = checkIn.outcome {
                Section("checkIn.done") {
                    if outcome.alerts.isEmpty { Text("checkIn.noAlerts") }
                    ForEach(outcome.alerts, id: \.situation) { alert in
                        AlertRow(alert: alert) {}
                    }
                }
            } else {
                Section {
                    Slider(value: level(\.mood), in: 0...10, step: 1) { Text("checkIn.mood") }
                        .accessibilityValue(Text("\(checkIn.mood)"))
                    Text("checkIn.mood.value \(Int(checkIn.mood))")
                    Slider(value: level(\.craving), in: 0...10, step: 1) { Text("checkIn.craving") }
                        .accessibilityValue(Text("\(checkIn.craving)"))
                    Text("checkIn.craving.value \(Int(checkIn.craving))")
                    if checkIn.dueDoses.isEmpty {
                        Toggle("checkIn.medication", isOn: Binding(
                            get: { checkIn.medicationTaken ?? false }, set: { checkIn.medicationTaken = $0 }))
                    }
                    Toggle("checkIn.used", isOn: $checkIn.usedSubstance)
                }
                if !checkIn.dueDoses.isEmpty {
                    // A schedule exists: one answer per dose, taken or missed.
                    Section("checkIn.doses") {
                        ForEach(checkIn.dueDoses, id: \.dose.due) { entry in
                            let key = DoseKey(medicationId: entry.dose.medicationId, due: entry.dose.due)
                            Picker(selection: Binding(
                                get: { checkIn.doseAnswers[key] }, set: { checkIn.answer(entry.dose, taken: $0) })
                            ) {
                                Text("checkIn.dose.unanswered").tag(Bool?.none)
                                Text("checkIn.dose.taken").tag(Bool?.some(true))
                                Text("checkIn.dose.missed").tag(Bool?.some(false))
                            } label: {
                                Text("\(String(entry.dose.due.dropFirst(11).prefix(5)))  \(entry.medication?.name ?? "")")
                            }
                        }
                    }
                }
                chips("checkIn.triggers", checkIn.triggerChoices.map { ($0.id, $0.description) }, \.triggersMet)
                chips("checkIn.coping", checkIn.copingChoices.map { ($0.id, $0.description) }, \.copingUsed)
                chips("checkIn.warningSigns", checkIn.warningSignChoices.map { ($0.id, $0.description) }, \.warningSigns)
                Section("checkIn.note") {
                    TextField("checkIn.note.placeholder", text: $checkIn.note, axis: .vertical)
                }
                FailureText(failure: checkIn.failure)
            }
        }
        .navigationTitle("checkIn.title")
        .onAppear { checkIn.load() }
        .toolbar {
            ToolbarItem(placement: .cancellationAction) {
                Button("common.close") { checkIn.dismissOutcome(); dismiss() }
            }
            if checkIn.outcome == nil {
                ToolbarItem(placement: .confirmationAction) {
                    Button("checkIn.submit") { Task { await checkIn.submit() } }
                }
            }
        }
    }

    private func level(_ path: ReferenceWritableKeyPath<CheckInModel, UInt8>) -> Binding<Double> {
        Binding(get: { Double(checkIn[keyPath: path]) }, set: { checkIn[keyPath: path] = UInt8($0) })
    }

    @ViewBuilder
    private func chips(_ title: LocalizedStringKey, _ items: [(String, String)],
                       _ path: ReferenceWritableKeyPath<CheckInModel, Set<String>>) -> some View {
        if !items.isEmpty {
            Section(title) {
                ForEach(items, id: \.0) { item in
                    Toggle(item.1, isOn: Binding(
                        get: { checkIn[keyPath: path].contains(item.0) },
                        set: { on in
                            if on { checkIn[keyPath: path].insert(item.0) } else { checkIn[keyPath: path].remove(item.0) }
                        }))
                }
            }
        }
    }
}
