package org.twofold.demo.ui.screens

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalClipboardManager
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.AnnotatedString
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import com.journeyapps.barcodescanner.ScanContract
import com.journeyapps.barcodescanner.ScanOptions
import org.twofold.core.Peer
import org.twofold.core.PeerStatus
import org.twofold.demo.R
import org.twofold.demo.model.LinkDeviceModel
import org.twofold.demo.model.LinkRefusal
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.screenModel

/**
 * "Your devices": link a new phone or tablet (a link code as a QR code and as text, the same six
 * digits on both screens, approval), join from the new device (scan or paste, the digits, then
 * waiting for the documents), and the devices linked here, each with "Remove this device" behind
 * a confirmation that says what removing does. On a linked device: "My phone is lost", behind a
 * confirmation that says what taking its place does; on a removed one, that it was removed and
 * how to link it again. All logic is in [LinkDeviceModel].
 */
@Composable
fun DevicesScreen() {
    val vm = screenModel("devices") { store, scope -> LinkDeviceModel(store, relays(store), settings, clock, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        var deviceName by remember { mutableStateOf("") }
        var pasted by remember { mutableStateOf("") }
        LaunchedEffect(model) { model.refresh() }
        val scan = rememberLauncherForActivityResult(ScanContract()) { result ->
            result.contents?.let { model.join(it, deviceName) }
        }
        Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState())) {
            ProblemLine(problem, model::dismissProblem)
            Text(stringResource(R.string.devices_intro))

            // --- the devices linked here, or the one this device is linked to --------------
            SectionHeader(stringResource(R.string.devices_yours))
            state.linkedTo?.let { origin ->
                Text(stringResource(R.string.devices_linked_to, origin.displayName))
                val lost = stringResource(R.string.devices_phone_lost)
                OutlinedButton(onClick = { model.askToTakeOver(origin) }, modifier = Modifier.semantics { contentDescription = lost }) { Text(lost) }
            }
            if (state.takeoverRefused) Text(stringResource(R.string.devices_takeover_refused), color = MaterialTheme.colorScheme.error)
            state.removedFrom?.let { origin -> Text(stringResource(R.string.devices_removed_from, origin.displayName)) }
            if (state.isMain) Text(stringResource(R.string.devices_main))
            if (state.devices.isEmpty() && state.linkedTo == null) Text(stringResource(R.string.devices_none))
            for (device in state.devices) {
                val remove = stringResource(R.string.devices_remove_named, device.displayName)
                ListItem(
                    headlineContent = { Text(device.displayName) },
                    supportingContent = { Text(stringResource(R.string.devices_status_linked)) },
                    trailingContent = {
                        OutlinedButton(onClick = { model.askToRemove(device) }, modifier = Modifier.semantics { contentDescription = remove }) {
                            Text(stringResource(R.string.devices_remove))
                        }
                    },
                )
            }
            state.confirmingRemoval?.let { device -> RemoveDialog(device, onRemove = { model.confirmRemoval() }, onKeep = model::keepDevice) }
            state.confirmingTakeover?.let { phone -> TakeoverDialog(phone, onTakeOver = { model.confirmTakeover() }, onKeep = model::keepWaiting) }

            val joining = state.joining
            if (joining != null) {
                // --- the new device, after answering the code ------------------------------
                SectionHeader(stringResource(R.string.devices_new_device))
                when {
                    joining.status == PeerStatus.DECLINED -> {
                        Text(stringResource(R.string.devices_declined))
                        val again = stringResource(R.string.devices_start_again)
                        OutlinedButton(onClick = model::startOver, modifier = Modifier.semantics { contentDescription = again }) { Text(again) }
                    }
                    state.documentsArrived -> Text(stringResource(R.string.devices_documents_arrived))
                    else -> {
                        LaunchedEffect(joining.id) { model.waitForDocuments() }
                        if (joining.status == PeerStatus.AWAITING_APPROVAL && joining.verificationCode.isEmpty()) {
                            Text(stringResource(R.string.pairing_waiting_for_code))
                        } else if (joining.status == PeerStatus.AWAITING_APPROVAL) {
                            Code(joining.verificationCode)
                            Text(stringResource(R.string.devices_approve_on_phone))
                        } else {
                            Text(stringResource(R.string.devices_waiting_for_documents))
                        }
                        val check = stringResource(R.string.devices_check_again)
                        OutlinedButton(onClick = { model.checkForApproval() }, modifier = Modifier.semantics { contentDescription = check }) { Text(check) }
                    }
                }
            } else {
                // --- this phone: a code for the new device ----------------------------------
                SectionHeader(stringResource(R.string.devices_link_new))
                if (state.needsRelay) Text(stringResource(R.string.pairing_needs_relay), color = MaterialTheme.colorScheme.error)
                val asking = state.asking
                if (asking != null) {
                    Text(stringResource(R.string.devices_wants_to_link, asking.displayName))
                    Code(asking.verificationCode)
                    Text(stringResource(R.string.devices_compare_code))
                    Row {
                        val approve = stringResource(R.string.devices_codes_match)
                        val decline = stringResource(R.string.devices_not_mine)
                        Button(onClick = { model.approve(asking.id) }, modifier = Modifier.semantics { contentDescription = approve }) { Text(approve) }
                        OutlinedButton(onClick = { model.decline(asking.id) }, modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = decline }) {
                            Text(decline)
                        }
                    }
                } else {
                    val show = stringResource(R.string.devices_show_code)
                    Button(onClick = { model.showLinkCode() }, modifier = Modifier.semantics { contentDescription = show }) { Text(show) }
                    state.invite?.let { invite ->
                        LaunchedEffect(invite) { model.waitForNewDevice() }
                        Text(stringResource(R.string.devices_code_private), color = MaterialTheme.colorScheme.error)
                        QrCode(invite, stringResource(R.string.devices_qr_description))
                        Text(stringResource(R.string.devices_code_as_text))
                        SelectionContainer { Text(invite, fontFamily = FontFamily.Monospace, style = MaterialTheme.typography.bodySmall) }
                        val clipboard = LocalClipboardManager.current
                        val copy = stringResource(R.string.devices_copy_code)
                        TextButton(onClick = { clipboard.setText(AnnotatedString(invite)) }, modifier = Modifier.semantics { contentDescription = copy }) { Text(copy) }
                        val check = stringResource(R.string.devices_check_new_device)
                        OutlinedButton(onClick = { model.checkForNewDevice() }, modifier = Modifier.semantics { contentDescription = check }) { Text(check) }
                    }
                }

                // --- this is the new device --------------------------------------------------
                SectionHeader(stringResource(R.string.devices_this_is_new))
                Text(stringResource(R.string.devices_join_explained))
                when (state.refusal) {
                    LinkRefusal.NOT_A_LINK_CODE -> Text(stringResource(R.string.devices_not_a_link_code), color = MaterialTheme.colorScheme.error)
                    LinkRefusal.ALREADY_PAIRED -> Text(stringResource(R.string.devices_already_paired), color = MaterialTheme.colorScheme.error)
                    null -> Unit
                }
                TextInput(stringResource(R.string.devices_device_name), deviceName) { deviceName = it }
                val scanLabel = stringResource(R.string.devices_scan)
                val prompt = stringResource(R.string.devices_scan_prompt)
                Button(
                    onClick = { scan.launch(ScanOptions().setDesiredBarcodeFormats(ScanOptions.QR_CODE).setPrompt(prompt).setBeepEnabled(false)) },
                    enabled = deviceName.isNotBlank(),
                    modifier = Modifier.semantics { contentDescription = scanLabel },
                ) { Text(scanLabel) }
                TextInput(stringResource(R.string.devices_paste), pasted) { pasted = it }
                val join = stringResource(R.string.devices_join)
                Button(
                    onClick = { model.join(pasted, deviceName) },
                    enabled = deviceName.isNotBlank() && pasted.isNotBlank(),
                    modifier = Modifier.semantics { contentDescription = join },
                ) { Text(join) }
            }
        }
    }
}

