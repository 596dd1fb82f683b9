package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Checkbox
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import org.twofold.core.ImportOutcome
import org.twofold.demo.R
import org.twofold.demo.model.FeedPreview

/** A Meeting Guide feed before anything is written: tick the meetings to take. */
@Composable
fun FeedPreviewDialog(preview: FeedPreview, onToggle: (String) -> Unit, onImport: () -> Unit, onCancel: () -> Unit) {
    val import = stringResource(R.string.schedule_import_chosen, preview.chosen.size)
    val cancel = stringResource(R.string.cancel)
    AlertDialog(
        onDismissRequest = onCancel,
        title = { Text(stringResource(R.string.schedule_preview_title)) },
        confirmButton = {
            TextButton(onClick = onImport, enabled = preview.chosen.isNotEmpty(), modifier = Modifier.semantics { contentDescription = import }) {
                Text(import)
            }
        },
        dismissButton = { TextButton(onClick = onCancel, modifier = Modifier.semantics { contentDescription = cancel }) { Text(cancel) } },
        text = {
            LazyColumn {
                items(preview.report.entries) { entry ->
                    val skipped = entry.outcome is ImportOutcome.Skipped
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Checkbox(
                            checked = entry.key in preview.chosen, onCheckedChange = { onToggle(entry.key) }, enabled = !skipped,
                            modifier = Modifier.semantics { contentDescription = entry.label },
                        )
                        Text(if (skipped) stringResource(R.string.schedule_entry_skipped, entry.label) else entry.label)
                    }
                }
            }
        },
    )
}
