import SwiftUI
import TwofoldKit

/// The crisis screen: works with no signal (everything is read from the phone), large call and
/// message buttons, the person's own safety plan in its order, and the local crisis line.
struct CrisisView: View {
    @ObservedObject var crisis: CrisisModel
    @Environment(\.openURL) private var openURL
    @Environment(\.dismiss) private var dismiss
    @State private var lineName = ""
    @State private var lineNumber = ""

    var body: some View {
        List {
            if let screen = crisis.screen {
                Section("crisis.call") {
                    ForEach(screen.peopleToCall, id: \.contactId) { person in
                        PersonButtons(name: person.name, detail: person.willDo, call: crisis.callLink(person.phones),
                                      message: crisis.helpMessageLink(to: [person.contactId]), open: open)
                    }
                    // The core adds the local crisis line here unless its number is already shown.
                    ForEach(screen.crisisLines, id: \.name) { line in
                        PersonButtons(name: line.name, detail: line.note ?? "", call: crisis.callLink(line.phones),
                                      message: nil, open: open)
                    }
                    if let emergency = screen.emergency {
                        PersonButtons(name: String(localized: "crisis.emergency"), detail: emergency.number,
                                      call: crisis.callLink([Phone(label: "call", number: emergency.number)]),
                                      message: nil, open: open)
                    }
                }
                // Harm reduction next: in an overdose these are what is needed first.
                if !screen.naloxoneKits.isEmpty || !screen.naloxoneResponders.isEmpty {
                    Section("crisis.naloxone") {
                        ForEach(screen.naloxoneKits, id: \.id) { kit in
                            VStack(alignment: .leading) {
                                Text(kit.location)
                                if let expires = kit.expires { Text("crisis.naloxone.expires \(expires)").font(.caption) }
                            }
                        }
                        ForEach(screen.naloxoneResponders, id: \.contactId) { person in
                            PersonButtons(name: person.name, detail: person.willDo, call: crisis.callLink(person.phones),
                                          message: nil, open: open)
                        }
                    }
                }
                if !screen.neverUseAlone.isEmpty {
                    Section("crisis.neverUseAlone") {
                        ForEach(screen.neverUseAlone, id: \.id) { line in
                            PersonButtons(name: line.name, detail: line.phone,
                                          call: crisis.callLink([Phone(label: "call", number: line.phone)]),
                                          message: nil, open: open)
                        }
                    }
                }
                textSection("crisis.warningSigns", screen.warningSigns.map(\.description))
                textSection("crisis.coping", screen.copingStrategies.map(\.description))
                textSection("crisis.distractions", screen.distractions.map(\.name))
                textSection("crisis.safety", screen.environmentSafety.map(\.description))
                textSection("crisis.reasons", screen.reasons.map(\.text))
                Section("crisis.professionals") {
                    ForEach(screen.professionals, id: \.contactId) { professional in
                        PersonButtons(name: professional.name, detail: professional.roleNote,
                                      call: crisis.callLink(professional.phones), message: nil, open: open)
                    }
                }
            }
            Section("crisis.localLine") {
                TextField("crisis.localLine.name", text: $lineName)
                TextField("crisis.localLine.number", text: $lineNumber).keyboardType(.phonePad)
                Button("crisis.localLine.save") {
                    Task {
                        await crisis.setLocalLine(LocalCrisisLine(
                            name: lineName, number: lineNumber, textNumber: nil, url: nil,
                            region: Locale.current.region?.identifier ?? ""))
                    }
                }
                .disabled(lineName.isEmpty || lineNumber.isEmpty)
            }
            FailureText(failure: crisis.failure)
        }
        .navigationTitle("crisis.title")
        .toolbar { Button("common.close") { dismiss() } }
        .onAppear {
            crisis.load()
            lineName = crisis.localLine?.name ?? ""
            lineNumber = crisis.localLine?.number ?? ""
        }
    }

    private func open(_ url: URL) {
        openURL(url)
    }

    @ViewBuilder
    private func textSection(_ title: LocalizedStringKey, _ lines: [String]) -> some View {
        if !lines.isEmpty {
            Section(title) {
                ForEach(Array(lines.enumerated()), id: \.offset) { _, line in Text(line) }
            }
        }
    }
}

/// A person or line with its call and message buttons, big enough to hit in a bad moment.
struct PersonButtons: View {
    let name: String
    let detail: String
    let call: URL?
    let message: URL?
    let open: (URL) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(name).font(.headline)
            if !detail.isEmpty { Text(detail).font(.subheadline).foregroundStyle(.secondary) }
            HStack {
                if let call {
                    Button { open(call) } label: { Label("crisis.callButton", systemImage: "phone.fill") }
                        .buttonStyle(.borderedProminent)
                        .accessibilityLabel(Text("crisis.call.a11y \(name)"))
                }
                if let message {
                    Button { open(message) } label: { Label("crisis.messageButton", systemImage: "message.fill") }
                        .buttonStyle(.bordered)
                        .accessibilityLabel(Text("crisis.message.a11y \(name)"))
                }
            }
        }
        .padding(.vertical, 4)
    }
}
