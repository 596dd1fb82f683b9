package org.twofold.demo.platform

import android.content.Context
import org.twofold.demo.model.AppSettings

/** [AppSettings] in SharedPreferences: a relay address and one switch, no health data. */
class PrefsSettings(context: Context) : AppSettings {
    private val prefs = context.getSharedPreferences("twofold-settings", Context.MODE_PRIVATE)

    override var relayUrl: String?
        get() = prefs.getString(KEY_RELAY, null)
        set(value) = prefs.edit().putString(KEY_RELAY, value).apply()

    override var remindersShowDetail: Boolean
        get() = prefs.getBoolean(KEY_DETAIL, false)
        set(value) = prefs.edit().putBoolean(KEY_DETAIL, value).apply()

    private companion object {
        const val KEY_RELAY = "relay_url"
        const val KEY_DETAIL = "reminders_show_detail"
    }
}
