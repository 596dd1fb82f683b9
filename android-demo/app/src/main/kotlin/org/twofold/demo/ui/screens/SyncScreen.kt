package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.model.SyncModel
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.screenModel
import org.twofold.demo.ui.syncStatusText

/** Sync status: each relay's live status (a StateFlow from the core) and "sync now". */
@Composable
fun SyncScreen() {
    val vm = screenModel("sync") { store, scope -> SyncModel(relays(store), scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        LaunchedEffect(model) { model.refresh() }
        Column(Modifier.padding(16.dp)) {
            ProblemLine(problem, model::dismissProblem)
            if (state.relays.isEmpty()) Text(stringResource(R.string.sync_no_relay))
            for (relay in state.relays) {
                val status by model.relayStatus(relay.url).collectAsStateWithLifecycle()
                ListItem(
                    headlineContent = { Text(relay.url) },
                    supportingContent = { Text(syncStatusText(status)) },
                    trailingContent = { if (relay.live) Text(stringResource(R.string.sync_live)) },
                )
            }
            state.lastReport?.let { r ->
                Text(stringResource(R.string.sync_report, r.sent.toLong(), r.applied.toLong(), r.pending.toLong()))
            }
            val now = stringResource(R.string.sync_now)
            Button(onClick = { model.syncNow() }, modifier = Modifier.semantics { contentDescription = now }) { Text(now) }
        }
    }
}
