package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.launch
import org.twofold.core.CrisisScreen
import org.twofold.core.HelpMessage
import org.twofold.core.Lang
import org.twofold.core.LocalCrisisLine
import org.twofold.kit.Store
import org.twofold.kit.contacts
import org.twofold.kit.plan

/** What a button on the crisis screen hands to the phone (a dialer or SMS intent on Android). */
sealed interface CrisisAction {
    data class Call(val number: String) : CrisisAction
    data class Text(val numbers: List<String>, val body: String) : CrisisAction
}

data class CrisisState(
    val loaded: Boolean = false,
    /** The safety plan in one value: warning signs, coping, distractions, people, lines… */
    val screen: CrisisScreen? = null,
    /** The region's line, shown when the plan names none. */
    val localLine: LocalCrisisLine? = null,
    /** "Please help" text, in the person's words if they wrote some, and who gets it. */
    val helpText: String = "",
    val helpRecipients: List<String> = emptyList(),
)

/**
 * The crisis screen, one tap from every screen. Everything comes from the store on the phone —
 * no network — and is read again whenever the plan or the contacts change.
 */
class CrisisModel(
    private val store: Store,
    private val lang: Lang,
    scope: CoroutineScope,
    /**
     * The phone's region (ISO 3166-1 alpha-2): its emergency number and the core's bundled
     * crisis lines for it show when the person has set no line of their own.
     */
    private val region: String? = null,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(CrisisState())
    val state: StateFlow<CrisisState> = _state.asStateFlow()

    init {
        scope.launch {
            combine(store.plan(), store.contacts()) { _, _ -> }.collect { load() }
        }
    }

    fun call(number: String): CrisisAction = CrisisAction.Call(number)

    /** [helpMessage] for a button: [then] gets it (on the model's scope); a refusal is [problem]. */
    fun askForHelp(recipients: List<String>, text: String, then: (CrisisAction) -> Unit): Job = act {
        then(helpMessage(recipients, text))
    }

    /** The help message for the phone's SMS app: the chosen people's numbers and the text. */
    suspend fun helpMessage(recipients: List<String>, text: String): CrisisAction.Text {
        val message: HelpMessage = store.call { prepareHelpMessage(recipients, text) }
        return CrisisAction.Text(message.recipients.map { it.number }, message.text)
    }

    private suspend fun load() {
        val draft = store.call { helpDraft(lang) }
        _state.value = CrisisState(
            loaded = true,
            screen = store.call { crisisScreenForRegion(region) },
            localLine = store.call { localCrisisLine() },
            helpText = draft.text,
            helpRecipients = draft.selected,
        )
    }
}
