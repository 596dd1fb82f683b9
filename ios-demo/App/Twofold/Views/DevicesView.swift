import SwiftUI
import UIKit
import TwofoldKit

/// "Your devices": link a new phone or tablet (a link code as a QR code and as text, the same six
/// digits on both screens, approval), join from the new device (scan or paste, the digits, then
/// waiting for the documents), and the devices linked here, each with "Remove this device"
/// behind a confirmation that says what removing does. On a linked device: "My phone is lost",
/// behind a confirmation that says what taking its place does; on a removed one, that it was
/// removed and how to link it again. All logic is in `LinkDeviceModel`.
struct DevicesView: View {
    @ObservedObject var devices: LinkDeviceModel
    @State private var deviceName = ""
    @State private var scanning = false
    @State private var pasted = ""

    var body: some View {
        Form {
            Section { Text("devices.intro") }
            Section("devices.yours") {
                if let origin = devices.linkedTo {
                    Text("devices.linkedTo \(origin.displayName)")
                    Button("devices.phoneLost", role: .destructive) { devices.askToTakeOver(origin) }
                }
                if devices.takeoverRefused {
                    Text("devices.takeover.refused").foregroundStyle(.red)
                }
                if let origin = devices.removedFrom {
                    Text("devices.removedFrom \(origin.displayName)")
                }
                if devices.isMain {
                    Text("devices.main")
                }
                if devices.devices.isEmpty && devices.linkedTo == nil {
                    Text("devices.none")
                }
                ForEach(devices.devices) { device in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(device.displayName)
                        Text("devices.statusLinked").font(.footnote).foregroundStyle(.secondary)
                        Button("devices.remove", role: .destructive) { devices.askToRemove(device) }
                            .accessibilityLabel(Text("devices.removeNamed \(device.displayName)"))
                    }
                }
            }
            if let joining = devices.joining {
                newDeviceProgress(joining)
            } else {
                linkNewSection
                joinSection
            }
            FailureText(failure: devices.failure)
        }
        .navigationTitle("devices.title")
        .onAppear { devices.load() }
        .sheet(isPresented: $scanning) {
            QRScanner { code in
                scanning = false
                Task { await devices.join(code: code, deviceName: deviceName) }
            }
        }
        .confirmationDialog(removalTitle, isPresented: Binding(
            get: { devices.confirmingRemoval != nil },
            set: { if !$0 { devices.keepDevice() } }
        ), titleVisibility: .visible, presenting: devices.confirmingRemoval) { device in
            // The device is passed on: dismissing the dialog clears `confirmingRemoval` before
            // the task runs.
            Button("devices.remove.confirm", role: .destructive) { Task { await devices.confirmRemoval(device) } }
            Button("devices.remove.keep", role: .cancel) { devices.keepDevice() }
        } message: { _ in
            Text("devices.remove.body")
        }
        .confirmationDialog(takeoverTitle, isPresented: Binding(
            get: { devices.confirmingTakeover != nil },
            set: { if !$0 { devices.keepWaiting() } }
        ), titleVisibility: .visible, presenting: devices.confirmingTakeover) { phone in
            // The phone is passed on: dismissing the dialog clears `confirmingTakeover` before
            // the task runs.
            Button("devices.takeover.confirm", role: .destructive) { Task { await devices.confirmTakeover(phone) } }
            Button("devices.takeover.keep", role: .cancel) { devices.keepWaiting() }
        } message: { _ in
            Text("devices.takeover.body")
        }
    }

    private var takeoverTitle: Text {
        Text("devices.takeover.title \(devices.confirmingTakeover?.displayName ?? "")")
    }

    private var removalTitle: Text {
        Text("devices.remove.title \(devices.confirmingRemoval?.displayName ?? "")")
    }

    /// The new device, after answering the code: the digits, then waiting for the documents.
    @ViewBuilder
    private func newDeviceProgress(_ joining: Peer) -> some View {
        Section("devices.newDevice") {
            if joining.status == .declined {
                Text("devices.declined")
                Button("devices.startAgain") { devices.startOver() }
            } else if devices.documentsArrived {
                Text("devices.documentsArrived")
            } else {
                if joining.status == .awaitingApproval && joining.verificationCode.isEmpty {
                    Text("pairing.waitingForCode")
                } else if joining.status == .awaitingApproval {
                    code(joining.verificationCode)
                    Text("devices.approveOnPhone")
                } else {
                    Text("devices.waitingForDocuments")
                }
                Button("devices.checkAgain") { Task { await devices.checkForApproval() } }
            }
        }
    }

    /// This phone: a code for the new device, then its request to compare and approve.
    private var linkNewSection: some View {
        Section("devices.linkNew") {
            if let asking = devices.asking {
                Text("devices.wantsToLink \(asking.displayName)")
                code(asking.verificationCode)
                Text("devices.compareCode")
                HStack {
                    Button("devices.codesMatch") { Task { await devices.approve(asking) } }.buttonStyle(.borderedProminent)
                    Button("devices.notMine", role: .destructive) { Task { await devices.decline(asking) } }
                }
            } else {
                Button("devices.showCode") { Task { await devices.showLinkCode() } }
                if let invite = devices.invite {
                    Text("devices.codePrivate").foregroundStyle(.red)
                    if let qr = QRCode.image(for: invite) {
                        qr.resizable().scaledToFit().frame(maxWidth: 240)
                            .accessibilityLabel(Text("devices.qr.a11y"))
                    }
                    Text("devices.codeAsText")
                    Text(invite).font(.system(.footnote, design: .monospaced)).textSelection(.enabled)
                    Button("devices.copyCode") { UIPasteboard.general.string = invite }
                    Button("devices.checkNewDevice") { Task { await devices.checkForNewDevice() } }
                }
            }
        }
    }

    /// This is the new device: its name, then the code scanned or pasted.
    private var joinSection: some View {
        Section("devices.thisIsNew") {
            Text("devices.joinExplained")
            switch devices.refusal {
            case .notALinkCode: Text("devices.notALinkCode").foregroundStyle(.red)
            case .alreadyPaired: Text("devices.alreadyPaired").foregroundStyle(.red)
            case nil: EmptyView()
            }
            TextField("devices.deviceName", text: $deviceName)
            Button { scanning = true } label: { Label("devices.scan", systemImage: "qrcode.viewfinder") }
                .disabled(deviceName.isEmpty)
            TextField("devices.paste", text: $pasted)
            Button("devices.join") { Task { await devices.join(code: pasted, deviceName: deviceName) } }
                .disabled(deviceName.isEmpty || pasted.isEmpty)
        }
    }

    /// The six digits, read one by one by VoiceOver.
    private func code(_ digits: String) -> some View {
        Text(digits).font(.system(.largeTitle, design: .monospaced))
            .accessibilityLabel(Text("pairing.code.a11y \(digits.map(String.init).joined(separator: " "))"))
    }
}
