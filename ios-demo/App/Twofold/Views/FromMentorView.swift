import SwiftUI
import TwofoldKit

/// What my mentor sent: notes, and suggestions I accept into my plan or dismiss.
struct FromMentorView: View {
    @ObservedObject var model: MentorNotesModel

    var body: some View {
        List {
            Section("fromMentor.suggestions") {
                if model.open.isEmpty { Text("fromMentor.none").foregroundStyle(.secondary) }
                ForEach(model.open, id: \.suggestion.id) { received in
                    VStack(alignment: .leading, spacing: 6) {
                        Text("fromMentor.from \(received.fromName)").font(.caption)
                        Text(received.suggestion.message)
                        if let item = received.suggestion.item {
                            Text(item.text).font(.headline)
                        }
                        HStack {
                            Button("fromMentor.accept") { Task { await model.accept(received) } }.buttonStyle(.borderedProminent)
                            Button("fromMentor.dismiss") { Task { await model.dismiss(received) } }
                        }
                    }
                }
            }
            Section("fromMentor.notes") {
                ForEach(model.notes, id: \.note.id) { received in
                    VStack(alignment: .leading) {
                        Text(received.note.text)
                        Text("fromMentor.noteFrom \(received.fromName) \(Labels.date(ms: received.note.writtenAtMs))")
                            .font(.caption).foregroundStyle(.secondary)
                    }
                    .accessibilityElement(children: .combine)
                }
            }
            FailureText(failure: model.failure)
        }
        .navigationTitle("connect.fromMentor")
        .onAppear { model.load() }
    }
}
