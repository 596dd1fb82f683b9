package org.twofold.demo.model

import java.io.IOException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withTimeoutOrNull
import org.twofold.kit.DatabaseKey
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError

data class EraseState(
    val erasing: Boolean = false,
    /** How many shares ended with a notice asking the paired device to delete its copy. */
    val sharesEnded: ULong? = null,
    /** Done: how many files of the store were removed. */
    val filesRemoved: ULong? = null,
)

/**
 * "Delete everything from this phone": the person's copies on paired devices are asked back
 * (`prepareErase`, then one sync with each relay, best effort — an offline phone erases
 * anyway), the core erases the store (database, WAL, the app lock's file, side files), and
 * then the platform key is deleted ([DatabaseKey.delete]: the wrapped key file and the
 * Keystore key), so no copy of the old files can ever be opened. [beforeErase] takes the
 * app off the screen first (the gate's `erasing`, then the screens are dropped); [onErased]
 * then starts a new, empty session — its first open makes a new key — or, when the erase
 * stopped, shows what is left with the reason. In the app [scope] is the process's, not the
 * screen's: dropping the screens must not stop the erase half-way.
 */
class EraseModel(
    private val holder: StoreHolder,
    private val relays: (Store) -> Relays,
    private val key: DatabaseKey,
    private val beforeErase: suspend () -> Unit = {},
    private val onErased: suspend (TwofoldError?) -> Unit,
    scope: CoroutineScope,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(EraseState())
    val state: StateFlow<EraseState> = _state.asStateFlow()

    fun eraseEverything(): Job = act {
        if (_state.value.erasing) return@act
        _state.value = EraseState(erasing = true)
        var failure: TwofoldError? = null
        try {
            beforeErase()
            var ended: ULong = 0u
            val removed = holder.finish { store ->
                ended = store.call { prepareErase() }
                for (relay in relays(store).all()) {
                    try {
                        withTimeoutOrNull(SYNC_TIMEOUT_MS) { relay.syncNow() }
                    } catch (e: TwofoldError.Storage) {
                        // The notices stay unsent; erasing matters more than telling.
                    }
                }
                store.eraseEverything()
            }
            try {
                key.delete()
            } catch (e: IOException) {
                throw TwofoldError.Storage("the platform key could not be deleted", e)
            }
            _state.value = EraseState(sharesEnded = ended, filesRemoved = removed)
        } catch (e: TwofoldError) {
            failure = e
            throw e
        } finally {
            _state.value = _state.value.copy(erasing = false)
            onErased(failure)
        }
    }

    private companion object {
        /** How long the notices may take to leave before the erase goes on without them. */
        const val SYNC_TIMEOUT_MS = 15_000L
    }
}