/** The six digits, read one by one by TalkBack. */
@Composable
private fun Code(digits: String) {
    Text(digits, style = MaterialTheme.typography.displayMedium,
        modifier = Modifier.semantics { contentDescription = digits.toCharArray().joinToString(" ") })
}

/** Says what removing does before it is done: nothing new, and its copy deleted when it is online. */
@Composable
private fun RemoveDialog(device: Peer, onRemove: () -> Unit, onKeep: () -> Unit) {
    AlertDialog(
        onDismissRequest = onKeep,
        title = { Text(stringResource(R.string.devices_remove_title, device.displayName)) },
        text = { Text(stringResource(R.string.devices_remove_body)) },
        confirmButton = { TextButton(onClick = onRemove) { Text(stringResource(R.string.devices_remove_confirm)) } },
        dismissButton = { TextButton(onClick = onKeep) { Text(stringResource(R.string.devices_remove_keep)) } },
    )
}

/** Says what taking the lost phone's place does before it is done, and that it cannot be undone. */
@Composable
private fun TakeoverDialog(phone: Peer, onTakeOver: () -> Unit, onKeep: () -> Unit) {
    AlertDialog(
        onDismissRequest = onKeep,
        title = { Text(stringResource(R.string.devices_takeover_title, phone.displayName)) },
        text = { Text(stringResource(R.string.devices_takeover_body)) },
        confirmButton = { TextButton(onClick = onTakeOver) { Text(stringResource(R.string.devices_takeover_confirm)) } },
        dismissButton = { TextButton(onClick = onKeep) { Text(stringResource(R.string.devices_takeover_keep)) } },
    )
}
