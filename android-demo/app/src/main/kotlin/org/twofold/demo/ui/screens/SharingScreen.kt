package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.text.DateFormat
import java.util.Date
import org.twofold.core.Access
import org.twofold.core.DocumentKind
import org.twofold.core.Peer
import org.twofold.demo.R
import org.twofold.demo.model.SharingModel
import org.twofold.demo.ui.Chips
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.label
import org.twofold.demo.ui.screenModel

/**
 * Sharing and consent: share one document with one paired person, read-only or read-write,
 * with a purpose and an optional expiry; revoke; see every share ever given and the
 * disclosure log of what actually reached whom.
 */
@Composable
fun SharingScreen() {
    val vm = screenModel("sharing") { store, scope -> SharingModel(store, relays(store), clock, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        LaunchedEffect(model) { model.refresh() }
        Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState())) {
            ProblemLine(problem, model::dismissProblem)
            if (state.loaded && state.peers.isEmpty()) Text(stringResource(R.string.sharing_pair_first))
            state.peers.forEach { peer ->
                key(peer.id) { ShareForm(peer) { kind, access, purpose, days -> model.share(kind, peer.id, access, purpose, days) } }
            }

            SectionHeader(stringResource(R.string.sharing_active))
            for (share in state.active) {
                val revoke = stringResource(R.string.sharing_revoke, stringResource(share.kind.label()), share.peerName)
                ListItem(
                    headlineContent = { Text("${stringResource(share.kind.label())} → ${share.peerName}") },
                    supportingContent = {
                        Text(stringResource(R.string.sharing_detail, stringResource(share.access.label()), share.purpose,
                            share.expiresAtMs?.let(::day) ?: stringResource(R.string.sharing_no_expiry)))
                    },
                    trailingContent = {
                        OutlinedButton(onClick = { model.revoke(share.kind, share.peer) }, modifier = Modifier.semantics { contentDescription = revoke }) {
                            Text(stringResource(R.string.sharing_revoke_short))
                        }
                    },
                )
            }
            // Said plainly, as the design asks: revoking stops what is new, not what was sent.
            Text(stringResource(R.string.sharing_revoke_explained))

            SectionHeader(stringResource(R.string.sharing_ended))
            for (share in state.ended) {
                ListItem(
                    headlineContent = { Text("${stringResource(share.kind.label())} → ${share.peerName}") },
                    supportingContent = { Text(stringResource(R.string.sharing_ended_on, share.endedAtMs?.let(::day) ?: "", share.endReason ?: "")) },
                )
            }

            SectionHeader(stringResource(R.string.sharing_disclosure_log))
            for (d in state.disclosures) {
                val who = state.peers.firstOrNull { it.id == d.peerId }?.displayName ?: d.peerId.take(8)
                ListItem(
                    headlineContent = { Text("${stringResource(d.kind.label())} → $who") },
                    supportingContent = { Text(stringResource(R.string.sharing_disclosure_detail, day(d.atMs), d.changes.toInt(), d.bytes.toLong())) },
                )
            }
        }
    }
}

@Composable
private fun ShareForm(peer: Peer, onShare: (DocumentKind, Access, String, Int?) -> Unit) {
    var kind by remember { mutableStateOf(DocumentKind.PLAN) }
    var access by remember { mutableStateOf(Access.READ) }
    var purpose by remember { mutableStateOf("") }
    var days by remember { mutableStateOf("") }
    SectionHeader(stringResource(R.string.sharing_with, peer.displayName))
    Chips(SharingModel.SHAREABLE, { it == kind }, { stringResource(it.label()) }) { kind = it }
    Chips(Access.entries, { it == access }, { stringResource(it.label()) }) { access = it }
    TextInput(stringResource(R.string.sharing_purpose), purpose) { purpose = it }
    TextInput(stringResource(R.string.sharing_expires_days), days, KeyboardType.Number) { days = it }
    val share = stringResource(R.string.sharing_share, stringResource(kind.label()), peer.displayName)
    Button(
        onClick = { onShare(kind, access, purpose, days.toIntOrNull()) }, enabled = purpose.isNotBlank(),
        modifier = Modifier.semantics { contentDescription = share },
    ) { Text(stringResource(R.string.sharing_share_short)) }
}

private fun day(ms: Long): String = DateFormat.getDateInstance(DateFormat.MEDIUM).format(Date(ms))
