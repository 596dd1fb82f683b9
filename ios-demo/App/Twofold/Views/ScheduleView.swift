import SwiftUI
import TwofoldKit

/// The schedule: the next occurrences, every meeting; add one, import a Meeting Guide feed
/// (with a preview), export to Calendar (an .ics file through the share sheet).
struct ScheduleView: View {
    @ObservedObject var schedule: ScheduleModel
    @State private var adding: MeetingDraft?
    @State private var importing = false
    @State private var calendarFile: URL?

    var body: some View {
        List {
            Section("schedule.upcoming") {
                ForEach(schedule.upcoming, id: \.startUtcMs) { occurrence in
                    OccurrenceRow(occurrence: occurrence)
                        .swipeActions {
                            Button("schedule.attended") { Task { await schedule.mark(occurrence, .attended) } }
                            Button("schedule.missed") { Task { await schedule.mark(occurrence, .missed) } }.tint(.orange)
                        }
                }
            }
            Section("schedule.meetings") {
                ForEach(schedule.meetings, id: \.id) { meeting in
                    VStack(alignment: .leading) {
                        Text(meeting.name).font(.headline)
                        Text(Labels.meetingKind(meeting.kind)).font(.footnote).foregroundStyle(.secondary)
                        Button(meeting.reminderOffsetsMinutes.isEmpty ? "schedule.remind.on" : "schedule.remind.off") {
                            Task { await schedule.setReminders(meeting, minutesBefore: meeting.reminderOffsetsMinutes.isEmpty ? [60] : []) }
                        }
                        .font(.footnote)
                    }
                }
                .onDelete { offsets in
                    let list = schedule.meetings
                    for offset in offsets { Task { await schedule.remove(list[offset]) } }
                }
            }
            FailureText(failure: schedule.failure)
        }
        .navigationTitle("tab.schedule")
        .toolbar {
            if let calendarFile {
                ShareLink(item: calendarFile) { Label("schedule.export", systemImage: "calendar.badge.plus") }
            }
            Button { importing = true } label: { Label("schedule.import", systemImage: "square.and.arrow.down") }
            Button { adding = schedule.newMeeting() } label: { Label("schedule.add", systemImage: "plus") }
        }
        .task(id: schedule.meetings.count) { calendarFile = await exportFile() }
        .sheet(item: $adding) { draft in
            NavigationStack { MeetingEditor(schedule: schedule, draft: draft) }
        }
        .sheet(isPresented: $importing) {
            NavigationStack { FeedImportView(schedule: schedule) }
        }
    }

    /// The .ics the share sheet offers (opening it on iOS adds the events to Calendar).
    private func exportFile() async -> URL? {
        guard !schedule.meetings.isEmpty, let ics = await schedule.calendarExport() else { return nil }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-schedule.ics")
        try? ics.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

extension MeetingDraft: Identifiable {}

struct MeetingEditor: View {
    @ObservedObject var schedule: ScheduleModel
    @State var draft: MeetingDraft
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            TextField("meeting.name", text: $draft.name)
            Picker("meeting.kind", selection: $draft.kind) {
                ForEach(Labels.meetingKinds, id: \.self) { Text(Labels.meetingKind($0)).tag($0) }
            }
            Picker("meeting.format", selection: $draft.format) {
                ForEach(Labels.meetingFormats, id: \.self) { Text(Labels.format($0)).tag($0) }
            }
            TextField("meeting.address", text: $draft.address)
            TextField("meeting.url", text: $draft.conferenceURL).keyboardType(.URL)
            DatePicker("meeting.start", selection: $draft.start)
            Stepper("meeting.duration \(Int(draft.durationMinutes))", value: $draft.durationMinutes, in: 15...480, step: 15)
            Section("meeting.repeat") {
                ForEach(Weekday.allCases, id: \.self) { day in
                    Toggle(LocalizedStringKey(day.titleKey), isOn: Binding(
                        get: { draft.weekdays.contains(day) },
                        set: { on in if on { draft.weekdays.insert(day) } else { draft.weekdays.remove(day) } }))
                }
            }
            FailureText(failure: schedule.failure)
        }
        .navigationTitle("schedule.add")
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { dismiss() } }
            ToolbarItem(placement: .confirmationAction) {
                Button("common.save") { Task { if await schedule.save(draft) { dismiss() } } }
            }
        }
    }
}

/// A Meeting Guide feed from a URL: fetched, previewed (nothing written), then imported.
struct FeedImportView: View {
    @ObservedObject var schedule: ScheduleModel
    @State private var address = ""
    @State private var onlyDualDiagnosis = true
    @State private var chosen: Set<String> = []
    @State private var fetchFailed = false
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            Section {
                TextField("import.url", text: $address).keyboardType(.URL).textInputAutocapitalization(.never)
                Toggle("import.onlyDD", isOn: $onlyDualDiagnosis)
                Button("import.preview") { Task { await preview() } }
                if fetchFailed { Text("import.fetchFailed").foregroundStyle(.red) }
            }
            if let preview = schedule.preview {
                Section("import.found") {
                    ForEach(preview.importable, id: \.key) { entry in
                        Toggle(entry.label, isOn: Binding(
                            get: { chosen.contains(entry.key) },
                            set: { on in if on { chosen.insert(entry.key) } else { chosen.remove(entry.key) } }))
                    }
                }
                Button("import.confirm \(chosen.count)") {
                    Task { if await schedule.importPreview(choosing: Array(chosen)) { dismiss() } }
                }
                .disabled(chosen.isEmpty)
            }
            FailureText(failure: schedule.failure)
        }
        .navigationTitle("schedule.import")
        .toolbar { Button("common.cancel") { schedule.cancelPreview(); dismiss() } }
    }

    private func preview() async {
        // The network here is the person's own choice of feed; nothing else leaves the phone.
        guard let url = URL(string: address), let fetched = try? await URLSession.shared.data(from: url) else {
            fetchFailed = true
            return
        }
        fetchFailed = false
        await schedule.previewFeed(fetched.0, filter: MeetingGuideFilter(types: onlyDualDiagnosis ? ["DD"] : []))
        chosen = Set(schedule.preview?.importable.map(\.key) ?? [])
    }
}
