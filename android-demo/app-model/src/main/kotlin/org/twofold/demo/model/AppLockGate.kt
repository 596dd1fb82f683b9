package org.twofold.demo.model

import java.time.Clock
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.twofold.core.LockState
import org.twofold.kit.KeyUnavailable
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

/** What the app shows before any of the person's data: the lock screen, or the app. */
sealed interface Gate {
    /** Reading whether the store has an app lock (the screen shows nothing yet). */
    data object Checking : Gate

    /**
     * The lock screen. Nothing of the store is read while it shows, and it looks the same
     * whether or not a duress PIN exists.
     */
    data class Locked(
        /** A PIN is being checked (about 0.2 s on a desktop, more on a cheap phone). */
        val checking: Boolean = false,
        /** The last PIN tried was wrong. */
        val wrongPin: Boolean = false,
        /** Tries are refused until this time (ms since the epoch), `null` when a try is free. */
        val waitUntilMs: Long? = null,
        /** What the countdown shows: whole seconds left, rounded up; 0 when there is no wait. */
        val waitSeconds: Long = 0,
        /** Something other than the PIN went wrong (storage); the PIN can be tried again. */
        val problem: TwofoldError? = null,
    ) : Gate {
        val canTry: Boolean get() = !checking && waitUntilMs == null
    }

    /**
     * The app. [session] is new after every unlock and every erase: screens made for an
     * earlier session (and their store) are dropped, never shown again. [problem]: why the
     * last "delete everything" did not finish (the app shows what is left).
     */
    data class Open(val session: Int, val problem: TwofoldError? = null) : Gate

    /** "Delete everything" is running: nothing of the store is on screen. */
    data object Erasing : Gate

    /**
     * The lock cannot be read: the platform key does not open the lock file (`WrongKey`) or
     * the key itself cannot be unwrapped. Nothing is deleted; the screen says so.
     */
    data class Failed(val error: Throwable) : Gate
}

/**
 * The app lock at the door (ADR 0015): at start, [check] reads the lock's state with the
 * platform key and shows the app (no lock) or the lock screen; [unlock] opens the store with
 * the PIN through [holder] and keeps it open for the session; a wrong PIN shows the wait the
 * core imposes as a countdown ([tick] moves it; the app ticks every second). After the app
 * has been in the background for [relockAfter] (or on "lock now"), [lockNow] shows the lock
 * screen again and closes the store, so whoever picks up the phone sees nothing.
 *
 * Every try goes to the core, which counts it before checking it; this model adds no count of
 * its own, and it never says whether a PIN was the duress PIN.
 */
