package org.twofold.demo.model

import java.lang.management.ManagementFactory
import java.time.Clock
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import org.twofold.kit.Store
import org.twofold.kit.coreDay
import org.twofold.kit.coreZone
import org.twofold.kit.homeScreen

/**
 * The cold-start measurement (printed, not asserted): in a fresh JVM, open the five-year store
 * made by `make-dataset` and show the today screen through the Kotlin layer — `Store.open`,
 * then the TodayModel's first loaded state (home-screen listener, next meetings, milestones,
 * open alerts). Then the same again in the warm JVM, for comparison.
 *
 *     ColdStartKt PATH KEY_HEX
 */
fun main(args: Array<String>) = runBlocking {
    require(args.size == 2) { "usage: ColdStartKt PATH KEY_HEX" }
    val (path, keyHex) = args
    val key = keyHex.chunked(2).map { it.toInt(16).toByte() }.toByteArray()
    val jvmStartMs = ManagementFactory.getRuntimeMXBean().startTime

    suspend fun openAndShowToday(): Triple<Double, Double, TodayState> {
        val t0 = System.nanoTime()
        val store = Store.open(path, key)
        val t1 = System.nanoTime()
        val scope = modelScope()
        val state = TodayModel(store, Clock.systemDefaultZone(), scope).state.first { it.loaded }
        val t2 = System.nanoTime()
        scope.cancel()
        store.close()
        return Triple((t1 - t0) / 1e6, (t2 - t1) / 1e6, state)
    }

    val (open, today, state) = openAndShowToday()
    val sinceJvmStart = System.currentTimeMillis() - jvmStartMs
    println(
        "cold start (five-year store, fresh JVM): open %.1f ms + today %.1f ms = %.1f ms; JVM start to today %d ms"
            .format(open, today, open + today, sinceJvmStart),
    )
    // Counts only: nothing from the person's data is printed.
    println(
        "cold start today screen: ${state.nextMeetings.size} next meetings, ${state.milestones.size} milestones, " +
            "${state.openAlerts.size} open alerts, check-in prompt ${state.needsCheckIn}",
    )
    val (warmOpen, warmToday, _) = openAndShowToday()
    println("cold start, for comparison warm (same JVM, second open): open %.1f ms + today %.1f ms".format(warmOpen, warmToday))

    // Where "today" goes, warm: each call the TodayModel makes, and the listener's first value.
    val store = Store.open(path, key)
    val clock = Clock.systemDefaultZone()
    val day = java.time.LocalDate.now(clock)
    fun ms(block: () -> Unit): Double { val t = System.nanoTime(); block(); return (System.nanoTime() - t) / 1e6 }
    val parts = linkedMapOf(
        "home screen listener, first value" to ms { runBlocking { store.homeScreen(day).first() } },
        "home_screen (direct)" to ms { runBlocking { store.call { homeScreen(day.coreDay()) } } },
        "next_occurrences" to ms { runBlocking { store.call { nextOccurrences(clock.millis(), 3u, clock.zone.coreZone()) } } },
        "recovery_progress" to ms { runBlocking { store.call { recoveryProgress(day.coreDay()) } } },
        "open_alerts" to ms { runBlocking { store.call { openAlerts(day.coreDay()) } } },
    )
    println("cold start, where today goes (warm): " + parts.entries.joinToString { (k, v) -> "%s %.1f ms".format(k, v) })
    store.close()
}
