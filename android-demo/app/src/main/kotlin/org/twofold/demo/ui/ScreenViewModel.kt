package org.twofold.demo.ui

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import androidx.compose.ui.platform.LocalContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import org.twofold.demo.AppGraph
import org.twofold.demo.graph
import org.twofold.demo.model.Gate
import org.twofold.kit.Store

/** A screen's model once the store is open, or why it could not be opened. */
sealed interface Leased<out M> {
    data object Opening : Leased<Nothing>
    data class Ready<M>(val model: M) : Leased<M>
    data class Failed(val error: Throwable) : Leased<Nothing>
}

/**
 * The one androidx ViewModel of the app: it holds a store lease for as long as the screen's
 * ViewModel lives (through rotations), builds the screen's plain-Kotlin model on
 * `viewModelScope`, and gives the lease back in [onCleared]. All logic is in the model.
 */
class ScreenViewModel<M : Any>(
    private val graph: AppGraph,
    private val create: AppGraph.(Store, CoroutineScope) -> M,
) : ViewModel() {
    private var lease: org.twofold.demo.model.StoreHolder.Lease? = null
    private val _model = MutableStateFlow<Leased<M>>(Leased.Opening)
    val model: StateFlow<Leased<M>> = _model.asStateFlow()

    init {
        viewModelScope.launch {
            _model.value = try {
                val l = graph.storeHolder.lease().also { lease = it }
                Leased.Ready(graph.create(l.store, viewModelScope))
            } catch (e: Exception) {
                Leased.Failed(e) // a wrong key or an unwrappable key: shown, never "fixed" by deleting
            }
        }
    }

    override fun onCleared() {
        lease?.close()
    }
}

/** The screen's ViewModel, one per [key] and navigation entry. */
@Composable
fun <M : Any> screenModel(key: String, create: AppGraph.(Store, CoroutineScope) -> M): ScreenViewModel<M> {
    val graph = LocalContext.current.graph
    // One per unlocked session: a screen of an earlier session (a closed store) is never reused.
    val session = (graph.lockGate.state.value as? Gate.Open)?.session ?: 0
    return viewModel(key = "$key@$session", factory = viewModelFactory { initializer { ScreenViewModel(graph, create) } })
}
