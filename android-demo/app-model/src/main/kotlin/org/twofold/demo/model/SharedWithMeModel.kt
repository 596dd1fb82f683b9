package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.mapLatest
import org.twofold.core.CopingStrategy
import org.twofold.core.DocumentSnapshot
import org.twofold.core.Domain
import org.twofold.core.ReceivedNote
import org.twofold.core.ReceivedSuggestion
import org.twofold.core.SectionItem
import org.twofold.core.SectionName
import org.twofold.core.SharedAlert
import org.twofold.core.SharedDocument
import org.twofold.core.SharedMilestone
import org.twofold.core.WeekSummary
import org.twofold.core.newItemId
import org.twofold.kit.Store
import org.twofold.kit.sharedDocument

/** What a suggestion proposes, in a line: the suggested item's own text where it has one. */
fun ReceivedSuggestion.title(): String = when (val item = suggestion.item) {
    is SectionItem.CopingStrategies -> item.item.description
    is SectionItem.Triggers -> item.item.description
    is SectionItem.WarningSigns -> item.item.description
    is SectionItem.Meetings -> item.item.name
    is SectionItem.WhatHelps -> item.item.text
    else -> suggestion.message
}

/** One person who shared documents with this device (a mentee, seen from the mentor's phone). */
data class SharingPerson(val id: String, val name: String, val documents: List<SharedDocument>)

/** A shared document as the mentor's screen shows it. */
sealed interface SharedView {
    /** The typed document (plan, contacts, schedule, journal). */
    data class Document(val snapshot: DocumentSnapshot) : SharedView

    /** The wellbeing summary: weekly averages, milestones, open alerts — never notes. */
    data class Wellbeing(
        val weeks: List<WeekSummary>,
        val milestones: List<SharedMilestone>,
        val alerts: List<SharedAlert>,
    ) : SharedView
}

data class SharedWithMeState(
    val loaded: Boolean = false,
    /** Mentor's side: each mentee and what they shared, read-only or read-write. */
    val people: List<SharingPerson> = emptyList(),
    /** Person's side: what mentors wrote and suggested. */
    val notes: List<ReceivedNote> = emptyList(),
    val suggestions: List<ReceivedSuggestion> = emptyList(),
)

/**
 * What others shared with this device. On a mentor's phone: each mentee's shared documents
 * (live — their edits arrive through the listener), a note to them, a suggested coping
 * strategy. On the person's phone: the mentor's notes and suggestions, to accept or dismiss.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class SharedWithMeModel(private val store: Store, scope: CoroutineScope) : ScreenModel(scope) {
    private val _state = MutableStateFlow(SharedWithMeState())
    val state: StateFlow<SharedWithMeState> = _state.asStateFlow()

    /** Peers and shares are local tables with no listener: refresh after each sync. */
    fun refresh(): Job = act {
        val docs = store.call { sharedWithMe() }
        _state.value = SharedWithMeState(
            loaded = true,
            people = docs.groupBy { it.owner }.map { (owner, list) -> SharingPerson(owner, list.first().ownerName, list) },
            notes = store.call { mentorNotes() },
            suggestions = store.call { suggestions() },
        )
    }

    /** One shared document, live: the owner's changes arrive while it is shown. */
    fun open(doc: SharedDocument): Flow<SharedView> = store.sharedDocument(doc.docId).mapLatest { snapshot ->
        when (snapshot) {
            is DocumentSnapshot.Summary -> wellbeing(doc.docId)
            else -> SharedView.Document(snapshot)
        }
    }

    // --- mentor -------------------------------------------------------------------------

    fun addNote(menteeId: String, text: String): Job = act { store.call { addMentorNote(menteeId, text) } }

    fun suggestCoping(menteeId: String, description: String, why: String): Job = act {
        val item = SectionItem.CopingStrategies(CopingStrategy(newItemId(), description, Domain.BOTH))
        store.call { suggest(menteeId, item, why) }
    }

    /** A read-write share lets the mentor add a coping strategy straight into the plan. */
    fun addCopingToShared(docId: String, description: String): Job = act {
        store.call { sharedPut(docId, SectionItem.CopingStrategies(CopingStrategy(newItemId(), description, Domain.BOTH))) }
    }

    // --- person -------------------------------------------------------------------------

    fun accept(s: ReceivedSuggestion): Job = act {
        store.call { acceptSuggestion(s.notesDocId, s.suggestion.id) }
        refreshNow()
    }

    fun dismiss(s: ReceivedSuggestion): Job = act {
        store.call { dismissSuggestion(s.notesDocId, s.suggestion.id) }
        refreshNow()
    }

    private suspend fun refreshNow() {
        _state.value = _state.value.copy(notes = store.call { mentorNotes() }, suggestions = store.call { suggestions() })
    }

    private suspend fun wellbeing(docId: String): SharedView.Wellbeing = store.call {
        SharedView.Wellbeing(
            weeks = sharedList(docId, SectionName.WEEKS).filterIsInstance<SectionItem.Weeks>().map { it.item },
            milestones = sharedList(docId, SectionName.MILESTONES).filterIsInstance<SectionItem.Milestones>().map { it.item },
            alerts = sharedList(docId, SectionName.OPEN_ALERTS).filterIsInstance<SectionItem.OpenAlerts>().map { it.item },
        )
    }
}
