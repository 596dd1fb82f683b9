package org.twofold.demo.model

import java.io.File
import java.time.Duration
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.Contact
import org.twofold.core.LockState
import org.twofold.core.newItemId
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

/**
 * The app lock through the lock screen's and the settings' state holders, against the real
 * library and its real Argon2id (each PIN check about 0.2 s here): turn it on, lock, wrong
 * PINs (free, then the wait as a countdown), unlock, change the PIN, the duress PIN (an empty
 * store, the old data in no file), turn it off.
 */
class AppLockTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val pin = "2468"
    private val duress = "1357"
    private val canary = "CANARY-kt-lock-5qzp"

    private class Phone(dir: File, val clock: MutableClock = MutableClock()) {
        val path = File(dir, "twofold.db").path
        val key = randomKey()
        val holder = StoreHolder { Store.open(path, key) }
        val scope = modelScope()

        /** The gate as the app makes it at start. */
        fun gate() = AppLockGate(path, { key }, holder, clock, scope)
    }

    /** The gate's state once a check or a try has finished (each action is joined first). */
    private fun StateFlow<Gate>.settled(what: String): Gate {
        val state = value
        if (state is Gate.Checking || (state is Gate.Locked && state.checking)) throw AssertionError("not settled: $what ($state)")
        return state
    }

    @Test
    fun lockUnlockWrongPinsChangeDuressAndOff() = runBlocking<Unit> {
        val phone = Phone(tmp.root)
        try {
            val gate = phone.gate()
            gate.start().join()
            assertIs<Gate.Open>(gate.state.settled("no lock: the app opens"))
            val lease = phone.holder.lease()
            lease.store.call { putContact(Contact(newItemId(), canary)) }

            val settings = AppLockSettingsModel(lease.store, phone.scope)
            settings.state.awaitState("status read") { it.loaded }
            settings.enable(pin, "2469").join()
            assertEquals(AppLockSettingsModel.CONFIRM_FIELD, (settings.problem.value as TwofoldError.InvalidInput).field)
            assertFalse(settings.state.value.on, "a mistyped confirmation turns nothing on")
            settings.enable("12", "12").join()
            assertEquals("pin", (settings.problem.value as TwofoldError.InvalidInput).field, "too short: the core refuses")
            settings.enable(pin, pin).join()
            assertNull(settings.problem.value)
            settings.setDuressPin(duress, duress).join()
            assertEquals(AppLockSettingsState(loaded = true, on = true, duressPin = true, done = LockChange.DURESS_SET), settings.state.value)

            gate.lockNow()
            assertEquals(Gate.Locked(), gate.state.value)
            assertTrue(lease.store.isClosed, "locking closes the store for every screen")
            assertFailsWith<TwofoldError.Closed> { lease.store.call { listContacts() } }
            lease.close() // a lease of the closed store: harmless

            // A new start, as after the process died: the lock screen, nothing read.
            val atStart = phone.gate()
            atStart.start().join()
            assertEquals(Gate.Locked(), atStart.state.settled("locked at start"))
            assertFailsWith<TwofoldError.Locked>("a screen cannot open it without the PIN") { phone.holder.lease() }

            repeat(4) { n ->
                atStart.unlock("0000").join()
                val wrong = atStart.state.settled("wrong PIN ${n + 1}")
                assertEquals(Gate.Locked(wrongPin = true), wrong, "the first wrong tries are free")
            }
            atStart.unlock(pin).join()
            val open = assertIs<Gate.Open>(atStart.state.settled("the PIN opens it"))
            phone.holder.lease().use { assertEquals(listOf(canary), it.store.call { listContacts() }.map { c -> c.name }) }

            // Change the PIN in settings; the old one stops working.
            phone.holder.lease().use { l ->
                val s = AppLockSettingsModel(l.store, phone.scope)
                s.changePin(pin, "8642", "8642").join()
                assertEquals(LockChange.PIN_CHANGED, s.state.value.done)
            }
            atStart.lockNow()
            atStart.unlock(pin).join()
            assertEquals(Gate.Locked(wrongPin = true), atStart.state.settled("the old PIN"))
            atStart.unlock("8642").join()
            val second = assertIs<Gate.Open>(atStart.state.settled("the new PIN"))
            assertTrue(second.session > open.session, "a new session: the last one's screens are dropped")

            // The duress PIN: an empty store that looks like any other, the old data in no file.
            atStart.lockNow()
            atStart.unlock(duress).join()
            assertIs<Gate.Open>(atStart.state.settled("the duress PIN opens"))
            phone.holder.lease().use { l ->
                assertEquals(emptyList(), l.store.call { listContacts() }, "an empty store")
                val s = AppLockSettingsModel(l.store, phone.scope)
                val status = s.state.awaitState("status") { it.loaded }
                assertTrue(status.on && !status.duressPin, "still locked, with no duress PIN left")
            }
            for ((name, bytes) in filesUnder(tmp.root)) assertFalse(bytes.holds(canary), "the old data is in $name")

            // Off again: the store opens with the platform key alone, and locking does nothing.
            phone.holder.lease().use { l ->
                val s = AppLockSettingsModel(l.store, phone.scope)
                s.disable("0000").join()
                assertIs<TwofoldError.WrongPin>(s.problem.value, "a wrong PIN does not turn it off")
                s.disable(duress).join()
                assertEquals(LockChange.TURNED_OFF, s.state.value.done)
                assertFalse(s.state.value.on)
            }
            assertEquals(LockState.NoLock, Store.lockState(phone.path, phone.key))
            atStart.lockNow()
            assertIs<Gate.Open>(atStart.state.value, "no lock: nothing to lock")
        } finally {
            phone.scope.cancel()
            phone.holder.closeNow()
        }
    }

    @Test
    fun theFifthWrongPinStartsAWaitShownAsACountdown() = runBlocking<Unit> {
        val phone = Phone(tmp.root)
        try {
            phone.holder.lease().use { l -> l.store.call { enableAppLock(pin) } }
            phone.holder.closeNow()
            val gate = phone.gate()
            gate.start().join()
            gate.state.settled("locked")
            repeat(4) {
                gate.unlock("0000").join()
                gate.state.settled("a free wrong try")
            }
            gate.unlock("0000").join()
            val fifth = assertIs<Gate.Locked>(gate.state.settled("the fifth wrong try"))
            assertTrue(fifth.wrongPin)
            assertEquals(30L, fifth.waitSeconds, "the wait starts at 30 s")
            assertFalse(fifth.canTry)

            gate.unlock(pin).join()
            assertEquals(fifth, gate.state.value, "during the wait a try is not even sent")
            phone.clock.advance(Duration.ofSeconds(12))
            gate.tick()
            assertEquals(18L, (gate.state.value as Gate.Locked).waitSeconds, "the countdown moves with the clock")

            // The core keeps the wait, whatever the screen shows: a new start reads it.
            val state = Store.lockState(phone.path, phone.key)
            val out = assertIs<LockState.LockedOut>(state)
            assertTrue(out.waitMs in 1uL..30_000uL)
            val again = AppLockGate(phone.path, { phone.key }, phone.holder, MutableClock(), phone.scope)
            again.start().join()
            val shown = assertIs<Gate.Locked>(again.state.settled("locked out at start"))
            assertTrue(shown.waitSeconds in 1L..30L && !shown.wrongPin, "the countdown, with no word about a wrong PIN")

            phone.clock.advance(Duration.ofSeconds(18))
            gate.tick()
            assertEquals(Gate.Locked(wrongPin = true), gate.state.value, "the countdown ends: a try is allowed")
        } finally {
            phone.scope.cancel()
            phone.holder.closeNow()
        }
    }

    @Test
    fun theAppLocksAgainAfterAMinuteInTheBackground() = runBlocking<Unit> {
        val phone = Phone(tmp.root)
        try {
            phone.holder.lease().use { l -> l.store.call { enableAppLock(pin) } }
            phone.holder.closeNow()
            val gate = phone.gate()
            gate.start().join()
            gate.state.settled("locked")
            gate.unlock(pin).join()
            assertIs<Gate.Open>(gate.state.settled("open"))
            val screen = phone.holder.lease()

            gate.onBackground().join()
            phone.clock.advance(Duration.ofSeconds(30))
            gate.onForeground().join()
            assertIs<Gate.Open>(gate.state.value, "half a minute away (a phone call): still open")
            assertFalse(screen.store.isClosed)

            var dropped = false
            gate.onBackground().join()
            phone.clock.advance(AppLockGate.RELOCK_AFTER)
            val closing = gate.onForeground(beforeClose = { dropped = !screen.store.isClosed })
            assertEquals(Gate.Locked(), gate.state.value, "the lock screen is up before onForeground returns")
            closing.join()
            assertTrue(dropped, "the screens are dropped before the store closes")
            assertTrue(screen.store.isClosed)
        } finally {
            phone.scope.cancel()
            phone.holder.closeNow()
        }
    }

    @Test
    fun theLockScreenOffersTheRegionsNumbersAndNothingElse() {
        val spain = lockScreenHelp("ES")
        assertEquals(HelpNumber(null, "112"), spain.first(), "the emergency number first")
        assertTrue(spain.size > 1, "then the bundled crisis lines")
        assertEquals(emptyList(), lockScreenHelp(null))
        assertEquals(emptyList(), lockScreenHelp("not a region"), "nothing rather than a guess")
    }
}
