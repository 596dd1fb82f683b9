package org.twofold.demo.ui.screens

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.core.ContactRole
import org.twofold.demo.R
import org.twofold.demo.model.ContactDraft
import org.twofold.demo.model.ContactsModel
import org.twofold.demo.platform.Intents
import org.twofold.demo.ui.Chips
import org.twofold.demo.ui.LabeledSwitch
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.fieldLabel
import org.twofold.demo.ui.label
import org.twofold.demo.ui.screenModel

/** The support network: list, add and edit, import a vCard file, export all as vCard. */
@Composable
fun ContactsScreen() {
    val vm = screenModel("contacts") { store, scope -> ContactsModel(store, scope) }
    val context = LocalContext.current
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        // The system file picker: the app reads only the file the person picks.
        val pickVcard = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
            uri?.let { context.contentResolver.openInputStream(it)?.use { input -> model.importVcard(input.readBytes()) } }
        }
        state.editing?.let { ContactEditor(it, state.fieldError, model::edit, model::save, model::cancelEdit) }
        LazyColumn(Modifier.padding(horizontal = 16.dp)) {
            item { ProblemLine(problem, model::dismissProblem) }
            item {
                Row {
                    val add = stringResource(R.string.contacts_add)
                    val import = stringResource(R.string.contacts_import_vcard)
                    val export = stringResource(R.string.contacts_export_vcard)
                    Button(onClick = model::startNew, modifier = Modifier.semantics { contentDescription = add }) { Text(add) }
                    OutlinedButton(
                        onClick = { pickVcard.launch(arrayOf("text/vcard", "text/x-vcard", "text/directory")) },
                        modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = import },
                    ) { Text(import) }
                    OutlinedButton(
                        onClick = { model.exportVcard { vcf -> context.startActivity(Intents.openExport(context, "contacts.vcf", "text/vcard", vcf)) } },
                        modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = export },
                    ) { Text(export) }
                }
            }
            state.lastImport?.let { report ->
                item { Text(stringResource(R.string.import_result, report.added.toInt(), report.updated.toInt(), report.skipped.toInt())) }
            }
            items(state.contacts, key = { it.id }) { c ->
                ListItem(
                    modifier = Modifier.clickable(onClickLabel = stringResource(R.string.edit)) { model.startEdit(c) },
                    headlineContent = { Text(c.name) },
                    supportingContent = { Text(c.phones.joinToString { it.number }) },
                    overlineContent = { Text(c.roles.map { stringResource(it.label()) }.joinToString()) },
                )
            }
        }
    }
}

@Composable
private fun ContactEditor(
    draft: ContactDraft,
    error: Pair<String, String>?,
    edit: ((ContactDraft) -> ContactDraft) -> Unit,
    onSave: () -> Unit,
    onCancel: () -> Unit,
) {
    val save = stringResource(R.string.save)
    val cancel = stringResource(R.string.cancel)
    AlertDialog(
        onDismissRequest = onCancel,
        confirmButton = { TextButton(onClick = onSave, modifier = Modifier.semantics { contentDescription = save }) { Text(save) } },
        dismissButton = { TextButton(onClick = onCancel, modifier = Modifier.semantics { contentDescription = cancel }) { Text(cancel) } },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState())) {
                TextInput(stringResource(R.string.field_name), draft.name) { v -> edit { it.copy(name = v) } }
                TextInput(stringResource(R.string.contacts_phone), draft.phone, KeyboardType.Phone) { v -> edit { it.copy(phone = v) } }
                TextInput(stringResource(R.string.contacts_email), draft.email, KeyboardType.Email) { v -> edit { it.copy(email = v) } }
                TextInput(stringResource(R.string.contacts_availability), draft.availability) { v -> edit { it.copy(availability = v) } }
                TextInput(stringResource(R.string.field_notes), draft.notes) { v -> edit { it.copy(notes = v) } }
                Chips(ContactRole.entries, { it in draft.roles }, { stringResource(it.label()) }) { role ->
                    edit { it.copy(roles = if (role in it.roles) it.roles - role else it.roles + role) }
                }
                LabeledSwitch(stringResource(R.string.contacts_do_not_involve), draft.doNotInvolve) { v -> edit { it.copy(doNotInvolve = v) } }
                if (error != null) {
                    Text(stringResource(R.string.problem_invalid, stringResource(fieldLabel(error.first))) + ": " + error.second,
                        color = MaterialTheme.colorScheme.error)
                }
            }
        },
    )
}

@Composable
internal fun TextInput(label: String, value: String, type: KeyboardType = KeyboardType.Text, onChange: (String) -> Unit) {
    OutlinedTextField(
        value, onChange, label = { Text(label) }, singleLine = true,
        keyboardOptions = KeyboardOptions(keyboardType = type),
        modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
    )
}
