package org.twofold.demo.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.model.MedicationDraft
import org.twofold.demo.model.MedicationsModel
import org.twofold.demo.ui.LabeledSwitch
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.fieldLabel
import org.twofold.demo.ui.screenModel

/**
 * The medication schedule: each medication with its dose and times, tapped to edit. Private to
 * this phone unless the person shares the journal; reminders name no drug unless allowed.
 */
@Composable
fun MedicationsScreen() {
    val vm = screenModel("medications") { store, scope -> MedicationsModel(store, clock.zone, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        LazyColumn(Modifier.padding(horizontal = 16.dp)) {
            item { ProblemLine(problem, model::dismissProblem) }
            items(state.medications, key = { it.id }) { m ->
                ListItem(
                    headlineContent = { Text(m.name) },
                    supportingContent = { Text("${m.doseAmount} ${m.doseUnit} · ${m.rrule ?: m.start}") },
                    modifier = Modifier.clickable { model.startEdit(m.id) },
                )
            }
            item {
                val add = stringResource(R.string.medications_add)
                Button(onClick = model::startNew, modifier = Modifier.semantics { contentDescription = add }) { Text(add) }
            }
        }
        state.editing?.let { draft -> MedicationEditor(draft, state.errors, model) }
    }
}

@Composable
private fun MedField(
    model: MedicationsModel,
    errors: Map<String, String>,
    key: String,
    value: String,
    number: Boolean = false,
    set: (MedicationDraft, String) -> MedicationDraft,
) {
    val label = stringResource(fieldLabel(key))
    OutlinedTextField(
        value, { typed -> model.edit { set(it, typed) } }, label = { Text(label) }, singleLine = true,
        keyboardOptions = if (number) KeyboardOptions(keyboardType = KeyboardType.Decimal) else KeyboardOptions.Default,
        modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
    )
    errors[key]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
}

@Composable
private fun MedicationEditor(draft: MedicationDraft, errors: Map<String, String>, model: MedicationsModel) {
    val save = stringResource(R.string.save)
    val cancel = stringResource(R.string.cancel)
    AlertDialog(
        onDismissRequest = model::cancel,
        title = { Text(stringResource(R.string.screen_medications)) },
        confirmButton = { TextButton(onClick = { model.save() }, modifier = Modifier.semantics { contentDescription = save }) { Text(save) } },
        dismissButton = { TextButton(onClick = model::cancel, modifier = Modifier.semantics { contentDescription = cancel }) { Text(cancel) } },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState())) {
                MedField(model, errors, "name", draft.name) { d, v -> d.copy(name = v) }
                MedField(model, errors, "dose_amount", draft.doseAmount, number = true) { d, v -> d.copy(doseAmount = v) }
                MedField(model, errors, "dose_unit", draft.doseUnit) { d, v -> d.copy(doseUnit = v) }
                MedField(model, errors, "start", draft.start) { d, v -> d.copy(start = v) }
                MedField(model, errors, "rrule", draft.rrule) { d, v -> d.copy(rrule = v) }
                MedField(model, errors, "reminder_offsets_minutes", draft.reminderOffsets) { d, v -> d.copy(reminderOffsets = v) }
                MedField(model, errors, "pickup_place", draft.pickupPlace) { d, v -> d.copy(pickupPlace = v) }
                MedField(model, errors, "refill_date", draft.refillDate) { d, v -> d.copy(refillDate = v) }
                MedField(model, errors, "refill_remind_days_before", draft.refillRemindDaysBefore.toString(), number = true) { d, v ->
                    v.toIntOrNull()?.let { d.copy(refillRemindDaysBefore = it) } ?: d
                }
                LabeledSwitch(stringResource(fieldLabel("show_name_in_reminders")), draft.showNameInReminders) { v ->
                    model.edit { it.copy(showNameInReminders = v) }
                }
            }
        },
    )
}
