package org.twofold.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import java.util.Locale
import org.twofold.demo.R
import org.twofold.demo.model.CrisisAction
import org.twofold.demo.model.Gate
import org.twofold.demo.model.lockScreenHelp
import org.twofold.demo.platform.Intents

/**
 * The app lock's screen. It shows nothing of the person's data (the store is closed) and the
 * same words whatever PIN was typed — a duress PIN is never hinted at. During the core's
 * wait the field is off and a countdown shows. The region's emergency number and crisis
 * lines (bundled, not the person's) are one tap away for someone who cannot type their PIN.
 */
@Composable
fun LockScreen(state: Gate.Locked, onUnlock: (String) -> Unit) {
    var pin by rememberSaveable { mutableStateOf("") }
    var showHelp by remember { mutableStateOf(false) }
    val context = LocalContext.current
    // A wrong PIN empties the field for the next try.
    LaunchedEffect(state.wrongPin, state.checking) { if (!state.checking) pin = "" }
    Column(
        Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(stringResource(R.string.lock_title), style = MaterialTheme.typography.headlineSmall)
        val label = stringResource(R.string.lock_pin_label)
        OutlinedTextField(
            value = pin,
            onValueChange = { pin = it },
            label = { Text(label) },
            singleLine = true,
            enabled = state.canTry,
            visualTransformation = PasswordVisualTransformation(),
            // A number pad: the PIN may also be a passphrase, and the keyboard can switch.
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword, imeAction = ImeAction.Done),
            keyboardActions = KeyboardActions(onDone = { if (pin.isNotEmpty()) onUnlock(pin) }),
            modifier = Modifier.fillMaxWidth().semantics { contentDescription = label },
        )
        val status = when {
            state.checking -> stringResource(R.string.lock_checking)
            state.waitUntilMs != null -> stringResource(R.string.lock_wait, countdown(state.waitSeconds))
            state.wrongPin -> stringResource(R.string.lock_wrong_pin)
            state.problem != null -> problemText(state.problem!!)
            else -> ""
        }
        Text(status, Modifier.semantics { liveRegion = LiveRegionMode.Polite })
        if (state.checking) CircularProgressIndicator()
        val unlock = stringResource(R.string.lock_unlock)
        Button(
            onClick = { onUnlock(pin) },
            enabled = state.canTry && pin.isNotEmpty(),
            modifier = Modifier.fillMaxWidth().semantics { contentDescription = unlock },
        ) { Text(unlock) }
        val help = stringResource(R.string.lock_help)
        OutlinedButton(onClick = { showHelp = !showHelp }, modifier = Modifier.semantics { contentDescription = help }) {
            Text(help)
        }
        if (showHelp) {
            val lines = remember { lockScreenHelp(Locale.getDefault().country.ifEmpty { null }) }
            for (line in lines) {
                val name = line.name ?: stringResource(R.string.lock_emergency)
                val call = stringResource(R.string.crisis_call, name)
                Button(onClick = { runCatching { context.startActivity(Intents.crisis(CrisisAction.Call(line.number))) } }, modifier = Modifier.fillMaxWidth().semantics { contentDescription = call }) {
                    Text("$name · ${line.number}")
                }
            }
        }
    }
}

/** m:ss, e.g. 0:30, 15:00 (digits as the locale writes them). */
private fun countdown(seconds: Long): String = String.format(Locale.getDefault(), "%d:%02d", seconds / 60, seconds % 60)

/** The store could not be read at the door; nothing was deleted. */
@Composable
fun LockFailedScreen() {
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.Center) {
        Text(stringResource(R.string.lock_failed))
    }
}

/** "Delete everything" is running; nothing of the store shows. */
@Composable
fun ErasingScreen() {
    Column(
        Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        CircularProgressIndicator()
        Text(stringResource(R.string.erase_working))
    }
}

/** Why "delete everything" stopped; what is left shows behind it. */
@Composable
fun ErasePausedDialog(problem: org.twofold.kit.TwofoldError, onDismiss: () -> Unit) {
    androidx.compose.material3.AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(stringResource(R.string.erase_stopped)) },
        text = { Text(problemText(problem)) },
        confirmButton = { androidx.compose.material3.TextButton(onClick = onDismiss) { Text(stringResource(R.string.dismiss)) } },
    )
}
