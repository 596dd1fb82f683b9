# Français.
# Message ids are the core's phrase codes with "." written "-" (alert.no_check_in is
# alert-no_check_in). Variables are the phrase's parameters; $count selects the plural.

milestone-days =
    { $count ->
        [one] { $count } jour
       *[other] { $count } jours
    }
milestone-years =
    { $count ->
        [one] { $count } an
       *[other] { $count } ans
    }
alert-high_craving =
    { $count ->
        [one] Forte envie de consommer { $count } jour sur les { $window_days } derniers jours
       *[other] Forte envie de consommer { $count } jours sur les { $window_days } derniers jours
    }
alert-mood_drop = L'humeur a baissé de { $drop } points en { $days } jours
alert-warning_sign =
    { $count ->
        [one] Un signe d'alerte de votre plan a été remarqué ({ $stage })
       *[other] { $count } signes d'alerte de votre plan ont été remarqués ({ $stage })
    }
alert-medication_missed =
    { $count ->
        [one] Médicament non pris { $count } jour
       *[other] Médicament non pris { $count } jours de suite
    }
alert-meetings_missed =
    { $count ->
        [one] { $count } réunion prévue manquée
       *[other] { $count } réunions prévues manquées de suite
    }
alert-no_check_in =
    { $count ->
        [one] Aucun bilan depuis { $count } jour
       *[other] Aucun bilan depuis { $count } jours
    }
stage-early = précoce
stage-breaking_down = les choses se dégradent
stage-crisis = crise
review-due =
    { $count ->
        [one] Il est temps de revoir votre plan : dernière révision il y a { $count } jour
       *[other] Il est temps de revoir votre plan : dernière révision il y a { $count } jours
    }
review-never = Il est temps de revoir votre plan
help-default_text = Je traverse un moment très difficile et j'aurais besoin de ton aide. Appelle-moi ou écris-moi, s'il te plaît.
direction-rising = en hausse
direction-falling = en baisse
direction-steady = stable
direction-unknown = pas assez de données
summary-title = Mon plan de rétablissement et les 30 derniers jours
summary-prepared = Préparé le { $day }. Je le partage moi-même ; il ne contient que ce que j'ai choisi.
summary-when_well = Quand je vais bien
summary-daily_maintenance = Entretien quotidien
summary-must_do = indispensable
summary-should_do = souhaitable
summary-triggers = Déclencheurs
summary-warning_signs = Signes d'alerte
summary-coping = Ce que je peux faire par moi-même
summary-distractions = Personnes et lieux qui me changent les idées
summary-people_to_call = Personnes à qui je peux demander de l'aide
summary-professionals = Professionnels et lignes d'écoute de crise
summary-environment = Sécuriser mon environnement
summary-reasons = Mes raisons de vivre et de me rétablir
summary-goals = Objectifs
summary-medications = Médicaments
summary-treatments = Traitements et établissements
summary-what_helps = Ce qui m'aide
summary-what_does_not_help = Ce qui ne m'aide pas
summary-lapse_plan = En cas de rechute
summary-post_crisis = Après une crise
summary-milestones = Étapes du rétablissement
summary-milestone_line = { $substance } : { $days } jours depuis le { $since } ; prochaine étape { $next } dans { $to_next } jours ; rechutes jusqu'ici : { $lapses }
summary-last_30 = Les 30 derniers jours
summary-check_in_days = Jours avec un bilan : { $count } sur 30
summary-mood_line = Humeur (0 très basse – 10 très bonne) : moyenne { $avg }, { $comparison } ; { $course }
summary-craving_line = Envie de consommer (0 aucune – 10 irrésistible) : moyenne { $avg }, { $comparison } ; { $course }
summary-chart_title = Humeur et envie de consommer sur les 30 derniers jours
summary-chart_desc =
    { $count ->
        [one] Graphique en lignes du { $from } au { $to }, échelle de 0 à 10. Humeur : moyenne { $mood }, minimum { $mood_min }, maximum { $mood_max }. Envie de consommer : moyenne { $craving }, minimum { $craving_min }, maximum { $craving_max }. { $count } jour sur 30 a un bilan.
       *[other] Graphique en lignes du { $from } au { $to }, échelle de 0 à 10. Humeur : moyenne { $mood }, minimum { $mood_min }, maximum { $mood_max }. Envie de consommer : moyenne { $craving }, minimum { $craving_min }, maximum { $craving_max }. { $count } jours sur 30 ont un bilan.
    }
summary-chart_empty = Aucun bilan sur les 30 derniers jours.
summary-day = Jour
summary-mood = Humeur
summary-craving = Envie
summary-no_entry = –
summary-table_caption = Humeur et envie quotidiennes (moyenne des bilans du jour)
summary-top_triggers = Déclencheurs rencontrés le plus souvent
summary-trigger_line =
    { $count ->
        [one] { $name } : { $count } jour
       *[other] { $name } : { $count } jours
    }
summary-coping_used = Stratégies utilisées, et l'envie le lendemain
summary-coping_line =
    { $count ->
        [one] { $name } : utilisée { $count } jour ; envie ce jour-là { $same }, le lendemain { $next }
       *[other] { $name } : utilisée { $count } jours ; envie ces jours-là { $same }, le lendemain { $next }
    }
summary-attendance = Réunions
summary-attendance_line = Présent à { $attended }, absent à { $missed }. Humeur les jours de réunion { $on }, les autres jours { $other }.
summary-alerts = Alertes précoces en ce moment
summary-none = Rien à signaler.
summary-removed_item = (retiré du plan)
summary-done = fait
summary-not_done = à faire
summary-legend_mood = Humeur (ligne continue, cercles)
summary-legend_craving = Envie (ligne pointillée, carrés)
summary-crisis_line_default = ligne de crise locale
summary-available = disponible : « { $when } »
summary-will = fera : « { $what } »
preference-preferred = préféré
preference-acceptable = acceptable
preference-unacceptable = non acceptable
preference-avoid = à éviter
summary-goal_done = atteint
summary-compare_up = en hausse par rapport à { $before } sur les 30 jours précédents
summary-compare_down = en baisse par rapport à { $before } sur les 30 jours précédents
summary-compare_same = à peu près comme sur les 30 jours précédents ({ $before })
summary-compare_none = aucun bilan sur les 30 jours précédents pour comparer
summary-course_rising = sur les { $days } derniers jours : en hausse, d'environ { $change } points
summary-course_falling = sur les { $days } derniers jours : en baisse, d'environ { $change } points
summary-course_steady = sur les { $days } derniers jours : stable
summary-course_unknown = sur les { $days } derniers jours : trop peu de bilans pour le dire

## Overdose risk and medication schedules (issue 22)
alert-tolerance_lowered =
    { $count ->
        [one] Consommation après { $count } jour sans : ta tolérance est plus basse maintenant, et une quantité habituelle peut provoquer une overdose
       *[other] Consommation après { $count } jours sans : ta tolérance est plus basse maintenant, et une quantité habituelle peut provoquer une overdose
    }
reminder-dose_private = Rappel à { $time }
reminder-dose_detailed = { $name }, { $dose } à { $time }
reminder-refill_private = Quelque chose à récupérer le { $day }
reminder-refill_detailed = Renouveler { $name } le { $day } à { $place }
reminder-kit_expiry_private = Quelque chose dans ton plan expire le { $day }
reminder-kit_expiry_detailed = La trousse de naloxone ({ $place }) expire le { $day }
summary-adherence = Médicaments pris comme prévu (30 derniers jours)
summary-adherence_line = { $name } ({ $dose }) : { $taken } doses prises sur { $due }
