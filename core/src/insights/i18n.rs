//! Localisable words: every text the core produces is a [`Phrase`] — a stable code plus named
//! parameters — so the apps can translate it with their own string tables. The core carries
//! English and Spanish itself, for the summary and for apps that have no table for a code yet.

use serde::{Deserialize, Serialize};

/// A language the core renders itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhraseParam {
    pub name: String,
    pub value: String,
}

/// A code with parameters, e.g. `alert.high_craving` with `count=3, window_days=5, level=7`.
/// A parameter named `count` selects the singular or plural form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrase {
    pub code: String,
    pub params: Vec<PhraseParam>,
}

impl Phrase {
    pub fn new(code: &str) -> Self {
        Phrase {
            code: code.to_string(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push(PhraseParam {
            name: name.to_string(),
            value: value.to_string(),
        });
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }
}

/// (code, English one, English other, Spanish one, Spanish other). Placeholders are `{name}`.
const TABLE: &[(&str, &str, &str, &str, &str)] = &[
    ("milestone.days", "{count} day", "{count} days", "{count} día", "{count} días"),
    ("milestone.years", "{count} year", "{count} years", "{count} año", "{count} años"),
    (
        "alert.high_craving",
        "High craving on {count} of the last {window_days} days",
        "High craving on {count} of the last {window_days} days",
        "Deseo intenso de consumir en {count} de los últimos {window_days} días",
        "Deseo intenso de consumir en {count} de los últimos {window_days} días",
    ),
    (
        "alert.mood_drop",
        "Mood has dropped by {drop} points over {days} days",
        "Mood has dropped by {drop} points over {days} days",
        "El ánimo ha bajado {drop} puntos en {days} días",
        "El ánimo ha bajado {drop} puntos en {days} días",
    ),
    (
        "alert.warning_sign",
        "A warning sign from your plan was noticed ({stage})",
        "{count} warning signs from your plan were noticed ({stage})",
        "Se ha notado una señal de alerta de tu plan ({stage})",
        "Se han notado {count} señales de alerta de tu plan ({stage})",
    ),
    (
        "alert.medication_missed",
        "Medication missed on {count} day",
        "Medication missed on {count} days in a row",
        "Medicación sin tomar {count} día",
        "Medicación sin tomar {count} días seguidos",
    ),
    (
        "alert.meetings_missed",
        "{count} scheduled meeting missed",
        "{count} scheduled meetings missed in a row",
        "{count} reunión programada sin asistir",
        "{count} reuniones programadas seguidas sin asistir",
    ),
    (
        "alert.no_check_in",
        "No check-in for {count} day",
        "No check-in for {count} days",
        "Sin registro diario desde hace {count} día",
        "Sin registro diario desde hace {count} días",
    ),
    ("stage.early", "early", "early", "temprana", "temprana"),
    ("stage.breaking_down", "things breaking down", "things breaking down", "empeorando", "empeorando"),
    ("stage.crisis", "crisis", "crisis", "crisis", "crisis"),
    (
        "review.due",
        "Time to review your plan: last reviewed {count} day ago",
        "Time to review your plan: last reviewed {count} days ago",
        "Es hora de revisar tu plan: última revisión hace {count} día",
        "Es hora de revisar tu plan: última revisión hace {count} días",
    ),
    (
        "review.never",
        "Time to review your plan",
        "Time to review your plan",
        "Es hora de revisar tu plan",
        "Es hora de revisar tu plan",
    ),
    (
        "help.default_text",
        "I'm having a hard time right now and could use your help. Please call or text me.",
        "I'm having a hard time right now and could use your help. Please call or text me.",
        "Estoy pasando un momento difícil y necesito tu ayuda. Por favor, llámame o escríbeme.",
        "Estoy pasando un momento difícil y necesito tu ayuda. Por favor, llámame o escríbeme.",
    ),
    ("direction.rising", "rising", "rising", "subiendo", "subiendo"),
    ("direction.falling", "falling", "falling", "bajando", "bajando"),
    ("direction.steady", "steady", "steady", "estable", "estable"),
    ("direction.unknown", "not enough data", "not enough data", "sin datos suficientes", "sin datos suficientes"),
    ("summary.title", "My recovery plan and the last 30 days", "", "Mi plan de recuperación y los últimos 30 días", ""),
    ("summary.prepared", "Prepared on {day}. Shared by me; it contains only what I chose.", "", "Preparado el {day}. Lo comparto yo; contiene solo lo que he elegido.", ""),
    ("summary.when_well", "When I'm well", "", "Cuando estoy bien", ""),
    ("summary.daily_maintenance", "Daily maintenance", "", "Mantenimiento diario", ""),
    ("summary.must_do", "must do", "", "imprescindible", ""),
    ("summary.should_do", "should do", "", "conveniente", ""),
    ("summary.triggers", "Triggers", "", "Desencadenantes", ""),
    ("summary.warning_signs", "Warning signs", "", "Señales de alerta", ""),
    ("summary.coping", "Things I can do on my own", "", "Lo que puedo hacer por mi cuenta", ""),
    ("summary.distractions", "People and places that take my mind off things", "", "Personas y lugares que me distraen", ""),
    ("summary.people_to_call", "People I can ask for help", "", "Personas a las que puedo pedir ayuda", ""),
    ("summary.professionals", "Professionals and crisis lines", "", "Profesionales y líneas de crisis", ""),
    ("summary.environment", "Making my environment safe", "", "Hacer mi entorno seguro", ""),
    ("summary.reasons", "My reasons for living and for recovery", "", "Mis razones para vivir y para recuperarme", ""),
    ("summary.goals", "Goals", "", "Metas", ""),
    ("summary.medications", "Medications", "", "Medicación", ""),
    ("summary.treatments", "Treatments and facilities", "", "Tratamientos y centros", ""),
    ("summary.what_helps", "What helps", "", "Lo que me ayuda", ""),
    ("summary.what_does_not_help", "What does not help", "", "Lo que no me ayuda", ""),
    ("summary.lapse_plan", "If a lapse happens", "", "Si tengo una recaída", ""),
    ("summary.post_crisis", "After a crisis", "", "Después de una crisis", ""),
    ("summary.milestones", "Recovery milestones", "", "Hitos de recuperación", ""),
    ("summary.milestone_line", "{substance}: {days} days since {since}; next milestone {next} in {to_next} days; lapses so far: {lapses}", "", "{substance}: {days} días desde el {since}; próximo hito {next} dentro de {to_next} días; recaídas hasta ahora: {lapses}", ""),
    ("summary.last_30", "The last 30 days", "", "Los últimos 30 días", ""),
    ("summary.check_in_days", "Days with a check-in: {count} of 30", "", "Días con registro: {count} de 30", ""),
    ("summary.mood_line", "Mood (0 very low – 10 very good): average {avg}, {direction}", "", "Ánimo (0 muy bajo – 10 muy bueno): media {avg}, {direction}", ""),
    ("summary.craving_line", "Craving (0 none – 10 overwhelming): average {avg}, {direction}", "", "Deseo de consumir (0 nada – 10 abrumador): media {avg}, {direction}", ""),
    ("summary.chart_title", "Mood and craving over the last 30 days", "", "Ánimo y deseo de consumir en los últimos 30 días", ""),
    ("summary.chart_desc", "Line chart from {from} to {to}, scale 0 to 10. Mood: average {mood}, lowest {mood_min}, highest {mood_max}. Craving: average {craving}, lowest {craving_min}, highest {craving_max}. {count} of 30 days have a check-in.", "", "Gráfico de líneas del {from} al {to}, escala de 0 a 10. Ánimo: media {mood}, mínimo {mood_min}, máximo {mood_max}. Deseo de consumir: media {craving}, mínimo {craving_min}, máximo {craving_max}. {count} de 30 días tienen registro.", ""),
    ("summary.chart_empty", "No check-ins in the last 30 days.", "", "No hay registros en los últimos 30 días.", ""),
    ("summary.day", "Day", "", "Día", ""),
    ("summary.mood", "Mood", "", "Ánimo", ""),
    ("summary.craving", "Craving", "", "Deseo", ""),
    ("summary.no_entry", "–", "", "–", ""),
    ("summary.table_caption", "Daily mood and craving (average of the day's check-ins)", "", "Ánimo y deseo diarios (media de los registros del día)", ""),
    ("summary.top_triggers", "Triggers met most often", "", "Desencadenantes más frecuentes", ""),
    ("summary.trigger_line", "{name}: {count} day", "{name}: {count} days", "{name}: {count} día", "{name}: {count} días"),
    ("summary.coping_used", "Coping used, and craving the next day", "", "Estrategias usadas y deseo al día siguiente", ""),
    (
        "summary.coping_line",
        "{name}: used on {count} day; craving that day {same}, next day {next}",
        "{name}: used on {count} days; craving that day {same}, next day {next}",
        "{name}: usada {count} día; deseo ese día {same}, al día siguiente {next}",
        "{name}: usada {count} días; deseo ese día {same}, al día siguiente {next}",
    ),
    ("summary.attendance", "Meetings", "", "Reuniones", ""),
    ("summary.attendance_line", "Attended {attended}, missed {missed}. Mood on meeting days {on}, on other days {other}.", "", "Asistí a {attended}, falté a {missed}. Ánimo en días de reunión {on}, otros días {other}.", ""),
    ("summary.alerts", "Early warnings right now", "", "Avisos tempranos ahora mismo", ""),
    ("summary.none", "Nothing noted.", "", "Nada anotado.", ""),
    ("summary.removed_item", "(removed from the plan)", "", "(eliminado del plan)", ""),
    ("summary.done", "done", "", "hecho", ""),
    ("summary.not_done", "to do", "", "pendiente", ""),
    ("summary.legend_mood", "Mood (solid line, circles)", "", "Ánimo (línea continua, círculos)", ""),
    ("summary.legend_craving", "Craving (dashed line, squares)", "", "Deseo (línea discontinua, cuadrados)", ""),
    ("summary.crisis_line_default", "local crisis line", "", "línea de crisis local", ""),
    ("summary.available", "available {when}", "", "disponible {when}", ""),
    ("summary.will", "will {what}", "", "hará: {what}", ""),
    ("preference.preferred", "preferred", "", "preferente", ""),
    ("preference.acceptable", "acceptable", "", "aceptable", ""),
    ("preference.unacceptable", "not acceptable", "", "no aceptable", ""),
    ("preference.avoid", "avoid", "", "evitar", ""),
    ("summary.goal_done", "achieved", "", "conseguida", ""),
    // Issue 22, overdose risk and medication schedules: one block, for the catalogues.
    (
        "alert.tolerance_lowered",
        "Use after {count} day without: your tolerance is lower now, and a usual amount can cause an overdose",
        "Use after {count} days without: your tolerance is lower now, and a usual amount can cause an overdose",
        "Consumo tras {count} día sin consumir: tu tolerancia es menor ahora y la cantidad de siempre puede causar una sobredosis",
        "Consumo tras {count} días sin consumir: tu tolerancia es menor ahora y la cantidad de siempre puede causar una sobredosis",
    ),
    ("reminder.dose_private", "Reminder at {time}", "", "Recordatorio a las {time}", ""),
    ("reminder.dose_detailed", "{name}, {dose} at {time}", "", "{name}, {dose} a las {time}", ""),
    ("reminder.refill_private", "Something to pick up on {day}", "", "Algo que recoger el {day}", ""),
    ("reminder.refill_detailed", "Refill {name} on {day} at {place}", "", "Recoger {name} el {day} en {place}", ""),
    ("reminder.kit_expiry_private", "Something in your plan expires on {day}", "", "Algo de tu plan caduca el {day}", ""),
    ("reminder.kit_expiry_detailed", "The naloxone kit ({place}) expires on {day}", "", "El kit de naloxona ({place}) caduca el {day}", ""),
    ("summary.adherence", "Medication taken as scheduled (last 30 days)", "", "Medicación tomada según lo previsto (últimos 30 días)", ""),
    ("summary.adherence_line", "{name} ({dose}): {taken} of {due} doses taken", "", "{name} ({dose}): {taken} de {due} dosis tomadas", ""),
];

fn entry(
    code: &str,
) -> Option<&'static (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    TABLE.iter().find(|e| e.0 == code)
}

/// Whether the core has words for `code` (in both of its languages).
pub fn knows(code: &str) -> bool {
    entry(code).is_some()
}

/// A fixed label (no parameters).
pub fn label(lang: Lang, code: &str) -> String {
    render(lang, &Phrase::new(code))
}

/// The phrase in `lang`. Unknown codes come back as the code itself, so a missing translation
/// is visible rather than silent.
pub fn render(lang: Lang, phrase: &Phrase) -> String {
    let Some((_, en1, en, es1, es)) = entry(&phrase.code) else {
        return phrase.code.clone();
    };
    let one = phrase.param("count") == Some("1");
    let template = match (lang, one) {
        (Lang::En, true) => *en1,
        (Lang::En, false) if en.is_empty() => *en1,
        (Lang::En, false) => *en,
        (Lang::Es, true) => *es1,
        (Lang::Es, false) if es.is_empty() => *es1,
        (Lang::Es, false) => *es,
    };
    let mut out = template.to_string();
    for p in &phrase.params {
        let value = match p.name.as_str() {
            "stage" | "direction" => label(lang, &format!("{}.{}", p.name, p.value)),
            _ => localise_number(lang, &p.value),
        };
        out = out.replace(&format!("{{{}}}", p.name), &value);
    }
    out
}

/// Spanish writes decimals with a comma.
fn localise_number(lang: Lang, value: &str) -> String {
    let numeric = !value.is_empty()
        && value.contains('.')
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    match lang {
        Lang::Es if numeric => value.replace('.', ","),
        _ => value.to_string(),
    }
}

/// One decimal, as the summary shows averages.
pub fn decimal(lang: Lang, value: f64) -> String {
    localise_number(lang, &format!("{value:.1}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_decimal_follow_the_language() {
        let p = Phrase::new("alert.no_check_in").with("count", 1);
        assert_eq!(render(Lang::En, &p), "No check-in for 1 day");
        let p = Phrase::new("alert.mood_drop")
            .with("drop", "2.5")
            .with("days", 7);
        assert_eq!(
            render(Lang::Es, &p),
            "El ánimo ha bajado 2,5 puntos en 7 días"
        );
        assert_eq!(
            render(Lang::En, &Phrase::new("no.such.code")),
            "no.such.code"
        );
    }

    #[test]
    fn every_code_has_both_languages() {
        for (code, en1, _, es1, _) in TABLE {
            assert!(!en1.is_empty() && !es1.is_empty(), "{code}");
        }
    }
}
