package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.twofold.demo.R
import org.twofold.demo.graph
import org.twofold.demo.ui.LabeledSwitch

/** The relay the person chose (the only host the app syncs with) and reminder privacy. */
@Composable
fun SettingsScreen() {
    val settings = LocalContext.current.graph.settings
    var relay by remember { mutableStateOf(settings.relayUrl ?: "") }
    var detail by remember { mutableStateOf(settings.remindersShowDetail) }
    Column(Modifier.padding(16.dp)) {
        TextInput(stringResource(R.string.settings_relay), relay, KeyboardType.Uri) { relay = it }
        Text(stringResource(R.string.settings_relay_explained))
        val save = stringResource(R.string.save)
        Button(onClick = { settings.relayUrl = relay.trim().ifBlank { null } }, modifier = Modifier.semantics { contentDescription = save }) {
            Text(save)
        }
        LabeledSwitch(stringResource(R.string.settings_reminder_detail), detail) {
            detail = it
            settings.remindersShowDetail = it
        }
        Text(stringResource(R.string.settings_reminder_detail_explained))
    }
}
