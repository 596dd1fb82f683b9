package org.twofold.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.kit.TwofoldError

/** Shows [content] with the screen's model once the store is open; a spinner or the reason otherwise. */
@Composable
fun <M : Any> WithModel(vm: ScreenViewModel<M>, content: @Composable (M) -> Unit) {
    val leased by vm.model.collectAsStateWithLifecycle()
    when (val l = leased) {
        Leased.Opening -> Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
            val opening = stringResource(R.string.opening)
            CircularProgressIndicator(Modifier.semantics { contentDescription = opening })
        }
        is Leased.Failed -> Text(
            stringResource(if (l.error is TwofoldError.WrongKey) R.string.problem_wrong_key else R.string.problem_cannot_open),
            Modifier.padding(24.dp),
        )
        is Leased.Ready -> content(l.model)
    }
}

/** The last problem of a screen, with a button to dismiss it. */
@Composable
fun ProblemLine(problem: TwofoldError?, onDismiss: () -> Unit) {
    if (problem == null) return
    Row(Modifier.fillMaxWidth().padding(8.dp), verticalAlignment = Alignment.CenterVertically) {
        Text(problemText(problem), Modifier.weight(1f), color = MaterialTheme.colorScheme.error)
        val dismiss = stringResource(R.string.dismiss)
        TextButton(onClick = onDismiss, modifier = Modifier.semantics { contentDescription = dismiss }) { Text(dismiss) }
    }
}

@Composable
fun SectionHeader(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = Modifier.padding(top = 16.dp, bottom = 4.dp).semantics { heading() },
    )
}

@Composable
fun LabeledSwitch(label: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically) {
        Text(label, Modifier.weight(1f))
        Switch(checked = checked, onCheckedChange = onChange, modifier = Modifier.semantics { contentDescription = label })
    }
}

/** One chip per option; [selected] are highlighted. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun <T> Chips(options: List<T>, selected: (T) -> Boolean, label: @Composable (T) -> String, onToggle: (T) -> Unit) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        for (option in options) {
            val text = label(option)
            FilterChip(
                selected = selected(option),
                onClick = { onToggle(option) },
                label = { Text(text) },
                modifier = Modifier.semantics { contentDescription = text },
            )
        }
    }
}
