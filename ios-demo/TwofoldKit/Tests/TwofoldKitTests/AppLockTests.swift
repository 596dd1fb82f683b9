// The app lock and "delete everything" through the gate and the settings model, against the
// real library and its real Argon2id (each PIN check about 0.2 s here).
import Foundation
import XCTest

@testable import TwofoldKit

/// The Keychain's part played by a file: the key is made on first use and gone with
/// `deleteKey()`, so the test can see that nothing of the old key is left.
struct FileKey: KeyProvider {
    let url: URL

    func databaseKey() throws -> Data {
        if let key = try? Data(contentsOf: url) { return key }
        let key = EphemeralKey.random()
        try key.write(to: url)
        return key
    }

    func deleteKey() throws {
        if FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }
}

private let pin = "2468"
private let duress = "1357"

/// Every file under `dir` and whether it holds `text`.
private func filesHolding(_ text: String, under dir: URL) -> [String] {
    let needle = Data(text.utf8)
    let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
    return files.filter { (try? Data(contentsOf: $0))?.range(of: needle) != nil }.map(\.lastPathComponent)
}

private func storeFiles(in dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
}

@MainActor
final class AppLockTests: StoreTestCase {
    private func nowTime() -> TestTime {
        let time = TestTime("2026-01-01T00:00:00Z")
        time.date = Date()
        return time
    }

    private func makeGate(_ home: URL, keys: KeyProvider, time: TestTime) -> AppLockGate {
        AppLockGate(directory: home, keys: keys, clock: testClock(time))
    }

