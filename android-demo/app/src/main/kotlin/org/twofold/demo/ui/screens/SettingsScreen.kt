package org.twofold.demo.ui.screens

import android.app.Activity
import androidx.activity.ComponentActivity
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
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
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.graph
import org.twofold.demo.model.AppLockSettingsModel
import org.twofold.demo.model.EraseModel
import org.twofold.demo.model.LockChange
import org.twofold.demo.ui.LabeledSwitch
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.screenModel
import org.twofold.demo.ui.theme.CrisisRed

/**
 * The relay the person chose (the only host the app syncs with), reminder privacy, the app
 * lock (on, change the PIN, off, the duress PIN, lock now) and "delete everything from this
 * phone".
 */
@Composable
fun SettingsScreen() {
    val settings = LocalContext.current.graph.settings
    var relay by remember { mutableStateOf(settings.relayUrl ?: "") }
    var detail by remember { mutableStateOf(settings.remindersShowDetail) }
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState())) {
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
        AppLockSection()
        EraseSection()
    }
}

/** Which PIN form is open. */
private enum class PinForm { ENABLE, CHANGE, DISABLE, DURESS }

@Composable
private fun AppLockSection() {
    val graph = LocalContext.current.graph
    val activity = LocalContext.current as? Activity
    val vm = screenModel("app-lock") { store, scope -> AppLockSettingsModel(store, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        var form by remember { mutableStateOf<PinForm?>(null) }
        SectionHeader(stringResource(R.string.lock_settings_title))
        Text(stringResource(R.string.lock_settings_explained))
        if (!state.loaded) return@WithModel
        Text(stringResource(if (state.on) R.string.lock_settings_on else R.string.lock_settings_off))
        if (state.working) CircularProgressIndicator()
        state.done?.let { Text(stringResource(doneText(it))) }
        ProblemLine(problem, model::dismissProblem)
        if (!state.on) {
            ActionButton(R.string.lock_turn_on) { form = PinForm.ENABLE }
        } else {
            ActionButton(R.string.lock_now) {
                graph.lockGate.lock(beforeClose = { (activity as? ComponentActivity)?.viewModelStore?.clear() })
            }
            ActionButton(R.string.lock_change_pin) { form = PinForm.CHANGE }
            ActionButton(R.string.lock_turn_off) { form = PinForm.DISABLE }
            SectionHeader(stringResource(R.string.duress_title))
            Text(stringResource(R.string.duress_explained))
            if (state.duressPin) {
                Text(stringResource(R.string.duress_is_set))
                ActionButton(R.string.duress_clear) { model.clearDuressPin() }
            } else {
                ActionButton(R.string.duress_set) { form = PinForm.DURESS }
            }
        }
        when (form) {
            PinForm.ENABLE -> PinDialog(R.string.lock_turn_on, current = false, twice = true, onDone = { _, pin, again -> model.enable(pin, again) }, onClose = { form = null })
            PinForm.CHANGE -> PinDialog(R.string.lock_change_pin, current = true, twice = true, onDone = { old, pin, again -> model.changePin(old, pin, again) }, onClose = { form = null })
            PinForm.DISABLE -> PinDialog(R.string.lock_turn_off, current = true, twice = false, onDone = { old, _, _ -> model.disable(old) }, onClose = { form = null })
            PinForm.DURESS -> PinDialog(R.string.duress_set, current = false, twice = true, onDone = { _, pin, again -> model.setDuressPin(pin, again) }, onClose = { form = null })
            null -> Unit
        }
    }
}

private fun doneText(change: LockChange): Int = when (change) {
    LockChange.TURNED_ON -> R.string.lock_done_on
    LockChange.PIN_CHANGED -> R.string.lock_done_changed
    LockChange.TURNED_OFF -> R.string.lock_done_off
    LockChange.DURESS_SET -> R.string.duress_done_set
    LockChange.DURESS_CLEARED -> R.string.duress_done_cleared
}

@Composable
private fun ActionButton(text: Int, onClick: () -> Unit) {
    val label = stringResource(text)
    OutlinedButton(onClick = onClick, modifier = Modifier.fillMaxWidth().semantics { contentDescription = label }) { Text(label) }
}

/** The current PIN and/or a new PIN typed twice; the model checks that the two match. */
@Composable
private fun PinDialog(title: Int, current: Boolean, twice: Boolean, onDone: (String, String, String) -> Unit, onClose: () -> Unit) {
    var old by remember { mutableStateOf("") }
    var pin by remember { mutableStateOf("") }
    var again by remember { mutableStateOf("") }
    AlertDialog(
        onDismissRequest = onClose,
        title = { Text(stringResource(title)) },
        text = {
            Column {
                if (current) PinField(R.string.lock_current_pin, old) { old = it }
                if (twice) {
                    PinField(R.string.lock_new_pin, pin) { pin = it }
                    PinField(R.string.lock_new_pin_again, again) { again = it }
                    Text(stringResource(R.string.lock_pin_rules))
                }
            }
        },
        confirmButton = { TextButton(onClick = { onDone(old, pin, again); onClose() }) { Text(stringResource(R.string.save)) } },
        dismissButton = { TextButton(onClick = onClose) { Text(stringResource(R.string.cancel)) } },
    )
}

@Composable
private fun PinField(label: Int, value: String, onChange: (String) -> Unit) {
    val text = stringResource(label)
    OutlinedTextField(
        value, onChange, label = { Text(text) }, singleLine = true,
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
        modifier = Modifier.fillMaxWidth().semantics { contentDescription = text },
    )
}

/** "Delete everything from this phone": asked twice, then the store and the key are gone. */
@Composable
private fun EraseSection() {
    val context = LocalContext.current
    val activity = context as? Activity
    val vm = screenModel("erase") { _, _ ->
        EraseModel(
            holder = storeHolder,
            relays = { relays(it) },
            key = databaseKey,
            // The app leaves the screen and its screens (with this one) are dropped; the erase
            // runs in the process's scope, so dropping this screen does not stop it.
            beforeErase = { lockGate.erasing(); (activity as? ComponentActivity)?.viewModelStore?.clear() },
            onErased = { lockGate.erased(it) },
            scope = appScope,
        )
    }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        var asking by remember { mutableStateOf(false) }
        SectionHeader(stringResource(R.string.erase_title))
        Text(stringResource(R.string.erase_explained))
        ProblemLine(problem, model::dismissProblem)
        if (state.erasing) {
            CircularProgressIndicator()
            Text(stringResource(R.string.erase_working))
        }
        val label = stringResource(R.string.erase_button)
        Button(
            onClick = { asking = true },
            enabled = !state.erasing,
            colors = ButtonDefaults.buttonColors(containerColor = CrisisRed),
            modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
        ) { Text(label) }
        if (asking) {
            AlertDialog(
                onDismissRequest = { asking = false },
                title = { Text(stringResource(R.string.erase_confirm_title)) },
                text = { Text(stringResource(R.string.erase_confirm_text)) },
                confirmButton = { TextButton(onClick = { asking = false; model.eraseEverything() }) { Text(stringResource(R.string.erase_confirm)) } },
                dismissButton = { TextButton(onClick = { asking = false }) { Text(stringResource(R.string.cancel)) } },
            )
        }
    }
}
