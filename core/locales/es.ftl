# Español.
# Message ids are the core's phrase codes with "." written "-" (alert.no_check_in is
# alert-no_check_in). Variables are the phrase's parameters; $count selects the plural.

milestone-days =
    { $count ->
        [one] { $count } día
       *[other] { $count } días
    }
milestone-years =
    { $count ->
        [one] { $count } año
       *[other] { $count } años
    }
alert-high_craving = Deseo intenso de consumir en { $count } de los últimos { $window_days } días
alert-mood_drop = El ánimo ha bajado { $drop } puntos en { $days } días
alert-warning_sign =
    { $count ->
        [one] Se ha notado una señal de alerta de tu plan ({ $stage })
       *[other] Se han notado { $count } señales de alerta de tu plan ({ $stage })
    }
alert-medication_missed =
    { $count ->
        [one] Medicación sin tomar { $count } día
       *[other] Medicación sin tomar { $count } días seguidos
    }
alert-meetings_missed =
    { $count ->
        [one] { $count } reunión programada sin asistir
       *[other] { $count } reuniones programadas seguidas sin asistir
    }
alert-no_check_in =
    { $count ->
        [one] Sin registro diario desde hace { $count } día
       *[other] Sin registro diario desde hace { $count } días
    }
stage-early = temprana
stage-breaking_down = empeorando
stage-crisis = crisis
review-due =
    { $count ->
        [one] Es hora de revisar tu plan: última revisión hace { $count } día
       *[other] Es hora de revisar tu plan: última revisión hace { $count } días
    }
review-never = Es hora de revisar tu plan
help-default_text = Estoy pasando un momento difícil y necesito tu ayuda. Por favor, llámame o escríbeme.
direction-rising = subiendo
direction-falling = bajando
direction-steady = estable
direction-unknown = sin datos suficientes
summary-title = Mi plan de recuperación y los últimos 30 días
summary-prepared = Preparado el { $day }. Lo comparto yo; contiene solo lo que he elegido.
summary-when_well = Cuando estoy bien
summary-daily_maintenance = Mantenimiento diario
summary-must_do = imprescindible
summary-should_do = conveniente
summary-triggers = Desencadenantes
summary-warning_signs = Señales de alerta
summary-coping = Lo que puedo hacer por mi cuenta
summary-distractions = Personas y lugares que me distraen
summary-people_to_call = Personas a las que puedo pedir ayuda
summary-professionals = Profesionales y líneas de crisis
summary-environment = Hacer mi entorno seguro
summary-reasons = Mis razones para vivir y para recuperarme
summary-goals = Metas
summary-medications = Medicación
summary-treatments = Tratamientos y centros
summary-what_helps = Lo que me ayuda
summary-what_does_not_help = Lo que no me ayuda
summary-lapse_plan = Si tengo una recaída
summary-post_crisis = Después de una crisis
summary-milestones = Hitos de recuperación
summary-milestone_line = { $substance }: { $days } días desde el { $since }; próximo hito { $next } dentro de { $to_next } días; recaídas hasta ahora: { $lapses }
summary-last_30 = Los últimos 30 días
summary-check_in_days = Días con registro: { $count } de 30
summary-mood_line = Ánimo (0 muy bajo – 10 muy bueno): media { $avg }, { $comparison }; { $course }
summary-craving_line = Deseo de consumir (0 nada – 10 abrumador): media { $avg }, { $comparison }; { $course }
summary-chart_title = Ánimo y deseo de consumir en los últimos 30 días
summary-chart_desc = Gráfico de líneas del { $from } al { $to }, escala de 0 a 10. Ánimo: media { $mood }, mínimo { $mood_min }, máximo { $mood_max }. Deseo de consumir: media { $craving }, mínimo { $craving_min }, máximo { $craving_max }. { $count } de 30 días tienen registro.
summary-chart_empty = No hay registros en los últimos 30 días.
summary-day = Día
summary-mood = Ánimo
summary-craving = Deseo
summary-no_entry = –
summary-table_caption = Ánimo y deseo diarios (media de los registros del día)
summary-top_triggers = Desencadenantes más frecuentes
summary-trigger_line =
    { $count ->
        [one] { $name }: { $count } día
       *[other] { $name }: { $count } días
    }
summary-coping_used = Estrategias usadas y deseo al día siguiente
summary-coping_line =
    { $count ->
        [one] { $name }: usada { $count } día; deseo ese día { $same }, al día siguiente { $next }
       *[other] { $name }: usada { $count } días; deseo ese día { $same }, al día siguiente { $next }
    }
summary-attendance = Reuniones
summary-attendance_line = Asistí a { $attended }, falté a { $missed }. Ánimo en días de reunión { $on }, otros días { $other }.
summary-alerts = Avisos tempranos ahora mismo
summary-none = Nada anotado.
summary-removed_item = (eliminado del plan)
summary-done = hecho
summary-not_done = pendiente
summary-legend_mood = Ánimo (línea continua, círculos)
summary-legend_craving = Deseo (línea discontinua, cuadrados)
summary-crisis_line_default = línea de crisis local
summary-available = disponible: «{ $when }»
summary-will = hará: «{ $what }»
preference-preferred = preferente
preference-acceptable = aceptable
preference-unacceptable = no aceptable
preference-avoid = evitar
summary-goal_done = conseguida
summary-compare_up = más alto que { $before } en los 30 días anteriores
summary-compare_down = más bajo que { $before } en los 30 días anteriores
summary-compare_same = parecido a los 30 días anteriores ({ $before })
summary-compare_none = sin registros en los 30 días anteriores para comparar
summary-course_rising = en los últimos { $days } días: subiendo, unos { $change } puntos
summary-course_falling = en los últimos { $days } días: bajando, unos { $change } puntos
summary-course_steady = en los últimos { $days } días: estable
summary-course_unknown = en los últimos { $days } días: muy pocos registros para saberlo

## Overdose risk and medication schedules (issue 22)
alert-tolerance_lowered =
    { $count ->
        [one] Consumo tras { $count } día sin consumir: tu tolerancia es menor ahora y la cantidad de siempre puede causar una sobredosis
       *[other] Consumo tras { $count } días sin consumir: tu tolerancia es menor ahora y la cantidad de siempre puede causar una sobredosis
    }
reminder-dose_private = Recordatorio a las { $time }
reminder-dose_detailed = { $name }, { $dose } a las { $time }
reminder-refill_private = Algo que recoger el { $day }
reminder-refill_detailed = Recoger { $name } el { $day } en { $place }
reminder-kit_expiry_private = Algo de tu plan caduca el { $day }
reminder-kit_expiry_detailed = El kit de naloxona ({ $place }) caduca el { $day }
summary-adherence = Medicación tomada según lo previsto (últimos 30 días)
summary-adherence_line = { $name } ({ $dose }): { $taken } de { $due } dosis tomadas
