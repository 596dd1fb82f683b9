package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

/** What the last app-lock action did, for a confirmation line. */
enum class LockChange { TURNED_ON, PIN_CHANGED, TURNED_OFF, DURESS_SET, DURESS_CLEARED }

data class AppLockSettingsState(
    val loaded: Boolean = false,
    /** The store has an app lock. */
    val on: Boolean = false,
    /** A duress PIN is set (shown only here, in settings, never on the lock screen). */
    val duressPin: Boolean = false,
    /** An action is running (each PIN check costs about 0.2 s, enabling re-encrypts the store). */
    val working: Boolean = false,
    val done: LockChange? = null,
)

/**
 * The app lock's settings: turn it on with a PIN, change the PIN, turn it off, set or clear a
 * duress PIN. Each new PIN is typed twice; a mismatch is refused here, on the field
 * `confirm_pin`, before the core sees anything. A wrong current PIN is the core's
 * [TwofoldError.WrongPin], counted like a try at the lock screen.
 */
class AppLockSettingsModel(private val store: Store, scope: CoroutineScope) : ScreenModel(scope) {
    private val _state = MutableStateFlow(AppLockSettingsState())
    val state: StateFlow<AppLockSettingsState> = _state.asStateFlow()

    init {
        refresh()
    }

    fun refresh(): Job = act { publish(null) }

    fun enable(pin: String, confirm: String): Job = change(LockChange.TURNED_ON) {
        confirmed(pin, confirm)
        store.call { enableAppLock(pin) }
    }

    fun changePin(current: String, newPin: String, confirm: String): Job = change(LockChange.PIN_CHANGED) {
        confirmed(newPin, confirm)
        store.call { changePin(current, newPin) }
    }

    fun disable(pin: String): Job = change(LockChange.TURNED_OFF) { store.call { disableAppLock(pin) } }

    fun setDuressPin(pin: String, confirm: String): Job = change(LockChange.DURESS_SET) {
        confirmed(pin, confirm)
        store.call { setDuressPin(pin) }
    }

    fun clearDuressPin(): Job = change(LockChange.DURESS_CLEARED) { store.call { clearDuressPin() } }

    private fun change(what: LockChange, block: suspend () -> Unit): Job = act {
        _state.value = _state.value.copy(working = true, done = null)
        try {
            block()
            publish(what)
        } finally {
            _state.value = _state.value.copy(working = false)
        }
    }

    private fun confirmed(pin: String, confirm: String) {
        if (pin != confirm) throw TwofoldError.InvalidInput(CONFIRM_FIELD, "does not match the PIN")
    }

    private suspend fun publish(done: LockChange?) {
        val status = store.call { appLockStatus() }
        _state.value = AppLockSettingsState(loaded = true, on = status.on, duressPin = status.duressPin, done = done)
    }

    companion object {
        /** The field a PIN's second typing is refused on. */
        const val CONFIRM_FIELD = "confirm_pin"
    }
}
