package org.twofold.demo.model

import java.time.Clock
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.mapLatest
import org.twofold.core.Reminder
import org.twofold.core.ReminderCode
import org.twofold.kit.Store
import org.twofold.kit.coreZone
import org.twofold.kit.schedule

/**
 * A notification to post: what the lock screen may show. [name] and [place] are set only
 * when the person allowed detailed reminders; otherwise the text says "something on your
 * schedule at [time]" and names nothing.
 */
data class PlannedNotification(
    val notificationId: Int,
    val fireAtMs: Long,
    val time: String,
    val minutesBefore: Int,
    val name: String?,
    val place: String?,
)

/**
 * Turns the core's reminder list into notifications to schedule. The core already leaves the
 * meeting out unless `showDetail`; this keeps it that way even if a detailed reminder came
 * back for a private request (defence in depth: a lock screen is public).
 */
@OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
class ReminderPlanner(private val store: Store, private val clock: Clock, private val settings: AppSettings) {
    /**
     * The plan again after every change of the schedule — a meeting added here, imported, or
     * arriving from a mentor — so the alarms always match it.
     */
    fun plans(horizonDays: Int = 7): Flow<List<PlannedNotification>> = store.schedule().mapLatest { plan(horizonDays) }

    suspend fun plan(horizonDays: Int = 7): List<PlannedNotification> {
        val detail = settings.remindersShowDetail
        val reminders = store.call { reminders(clock.millis(), horizonDays.toUInt(), detail, clock.zone.coreZone()) }
        return reminders.map { it.toNotification(detail) }
    }

    private fun Reminder.toNotification(detail: Boolean): PlannedNotification {
        val named = detail && code == ReminderCode.DETAILED
        return PlannedNotification(
            notificationId = notificationId,
            fireAtMs = fireAtUtcMs,
            time = params["time"] ?: "",
            minutesBefore = offsetMinutes.toInt(),
            name = if (named) params["name"] else null,
            place = if (named) params["place"]?.ifBlank { null } else null,
        )
    }
}
