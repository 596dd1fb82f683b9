package org.twofold.demo.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.core.DocumentSnapshot
import org.twofold.core.SharedDocument
import org.twofold.demo.R
import org.twofold.demo.model.SharedView
import org.twofold.demo.model.SharedWithMeModel
import org.twofold.demo.model.SharingPerson
import org.twofold.demo.model.title
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.label
import org.twofold.demo.ui.ruleLabel
import org.twofold.demo.ui.screenModel

/**
 * What others shared with me. A mentor sees each mentee and their shared documents (live),
 * writes a note, suggests a coping strategy; the person sees their mentor's notes and accepts
 * or dismisses each suggestion.
 */
@Composable
fun SharedWithMeScreen() {
    val vm = screenModel("shared") { store, scope -> SharedWithMeModel(store, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        var open by remember { mutableStateOf<SharedDocument?>(null) }
        LaunchedEffect(model) { model.refresh() }
        Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState())) {
            ProblemLine(problem, model::dismissProblem)
            val refresh = stringResource(R.string.refresh)
            TextButton(onClick = { model.refresh() }, modifier = Modifier.semantics { contentDescription = refresh }) { Text(refresh) }

            if (state.notes.isNotEmpty() || state.suggestions.isNotEmpty()) SectionHeader(stringResource(R.string.shared_from_mentor))
            for (n in state.notes) ListItem(headlineContent = { Text(n.note.text) }, overlineContent = { Text(n.fromName) })
            for (s in state.suggestions) {
                val accept = stringResource(R.string.shared_accept, s.suggestion.message)
                val dismiss = stringResource(R.string.shared_dismiss, s.suggestion.message)
                ListItem(
                    overlineContent = { Text(s.fromName) },
                    headlineContent = { Text(s.title()) },
                    supportingContent = { Text(s.suggestion.message) },
                    trailingContent = {
                        if (s.suggestion.status == org.twofold.core.SuggestionStatus.OPEN) Row {
                            TextButton(onClick = { model.accept(s) }, modifier = Modifier.semantics { contentDescription = accept }) {
                                Text(stringResource(R.string.shared_accept_short))
                            }
                            TextButton(onClick = { model.dismiss(s) }, modifier = Modifier.semantics { contentDescription = dismiss }) {
                                Text(stringResource(R.string.shared_dismiss_short))
                            }
                        }
                    },
                )
            }

            if (state.loaded && state.people.isEmpty()) Text(stringResource(R.string.shared_nothing_yet))
            for (person in state.people) key(person.id) { MenteeCard(person, model, onOpen = { open = it }) }
            open?.let { doc ->
                SectionHeader(stringResource(doc.kind.label()))
                val view by remember(doc) { model.open(doc) }.collectAsState(initial = null)
                view?.let { SharedViewContent(it) }
            }
        }
    }
}

@Composable
private fun MenteeCard(person: SharingPerson, model: SharedWithMeModel, onOpen: (SharedDocument) -> Unit) {
    var note by remember { mutableStateOf("") }
    SectionHeader(person.name)
    for (doc in person.documents) {
        val access = doc.access?.let { stringResource(it.label()) } ?: stringResource(R.string.shared_ended)
        ListItem(
            modifier = Modifier.clickable(onClickLabel = stringResource(R.string.open)) { onOpen(doc) },
            headlineContent = { Text(stringResource(doc.kind.label())) },
            supportingContent = { Text(access) },
        )
    }
    TextInput(stringResource(R.string.shared_note_for, person.name), note) { note = it }
    Row {
        val send = stringResource(R.string.shared_send_note)
        val suggest = stringResource(R.string.shared_suggest_coping)
        Button(onClick = { model.addNote(person.id, note); note = "" }, enabled = note.isNotBlank(),
            modifier = Modifier.semantics { contentDescription = send }) { Text(send) }
        OutlinedButton(onClick = { model.suggestCoping(person.id, note, ""); note = "" }, enabled = note.isNotBlank(),
            modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = suggest }) { Text(suggest) }
    }
}

/** A shared document, read-only here: the plan's coping and warning signs, the schedule, the summary. */
@Composable
private fun SharedViewContent(view: SharedView) {
    when (view) {
        is SharedView.Wellbeing -> {
            for (m in view.milestones) Text(stringResource(R.string.shared_milestone, m.recovery, m.days.toInt()))
            for (a in view.alerts) Text(stringResource(R.string.shared_alert, stringResource(ruleLabel(a.id)), a.since))
            for (w in view.weeks.takeLast(4)) {
                Text(stringResource(R.string.shared_week, w.weekStart, w.moodAvg?.toString() ?: "–", w.cravingAvg?.toString() ?: "–"))
            }
        }
        is SharedView.Document -> when (val s = view.snapshot) {
            is DocumentSnapshot.Plan -> {
                for (c in s.plan.copingStrategies) Text("• ${c.description}")
                for (w in s.plan.warningSigns) Text("! ${w.description}")
            }
            is DocumentSnapshot.Schedule -> for (m in s.schedule.meetings) Text("• ${m.name}")
            is DocumentSnapshot.Contacts -> for (c in s.contacts.contacts) Text("• ${c.name}")
            is DocumentSnapshot.Journal -> Text(stringResource(R.string.shared_journal_count, s.journal.checkIns.size))
            else -> Unit
        }
    }
}
