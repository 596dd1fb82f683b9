package org.twofold.demo.model

import java.util.Locale
import org.twofold.core.Lang

/**
 * The core's message catalogue for the person's languages, most preferred first: the first the
 * core speaks (English, Spanish, French, Portuguese, Arabic), else English. A person whose phone
 * lists German then Spanish reads Spanish, not English.
 */
fun coreLang(preferred: List<Locale>): Lang =
    preferred.firstNotNullOfOrNull { catalogues[it.language] } ?: Lang.EN

/** Whether the core's text in this language runs right to left (Arabic). */
val Lang.isRightToLeft: Boolean get() = this == Lang.AR

private val catalogues = mapOf(
    "en" to Lang.EN,
    "es" to Lang.ES,
    "fr" to Lang.FR,
    "pt" to Lang.PT,
    "ar" to Lang.AR,
)
