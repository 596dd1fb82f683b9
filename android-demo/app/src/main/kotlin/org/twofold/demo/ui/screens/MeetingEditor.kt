package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import org.twofold.core.MeetingFormat
import org.twofold.core.MeetingKind
import org.twofold.demo.R
import org.twofold.demo.model.MeetingDraft
import org.twofold.demo.ui.Chips
import org.twofold.demo.ui.fieldLabel
import org.twofold.demo.ui.label

/** Adds a meeting: name, kind, format, place, start and zone, duration, repeat rule, reminder. */
@Composable
fun MeetingEditor(
    draft: MeetingDraft,
    error: Pair<String, String>?,
    edit: ((MeetingDraft) -> MeetingDraft) -> Unit,
    onSave: () -> Unit,
    onCancel: () -> Unit,
) {
    val save = stringResource(R.string.save)
    val cancel = stringResource(R.string.cancel)
    AlertDialog(
        onDismissRequest = onCancel,
        title = { Text(stringResource(R.string.schedule_add)) },
        confirmButton = { TextButton(onClick = onSave, modifier = Modifier.semantics { contentDescription = save }) { Text(save) } },
        dismissButton = { TextButton(onClick = onCancel, modifier = Modifier.semantics { contentDescription = cancel }) { Text(cancel) } },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState())) {
                TextInput(stringResource(R.string.field_name), draft.name) { v -> edit { it.copy(name = v) } }
                Chips(MeetingKind.entries, { it == draft.kind }, { stringResource(it.label()) }) { k -> edit { it.copy(kind = k) } }
                Chips(MeetingFormat.entries, { it == draft.format }, { stringResource(it.label()) }) { f -> edit { it.copy(format = f) } }
                TextInput(stringResource(R.string.meeting_address), draft.address) { v -> edit { it.copy(address = v) } }
                TextInput(stringResource(R.string.meeting_link), draft.conferenceUrl, KeyboardType.Uri) { v -> edit { it.copy(conferenceUrl = v) } }
                TextInput(stringResource(R.string.field_start), draft.start) { v -> edit { it.copy(start = v) } }
                TextInput(stringResource(R.string.field_time_zone), draft.timeZone) { v -> edit { it.copy(timeZone = v) } }
                TextInput(stringResource(R.string.field_duration), draft.durationMinutes.toString(), KeyboardType.Number) { v ->
                    edit { it.copy(durationMinutes = v.toIntOrNull() ?: 0) }
                }
                TextInput(stringResource(R.string.field_rrule), draft.rrule) { v -> edit { it.copy(rrule = v) } }
                TextInput(stringResource(R.string.meeting_reminder), draft.reminderMinutes.joinToString(), KeyboardType.Number) { v ->
                    edit { it.copy(reminderMinutes = v.split(',').mapNotNull { p -> p.trim().toIntOrNull() }) }
                }
                if (error != null) {
                    Text(stringResource(R.string.problem_invalid, stringResource(fieldLabel(error.first))) + ": " + error.second,
                        color = MaterialTheme.colorScheme.error)
                }
            }
        },
    )
}
