package org.twofold.demo.model

import org.twofold.core.LocalCrisisLine

/**
 * The crisis line to offer when the person's plan names none, by the phone's region (ISO
 * 3166 code). Kept in the app, offline, because the crisis screen must work with no signal.
 * Only lines whose numbers were checked are listed; elsewhere the screen shows the plan's own
 * lines and the person can enter theirs.
 */
object CrisisLines {
    private val byRegion = mapOf(
        "US" to LocalCrisisLine("988 Suicide & Crisis Lifeline", "988", textNumber = "988", url = "https://988lifeline.org", region = "US"),
        "CA" to LocalCrisisLine("9-8-8 Suicide Crisis Helpline", "988", textNumber = "988", url = "https://988.ca", region = "CA"),
        "ES" to LocalCrisisLine("Línea 024", "024", textNumber = null, url = null, region = "ES"),
        "GB" to LocalCrisisLine("Samaritans", "116 123", textNumber = null, url = "https://www.samaritans.org", region = "GB"),
        "MX" to LocalCrisisLine("Línea de la Vida", "800 911 2000", textNumber = null, url = null, region = "MX"),
    )

    fun forRegion(region: String): LocalCrisisLine? = byRegion[region.uppercase()]
}
