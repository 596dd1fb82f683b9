import SwiftUI
import TwofoldKit

/// The support plan: "when I'm well", then every section, each item with its domain tag;
/// tap to edit, swipe to delete, add per section. Serves the mentor's view of a shared plan too.
struct PlanView: View {
    @ObservedObject var plan: PlanModel
    @State private var editing: PlanItemDraft?
    @State private var whenWell = ""

    var body: some View {
        List {
            Section("plan.whenWell") {
                if plan.canEditWhenWell {
                    TextField("plan.whenWell.placeholder", text: $whenWell, axis: .vertical)
                        .onSubmit { Task { await plan.setWhenWell(whenWell) } }
                        .accessibilityLabel(Text("plan.whenWell"))
                    Button("plan.whenWell.save") { Task { await plan.setWhenWell(whenWell) } }
                } else {
                    Text(plan.whenWell)
                }
            }
            ForEach(PlanSection.allCases) { section in
                Section(LocalizedStringKey(section.titleKey)) {
                    ForEach(plan.entries(in: section)) { entry in
                        Button { if plan.canEdit { editing = PlanItemDraft(editing: entry.item) } } label: {
                            PlanEntryRow(entry: entry)
                        }
                        .buttonStyle(.plain)
                        .accessibilityHint(Text(plan.canEdit ? "plan.item.edit.hint" : ""))
                    }
                    .onDelete { offsets in
                        let entries = plan.entries(in: section)
                        for offset in offsets { Task { await plan.remove(entries[offset]) } }
                    }
                    .deleteDisabled(!plan.canEdit)
                    if plan.canEdit {
                        Button { editing = PlanItemDraft(section: section) } label: {
                            Label("plan.item.add", systemImage: "plus")
                        }
                        .accessibilityLabel(Text("plan.item.add.a11y \(Text(LocalizedStringKey(section.titleKey)))"))
                    }
                }
            }
            FailureText(failure: plan.failure)
        }
        .navigationTitle("tab.plan")
        .onAppear { whenWell = plan.whenWell }
        .onChange(of: plan.whenWell) { whenWell = $0 }
        .sheet(item: $editing) { draft in
            NavigationStack { PlanItemEditor(plan: plan, draft: draft) }
        }
    }
}

struct PlanEntryRow: View {
    let entry: PlanEntry

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(entry.text).font(.body)
                Spacer()
                if let domain = entry.domain {
                    Text(Labels.domain(domain))
                        .font(.caption)
                        .padding(.horizontal, 8).padding(.vertical, 2)
                        .background(Capsule().fill(.quaternary))
                }
            }
            if !entry.detail.isEmpty {
                Text(entry.detail).font(.subheadline).foregroundStyle(.secondary)
            }
        }
        .accessibilityElement(children: .combine)
    }
}

extension PlanItemDraft: Identifiable {}
