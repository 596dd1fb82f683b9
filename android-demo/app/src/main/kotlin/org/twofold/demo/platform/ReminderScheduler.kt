package org.twofold.demo.platform

import android.app.AlarmManager
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import org.twofold.demo.R
import org.twofold.demo.model.PlannedNotification

/**
 * The core's reminder list as alarms that post notifications. Inexact alarms (no exact-alarm
 * permission needed); each reminder's id is stable, so scheduling again replaces, never
 * duplicates. The notification text is made here from string resources; it names the meeting
 * only when the planner set a name (the person allowed it).
 */
object ReminderScheduler {
    const val CHANNEL = "reminders"
    private const val PREFS = "twofold-reminders"

    fun createChannel(context: Context) {
        val channel = NotificationChannel(CHANNEL, context.getString(R.string.reminder_channel), NotificationManager.IMPORTANCE_DEFAULT)
        // Private on the lock screen unless the person chose detailed reminders.
        channel.lockscreenVisibility = android.app.Notification.VISIBILITY_PRIVATE
        context.getSystemService(NotificationManager::class.java).createNotificationChannel(channel)
    }

    fun replaceAll(context: Context, planned: List<PlannedNotification>) {
        val alarms = context.getSystemService(AlarmManager::class.java)
        val prefs = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        // Cancel what was scheduled before (only ids are kept: nothing else to leak).
        prefs.getStringSet("ids", emptySet())!!.forEach { id -> alarms.cancel(pending(context, id.toInt(), null)) }
        for (n in planned) {
            alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, n.fireAtMs, pending(context, n.notificationId, text(context, n)))
        }
        prefs.edit().putStringSet("ids", planned.map { it.notificationId.toString() }.toSet()).apply()
    }

    private fun text(context: Context, n: PlannedNotification): String = when {
        n.name != null && n.place != null -> context.getString(R.string.reminder_detailed_place, n.name, n.time, n.place)
        n.name != null -> context.getString(R.string.reminder_detailed, n.name, n.time)
        else -> context.getString(R.string.reminder_private, n.time)
    }

    private fun pending(context: Context, id: Int, text: String?): PendingIntent {
        val intent = Intent(context, ReminderReceiver::class.java)
            .putExtra(ReminderReceiver.EXTRA_ID, id)
            .putExtra(ReminderReceiver.EXTRA_TEXT, text)
        return PendingIntent.getBroadcast(context, id, intent, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE)
    }
}
