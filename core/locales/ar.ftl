# العربية. Right to left; plural categories zero, one, two, few, many, other (CLDR).
# Message ids are the core's phrase codes with "." written "-" (alert.no_check_in is
# alert-no_check_in). Variables are the phrase's parameters; $count selects the plural.

milestone-days =
    { $count ->
        [zero] { $count } يوم
        [one] يوم واحد
        [two] يومان
        [few] { $count } أيام
        [many] { $count } يومًا
       *[other] { $count } يوم
    }
milestone-years =
    { $count ->
        [zero] { $count } سنة
        [one] سنة واحدة
        [two] سنتان
        [few] { $count } سنوات
        [many] { $count } سنة
       *[other] { $count } سنة
    }
alert-high_craving = رغبة شديدة في التعاطي في { $count } من الأيام الـ { $window_days } الأخيرة
alert-mood_drop = انخفض المزاج بمقدار { $drop } نقطة خلال الأيام الـ { $days } الأخيرة
alert-warning_sign =
    { $count ->
        [zero] لوحظت { $count } علامة تحذيرية من خطتك ({ $stage })
        [one] لوحظت علامة تحذيرية من خطتك ({ $stage })
        [two] لوحظت علامتان تحذيريتان من خطتك ({ $stage })
        [few] لوحظت { $count } علامات تحذيرية من خطتك ({ $stage })
        [many] لوحظت { $count } علامة تحذيرية من خطتك ({ $stage })
       *[other] لوحظت { $count } علامة تحذيرية من خطتك ({ $stage })
    }
alert-medication_missed =
    { $count ->
        [zero] لم يُؤخذ الدواء { $count } يوم
        [one] لم يُؤخذ الدواء يومًا واحدًا
        [two] لم يُؤخذ الدواء يومين متتاليين
        [few] لم يُؤخذ الدواء { $count } أيام متتالية
        [many] لم يُؤخذ الدواء { $count } يومًا متتاليًا
       *[other] لم يُؤخذ الدواء { $count } يوم متتالٍ
    }
alert-meetings_missed =
    { $count ->
        [zero] فاتك { $count } اجتماع مجدول
        [one] فاتك اجتماع مجدول واحد
        [two] فاتك اجتماعان مجدولان متتاليان
        [few] فاتتك { $count } اجتماعات مجدولة متتالية
        [many] فاتك { $count } اجتماعًا مجدولًا متتاليًا
       *[other] فاتك { $count } اجتماع مجدول متتالٍ
    }
alert-no_check_in =
    { $count ->
        [zero] لا يوجد تسجيل يومي منذ { $count } يوم
        [one] لا يوجد تسجيل يومي منذ يوم واحد
        [two] لا يوجد تسجيل يومي منذ يومين
        [few] لا يوجد تسجيل يومي منذ { $count } أيام
        [many] لا يوجد تسجيل يومي منذ { $count } يومًا
       *[other] لا يوجد تسجيل يومي منذ { $count } يوم
    }
stage-early = مبكرة
stage-breaking_down = تدهور الأمور
stage-crisis = أزمة
review-due =
    { $count ->
        [zero] حان وقت مراجعة خطتك: آخر مراجعة قبل { $count } يوم
        [one] حان وقت مراجعة خطتك: آخر مراجعة قبل يوم واحد
        [two] حان وقت مراجعة خطتك: آخر مراجعة قبل يومين
        [few] حان وقت مراجعة خطتك: آخر مراجعة قبل { $count } أيام
        [many] حان وقت مراجعة خطتك: آخر مراجعة قبل { $count } يومًا
       *[other] حان وقت مراجعة خطتك: آخر مراجعة قبل { $count } يوم
    }
review-never = حان وقت مراجعة خطتك
help-default_text = أمرّ بوقت صعب جدًا الآن وأحتاج إلى مساعدتك. أرجو أن تتصل بي أو تراسلني.
direction-rising = في ارتفاع
direction-falling = في انخفاض
direction-steady = مستقر
direction-unknown = لا توجد بيانات كافية
summary-title = خطة تعافيّ وآخر 30 يومًا
summary-prepared = أُعدّت في { $day }. أشاركها بنفسي، ولا تتضمن إلا ما اخترته.
summary-when_well = عندما أكون بخير
summary-daily_maintenance = الرعاية اليومية
summary-must_do = ضروري
summary-should_do = مستحسن
summary-triggers = المحفّزات
summary-warning_signs = العلامات التحذيرية
summary-coping = ما يمكنني فعله بنفسي
summary-distractions = أشخاص وأماكن تصرف ذهني عن الأمور
summary-people_to_call = أشخاص يمكنني طلب المساعدة منهم
summary-professionals = المختصون وخطوط الأزمات
summary-environment = جعل بيئتي آمنة
summary-reasons = أسبابي للعيش وللتعافي
summary-goals = الأهداف
summary-medications = الأدوية
summary-treatments = العلاجات والمرافق
summary-what_helps = ما يساعدني
summary-what_does_not_help = ما لا يساعدني
summary-lapse_plan = إذا حدثت انتكاسة
summary-post_crisis = بعد الأزمة
summary-milestones = محطات التعافي
summary-milestone_line = { $substance }: { $days } يومًا منذ { $since }؛ المحطة التالية { $next } بعد { $to_next } يومًا؛ الانتكاسات حتى الآن: { $lapses }
summary-last_30 = آخر 30 يومًا
summary-check_in_days = أيام فيها تسجيل: { $count } من 30
summary-mood_line = المزاج (0 منخفض جدًا – 10 جيد جدًا): المتوسط { $avg }، { $comparison }؛ { $course }
summary-craving_line = الرغبة في التعاطي (0 لا شيء – 10 طاغية): المتوسط { $avg }، { $comparison }؛ { $course }
summary-chart_title = المزاج والرغبة في التعاطي خلال آخر 30 يومًا
summary-chart_desc = رسم بياني خطي من { $from } إلى { $to }، بمقياس من 0 إلى 10. المزاج: المتوسط { $mood }، الأدنى { $mood_min }، الأعلى { $mood_max }. الرغبة في التعاطي: المتوسط { $craving }، الأدنى { $craving_min }، الأعلى { $craving_max }. الأيام التي فيها تسجيل: { $count } من 30.
summary-chart_empty = لا توجد تسجيلات في آخر 30 يومًا.
summary-day = اليوم
summary-mood = المزاج
summary-craving = الرغبة
summary-no_entry = –
summary-table_caption = المزاج والرغبة يوميًا (متوسط تسجيلات اليوم)
summary-top_triggers = أكثر المحفّزات تكرارًا
summary-trigger_line =
    { $count ->
        [zero] { $name }: { $count } يوم
        [one] { $name }: يوم واحد
        [two] { $name }: يومان
        [few] { $name }: { $count } أيام
        [many] { $name }: { $count } يومًا
       *[other] { $name }: { $count } يوم
    }
