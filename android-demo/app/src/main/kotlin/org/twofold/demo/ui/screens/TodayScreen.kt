package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.ListItem
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.model.TodayModel
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.label
import org.twofold.demo.ui.phraseText
import org.twofold.demo.ui.screenModel

/** Today: the check-in prompt, the next meetings, milestones, open alerts. */
@Composable
fun TodayScreen(onCheckIn: () -> Unit) {
    val vm = screenModel("today") { store, scope -> TodayModel(store, clock, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        // After midnight, a phone left open shows the new day when it comes back.
        LifecycleResumeEffect(model) {
            model.refreshDate()
            onPauseOrDispose { }
        }
        LazyColumn(Modifier.padding(horizontal = 16.dp)) {
            item { ProblemLine(problem, model::dismissProblem) }
            if (state.needsCheckIn) {
                item {
                    Card(Modifier.fillMaxWidth().padding(vertical = 8.dp)) {
                        Column(Modifier.padding(16.dp)) {
                            Text(stringResource(R.string.today_check_in_prompt))
                            val label = stringResource(R.string.today_check_in_button)
                            Button(onClick = onCheckIn, modifier = Modifier.semantics { contentDescription = label }) { Text(label) }
                        }
                    }
                }
            }
            if (state.openAlerts.isNotEmpty()) item { SectionHeader(stringResource(R.string.today_alerts)) }
            items(state.openAlerts, key = { it.rule.name + it.situation }) { alert ->
                val ack = stringResource(R.string.today_alert_seen)
                ListItem(
                    headlineContent = { Text(phraseText(alert.reason)) },
                    trailingContent = {
                        TextButton(
                            onClick = { model.acknowledge(alert.rule, alert.situation) },
                            modifier = Modifier.semantics { contentDescription = ack },
                        ) { Text(ack) }
                    },
                )
            }
            item { SectionHeader(stringResource(R.string.today_next_meetings)) }
            if (state.loaded && state.nextMeetings.isEmpty()) item { Text(stringResource(R.string.today_no_meetings)) }
            items(state.nextMeetings, key = { it.itemId + it.originalStart }) { o ->
                ListItem(
                    headlineContent = { Text(o.name) },
                    supportingContent = { Text(stringResource(R.string.meeting_when, o.viewerStart.replace('T', ' '), stringResource(o.format.label()))) },
                )
            }
            if (state.milestones.isNotEmpty()) item { SectionHeader(stringResource(R.string.today_milestones)) }
            items(state.milestones, key = { it.recoveryId }) { m ->
                ListItem(
                    headlineContent = { Text(pluralStringResource(R.plurals.days_since, m.days.toInt(), m.substance, m.days.toInt())) },
                    supportingContent = {
                        Text(stringResource(R.string.today_next_milestone, phraseText(m.next.name), m.daysToNext.toInt()))
                    },
                )
            }
        }
    }
}
