package org.twofold.kit

import java.time.LocalDate
import java.time.ZoneId

// The core takes days as `YYYY-MM-DD` and zones as IANA names: exactly what java.time prints
// (available on Android from API 26, the app's minSdk).

fun LocalDate.coreDay(): String = toString()

fun String.toLocalDate(): LocalDate = LocalDate.parse(this)

fun ZoneId.coreZone(): String = id
