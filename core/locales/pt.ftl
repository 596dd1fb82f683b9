# Português (Brasil e Portugal; formas do Brasil onde diferem).
# Message ids are the core's phrase codes with "." written "-" (alert.no_check_in is
# alert-no_check_in). Variables are the phrase's parameters; $count selects the plural.

milestone-days =
    { $count ->
        [one] { $count } dia
       *[other] { $count } dias
    }
milestone-years =
    { $count ->
        [one] { $count } ano
       *[other] { $count } anos
    }
alert-high_craving = Vontade intensa de consumir em { $count } dos últimos { $window_days } dias
alert-mood_drop = O humor caiu { $drop } pontos em { $days } dias
alert-warning_sign =
    { $count ->
        [one] Foi notado um sinal de alerta do seu plano ({ $stage })
       *[other] Foram notados { $count } sinais de alerta do seu plano ({ $stage })
    }
alert-medication_missed =
    { $count ->
        [one] Medicação não tomada há { $count } dia
       *[other] Medicação não tomada { $count } dias seguidos
    }
alert-meetings_missed =
    { $count ->
        [one] { $count } reunião agendada perdida
       *[other] { $count } reuniões agendadas perdidas seguidas
    }
alert-no_check_in =
    { $count ->
        [one] Sem registro diário há { $count } dia
       *[other] Sem registro diário há { $count } dias
    }
stage-early = inicial
stage-breaking_down = agravamento
stage-crisis = crise
review-due =
    { $count ->
        [one] Hora de rever o seu plano: última revisão há { $count } dia
       *[other] Hora de rever o seu plano: última revisão há { $count } dias
    }
review-never = Hora de rever o seu plano
help-default_text = Estou passando por um momento muito difícil e preciso da sua ajuda. Por favor, me ligue ou mande uma mensagem.
direction-rising = em alta
direction-falling = em baixa
direction-steady = estável
direction-unknown = dados insuficientes
summary-title = Meu plano de recuperação e os últimos 30 dias
summary-prepared = Preparado em { $day }. Compartilhado por mim; contém apenas o que escolhi.
summary-when_well = Quando estou bem
summary-daily_maintenance = Manutenção diária
summary-must_do = essencial
summary-should_do = recomendável
summary-triggers = Gatilhos
summary-warning_signs = Sinais de alerta
summary-coping = O que posso fazer por conta própria
summary-distractions = Pessoas e lugares que me distraem
summary-people_to_call = Pessoas a quem posso pedir ajuda
summary-professionals = Profissionais e linhas de crise
summary-environment = Tornar meu ambiente seguro
summary-reasons = Minhas razões para viver e para me recuperar
summary-goals = Metas
summary-medications = Medicação
summary-treatments = Tratamentos e serviços
summary-what_helps = O que me ajuda
summary-what_does_not_help = O que não me ajuda
summary-lapse_plan = Se houver uma recaída
summary-post_crisis = Depois de uma crise
summary-milestones = Marcos da recuperação
summary-milestone_line = { $substance }: { $days } dias desde { $since }; próximo marco { $next } em { $to_next } dias; recaídas até agora: { $lapses }
summary-last_30 = Os últimos 30 dias
summary-check_in_days = Dias com registro: { $count } de 30
summary-mood_line = Humor (0 muito baixo – 10 muito bom): média { $avg }, { $comparison }; { $course }
summary-craving_line = Vontade de consumir (0 nenhuma – 10 incontrolável): média { $avg }, { $comparison }; { $course }
summary-chart_title = Humor e vontade de consumir nos últimos 30 dias
summary-chart_desc =
    { $count ->
        [one] Gráfico de linhas de { $from } a { $to }, escala de 0 a 10. Humor: média { $mood }, mínimo { $mood_min }, máximo { $mood_max }. Vontade de consumir: média { $craving }, mínimo { $craving_min }, máximo { $craving_max }. { $count } de 30 dias tem registro.
       *[other] Gráfico de linhas de { $from } a { $to }, escala de 0 a 10. Humor: média { $mood }, mínimo { $mood_min }, máximo { $mood_max }. Vontade de consumir: média { $craving }, mínimo { $craving_min }, máximo { $craving_max }. { $count } de 30 dias têm registro.
    }
summary-chart_empty = Nenhum registro nos últimos 30 dias.
summary-day = Dia
summary-mood = Humor
summary-craving = Vontade
summary-no_entry = –
summary-table_caption = Humor e vontade diários (média dos registros do dia)
summary-top_triggers = Gatilhos mais frequentes
summary-trigger_line =
    { $count ->
        [one] { $name }: { $count } dia
       *[other] { $name }: { $count } dias
    }
summary-coping_used = Estratégias usadas e a vontade no dia seguinte
summary-coping_line =
    { $count ->
        [one] { $name }: usada em { $count } dia; vontade nesse dia { $same }, no dia seguinte { $next }
       *[other] { $name }: usada em { $count } dias; vontade nesses dias { $same }, no dia seguinte { $next }
    }
summary-attendance = Reuniões
summary-attendance_line = Fui a { $attended }, faltei a { $missed }. Humor nos dias de reunião { $on }, nos outros dias { $other }.
summary-alerts = Alertas precoces neste momento
summary-none = Nada registrado.
summary-removed_item = (removido do plano)
summary-done = feito
summary-not_done = por fazer
summary-legend_mood = Humor (linha contínua, círculos)
summary-legend_craving = Vontade (linha tracejada, quadrados)
summary-crisis_line_default = linha de crise local
summary-available = disponível: “{ $when }”
summary-will = fará: “{ $what }”
preference-preferred = preferido
preference-acceptable = aceitável
preference-unacceptable = não aceitável
preference-avoid = evitar
summary-goal_done = alcançada
summary-compare_up = acima dos { $before } dos 30 dias anteriores
summary-compare_down = abaixo dos { $before } dos 30 dias anteriores
summary-compare_same = quase igual aos 30 dias anteriores ({ $before })
summary-compare_none = sem registros nos 30 dias anteriores para comparar
summary-course_rising = nos últimos { $days } dias: subindo, cerca de { $change } pontos
summary-course_falling = nos últimos { $days } dias: descendo, cerca de { $change } pontos
summary-course_steady = nos últimos { $days } dias: estável
summary-course_unknown = nos últimos { $days } dias: poucos registros para dizer

## Overdose risk and medication schedules (issue 22)
alert-tolerance_lowered =
    { $count ->
        [one] Uso após { $count } dia sem usar: a sua tolerância está mais baixa agora, e a quantidade habitual pode causar uma overdose
       *[other] Uso após { $count } dias sem usar: a sua tolerância está mais baixa agora, e a quantidade habitual pode causar uma overdose
    }
reminder-dose_private = Lembrete às { $time }
reminder-dose_detailed = { $name }, { $dose } às { $time }
reminder-refill_private = Algo para buscar em { $day }
reminder-refill_detailed = Buscar { $name } em { $day } em { $place }
reminder-kit_expiry_private = Algo do seu plano vence em { $day }
reminder-kit_expiry_detailed = O kit de naloxona ({ $place }) vence em { $day }
summary-adherence = Medicação tomada como previsto (últimos 30 dias)
summary-adherence_line = { $name } ({ $dose }): { $taken } de { $due } doses tomadas