    private func makeHome(_ name: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func names(_ app: AppModel?) throws -> [String] {
        try XCTUnwrap(app).store.read { try $0.listContacts() }.map(\.name)
    }

    func testLockUnlockWrongPinsChangeDuressAndOff() async throws {
        let canary = "CANARY-swift-lock-m3xt"
        let home = try makeHome("phone")
        let keys = EphemeralKey()
        let time = nowTime()
        let gate = makeGate(home, keys: keys, time: time)
        await gate.start()
        XCTAssertEqual(gate.state, .open, "no lock: the app opens")
        let app = try XCTUnwrap(gate.app)
        try await app.store.put(.contacts(item: Contact(id: newItemId(), name: canary)))

        let settings = app.appLock
        XCTAssertFalse(settings.isOn)
        await settings.enable(pin: pin, confirm: "2469")
        XCTAssertEqual(settings.failure?.field, AppLockSettingsModel.confirmField)
        XCTAssertFalse(settings.isOn, "a mistyped confirmation turns nothing on")
        await settings.enable(pin: "12", confirm: "12")
        XCTAssertEqual(settings.failure?.field, "pin", "too short: the core refuses")
        await settings.enable(pin: pin, confirm: pin)
        XCTAssertNil(settings.failure)
        await settings.setDuressPin(duress, confirm: duress)
        XCTAssertTrue(settings.isOn && settings.hasDuressPin)
        XCTAssertEqual(settings.done, .duressSet)

        await gate.lockNow()
        XCTAssertEqual(gate.state, .locked(.init()))
        XCTAssertNil(gate.app)
        XCTAssertTrue(app.store.isClosed, "locking closes the store")

        // A new start, as after the app was killed: the lock screen, nothing read.
        let atStart = makeGate(home, keys: keys, time: time)
        await atStart.start()
        XCTAssertEqual(atStart.state, .locked(.init()))
        for n in 1...4 {
            await atStart.unlock(pin: "0000")
            XCTAssertEqual(atStart.state, .locked(.init(wrongPin: true)), "wrong try \(n) is free")
        }
        await atStart.unlock(pin: pin)
        XCTAssertEqual(atStart.state, .open)
        XCTAssertEqual(try names(atStart.app), [canary])
        let firstSession = atStart.session

        let unlocked = try XCTUnwrap(atStart.app)
        await unlocked.appLock.changePin(current: pin, new: "8642", confirm: "8642")
        XCTAssertEqual(unlocked.appLock.done, .pinChanged)
        await atStart.lockNow()
        await atStart.unlock(pin: pin)
        XCTAssertEqual(atStart.state, .locked(.init(wrongPin: true)), "the old PIN no longer opens it")
        await atStart.unlock(pin: "8642")
        XCTAssertEqual(atStart.state, .open)
        XCTAssertGreaterThan(atStart.session, firstSession)

        // The duress PIN: an empty store that looks like any other, the old data in no file.
        await atStart.lockNow()
        await atStart.unlock(pin: duress)
        XCTAssertEqual(atStart.state, .open)
        XCTAssertEqual(try names(atStart.app), [], "an empty store")
        let lock = try XCTUnwrap(atStart.app).appLock
        XCTAssertTrue(lock.isOn && !lock.hasDuressPin, "still locked, with no duress PIN left")
        XCTAssertEqual(filesHolding(canary, under: dir), [])

        await lock.disable(pin: "0000")
        XCTAssertEqual(lock.failure, .wrongPin(waitMs: 0), "a wrong PIN does not turn it off")
        await lock.disable(pin: duress)
        XCTAssertEqual(lock.done, .turnedOff)
        XCTAssertFalse(lock.isOn)
        await atStart.lockNow()
        XCTAssertEqual(atStart.state, .open, "no lock: nothing to lock")
        await atStart.app?.close()
    }

    func testTheFifthWrongPinStartsAWaitShownAsACountdown() async throws {
        let home = try makeHome("phone")
        let keys = EphemeralKey()
        let time = nowTime()
        let first = try await AppModel.open(directory: home, keys: keys)
        try await first.store.enableAppLock(pin: pin)
        await first.close()

        let gate = makeGate(home, keys: keys, time: time)
        await gate.start()
        for _ in 1...4 { await gate.unlock(pin: "0000") }
        await gate.unlock(pin: "0000")
        guard case .locked(let fifth) = gate.state else { return XCTFail("locked: \(gate.state)") }
        XCTAssertTrue(fifth.wrongPin)
        XCTAssertEqual(fifth.waitSeconds, 30, "the wait starts at 30 s")
        XCTAssertFalse(fifth.canTry)

        await gate.unlock(pin: pin)
        XCTAssertEqual(gate.state, .locked(fifth), "during the wait a try is not even sent")
        time.date = time.date.addingTimeInterval(12)
        gate.tick()
        guard case .locked(let later) = gate.state else { return XCTFail("locked") }
        XCTAssertEqual(later.waitSeconds, 18, "the countdown moves with the clock")

        // The core keeps the wait, whatever the screen shows: a new start reads it.
        guard case .lockedOut(_, let waitMs) = try Store.lockState(at: home.appendingPathComponent(AppModel.fileName),
                                                                   key: keys.databaseKey()) else {
            return XCTFail("the core says locked out")
        }
        XCTAssertTrue((1...30_000).contains(waitMs))
        let again = makeGate(home, keys: keys, time: nowTime())
        await again.start()
        guard case .locked(let shown) = again.state else { return XCTFail("locked at start") }
        XCTAssertTrue((1...30).contains(shown.waitSeconds) && !shown.wrongPin, "the countdown, no word of a wrong PIN")

        time.date = time.date.addingTimeInterval(18)
        gate.tick()
        XCTAssertEqual(gate.state, .locked(.init(wrongPin: true)), "the countdown ends: a try is allowed")
    }

    func testTheAppLocksAgainAfterAMinuteInTheBackground() async throws {
        let home = try makeHome("phone")
        let keys = EphemeralKey()
        let time = nowTime()
        let first = try await AppModel.open(directory: home, keys: keys)
        try await first.store.enableAppLock(pin: pin)
        await first.close()
        let gate = makeGate(home, keys: keys, time: time)
        await gate.start()
        await gate.unlock(pin: pin)
        let app = try XCTUnwrap(gate.app)

        gate.didEnterBackground()
        time.date = time.date.addingTimeInterval(30)
        await gate.willEnterForeground()
        XCTAssertEqual(gate.state, .open, "half a minute away (a phone call): still open")

        gate.didEnterBackground()
        time.date = time.date.addingTimeInterval(AppLockGate.relockAfter)
        await gate.willEnterForeground()
        XCTAssertEqual(gate.state, .locked(.init()))
        XCTAssertNil(gate.app)
        XCTAssertTrue(app.store.isClosed)
    }

    func testEraseRemovesTheStoreThenTheKeychainKeyAndAFreshStartMakesANewKey() async throws {
        let canary = "CANARY-swift-erase-q7rb"
        let home = try makeHome("phone")
        let kept = try makeHome("kept") // what someone copied off the phone before the erase
        let keys = FileKey(url: dir.appendingPathComponent("keychain-item"))
        let gate = makeGate(home, keys: keys, time: nowTime())
        await gate.start()
        let app = try XCTUnwrap(gate.app)
        try await app.store.put(.contacts(item: Contact(id: newItemId(), name: canary)))
        try await app.store.enableAppLock(pin: pin)
        let oldKey = try keys.databaseKey()
        for name in storeFiles(in: home) {
            try FileManager.default.copyItem(at: home.appendingPathComponent(name), to: kept.appendingPathComponent(name))
        }
        let firstSession = gate.session

        await gate.eraseEverything()
        XCTAssertNil(gate.failure)
        XCTAssertTrue(app.store.isClosed)
        XCTAssertEqual(gate.state, .open, "a fresh, empty app")
        XCTAssertGreaterThan(gate.session, firstSession)
        XCTAssertEqual(try names(gate.app), [])
        XCTAssertEqual(try gate.app?.store.appLockStatus().on, false, "the new store has no lock")
        let newKey = try keys.databaseKey()
        XCTAssertNotEqual(newKey, oldKey, "the old Keychain item was deleted: a new key")
        XCTAssertEqual(filesHolding(canary, under: home), [])

        // The kept copy does not open with the key the phone has now.
        let keptURL = kept.appendingPathComponent(AppModel.fileName)
        do {
            _ = try await Store.openWithPin(at: keptURL, key: newKey, pin: pin)
            XCTFail("the kept copy opened")
        } catch {
            XCTAssertEqual(error as? StoreError, .wrongKey)
        }
        await gate.app?.close()
    }

    func testTheLockScreenOffersTheRegionsNumbersAndNothingElse() async {
        let spain = lockScreenHelp(region: "ES")
        XCTAssertEqual(spain.first, HelpNumber(name: nil, number: "112"), "the emergency number first")
        XCTAssertGreaterThan(spain.count, 1, "then the bundled crisis lines")
        XCTAssertEqual(lockScreenHelp(region: nil), [])
        XCTAssertEqual(lockScreenHelp(region: "not a region"), [], "nothing rather than a guess")
    }
}
