package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.model.CrisisAction
import org.twofold.demo.model.CrisisModel
import org.twofold.demo.model.coreLang
import org.twofold.demo.platform.Intents
import org.twofold.demo.ui.deviceLocales
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.screenModel

/**
 * The crisis screen: the person's own safety plan in the order they wrote it — people to call
 * (call and text buttons), crisis lines with the region's line, coping, reasons, making the
 * place safe. Everything is on the phone: it works with no signal at all.
 */
@Composable
fun CrisisScreen() {
    val lang = coreLang(deviceLocales())
    val region = java.util.Locale.getDefault().country.ifEmpty { null }
    val vm = screenModel("crisis") { store, scope -> CrisisModel(store, lang, scope, region) }
    val context = LocalContext.current
    // A phone without a dialer or SMS app (a tablet) must not crash the crisis screen: the
    // numbers stay on screen to dial from another phone.
    val startIntent = { action: CrisisAction -> runCatching { context.startActivity(Intents.crisis(action)) }; Unit }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        val screen = state.screen
        LazyColumn(Modifier.padding(horizontal = 16.dp)) {
            item { ProblemLine(problem, model::dismissProblem) }
            item {
                val help = stringResource(R.string.crisis_ask_for_help)
                Button(
                    onClick = { model.askForHelp(state.helpRecipients, state.helpText, startIntent) },
                    enabled = state.helpRecipients.isNotEmpty(),
                    modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp).semantics { contentDescription = help },
                ) { Text(help) }
            }
            item { SectionHeader(stringResource(R.string.crisis_people)) }
            items(screen?.peopleToCall.orEmpty()) { person ->
                val number = person.phones.firstOrNull()?.number
                ListItem(
                    headlineContent = { Text(person.name) },
                    supportingContent = { Text(person.willDo) },
                    trailingContent = { if (number != null) CallAndText(person.name, number, startIntent) },
                )
            }
            item { SectionHeader(stringResource(R.string.crisis_lines)) }
            // The person's own lines first, then the line they set or the region's bundled ones.
            items(screen?.crisisLines.orEmpty()) { line ->
                val number = line.phones.firstOrNull()?.number
                val text = line.phones.firstOrNull { it.label == "text" }?.number
                ListItem(
                    headlineContent = { Text(line.name) },
                    supportingContent = { Text(listOfNotNull(number, line.note).joinToString(" · ")) },
                    trailingContent = { if (number != null) CallAndText(line.name, number, startIntent, textNumber = text) },
                )
            }
            screen?.emergency?.let { emergency ->
                item {
                    val name = stringResource(R.string.crisis_emergency)
                    ListItem(
                        headlineContent = { Text(name) },
                        supportingContent = { Text(emergency.number) },
                        trailingContent = { CallAndText(name, emergency.number, startIntent, textNumber = null) },
                    )
                }
            }
            // Harm reduction, right after the lines: in an overdose these are what is needed first.
            if (screen != null && (screen.naloxoneKits.isNotEmpty() || screen.naloxoneResponders.isNotEmpty() || screen.neverUseAlone.isNotEmpty())) {
                item { SectionHeader(stringResource(R.string.section_naloxone_kits)) }
                items(screen.naloxoneKits, key = { it.id }) { kit ->
                    ListItem(
                        headlineContent = { Text(kit.location) },
                        supportingContent = { kit.expires?.let { Text(stringResource(R.string.crisis_kit_expires, it)) } },
                    )
                }
                items(screen.naloxoneResponders) { person ->
                    val number = person.phones.firstOrNull()?.number
                    ListItem(
                        headlineContent = { Text(person.name) },
                        supportingContent = { Text(stringResource(R.string.crisis_can_give_naloxone)) },
                        trailingContent = { if (number != null) CallAndText(person.name, number, startIntent) },
                    )
                }
                item { SectionHeader(stringResource(R.string.section_never_use_alone)) }
                items(screen.neverUseAlone, key = { it.id }) { line ->
                    ListItem(
                        headlineContent = { Text(line.name) },
                        supportingContent = { Text(line.phone) },
                        trailingContent = { CallAndText(line.name, line.phone, startIntent) },
                    )
                }
            }
            item { SectionHeader(stringResource(R.string.section_coping_strategies)) }
            items(screen?.copingStrategies.orEmpty(), key = { it.id }) { ListItem(headlineContent = { Text(it.description) }) }
            item { SectionHeader(stringResource(R.string.section_reasons)) }
            items(screen?.reasons.orEmpty(), key = { it.id }) { ListItem(headlineContent = { Text(it.text) }) }
            item { SectionHeader(stringResource(R.string.section_environment_safety)) }
            items(screen?.environmentSafety.orEmpty(), key = { it.id }) { ListItem(headlineContent = { Text(it.description) }) }
            item { SectionHeader(stringResource(R.string.section_distractions)) }
            items(screen?.distractions.orEmpty(), key = { it.id }) { ListItem(headlineContent = { Text(it.name) }) }
            item { SectionHeader(stringResource(R.string.section_professionals)) }
            items(screen?.professionals.orEmpty()) { pro ->
                val number = pro.phones.firstOrNull()?.number
                ListItem(
                    headlineContent = { Text(pro.name) },
                    supportingContent = { Text(pro.roleNote) },
                    trailingContent = { if (number != null) CallAndText(pro.name, number, startIntent) },
                )
            }
        }
    }
}

@Composable
private fun CallAndText(name: String, number: String, start: (CrisisAction) -> Unit, textNumber: String? = number) {
    val call = stringResource(R.string.crisis_call, name)
    val text = stringResource(R.string.crisis_text, name)
    Row {
        Button(onClick = { start(CrisisAction.Call(number)) }, modifier = Modifier.semantics { contentDescription = call }) {
            Text(stringResource(R.string.call))
        }
        if (textNumber != null) {
            OutlinedButton(
                onClick = { start(CrisisAction.Text(listOf(textNumber), "")) },
                modifier = Modifier.padding(start = 4.dp).semantics { contentDescription = text },
            ) { Text(stringResource(R.string.text_message)) }
        }
    }
}
