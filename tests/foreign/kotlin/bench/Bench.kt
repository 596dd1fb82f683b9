// Times typical calls from Kotlin through the generated bindings, against a baseline measured
// in the same run: `version()`, an FFI call that does no work (one string back). Prints
// per-call means and their ratio to the baseline. Run with tests/foreign/bench.sh.
package org.twofold.core.bench

import java.io.File
import java.nio.file.Files
import java.security.SecureRandom
import kotlinx.coroutines.runBlocking
import org.twofold.core.*

private fun contact(n: Int) = Contact(
    id = "contact-$n",
    name = "Contact $n",
    roles = listOf(ContactRole.PEER),
    phones = listOf(Phone("mobile", "+34 600 000 %03d".format(n))),
    availability = "evenings",
    notes = "Met at the Tuesday group",
)

private fun checkIn(n: Int) = NewCheckIn(
    day = "2026-%02d-%02d".format(1 + n / 28 % 12, 1 + n % 28),
    mood = (n % 11).toUByte(),
    craving = (n % 4).toUByte(),
    sleepHours = 7.0,
    medicationTaken = true,
    note = "Bench check-in $n",
)

/** Mean nanoseconds per call of [calls] runs of [body]. */
private inline fun meanNanos(calls: Int, body: (Int) -> Unit): Double {
    val start = System.nanoTime()
    for (i in 0 until calls) body(i)
    return (System.nanoTime() - start).toDouble() / calls
}

private fun row(name: String, calls: Int, nanos: Double, baseline: Double) =
    println("  %-26s %5d calls  mean %10.2f µs  %9.1f× baseline".format(name, calls, nanos / 1000, nanos / baseline))

/** The store goes under the directory given as the first argument, else the temporary one. */
fun main(args: Array<String>) = runBlocking {
    val parent = args.firstOrNull()?.let { File(it).toPath() }
    val dir = (if (parent != null) Files.createTempDirectory(parent, "twofold-bench") else Files.createTempDirectory("twofold-bench")).toFile()
    try {
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        val store = TwofoldStore.open(File(dir, "bench.db").path, key)
        for (n in 1..15) store.putContact(contact(n))

        // Reads first (on 15 contacts, no check-ins yet), then writes; each after a warm-up
        // (JIT, JNA's first calls, the library's lazy runtime).
        meanNanos(20_000) { version() }
        meanNanos(2_000) { store.listContacts() }
        val baseline = meanNanos(10_000) { version() }
        val list = meanNanos(1_000) { store.listContacts() }
        val home = meanNanos(1_000) { store.homeScreen("2026-06-15") }
        meanNanos(20) { store.recordCheckIn(checkIn(10_000 + it)) }
        val checkIns = meanNanos(200) { store.recordCheckIn(checkIn(it)) }

        println("kotlin bench: 15 contacts; record_check_in is durable (synchronous=FULL)")
        row("version() [baseline]", 10_000, baseline, baseline)
        row("listContacts()", 1_000, list, baseline)
        row("homeScreen(today)", 1_000, home, baseline)
        row("recordCheckIn() [suspend]", 200, checkIns, baseline)
        store.closeStore()
    } finally {
        dir.deleteRecursively()
    }
}
