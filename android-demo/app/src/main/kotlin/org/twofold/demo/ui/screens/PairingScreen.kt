package org.twofold.demo.ui.screens

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
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
import com.journeyapps.barcodescanner.ScanContract
import com.journeyapps.barcodescanner.ScanOptions
import org.twofold.core.PeerStatus
import org.twofold.demo.R
import org.twofold.demo.model.PairingModel
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.screenModel

/**
 * Pairing with a mentor: show an invite as a QR code, or scan one; both screens then show the
 * same six digits, which the person compares before approving. A pairing shares nothing yet.
 */
@Composable
fun PairingScreen() {
    val vm = screenModel("pairing") { store, scope -> PairingModel(store, relays(store), settings, clock, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        var myName by remember { mutableStateOf("") }
        LaunchedEffect(model) { model.refresh() }
        val scan = rememberLauncherForActivityResult(ScanContract()) { result ->
            result.contents?.let { model.acceptInvite(it, myName) }
        }
        Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState())) {
            ProblemLine(problem, model::dismissProblem)
            TextInput(stringResource(R.string.pairing_my_name), myName) { myName = it }
            if (state.needsRelay) Text(stringResource(R.string.pairing_needs_relay), color = MaterialTheme.colorScheme.error)

            val pending = state.pending
            if (pending != null) {
                if (pending.verificationCode.isEmpty()) {
                    // Commit-then-reveal: the owner's phone has not answered with its half yet.
                    Text(stringResource(R.string.pairing_waiting_for_code))
                } else {
                    SectionHeader(stringResource(R.string.pairing_compare_code))
                    Text(pending.verificationCode, style = MaterialTheme.typography.displayMedium,
                        modifier = Modifier.semantics { contentDescription = pending.verificationCode.toCharArray().joinToString(" ") })
                }
                if (pending.status == PeerStatus.NEEDS_DECISION) {
                    Text(stringResource(R.string.pairing_wants_to_pair, pending.displayName))
                    Row {
                        val approve = stringResource(R.string.pairing_codes_match)
                        val decline = stringResource(R.string.pairing_decline)
                        Button(onClick = { model.approve(pending.id) }, modifier = Modifier.semantics { contentDescription = approve }) { Text(approve) }
                        OutlinedButton(onClick = { model.decline(pending.id) }, modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = decline }) {
                            Text(decline)
                        }
                    }
                } else {
                    LaunchedEffect(pending.id) { model.waitForApproval() }
                    val check = stringResource(R.string.pairing_check_approval)
                    Text(stringResource(R.string.pairing_waiting_for_owner))
                    OutlinedButton(onClick = { model.checkForApproval() }, modifier = Modifier.semantics { contentDescription = check }) { Text(check) }
                }
            } else {
                SectionHeader(stringResource(R.string.pairing_invite_someone))
                val show = stringResource(R.string.pairing_show_qr)
                Button(onClick = { model.createInvite(myName) }, enabled = myName.isNotBlank(),
                    modifier = Modifier.semantics { contentDescription = show }) { Text(show) }
                state.invite?.let { invite ->
                    LaunchedEffect(invite) { model.waitForAnswer() }
                    QrCode(invite, stringResource(R.string.pairing_qr_description))
                    val check = stringResource(R.string.pairing_check_answer)
                    OutlinedButton(onClick = { model.checkForAnswer() }, modifier = Modifier.semantics { contentDescription = check }) { Text(check) }
                }
                SectionHeader(stringResource(R.string.pairing_join_someone))
                val scanLabel = stringResource(R.string.pairing_scan_qr)
                val prompt = stringResource(R.string.pairing_scan_prompt)
                Button(
                    onClick = { scan.launch(ScanOptions().setDesiredBarcodeFormats(ScanOptions.QR_CODE).setPrompt(prompt).setBeepEnabled(false)) },
                    enabled = myName.isNotBlank(),
                    modifier = Modifier.semantics { contentDescription = scanLabel },
                ) { Text(scanLabel) }
            }

            SectionHeader(stringResource(R.string.pairing_peers))
            for (peer in state.peers) {
                val unpair = stringResource(R.string.pairing_unpair, peer.displayName)
                ListItem(
                    headlineContent = { Text(peer.displayName) },
                    supportingContent = { Text(stringResource(peerStatusLabel(peer.status))) },
                    trailingContent = {
                        OutlinedButton(onClick = { model.unpair(peer.id) }, modifier = Modifier.semantics { contentDescription = unpair }) {
                            Text(stringResource(R.string.pairing_unpair_short))
                        }
                    },
                )
            }
        }
    }
}

private fun peerStatusLabel(status: PeerStatus): Int = when (status) {
    PeerStatus.AWAITING_APPROVAL -> R.string.peer_awaiting
    PeerStatus.NEEDS_DECISION -> R.string.peer_needs_decision
    PeerStatus.PAIRED -> R.string.peer_paired
    PeerStatus.DECLINED -> R.string.peer_declined
}
