package org.twofold.demo.platform

import android.content.Context
import android.content.Intent
import android.net.Uri
import android.provider.CalendarContract
import androidx.core.content.FileProvider
import java.io.File
import org.twofold.demo.model.CalendarEvent
import org.twofold.demo.model.CrisisAction

/**
 * Hands things to the phone's own apps: the dialer and SMS app (the crisis screen: ACTION_DIAL
 * needs no permission and lets the person see the number before calling), the calendar, and
 * "open with" for exported files.
 */
object Intents {
    fun crisis(action: CrisisAction): Intent = when (action) {
        is CrisisAction.Call -> Intent(Intent.ACTION_DIAL, Uri.parse("tel:" + Uri.encode(action.number)))
        is CrisisAction.Text -> Intent(Intent.ACTION_SENDTO, Uri.parse("smsto:" + action.numbers.joinToString(";") { Uri.encode(it) }))
            .putExtra("sms_body", action.body)
    }

    fun calendarInsert(event: CalendarEvent): Intent = Intent(Intent.ACTION_INSERT)
        .setData(CalendarContract.Events.CONTENT_URI)
        .putExtra(CalendarContract.Events.TITLE, event.title)
        .putExtra(CalendarContract.EXTRA_EVENT_BEGIN_TIME, event.beginMs)
        .putExtra(CalendarContract.EXTRA_EVENT_END_TIME, event.endMs)
        .putExtra(CalendarContract.Events.EVENT_LOCATION, event.location)
        .putExtra(CalendarContract.Events.EVENT_TIMEZONE, event.timeZone)
        .apply { event.rrule?.let { putExtra(CalendarContract.Events.RRULE, it) } }

    /** Writes [text] to cache/exports/[name] and opens it with whatever app takes [mime]. */
    fun openExport(context: Context, name: String, mime: String, text: String): Intent {
        val dir = File(context.cacheDir, "exports").apply { mkdirs() }
        val file = File(dir, name).apply { writeText(text) }
        val uri = FileProvider.getUriForFile(context, context.packageName + ".files", file)
        return Intent(Intent.ACTION_VIEW).setDataAndType(uri, mime).addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
    }
}
