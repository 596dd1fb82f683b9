package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import org.twofold.core.Contact
import org.twofold.core.Goal
import org.twofold.demo.R
import org.twofold.demo.model.FormField
import org.twofold.demo.model.PickSource
import org.twofold.demo.model.PlanItemForm
import org.twofold.demo.ui.Chips
import org.twofold.demo.ui.LabeledSwitch
import org.twofold.demo.ui.choiceLabel
import org.twofold.demo.ui.fieldLabel
import org.twofold.demo.ui.title

/**
 * Edits one plan item of any section: lays out the form's fields in order, each as the
 * control its kind needs, with the core's reason under a refused field.
 */
@Composable
fun PlanItemEditor(
    form: PlanItemForm,
    contacts: List<Contact>,
    goals: List<Goal>,
    onField: (String, Any?) -> Unit,
    onSave: () -> Unit,
    onCancel: () -> Unit,
) {
    val save = stringResource(R.string.save)
    val cancel = stringResource(R.string.cancel)
    AlertDialog(
        onDismissRequest = onCancel,
        title = { Text(stringResource(form.section.title())) },
        confirmButton = { TextButton(onClick = onSave, modifier = Modifier.semantics { contentDescription = save }) { Text(save) } },
        dismissButton = { TextButton(onClick = onCancel, modifier = Modifier.semantics { contentDescription = cancel }) { Text(cancel) } },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState())) {
                for (field in form.fields) {
                    Field(field, contacts, goals, onField)
                    form.errors[field.key]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                }
            }
        },
    )
}

@Composable
private fun Field(field: FormField, contacts: List<Contact>, goals: List<Goal>, onField: (String, Any?) -> Unit) {
    val label = stringResource(fieldLabel(field.key))
    when (field) {
        is FormField.Text -> OutlinedTextField(
            field.value, { onField(field.key, it) }, label = { Text(label) }, singleLine = !field.multiline,
            modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
        )
        is FormField.Day -> OutlinedTextField(
            field.value, { onField(field.key, it) }, label = { Text(label) }, singleLine = true,
            placeholder = { Text(stringResource(R.string.date_format_hint)) },
            modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
        )
        is FormField.Flag -> LabeledSwitch(label, field.value) { onField(field.key, it) }
        is FormField.Number -> OutlinedTextField(
            field.value.toString(),
            { typed -> typed.toIntOrNull()?.takeIf { it in field.min..field.max }?.let { onField(field.key, it) } },
            label = { Text(label) }, singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
        )
        is FormField.Choice -> {
            Text(label)
            Chips(field.options, { it == field.value }, { stringResource(choiceLabel(it)) }) { onField(field.key, it) }
        }
        is FormField.Pick -> {
            Text(label)
            val options: List<Pair<String, String>> = when (field.source) {
                PickSource.CONTACTS -> contacts.map { it.id to it.name }
                PickSource.GOALS -> goals.map { it.id to it.title }
            }
            Chips(options, { it.first == field.value }, { it.second }) { (id, _) ->
                onField(field.key, if (field.optional && id == field.value) null else id)
            }
        }
    }
}
