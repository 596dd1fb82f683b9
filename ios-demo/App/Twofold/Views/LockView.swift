import SwiftUI
import TwofoldKit

/// The app lock's screen. It shows nothing of the person's data (the store is closed) and the
/// same words whatever PIN was typed — a duress PIN is never hinted at. During the core's wait
/// the field is off and a countdown shows. The region's emergency number and crisis lines
/// (bundled, not the person's) are one tap away for someone who cannot type their PIN.
/// Layout direction is never set here: SwiftUI lays Arabic out right to left by itself.
struct LockView: View {
    @ObservedObject var gate: AppLockGate
    let screen: AppLockGate.LockScreen
    @State private var pin = ""
    @State private var showsHelp = false
    @Environment(\.openURL) private var openURL

    var body: some View {
        VStack(spacing: 16) {
            Spacer()
            Image(systemName: "lock").font(.largeTitle).accessibilityHidden(true)
            Text("lock.title").font(.title2)
            SecureField("lock.pin", text: $pin)
                .keyboardType(.numberPad)
                .textContentType(.password)
                .disabled(!screen.canTry)
                .textFieldStyle(.roundedBorder)
                .onSubmit(unlock)
                .accessibilityLabel(Text("lock.pin"))
            status
                .accessibilityAddTraits(.updatesFrequently)
            if screen.checking { ProgressView() }
            Button("lock.unlock", action: unlock)
                .buttonStyle(.borderedProminent)
                .disabled(!screen.canTry || pin.isEmpty)
            Spacer()
            Button("lock.help") { showsHelp.toggle() }
            if showsHelp {
                ForEach(lockScreenHelp(region: Locale.current.region?.identifier), id: \.number) { line in
                    Button {
                        if let url = PhoneLinks.call(line.number) { openURL(url) }
                    } label: {
                        if let name = line.name {
                            Text(verbatim: "\(name) · \(line.number)")
                        } else {
                            Text("lock.emergency \(line.number)")
                        }
                    }
                    .buttonStyle(.bordered)
                }
            }
        }
        .padding()
        .onChange(of: screen) { screen in
            if !screen.checking { pin = "" } // a wrong PIN empties the field for the next try
        }
    }

    @ViewBuilder private var status: some View {
        if screen.checking {
            Text("lock.checking")
        } else if screen.waitUntil != nil {
            Text("lock.wait \(countdown(screen.waitSeconds))")
        } else if screen.wrongPin {
            Text("lock.wrongPin")
        } else if screen.problem != nil {
            Text("error.generic")
        }
    }

    private func unlock() {
        guard screen.canTry, !pin.isEmpty else { return }
        let typed = pin
        Task { await gate.unlock(pin: typed) }
    }

    /// m:ss, e.g. 0:30, 15:00.
    private func countdown(_ seconds: Int) -> String {
        String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}

/// "Delete everything from this phone" is running.
struct ErasingView: View {
    var body: some View {
        VStack(spacing: 16) {
            ProgressView()
            Text("erase.working")
        }
    }
}