class AppLockGate(
    private val path: String,
    private val platformKey: () -> ByteArray,
    private val holder: StoreHolder,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val relockAfter: Duration = RELOCK_AFTER,
) {
    private val _state = MutableStateFlow<Gate>(Gate.Checking)
    val state: StateFlow<Gate> = _state.asStateFlow()

    private val mutex = Mutex()
    private var session = 0
    private var sessionLease: StoreHolder.Lease? = null
    private var backgroundSince: Instant? = null
    @Volatile private var lockOnAtBackground = false
    private var countdown: Job? = null

    /** At start: the app, or the lock screen (with the wait, if one is running). */
    fun start(): Job = scope.launch { check() }

    suspend fun check() = mutex.withLock {
        _state.value = try {
            when (val lock = Store.lockState(path, platformKey())) {
                is LockState.NoLock -> open()
                is LockState.Locked -> Gate.Locked()
                is LockState.LockedOut -> waiting(Gate.Locked(), lock.untilMs)
            }
        } catch (e: TwofoldError) {
            Gate.Failed(e)
        } catch (e: KeyUnavailable) {
            Gate.Failed(e)
        }
    }

    /** One try of [pin]. Ignored while a try is being checked or a wait runs. */
    fun unlock(pin: String): Job = scope.launch {
        mutex.withLock {
            val locked = _state.value as? Gate.Locked ?: return@withLock
            if (!locked.canTry) return@withLock
            _state.value = Gate.Locked(checking = true)
            _state.value = try {
                sessionLease = holder.leaseOpenedWith { Store.openWithPin(path, platformKey(), pin) }
                open()
            } catch (e: TwofoldError.WrongPin) {
                val wait = e.waitMs.toLong()
                val wrong = Gate.Locked(wrongPin = true)
                if (wait > 0) waiting(wrong, clock.millis() + wait) else wrong
            } catch (e: TwofoldError.LockedOut) {
                waiting(Gate.Locked(), e.untilMs)
            } catch (e: TwofoldError.WrongKey) {
                Gate.Failed(e)
            } catch (e: KeyUnavailable) {
                Gate.Failed(e)
            } catch (e: TwofoldError) {
                Gate.Locked(problem = e)
            }
        }
    }

    /** Moves the countdown to the clock's now; ends the wait when it has run out. */
    fun tick() {
        val locked = _state.value as? Gate.Locked ?: return
        val until = locked.waitUntilMs ?: return
        _state.value = waiting(locked, until)
    }

    /**
     * The app left the screen: the time, and whether the store has a lock (read now, while
     * nothing waits for it, so that coming back can decide at once).
     */
    fun onBackground(): Job {
        backgroundSince = clock.instant()
        return scope.launch { lockOnAtBackground = _state.value is Gate.Open && lockIsOn() }
    }

    /**
     * Back in front: locks again when the app was away [relockAfter] or longer. The lock
     * screen is up before this returns (before the first frame: nothing of the app shows);
     * [beforeClose] then runs before the store closes (the app drops its screens' ViewModels
     * there, so nothing reads the closing store).
     */
    fun onForeground(beforeClose: suspend () -> Unit = {}): Job {
        val since = backgroundSince
        backgroundSince = null
        val away = since != null && Duration.between(since, clock.instant()) >= relockAfter
        if (!away || _state.value !is Gate.Open || !lockOnAtBackground) return Job().apply { complete() }
        _state.value = Gate.Locked()
        return scope.launch { mutex.withLock { closeSession(beforeClose) } }
    }

    /** Whether the store has a lock; when that cannot be read, it is taken to have one. */
    private suspend fun lockIsOn(): Boolean = try {
        Store.lockState(path, platformKey()) !is LockState.NoLock
    } catch (e: TwofoldError) {
        true
    } catch (e: KeyUnavailable) {
        true
    }

    /** [lockNow] from a button: runs in the gate's scope, which outlives the screen. */
    fun lock(beforeClose: suspend () -> Unit = {}): Job = scope.launch { lockNow(beforeClose) }

    /**
     * Shows the lock screen and closes the store, when the store has an app lock (without
     * one there is nothing to lock: the app stays open).
     */
    suspend fun lockNow(beforeClose: suspend () -> Unit = {}) = mutex.withLock {
        if (_state.value !is Gate.Open || !lockIsOn()) return@withLock
        _state.value = Gate.Locked()
        closeSession(beforeClose)
    }

    private suspend fun closeSession(beforeClose: suspend () -> Unit) {
        beforeClose()
        sessionLease = null // its store is closed below; an old lease's close does nothing
        holder.closeNow()
    }

    /** "Delete everything" starts: the app leaves the screen (and cannot lock meanwhile). */
    suspend fun erasing() = mutex.withLock {
        _state.value = Gate.Erasing
    }

    /**
     * After "delete everything": a new session — empty and unlocked, under a new key made at
     * once — or, when the erase stopped with [problem], whatever is left, with the reason.
     */
    suspend fun erased(problem: TwofoldError? = null) = mutex.withLock {
        sessionLease = null
        _state.value = open().copy(problem = problem)
    }

    /** The reason an erase stopped has been read. */
    fun dismissProblem() {
        val open = _state.value as? Gate.Open ?: return
        _state.value = open.copy(problem = null)
    }

    private fun open(): Gate.Open {
        countdown?.cancel()
        return Gate.Open(++session)
    }

    /** [locked] with the countdown to [untilMs] from now; the countdown ticks every second. */
    private fun waiting(locked: Gate.Locked, untilMs: Long): Gate.Locked {
        val left = untilMs - clock.millis()
        if (left <= 0) {
            countdown?.cancel()
            return locked.copy(waitUntilMs = null, waitSeconds = 0)
        }
        if (countdown?.isActive != true) {
            countdown = scope.launch {
                while (true) {
                    delay(TICK_MS)
                    tick()
                    if ((_state.value as? Gate.Locked)?.waitUntilMs == null) break
                }
            }
        }
        return locked.copy(waitUntilMs = untilMs, waitSeconds = (left + 999) / 1000)
    }

    companion object {
        /** Away this long, the app asks for the PIN again: long enough for a call or a QR scan. */
        val RELOCK_AFTER: Duration = Duration.ofMinutes(1)
        private const val TICK_MS = 1_000L
    }
}

/** One number the lock screen offers: the region's emergency number or a bundled crisis line. */
data class HelpNumber(val name: String?, val number: String)

/**
 * What the lock screen offers a person in crisis who cannot type their PIN: the region's
 * emergency number and crisis lines, bundled with the core. Nothing from the store: the
 * store is still locked, and this list is the same on every phone of the region.
 */
fun lockScreenHelp(region: String?): List<HelpNumber> {
    val lines = region?.let {
        try {
            org.twofold.core.crisisLinesForRegion(it)
        } catch (e: org.twofold.core.TwofoldException) {
            null // not a region code the core knows: the screen offers nothing rather than guess
        }
    } ?: return emptyList()
    return listOf(HelpNumber(null, lines.emergency.number)) + lines.lines.map { HelpNumber(it.name, it.number) }
}
