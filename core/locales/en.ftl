# English: the reference catalogue. Every other file has exactly its messages and variables.
# Message ids are the core's phrase codes with "." written "-" (alert.no_check_in is
# alert-no_check_in). Variables are the phrase's parameters; $count selects the plural.

milestone-days =
    { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
milestone-years =
    { $count ->
        [one] { $count } year
       *[other] { $count } years
    }
alert-high_craving = High craving on { $count } of the last { $window_days } days
alert-mood_drop = Mood has dropped by { $drop } points over { $days } days
alert-warning_sign =
    { $count ->
        [one] A warning sign from your plan was noticed ({ $stage })
       *[other] { $count } warning signs from your plan were noticed ({ $stage })
    }
alert-medication_missed =
    { $count ->
        [one] Medication missed on { $count } day
       *[other] Medication missed on { $count } days in a row
    }
alert-meetings_missed =
    { $count ->
        [one] { $count } scheduled meeting missed
       *[other] { $count } scheduled meetings missed in a row
    }
alert-no_check_in =
    { $count ->
        [one] No check-in for { $count } day
       *[other] No check-in for { $count } days
    }
stage-early = early
stage-breaking_down = things breaking down
stage-crisis = crisis
review-due =
    { $count ->
        [one] Time to review your plan: last reviewed { $count } day ago
       *[other] Time to review your plan: last reviewed { $count } days ago
    }
review-never = Time to review your plan
help-default_text = I'm having a hard time right now and could use your help. Please call or text me.
direction-rising = rising
direction-falling = falling
direction-steady = steady
direction-unknown = not enough data
summary-title = My recovery plan and the last 30 days
summary-prepared = Prepared on { $day }. Shared by me; it contains only what I chose.
summary-when_well = When I'm well
summary-daily_maintenance = Daily maintenance
summary-must_do = must do
summary-should_do = should do
summary-triggers = Triggers
summary-warning_signs = Warning signs
summary-coping = Things I can do on my own
summary-distractions = People and places that take my mind off things
summary-people_to_call = People I can ask for help
summary-professionals = Professionals and crisis lines
summary-environment = Making my environment safe
summary-reasons = My reasons for living and for recovery
summary-goals = Goals
summary-medications = Medications
summary-treatments = Treatments and facilities
summary-what_helps = What helps
summary-what_does_not_help = What does not help
summary-lapse_plan = If a lapse happens
summary-post_crisis = After a crisis
summary-milestones = Recovery milestones
summary-milestone_line = { $substance }: { $days } days since { $since }; next milestone { $next } in { $to_next } days; lapses so far: { $lapses }
summary-last_30 = The last 30 days
summary-check_in_days = Days with a check-in: { $count } of 30
summary-mood_line = Mood (0 very low – 10 very good): average { $avg }, { $comparison }; { $course }
summary-craving_line = Craving (0 none – 10 overwhelming): average { $avg }, { $comparison }; { $course }
summary-chart_title = Mood and craving over the last 30 days
summary-chart_desc = Line chart from { $from } to { $to }, scale 0 to 10. Mood: average { $mood }, lowest { $mood_min }, highest { $mood_max }. Craving: average { $craving }, lowest { $craving_min }, highest { $craving_max }. { $count } of 30 days have a check-in.
summary-chart_empty = No check-ins in the last 30 days.
summary-day = Day
summary-mood = Mood
summary-craving = Craving
summary-no_entry = –
summary-table_caption = Daily mood and craving (average of the day's check-ins)
summary-top_triggers = Triggers met most often
summary-trigger_line =
    { $count ->
        [one] { $name }: { $count } day
       *[other] { $name }: { $count } days
    }
summary-coping_used = Coping used, and craving the next day
summary-coping_line =
    { $count ->
        [one] { $name }: used on { $count } day; craving that day { $same }, next day { $next }
       *[other] { $name }: used on { $count } days; craving that day { $same }, next day { $next }
    }
summary-attendance = Meetings
summary-attendance_line = Attended { $attended }, missed { $missed }. Mood on meeting days { $on }, on other days { $other }.
summary-alerts = Early warnings right now
summary-none = Nothing noted.
summary-removed_item = (removed from the plan)
summary-done = done
summary-not_done = to do
summary-legend_mood = Mood (solid line, circles)
summary-legend_craving = Craving (dashed line, squares)
summary-crisis_line_default = local crisis line
summary-available = available: “{ $when }”
summary-will = will: “{ $what }”
preference-preferred = preferred
preference-acceptable = acceptable
preference-unacceptable = not acceptable
preference-avoid = avoid
summary-goal_done = achieved
summary-compare_up = up from { $before } in the 30 days before
summary-compare_down = down from { $before } in the 30 days before
summary-compare_same = about the same as in the 30 days before ({ $before })
summary-compare_none = no check-ins in the 30 days before to compare with
summary-course_rising = over the last { $days } days: rising, by about { $change } points
summary-course_falling = over the last { $days } days: falling, by about { $change } points
summary-course_steady = over the last { $days } days: steady
summary-course_unknown = over the last { $days } days: too few check-ins to tell

## Overdose risk and medication schedules (issue 22)
alert-tolerance_lowered =
    { $count ->
        [one] Use after { $count } day without: your tolerance is lower now, and a usual amount can cause an overdose
       *[other] Use after { $count } days without: your tolerance is lower now, and a usual amount can cause an overdose
    }
reminder-dose_private = Reminder at { $time }
reminder-dose_detailed = { $name }, { $dose } at { $time }
reminder-refill_private = Something to pick up on { $day }
reminder-refill_detailed = Refill { $name } on { $day } at { $place }
reminder-kit_expiry_private = Something in your plan expires on { $day }
reminder-kit_expiry_detailed = The naloxone kit ({ $place }) expires on { $day }
summary-adherence = Medication taken as scheduled (last 30 days)
summary-adherence_line = { $name } ({ $dose }): { $taken } of { $due } doses taken
