package org.twofold.demo.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Add
import androidx.compose.material.icons.filled.ArrowUpward
import androidx.compose.material.icons.filled.Delete
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.model.PlanEntry
import org.twofold.demo.model.PlanModel
import org.twofold.demo.model.PlanSection
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.choiceLabel
import org.twofold.demo.ui.label
import org.twofold.demo.ui.screenModel
import org.twofold.demo.ui.title

/** The support plan: "when I'm well" and every section, each item editable, tagged by domain. */
@Composable
fun PlanScreen() {
    val vm = screenModel("plan") { store, scope -> PlanModel(store, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        state.editing?.let { form ->
            PlanItemEditor(form, state.contacts, state.goals, model::editField, model::save, model::cancelEdit)
        }
        LazyColumn(Modifier.padding(horizontal = 16.dp)) {
            item { ProblemLine(problem, model::dismissProblem) }
            item { WhenWell(state.whenWell, model::setWhenWell) }
            for (view in state.sections) {
                item(key = view.section.name) { SectionTitle(view.section) { model.startNew(view.section) } }
                items(view.entries, key = { view.section.name + it.id }) { entry ->
                    EntryRow(
                        entry,
                        onEdit = { model.startEdit(view.section, entry.id) },
                        onUp = { model.moveUp(view.section, entry.id) },
                        onRemove = { model.remove(view.section, entry.id) },
                    )
                }
            }
        }
    }
}

@Composable
private fun WhenWell(saved: String, onSave: (String) -> Unit) {
    var text by remember(saved) { mutableStateOf(saved) }
    val label = stringResource(R.string.plan_when_well)
    SectionHeader(label)
    OutlinedTextField(text, { text = it }, Modifier.semantics { contentDescription = label }, minLines = 2)
    if (text != saved) {
        val save = stringResource(R.string.save)
        TextButton(onClick = { onSave(text) }, modifier = Modifier.semantics { contentDescription = save }) { Text(save) }
    }
}

@Composable
private fun SectionTitle(section: PlanSection, onAdd: () -> Unit) {
    val title = stringResource(section.title())
    val add = stringResource(R.string.plan_add_to, title)
    Row {
        SectionHeader(title)
        IconButton(onClick = onAdd, modifier = Modifier.semantics { contentDescription = add }) {
            Icon(Icons.Filled.Add, contentDescription = add)
        }
    }
}

@Composable
private fun EntryRow(entry: PlanEntry, onEdit: () -> Unit, onUp: () -> Unit, onRemove: () -> Unit) {
    val up = stringResource(R.string.plan_move_up, entry.title)
    val remove = stringResource(R.string.plan_remove, entry.title)
    // The substance / mental health / both tag, or the item's fixed choice (must do, preferred…).
    val tag = entry.domain?.label() ?: entry.tag?.let(::choiceLabel)
    val tagSlot: (@Composable () -> Unit)? =
        if (tag == null) null else { { AssistChip(onClick = onEdit, label = { Text(stringResource(tag)) }) } }
    val detailSlot: (@Composable () -> Unit)? = if (entry.detail.isBlank()) null else { { Text(entry.detail) } }
    ListItem(
        modifier = Modifier.clickable(onClickLabel = stringResource(R.string.edit), onClick = onEdit),
        headlineContent = { Text(entry.title) },
        supportingContent = detailSlot,
        overlineContent = tagSlot,
        trailingContent = {
            Row {
                IconButton(onClick = onUp, modifier = Modifier.semantics { contentDescription = up }) { Icon(Icons.Filled.ArrowUpward, up) }
                IconButton(onClick = onRemove, modifier = Modifier.semantics { contentDescription = remove }) { Icon(Icons.Filled.Delete, remove) }
            }
        },
    )
}
