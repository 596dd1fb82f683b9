package org.twofold.demo.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Slider
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.twofold.demo.R
import org.twofold.demo.model.CheckInModel
import org.twofold.demo.ui.Chips
import org.twofold.demo.ui.LabeledSwitch
import org.twofold.demo.ui.ProblemLine
import org.twofold.demo.ui.SectionHeader
import org.twofold.demo.ui.WithModel
import org.twofold.demo.ui.phraseText
import org.twofold.demo.ui.screenModel

/**
 * The check-in, in under 20 seconds: two sliders already set, optional chips from the plan,
 * one button. After saving, any alert it raised shows with a way to the crisis screen.
 */
@Composable
fun CheckInScreen(onCrisis: () -> Unit) {
    val vm = screenModel("check-in") { store, scope -> CheckInModel(store, clock, scope) }
    WithModel(vm) { model ->
        val state by model.state.collectAsStateWithLifecycle()
        val problem by model.problem.collectAsStateWithLifecycle()
        val d = state.draft
        Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState())) {
            ProblemLine(problem, model::dismissProblem)
            val outcome = state.outcome
            if (outcome != null) {
                Text(stringResource(R.string.check_in_saved))
                for (alert in outcome.alerts) Text(phraseText(alert.reason), Modifier.padding(vertical = 4.dp))
                if (outcome.alerts.isNotEmpty()) {
                    val label = stringResource(R.string.crisis_open)
                    Button(onClick = onCrisis, modifier = Modifier.semantics { contentDescription = label }) { Text(label) }
                }
                val again = stringResource(R.string.check_in_again)
                Button(onClick = model::startAgain, modifier = Modifier.semantics { contentDescription = again }) { Text(again) }
                return@Column
            }
            Scale(stringResource(R.string.check_in_mood), d.mood) { v -> model.edit { it.copy(mood = v) } }
            Scale(stringResource(R.string.check_in_craving), d.craving) { v -> model.edit { it.copy(craving = v) } }
            if (state.choices.doses.isEmpty()) {
                LabeledSwitch(stringResource(R.string.check_in_medication), d.medicationTaken == true) { v -> model.edit { it.copy(medicationTaken = v) } }
            } else {
                // A schedule exists: one answer per dose, taken or missed.
                SectionHeader(stringResource(R.string.check_in_doses))
                for (dose in state.choices.doses) {
                    Text("${dose.time}  ${dose.name} ${dose.dose}")
                    val answers = listOf(true, false)
                    Chips(answers, { d.doses[dose.key] == it }, { stringResource(if (it) R.string.check_in_dose_taken else R.string.check_in_dose_missed) }) { taken ->
                        model.answerDose(dose.key, if (d.doses[dose.key] == taken) null else taken)
                    }
                }
            }
            LabeledSwitch(stringResource(R.string.check_in_used), d.usedSubstance) { v -> model.edit { it.copy(usedSubstance = v) } }
            if (state.choices.warningSigns.isNotEmpty()) {
                SectionHeader(stringResource(R.string.check_in_warning_signs))
                Chips(state.choices.warningSigns, { it.id in d.warningSigns }, { it.description }) { w ->
                    model.edit { it.copy(warningSigns = it.warningSigns.toggle(w.id)) }
                }
            }
            if (state.choices.triggers.isNotEmpty()) {
                SectionHeader(stringResource(R.string.check_in_triggers))
                Chips(state.choices.triggers, { it.id in d.triggers }, { it.description }) { t ->
                    model.edit { it.copy(triggers = it.triggers.toggle(t.id)) }
                }
            }
            if (state.choices.coping.isNotEmpty()) {
                SectionHeader(stringResource(R.string.check_in_coping))
                Chips(state.choices.coping, { it.id in d.coping }, { it.description }) { c ->
                    model.edit { it.copy(coping = it.coping.toggle(c.id)) }
                }
            }
            val noteLabel = stringResource(R.string.check_in_note)
            OutlinedTextField(
                value = d.note, onValueChange = { v -> model.edit { it.copy(note = v) } },
                label = { Text(noteLabel) }, modifier = Modifier.fillMaxWidth().semantics { contentDescription = noteLabel },
            )
            val save = stringResource(R.string.save)
            Button(
                onClick = { model.save() }, enabled = !state.saving,
                modifier = Modifier.fillMaxWidth().padding(top = 16.dp).semantics { contentDescription = save },
            ) { Text(save) }
        }
    }
}

private fun Set<String>.toggle(id: String) = if (id in this) this - id else this + id

/** A 0–10 slider that says its value to TalkBack. */
@Composable
private fun Scale(label: String, value: Int, onChange: (Int) -> Unit) {
    Text("$label: $value", Modifier.padding(top = 8.dp))
    Slider(
        value = value.toFloat(), onValueChange = { onChange(it.toInt()) }, valueRange = 0f..10f, steps = 9,
        modifier = Modifier.semantics { contentDescription = label; stateDescription = value.toString() },
    )
}
