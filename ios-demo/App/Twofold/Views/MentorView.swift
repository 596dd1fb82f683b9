import SwiftUI
import TwofoldKit

/// The mentor's side: each person who shares with this device.
struct MentorView: View {
    @ObservedObject var mentor: MentorModel

    var body: some View {
        List(mentor.mentees) { mentee in
            NavigationLink(mentee.name) { MenteeView(mentee: mentor.model(for: mentee)) }
        }
        .overlay { if mentor.mentees.isEmpty { Text("mentor.none").foregroundStyle(.secondary) } }
        .navigationTitle("connect.mentees")
        .onAppear { mentor.load() }
    }
}

/// One mentee: their wellbeing summary, their shared plan (editable if shared read-write),
/// their meetings, and a note back.
struct MenteeView: View {
    @StateObject var mentee: MenteeModel
    @State private var note = ""

    init(mentee: MenteeModel) {
        _mentee = StateObject(wrappedValue: mentee)
    }

    var body: some View {
        List {
            if !mentee.alerts.isEmpty {
                Section("mentee.alerts") {
                    ForEach(mentee.alerts, id: \.id) { alert in
                        // The summary carries the rule's code only, never the check-ins behind it.
                        Text(LocalizedStringKey("mentee.alert." + alert.id))
                    }
                }
            }
            Section("mentee.milestones") {
                ForEach(mentee.milestones, id: \.id) { milestone in
                    Text("mentee.milestone \(milestone.recovery) \(Int(milestone.days))")
                }
            }
            Section("mentee.weeks") {
                ForEach(mentee.weeks.suffix(4), id: \.id) { week in
                    Text("mentee.week \(week.weekStart) \(week.moodAvg ?? 0) \(week.cravingAvg ?? 0)")
                }
            }
            if let plan = mentee.plan {
                NavigationLink("mentee.plan") { PlanView(plan: plan) }
            }
            Section("mentee.meetings") {
                ForEach(mentee.meetings, id: \.id) { Text($0.name) }
            }
            Section("mentee.note") {
                TextField("mentee.note.placeholder", text: $note, axis: .vertical)
                Button("mentee.note.send") { Task { if await mentee.addNote(note) { note = "" } } }
                    .disabled(note.isEmpty)
            }
            FailureText(failure: mentee.failure)
        }
        .navigationTitle(mentee.mentee.name)
        .onAppear { mentee.start() }
    }
}