summary-coping_used = استراتيجيات التأقلم المستخدمة، والرغبة في اليوم التالي
summary-coping_line =
    { $count ->
        [zero] { $name }: استُخدمت في { $count } يوم؛ الرغبة في ذلك اليوم { $same }، وفي اليوم التالي { $next }
        [one] { $name }: استُخدمت في يوم واحد؛ الرغبة في ذلك اليوم { $same }، وفي اليوم التالي { $next }
        [two] { $name }: استُخدمت في يومين؛ الرغبة في ذلك اليوم { $same }، وفي اليوم التالي { $next }
        [few] { $name }: استُخدمت في { $count } أيام؛ الرغبة في ذلك اليوم { $same }، وفي اليوم التالي { $next }
        [many] { $name }: استُخدمت في { $count } يومًا؛ الرغبة في ذلك اليوم { $same }، وفي اليوم التالي { $next }
       *[other] { $name }: استُخدمت في { $count } يوم؛ الرغبة في ذلك اليوم { $same }، وفي اليوم التالي { $next }
    }
summary-attendance = الاجتماعات
summary-attendance_line = حضرت { $attended }، وفاتني { $missed }. المزاج في أيام الاجتماعات { $on }، وفي الأيام الأخرى { $other }.
summary-alerts = التحذيرات المبكرة الآن
summary-none = لا شيء مسجّل.
summary-removed_item = (أُزيل من الخطة)
summary-done = تم
summary-not_done = لم يتم بعد
summary-legend_mood = المزاج (خط متصل، دوائر)
summary-legend_craving = الرغبة (خط متقطع، مربعات)
summary-crisis_line_default = خط الأزمات المحلي
summary-available = متاح: «{ $when }»
summary-will = سيقوم بـ: «{ $what }»
preference-preferred = مفضّل
preference-acceptable = مقبول
preference-unacceptable = غير مقبول
preference-avoid = يُتجنّب
summary-goal_done = تحقّق
summary-compare_up = أعلى من { $before } في الثلاثين يومًا السابقة
summary-compare_down = أقل من { $before } في الثلاثين يومًا السابقة
summary-compare_same = قريب مما كان عليه في الثلاثين يومًا السابقة ({ $before })
summary-compare_none = لا توجد تسجيلات في الثلاثين يومًا السابقة للمقارنة
summary-course_rising = خلال آخر { $days } يومًا: في ارتفاع، بنحو { $change } نقطة
summary-course_falling = خلال آخر { $days } يومًا: في انخفاض، بنحو { $change } نقطة
summary-course_steady = خلال آخر { $days } يومًا: مستقر
summary-course_unknown = خلال آخر { $days } يومًا: التسجيلات أقل من أن تكفي للحكم

## Overdose risk and medication schedules (issue 22)
alert-tolerance_lowered =
    { $count ->
        [zero] تعاطٍ بعد { $count } يوم من دونه: قدرتك على التحمل أقل الآن، والكمية المعتادة قد تسبب جرعة زائدة
        [one] تعاطٍ بعد يوم واحد من دونه: قدرتك على التحمل أقل الآن، والكمية المعتادة قد تسبب جرعة زائدة
        [two] تعاطٍ بعد يومين من دونه: قدرتك على التحمل أقل الآن، والكمية المعتادة قد تسبب جرعة زائدة
        [few] تعاطٍ بعد { $count } أيام من دونه: قدرتك على التحمل أقل الآن، والكمية المعتادة قد تسبب جرعة زائدة
        [many] تعاطٍ بعد { $count } يومًا من دونه: قدرتك على التحمل أقل الآن، والكمية المعتادة قد تسبب جرعة زائدة
       *[other] تعاطٍ بعد { $count } يوم من دونه: قدرتك على التحمل أقل الآن، والكمية المعتادة قد تسبب جرعة زائدة
    }
reminder-dose_private = تذكير في { $time }
reminder-dose_detailed = { $name }، { $dose } في { $time }
reminder-refill_private = شيء لاستلامه في { $day }
reminder-refill_detailed = استلام { $name } في { $day } من { $place }
reminder-kit_expiry_private = شيء في خطتك تنتهي صلاحيته في { $day }
reminder-kit_expiry_detailed = تنتهي صلاحية عدة النالوكسون ({ $place }) في { $day }
summary-adherence = الأدوية المأخوذة حسب الموعد (آخر 30 يومًا)
summary-adherence_line = { $name } ({ $dose }): أُخذت { $taken } من { $due } جرعات
