import SwiftUI
import TwofoldKit

/// Pairing: show an invite as a QR code (owner) or scan one (mentor); both screens then show
/// the same six digits, and the owner approves only after comparing them.
struct PairingView: View {
    @ObservedObject var pairing: PairingModel
    @State private var name = ""
    @State private var scanning = false
    @State private var pasted = ""

    var body: some View {
        Form {
            Section("pairing.name") {
                TextField("pairing.name.placeholder", text: $name)
            }
            Section("pairing.show") {
                Button("pairing.createInvite") { Task { await pairing.createInvite(displayName: name) } }
                    .disabled(name.isEmpty)
                if let invite = pairing.invite, let qr = QRCode.image(for: invite) {
                    qr.resizable().scaledToFit().frame(maxWidth: 240)
                        .accessibilityLabel(Text("pairing.qr.a11y"))
                    Button("pairing.checkRequests") { Task { await pairing.checkForRequests() } }
                }
                ForEach(pairing.requests) { peer in
                    VStack(alignment: .leading, spacing: 8) {
                        Text("pairing.request \(peer.displayName)")
                        Text(peer.verificationCode).font(.system(.largeTitle, design: .monospaced))
                            .accessibilityLabel(Text("pairing.code.a11y \(spelled(peer.verificationCode))"))
                        Text("pairing.compare")
                        HStack {
                            Button("pairing.approve") { Task { await pairing.approve(peer) } }.buttonStyle(.borderedProminent)
                            Button("pairing.decline", role: .destructive) { Task { await pairing.decline(peer) } }
                        }
                    }
                }
            }
            Section("pairing.join") {
                Button { scanning = true } label: { Label("pairing.scan", systemImage: "qrcode.viewfinder") }
                    .disabled(name.isEmpty)
                TextField("pairing.paste", text: $pasted)
                Button("pairing.joinPasted") { Task { await pairing.join(invite: pasted, displayName: name) } }
                    .disabled(name.isEmpty || pasted.isEmpty)
                if let joining = pairing.joining {
                    if joining.verificationCode.isEmpty {
                        // Commit-then-reveal: the owner's phone has not answered with its half yet.
                        Text("pairing.waitingForCode")
                    } else {
                        Text(joining.verificationCode).font(.system(.largeTitle, design: .monospaced))
                            .accessibilityLabel(Text("pairing.code.a11y \(spelled(joining.verificationCode))"))
                    }
                    Text(joining.status == .paired ? "pairing.paired" : "pairing.waiting")
                    Button("pairing.checkApproval") { Task { await pairing.checkApproval() } }
                }
            }
            Section("pairing.peers") {
                ForEach(pairing.paired) { peer in
                    Text(peer.displayName)
                        .swipeActions { Button("pairing.unpair", role: .destructive) { Task { await pairing.unpair(peer) } } }
                }
            }
            FailureText(failure: pairing.failure)
        }
        .navigationTitle("connect.pairing")
        .onAppear { pairing.load() }
        .sheet(isPresented: $scanning) {
            QRScanner { code in
                scanning = false
                Task { await pairing.join(invite: code, displayName: name) }
            }
        }
    }

    /// Digits read one by one by VoiceOver ("4 1 7…", not "four hundred seventeen thousand").
    private func spelled(_ code: String) -> String {
        code.map(String.init).joined(separator: " ")
    }
}
