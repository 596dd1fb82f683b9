import SwiftUI
import TwofoldKit

/// The app lock's settings: on, change the PIN, off, the emergency (duress) PIN, lock now.
struct AppLockSettingsView: View {
    let gate: AppLockGate
    @ObservedObject var lock: AppLockSettingsModel
    @State private var form: PinForm?

    enum PinForm: Identifiable {
        case enable, change, disable, duress
        var id: Self { self }
    }

    var body: some View {
        Form {
            Section {
                Text("lock.settings.explained").font(.footnote)
                Text(lock.isOn ? LocalizedStringKey("lock.settings.on") : LocalizedStringKey("lock.settings.off"))
                if lock.working { ProgressView() }
                if let done = lock.done { Text(doneText(done)) }
                PinFailureText(failure: lock.failure)
                if lock.isOn {
                    Button("lock.now") { Task { await gate.lockNow() } }
                    Button("lock.changePin") { form = .change }
                    Button("lock.turnOff") { form = .disable }
                } else {
                    Button("lock.turnOn") { form = .enable }
                }
            }
            if lock.isOn {
                Section("duress.title") {
                    Text("duress.explained").font(.footnote)
                    if lock.hasDuressPin {
                        Text("duress.isSet")
                        Button("duress.clear") { Task { await lock.clearDuressPin() } }
                    } else {
                        Button("duress.set") { form = .duress }
                    }
                }
            }
        }
        .navigationTitle("lock.settings.title")
        .onAppear { lock.load() }
        .sheet(item: $form) { form in
            NavigationStack { PinFormView(form: form, lock: lock) }
        }
    }

    private func doneText(_ change: AppLockSettingsModel.Change) -> LocalizedStringKey {
        switch change {
        case .turnedOn: return "lock.done.on"
        case .pinChanged: return "lock.done.changed"
        case .turnedOff: return "lock.done.off"
        case .duressSet: return "duress.done.set"
        case .duressCleared: return "duress.done.cleared"
        }
    }
}

/// The current PIN and/or a new PIN typed twice; the model checks that the two match.
struct PinFormView: View {
    let form: AppLockSettingsView.PinForm
    let lock: AppLockSettingsModel
    @State private var current = ""
    @State private var pin = ""
    @State private var again = ""
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            if form == .change || form == .disable {
                SecureField("lock.currentPin", text: $current).keyboardType(.numberPad)
            }
            if form != .disable {
                SecureField("lock.newPin", text: $pin).keyboardType(.numberPad)
                SecureField("lock.newPinAgain", text: $again).keyboardType(.numberPad)
                Text("lock.pinRules").font(.footnote)
            }
        }
        .navigationTitle(title)
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { dismiss() } }
            ToolbarItem(placement: .confirmationAction) {
                Button("common.save") {
                    let (current, pin, again) = (current, pin, again)
                    Task {
                        switch form {
                        case .enable: await lock.enable(pin: pin, confirm: again)
                        case .change: await lock.changePin(current: current, new: pin, confirm: again)
                        case .disable: await lock.disable(pin: current)
                        case .duress: await lock.setDuressPin(pin, confirm: again)
                        }
                    }
                    dismiss()
                }
            }
        }
    }

    private var title: LocalizedStringKey {
        switch form {
        case .enable: return "lock.turnOn"
        case .change: return "lock.changePin"
        case .disable: return "lock.turnOff"
        case .duress: return "duress.set"
        }
    }
}

/// A PIN action's failure: what to do, never the PIN.
struct PinFailureText: View {
    let failure: StoreError?

    var body: some View {
        if let failure {
            Text(message(failure)).font(.footnote).foregroundStyle(.red)
        }
    }

    private func message(_ failure: StoreError) -> LocalizedStringKey {
        switch failure {
        case .invalidInput(let field, let reason) where field == AppLockSettingsModel.confirmField || reason.contains("differ"):
            return field == AppLockSettingsModel.confirmField ? "lock.pinMismatch" : "lock.pinMustDiffer"
        case .invalidInput: return "lock.pinRules"
        case .wrongPin: return "lock.wrongPin"
        case .lockedOut: return "lock.lockedOut"
        case .storage: return "error.storage"
        default: return "error.generic"
        }
    }
}

/// "Delete everything from this phone": asked twice, then the store and the key are gone.
struct EraseView: View {
    let gate: AppLockGate
    @State private var asking = false

    var body: some View {
        Form {
            Text("erase.explained")
            Button("erase.button", role: .destructive) { asking = true }
        }
        .navigationTitle("erase.title")
        .confirmationDialog("erase.confirm.title", isPresented: $asking, titleVisibility: .visible) {
            Button("erase.confirm", role: .destructive) { Task { await gate.eraseEverything() } }
            Button("common.cancel", role: .cancel) {}
        } message: {
            Text("erase.confirm.text")
        }
    }
}
