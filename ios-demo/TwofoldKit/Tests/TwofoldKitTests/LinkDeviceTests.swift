// "Your devices" through the app's models, with a real `twofold-relay` process (test-linux.sh
// starts it): Lena's phone shows a link code, her tablet answers it, both show the same digits,
// the phone approves and the tablet waits until every document has arrived; the phone lists the
// tablet, the tablet the phone it is linked to. Then "Remove this device", kept once and
// confirmed once: the tablet leaves the list, and when it next syncs the person's plan leaves it;
// it says it was removed from Lena's devices, and a new code links it again. Then "My phone is
// lost" on a tablet linked to a phone a mentor is paired with: the tablet takes the phone's
// place, and the mentor follows it.
import Foundation
import XCTest

@testable import TwofoldKit

final class LinkDeviceTests: StoreTestCase {
    func relayURL() throws -> String {
        let url = ProcessInfo.processInfo.environment["TWOFOLD_RELAY_URL"] ?? ""
        guard url.hasPrefix("http://") else {
            XCTFail("TWOFOLD_RELAY_URL is '\(url)': run through ios-demo/test-linux.sh, which starts a relay")
            throw CancellationError()
        }
        return url
    }

    /// Repeats a sync step until `done` holds (messages cross the relay one hop per sync).
    @MainActor
    func repeatUntil(_ what: String, _ step: () async -> Void, _ done: () -> Bool) async throws {
        for _ in 0..<20 {
            await step()
            if done() { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        XCTFail("not reached after 20 syncs: \(what)")
        throw CancellationError()
    }

    @MainActor
    func copings(_ app: AppModel) throws -> [String] {
        try app.store.read { try $0.listCopingStrategies() }.map(\.description)
    }

    @MainActor
    func testLinkATabletThenRemoveIt() async throws {
        let url = try relayURL()
        let phone = try await device("phone", preferences: Preferences(relayURL: url))
        let tablet = try await device("tablet")
        phone.start()
        tablet.start()
        try await phone.store.write { try await $0.setDisplayName(name: "Lena") }
        try await phone.store.write {
            try await $0.putCopingStrategy(item: CopingStrategy(id: newItemId(), description: "walk by the river", domain: .both))
        }

        // No relay chosen: no code, and the reason names the relay.
        let noRelay = await tablet.devices.showLinkCode()
        XCTAssertFalse(noRelay)
        XCTAssertNil(tablet.devices.invite)
        if case .invalidInput(let field, _) = tablet.devices.failure { XCTAssertEqual(field, "relay") } else { XCTFail("\(String(describing: tablet.devices.failure))") }

        // A mentor's pairing code is refused on the tablet, with a reason to show.
        _ = await phone.pairing.createInvite(displayName: "Lena")
        let pairingCode = try XCTUnwrap(phone.pairing.invite)
        let wrong = await tablet.devices.join(code: pairingCode, deviceName: "Lena's tablet")
        XCTAssertFalse(wrong)
        XCTAssertEqual(tablet.devices.refusal, .notALinkCode)
        XCTAssertNil(tablet.devices.joining)

        // A code the phone declines ("Not my device"): the tablet says so, then starts over.
        _ = await phone.devices.showLinkCode()
        _ = await tablet.devices.join(code: try XCTUnwrap(phone.devices.invite), deviceName: "Lena's tablet")
        try await repeatUntil("the request reaches the phone", { await phone.devices.checkForNewDevice() }) {
            phone.devices.asking != nil
        }
        let declined = await phone.devices.decline(try XCTUnwrap(phone.devices.asking))
        XCTAssertTrue(declined)
        XCTAssertNil(phone.devices.asking)
        XCTAssertEqual(phone.devices.devices.count, 0)
        try await repeatUntil("the tablet hears no", { await tablet.devices.checkForApproval() }) {
            tablet.devices.joining?.status == .declined
        }
        XCTAssertFalse(tablet.devices.documentsArrived)
        tablet.devices.startOver()
        XCTAssertNil(tablet.devices.joining)

        // The code, the same digits on both screens, the approval.
        let shown = await phone.devices.showLinkCode()
        XCTAssertTrue(shown, "\(String(describing: phone.devices.failure))")
        let code = try XCTUnwrap(phone.devices.invite)
        XCTAssertTrue(code.hasPrefix("twofold:link:2:"), code)
        let joined = await tablet.devices.join(code: " \(code)\n", deviceName: "Lena's tablet")
        XCTAssertTrue(joined, "\(String(describing: tablet.devices.failure))")
        XCTAssertNil(tablet.devices.refusal)
        XCTAssertEqual(tablet.sync.relayURL, url, "the code's relay")
        let waiting = try XCTUnwrap(tablet.devices.joining)
        XCTAssertEqual(waiting.status, .awaitingApproval)
        try await repeatUntil("the tablet's request reaches the phone", { await phone.devices.checkForNewDevice() }) {
            phone.devices.asking != nil
        }
        let asking = try XCTUnwrap(phone.devices.asking)
        XCTAssertEqual(asking.displayName, "Lena's tablet")
        XCTAssertEqual(waiting.verificationCode, "", "no digits before the phone answers")
        try await repeatUntil("the phone's half of the code reaches the tablet", { await tablet.devices.checkForApproval() }) {
            !(tablet.devices.joining?.verificationCode.isEmpty ?? true)
        }
        let digits = try XCTUnwrap(tablet.devices.joining).verificationCode
        XCTAssertEqual(asking.verificationCode, digits, "both screens show the same digits")
        await phone.pairing.checkForRequests()
        XCTAssertEqual(phone.pairing.requests.count, 0, "a device asking to link is not a mentor asking to pair")

        let approved = await phone.devices.approve(asking)
        XCTAssertTrue(approved)
        XCTAssertNil(phone.devices.asking)
        XCTAssertNil(phone.devices.invite, "a code works once")
        XCTAssertEqual(phone.devices.devices.map(\.displayName), ["Lena's tablet"])
        XCTAssertNil(phone.devices.linkedTo)
        XCTAssertEqual(phone.pairing.paired.count, 0, "the tablet is not listed as a mentor")

        try await repeatUntil("the documents reach the tablet", { await tablet.devices.checkForApproval() }) {
            tablet.devices.documentsArrived
        }
        XCTAssertEqual(tablet.devices.joining?.status, .paired)
        XCTAssertEqual(tablet.devices.linkedTo?.displayName, "Lena")
        XCTAssertEqual(tablet.devices.devices.count, 0, "the tablet cannot remove the phone")
        for kind in LinkDeviceModel.personsKinds {
            XCTAssertEqual(try tablet.store.read { try $0.docId(kind: kind) }, try phone.store.read { try $0.docId(kind: kind) }, "\(kind)")
        }
        XCTAssertEqual(try copings(tablet), ["walk by the river"])
        // After a restart the tablet still syncs with the phone's relay (it never chose one).
        let restarted = AppModel(store: tablet.store, clock: .system, preferences: Preferences(), lang: .en)
        XCTAssertNil(restarted.sync.relayURL)
        restarted.connectRelay()
        XCTAssertEqual(restarted.sync.relayURL, url)
        await restarted.sync.shutDown()

        // A device already linked (or paired) is not linked again.
        _ = await phone.devices.showLinkCode()
        let again = await tablet.devices.join(code: try XCTUnwrap(phone.devices.invite), deviceName: "Lena's tablet")
        XCTAssertFalse(again)
        XCTAssertEqual(tablet.devices.refusal, .alreadyPaired)

        // "Remove this device": asked first; kept once, then confirmed.
        let linked = try XCTUnwrap(phone.devices.devices.first)
        phone.devices.askToRemove(linked)
        XCTAssertEqual(phone.devices.confirmingRemoval?.id, linked.id)
        phone.devices.keepDevice()
        XCTAssertNil(phone.devices.confirmingRemoval)
        phone.devices.load()
        XCTAssertEqual(phone.devices.devices.count, 1, "kept")
        phone.devices.askToRemove(linked)
        // As SwiftUI does: dismissing the dialog clears the question before the button's task
        // runs, so the dialog passes the device it showed.
        phone.devices.keepDevice()
        let removed = await phone.devices.confirmRemoval(linked)
        XCTAssertTrue(removed, "\(String(describing: phone.devices.failure))")
        XCTAssertNil(phone.devices.confirmingRemoval)
        XCTAssertEqual(phone.devices.devices.count, 0)

        // The tablet's next syncs: the person's plan leaves it.
        for _ in 0..<3 { await tablet.sync.syncNow() }
        XCTAssertEqual(try copings(tablet), [], "the person's plan left the removed tablet")
        XCTAssertNotEqual(try tablet.store.read { try $0.docId(kind: .plan) }, try phone.store.read { try $0.docId(kind: .plan) })

        // The tablet says it was removed, and from whose devices (not that a request was
        // declined); a new code from the phone links it again.
        tablet.devices.load()
        XCTAssertEqual(tablet.devices.removedFrom?.displayName, "Lena")
        XCTAssertNil(tablet.devices.linkedTo)
        XCTAssertNil(tablet.devices.joining, "a removal is not a declined request")
        XCTAssertFalse(tablet.devices.isMain)
        _ = await phone.devices.showLinkCode()
        let relinked = await tablet.devices.join(code: try XCTUnwrap(phone.devices.invite), deviceName: "Lena's tablet")
        XCTAssertTrue(relinked, "\(String(describing: tablet.devices.refusal)) \(String(describing: tablet.devices.failure))")
        XCTAssertEqual(tablet.devices.joining?.status, .awaitingApproval)
        XCTAssertNil(tablet.devices.removedFrom)
        try await repeatUntil("the removed tablet's new request reaches the phone", { await phone.devices.checkForNewDevice() }) {
            phone.devices.asking?.displayName == "Lena's tablet"
        }
        await phone.close()
        await tablet.close()
    }

    @MainActor
    func testTheTabletTakesThePlaceOfTheLostPhone() async throws {
        let url = try relayURL()
        let phone = try await device("phone", preferences: Preferences(relayURL: url))
        let mentor = try await device("mentor")
        let tablet = try await device("tablet")
        phone.start()
        mentor.start()
        tablet.start()

        // Rosa pairs with Lena's phone; the phone shares its plan with her.
        _ = await phone.pairing.createInvite(displayName: "Lena")
        _ = await mentor.pairing.join(invite: try XCTUnwrap(phone.pairing.invite), displayName: "Rosa")
        try await repeatUntil("Rosa's request reaches the phone", { await phone.pairing.checkForRequests() }) {
            !phone.pairing.requests.isEmpty
        }
        _ = await phone.pairing.approve(phone.pairing.requests[0])
        try await repeatUntil("Rosa sees the approval", { await mentor.pairing.checkApproval() }) {
            mentor.pairing.joining?.status == .paired
        }
        let rosa = try XCTUnwrap(phone.pairing.paired.first)
        try await phone.store.write {
            try await $0.share(kind: .plan, peerId: rosa.id, access: .write, purpose: "support", expiresAtMs: nil)
        }

        // The tablet asks to link. Before the phone handed anything over, taking its place is
        // refused with a message that says why.
        _ = await phone.devices.showLinkCode()
        _ = await tablet.devices.join(code: try XCTUnwrap(phone.devices.invite), deviceName: "Lena's tablet")
        let waiting = try XCTUnwrap(tablet.devices.joining, "\(String(describing: tablet.devices.failure))")
        tablet.devices.askToTakeOver(waiting)
        let early = await tablet.devices.confirmTakeover()
        XCTAssertFalse(early)
        XCTAssertTrue(tablet.devices.takeoverRefused)
        XCTAssertNil(tablet.devices.failure)

        try await repeatUntil("the tablet's request reaches the phone", { await phone.devices.checkForNewDevice() }) {
            phone.devices.asking != nil
        }
        _ = await phone.devices.approve(try XCTUnwrap(phone.devices.asking))
        try await repeatUntil("the documents reach the tablet", { await tablet.devices.checkForApproval() }) {
            tablet.devices.documentsArrived
        }
        for app in [phone, mentor, tablet, mentor, tablet, phone] { await app.sync.syncNow() }
        tablet.devices.load()
        let lost = try XCTUnwrap(tablet.devices.linkedTo)
        XCTAssertEqual(lost.displayName, "Lena")
        XCTAssertFalse(tablet.devices.isMain)

        // "My phone is lost": asked first; "Not now" once, then confirmed.
        tablet.devices.askToTakeOver(lost)
        XCTAssertEqual(tablet.devices.confirmingTakeover?.id, lost.id)
        XCTAssertFalse(tablet.devices.takeoverRefused)
        tablet.devices.keepWaiting()
        XCTAssertNil(tablet.devices.confirmingTakeover)
        tablet.devices.load()
        XCTAssertEqual(tablet.devices.linkedTo?.id, lost.id, "kept")
        tablet.devices.askToTakeOver(lost)
        let took = await tablet.devices.confirmTakeover()
        XCTAssertTrue(took, "\(String(describing: tablet.devices.failure))")
        XCTAssertFalse(tablet.devices.takeoverRefused)
        XCTAssertNil(tablet.devices.confirmingTakeover)
        XCTAssertNil(tablet.devices.linkedTo)
        XCTAssertNil(tablet.devices.removedFrom)
        XCTAssertTrue(tablet.devices.isMain, "this device is the person's main device now")
        XCTAssertEqual(tablet.preferences.relayURL, url, "the lost phone's relay is this device's now")

        // Rosa follows at her next sync: her overview shows Lena on the tablet.
        for app in [mentor, tablet, mentor] { await app.sync.syncNow() }
        let mentees = try mentor.store.read { try $0.mentorView() }.mentees
        let tabletId = try tablet.store.read { try $0.deviceId() }
        XCTAssertEqual(mentees.map(\.peer), [tabletId], "\(mentees)")
        XCTAssertEqual(mentees.map(\.name), ["Lena"])
        await phone.close()
        await mentor.close()
        await tablet.close()
    }
}
