package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.twofold.core.Contact
import org.twofold.core.Goal
import org.twofold.core.PlanDocument
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError
import org.twofold.kit.contacts
import org.twofold.kit.plan

data class SectionView(val section: PlanSection, val entries: List<PlanEntry>)

data class PlanState(
    val loaded: Boolean = false,
    val whenWell: String = "",
    val sections: List<SectionView> = emptyList(),
    /** For the editor's pickers. */
    val contacts: List<Contact> = emptyList(),
    val goals: List<Goal> = emptyList(),
    /** The item being edited, if any. */
    val editing: PlanItemForm? = null,
)

/**
 * The support plan: every section, listed from the plan document's listener (so a mentor's
 * edit arriving shows at once), each item editable through a [PlanItemForm]. A refused field
 * comes back on the form under that field; nothing was written.
 */
class PlanModel(private val store: Store, scope: CoroutineScope) : ScreenModel(scope) {
    private val _state = MutableStateFlow(PlanState())
    val state: StateFlow<PlanState> = _state.asStateFlow()
    private var plan: PlanDocument? = null

    init {
        scope.launch {
            combine(store.plan(), store.contacts()) { plan, contacts -> plan to contacts.contacts }
                .collect { (plan, contacts) ->
                    this@PlanModel.plan = plan
                    val names = contacts.associate { it.id to it.name }
                    _state.update { s ->
                        s.copy(
                            loaded = true,
                            whenWell = plan.whenWell,
                            sections = PlanSection.entries.map { section ->
                                SectionView(section, PlanSections.spec(section).entries(plan).map { e ->
                                    e.contactRef?.let { ref -> e.copy(title = names[ref] ?: e.title) } ?: e
                                })
                            },
                            contacts = contacts,
                            goals = plan.goals,
                        )
                    }
                }
        }
    }

    fun setWhenWell(text: String): Job = act { store.call { setWhenWell(text) } }

    fun startNew(section: PlanSection) = _state.update { it.copy(editing = PlanSections.spec(section).newForm()) }

    fun startEdit(section: PlanSection, id: String) {
        val current = plan ?: return
        _state.update { it.copy(editing = PlanSections.spec(section).editForm(current, id)) }
    }

    fun editField(key: String, value: Any?) = _state.update { s -> s.copy(editing = s.editing?.with(key, value)) }

    fun cancelEdit() = _state.update { it.copy(editing = null) }

    /** Saves the form; on a refused field the form stays open with the reason under it. */
    fun save(): Job = act {
        val form = _state.value.editing ?: return@act
        try {
            PlanSections.spec(form.section).save(store, form)
            _state.update { it.copy(editing = null) }
        } catch (e: TwofoldError.InvalidInput) {
            val key = e.field.substringAfterLast('.')
            if (form.fields.none { it.key == key }) throw e
            _state.update { it.copy(editing = form.copy(errors = form.errors + (key to e.reason))) }
        }
    }

    fun remove(section: PlanSection, id: String): Job = act { store.call { removeItem(section.sectionName, id) } }

    /** Moves an item up one place (the plan's order is the person's priority order). */
    fun moveUp(section: PlanSection, id: String): Job = act {
        val ids = _state.value.sections.first { it.section == section }.entries.map { it.id }
        val at = ids.indexOf(id)
        if (at > 0) store.call { moveItem(section.sectionName, id, ids[at - 1]) }
    }
}
