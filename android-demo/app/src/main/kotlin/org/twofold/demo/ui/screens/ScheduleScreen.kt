package org.twofold.demo.ui.screens

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
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
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.core.AttendanceStatus
import org.twofold.demo.R
import org.twofold.demo.model.FeedFailure
import org.twofold.demo.model.ScheduleModel
import org.twofold.demo.platform.Intents
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.label
import org.twofold.demo.ui.screenModel

/**
 * The schedule: the next two weeks, adding a meeting, importing a Meeting Guide feed (URL or
 * file, previewed), marking attendance, and export to the calendar.
 */
@Composable
fun ScheduleScreen() {
    val vm = screenModel("schedule") { store, scope -> ScheduleModel(store, clock, feedFetcher, scope) }
    val context = LocalContext.current
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        var feedUrl by remember { mutableStateOf("") }
        val pickFeed = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
            uri?.let { context.contentResolver.openInputStream(it)?.use { input -> model.previewFeedFromFile(input.readBytes()) } }
        }
        state.draft?.let { MeetingEditor(it, state.fieldError, model::edit, model::save, model::cancelEdit) }
        state.preview?.let { FeedPreviewDialog(it, model::toggleFeedEntry, model::importChosen, model::cancelPreview) }
        LazyColumn(Modifier.padding(horizontal = 16.dp)) {
            item { ProblemLine(problem, model::dismissProblem) }
            item {
                Row {
                    val add = stringResource(R.string.schedule_add)
                    val export = stringResource(R.string.schedule_export_all)
                    Button(onClick = model::startNew, modifier = Modifier.semantics { contentDescription = add }) { Text(add) }
                    OutlinedButton(
                        onClick = { model.exportIcalendar { ics -> context.startActivity(Intents.openExport(context, "schedule.ics", "text/calendar", ics)) } },
                        modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = export },
                    ) { Text(export) }
                }
            }
            item { SectionHeader(stringResource(R.string.schedule_import_feed)) }
            item { TextInput(stringResource(R.string.schedule_feed_url), feedUrl, KeyboardType.Uri) { feedUrl = it } }
            item {
                Row {
                    val fromUrl = stringResource(R.string.schedule_preview_url)
                    val fromFile = stringResource(R.string.schedule_preview_file)
                    Button(
                        onClick = { model.previewFeedFromUrl(feedUrl) }, enabled = feedUrl.isNotBlank(),
                        modifier = Modifier.semantics { contentDescription = fromUrl },
                    ) { Text(fromUrl) }
                    OutlinedButton(
                        onClick = { pickFeed.launch(arrayOf("application/json", "text/plain")) },
                        modifier = Modifier.padding(start = 8.dp).semantics { contentDescription = fromFile },
                    ) { Text(fromFile) }
                }
            }
            state.feedFailure?.let { failure ->
                item { Text(stringResource(feedFailureText(failure)), color = MaterialTheme.colorScheme.error) }
            }
            state.lastImport?.let { r ->
                item { Text(stringResource(R.string.import_result, r.added.toInt(), r.updated.toInt(), r.skipped.toInt())) }
            }
            item { SectionHeader(stringResource(R.string.schedule_upcoming)) }
            items(state.upcoming, key = { it.itemId + it.originalStart }) { o ->
                val attended = stringResource(R.string.schedule_attended, o.name)
                val toCalendar = stringResource(R.string.schedule_to_calendar, o.name)
                ListItem(
                    headlineContent = { Text(o.name) },
                    supportingContent = { Text(stringResource(R.string.meeting_when, o.viewerStart.replace('T', ' '), stringResource(o.format.label()))) },
                    trailingContent = {
                        Row {
                            TextButton(
                                onClick = { model.markAttendance(o, AttendanceStatus.ATTENDED) },
                                modifier = Modifier.semantics { contentDescription = attended },
                            ) { Text(stringResource(R.string.schedule_attended_short)) }
                            TextButton(
                                onClick = { context.startActivity(Intents.calendarInsert(model.calendarEvent(o))) },
                                modifier = Modifier.semantics { contentDescription = toCalendar },
                            ) { Text(stringResource(R.string.schedule_to_calendar_short)) }
                        }
                    },
                )
            }
        }
    }
}

private fun feedFailureText(f: FeedFailure): Int = when (f) {
    FeedFailure.NOT_A_URL -> R.string.feed_not_a_url
    FeedFailure.NOT_HTTPS -> R.string.feed_not_https
    FeedFailure.TOO_LARGE -> R.string.feed_too_large
    FeedFailure.UNREACHABLE -> R.string.feed_unreachable
}
