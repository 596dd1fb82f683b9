import SwiftUI
import TwofoldKit

/// Today: the check-in prompt, the next meetings, milestones, open alerts.
struct TodayView: View {
    let app: AppModel
    @ObservedObject var today: TodayModel
    @State private var checksIn = false
    @State private var substance = ""
    @State private var since = Date()

    var body: some View {
        List {
            if today.needsCheckIn {
                Section {
                    Button { checksIn = true } label: {
                        Label("today.checkIn.prompt", systemImage: "heart.text.square")
                    }
                    .accessibilityHint(Text("today.checkIn.hint"))
                }
            }
            if !today.openAlerts.isEmpty {
                Section("today.alerts") {
                    ForEach(today.openAlerts, id: \.situation) { alert in
                        AlertRow(alert: alert) { Task { await today.acknowledge(alert) } }
                    }
                }
            }
            Section("today.meetings") {
                if today.nextMeetings.isEmpty {
                    Text("today.meetings.none").foregroundStyle(.secondary)
                }
                ForEach(today.nextMeetings, id: \.startUtcMs) { occurrence in
                    OccurrenceRow(occurrence: occurrence)
                }
            }
            Section("today.milestones") {
                ForEach(today.milestones, id: \.recoveryId) { progress in
                    VStack(alignment: .leading) {
                        Text(progress.substance).font(.headline)
                        Text("today.milestone.days \(Int(progress.days))")
                        if let reached = progress.reached {
                            Text(Labels.phrases.text(reached.name)).foregroundStyle(.secondary)
                        }
                    }
                    .accessibilityElement(children: .combine)
                    .swipeActions {
                        Button("today.lapse") { Task { await today.recordLapse(progress) } }.tint(.orange)
                    }
                }
                TextField("today.recovery.substance", text: $substance)
                DatePicker("today.recovery.since", selection: $since, displayedComponents: .date)
                Button("today.recovery.start") {
                    Task { if await today.startRecovery(substance: substance, on: since) { substance = "" } }
                }
                .disabled(substance.isEmpty)
            }
            if let plan = today.lapsePlan {
                Section("today.lapsePlan") {
                    Text("today.lapsePlan.kind")
                    ForEach(plan, id: \.id) { Text($0.text) }
                    Button("common.close") { today.dismissLapsePlan() }
                }
            }
            FailureText(failure: today.failure)
            Section { SyncStatusRow(sync: app.sync) }
        }
        .navigationTitle("tab.today")
        .sheet(isPresented: $checksIn) {
            NavigationStack { CheckInView(checkIn: app.checkIn) }
        }
    }
}

struct AlertRow: View {
    let alert: WarningAlert
    let acknowledge: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(Labels.phrases.text(alert.reason)).font(.headline)
            ForEach(Array(alert.nextSteps.enumerated()), id: \.offset) { _, step in
                Text(stepText(step)).font(.subheadline)
            }
            Button("today.alert.acknowledge", action: acknowledge)
                .accessibilityLabel(Text("today.alert.acknowledge.a11y"))
        }
    }

    private func stepText(_ step: NextStep) -> String {
        switch step {
        case .warningSignPlan(_, let description, let actionPlan): return "\(description): \(actionPlan)"
        case .coping(_, let description): return description
        case .contact(let person): return person.name
        case .lapsePlan(_, let text): return text
        case .naloxoneKit(_, let location, let expires): return expires.map { "\(location) (\($0))" } ?? location
        case .neverUseAlone(_, let name, let phone): return "\(name): \(phone)"
        case .naloxoneResponder(let person): return person.name
        }
    }
}

struct OccurrenceRow: View {
    let occurrence: Occurrence

    var body: some View {
        VStack(alignment: .leading) {
            Text(occurrence.name).font(.headline)
            Text(Clock.date(ms: occurrence.startUtcMs).formatted(date: .abbreviated, time: .shortened))
            Text(Labels.format(occurrence.format)).font(.footnote).foregroundStyle(.secondary)
        }
        .accessibilityElement(children: .combine)
    }
}
