package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import org.twofold.kit.TwofoldError

/**
 * What every screen's state holder shares: a [scope] (an androidx `viewModelScope` in the
 * app, a plain scope in tests) and the last [problem] an action ran into, for the screen to
 * show. Actions return their [Job] so callers (tests, workers) can wait for them; the UI
 * ignores it.
 */
abstract class ScreenModel(protected val scope: CoroutineScope) {
    private val _problem = MutableStateFlow<TwofoldError?>(null)

    /** The last refused or failed action; cleared when the next one starts. */
    val problem: StateFlow<TwofoldError?> = _problem.asStateFlow()

    fun dismissProblem() {
        _problem.value = null
    }

    /** Runs one user action; a [TwofoldError] becomes [problem] instead of a crash. */
    protected fun act(block: suspend () -> Unit): Job = scope.launch {
        _problem.value = null
        try {
            block()
        } catch (e: TwofoldError) {
            _problem.value = e
        }
    }

    /** Marks a refusal found outside [act] (e.g. while loading). */
    protected fun report(e: TwofoldError) {
        _problem.value = e
    }
}
