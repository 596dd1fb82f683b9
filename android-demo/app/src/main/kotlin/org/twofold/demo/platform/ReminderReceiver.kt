package org.twofold.demo.platform

import android.app.NotificationManager
import android.app.PendingIntent
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import androidx.core.app.NotificationCompat
import org.twofold.demo.R
import org.twofold.demo.ui.MainActivity

/** Posts one reminder when its alarm fires. */
class ReminderReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val id = intent.getIntExtra(EXTRA_ID, 0)
        val text = intent.getStringExtra(EXTRA_TEXT) ?: return
        val open = PendingIntent.getActivity(
            context, 0, Intent(context, MainActivity::class.java), PendingIntent.FLAG_IMMUTABLE,
        )
        val notification = NotificationCompat.Builder(context, ReminderScheduler.CHANNEL)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(context.getString(R.string.reminder_title))
            .setContentText(text)
            // What a locked screen shows: never the meeting, whatever the setting.
            .setPublicVersion(
                NotificationCompat.Builder(context, ReminderScheduler.CHANNEL)
                    .setSmallIcon(R.drawable.ic_notification)
                    .setContentTitle(context.getString(R.string.reminder_title))
                    .build(),
            )
            .setContentIntent(open)
            .setAutoCancel(true)
            .build()
        // POST_NOTIFICATIONS may be denied (API 33+): then nothing shows, which is the person's choice.
        runCatching { context.getSystemService(NotificationManager::class.java).notify(id, notification) }
    }

    companion object {
        const val EXTRA_ID = "id"
        const val EXTRA_TEXT = "text"
    }
}
